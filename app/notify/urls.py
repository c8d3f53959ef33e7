"""Absolute links for e-mails, built inside or outside a request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

#: Where links point when no SPORTELLO_BASE_URL is set and no request is running.
FALLBACK_BASE_URL = "http://localhost:5000"


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for ``endpoint``.

    ``SPORTELLO_BASE_URL`` wins when set, so every mail links to the public
    address even when it was queued by a request that came in by another
    name. Without it, the current request's address is used, and outside a
    request (CLI, background sender) :data:`FALLBACK_BASE_URL`.
    """
    base = current_app.config["SPORTELLO_BASE_URL"]
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base or FALLBACK_BASE_URL)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)

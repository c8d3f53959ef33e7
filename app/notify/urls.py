"""Absolute links for e-mails, built inside or outside a request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

#: Where links point when no SPORTELLO_BASE_URL is set and no request is running.
FALLBACK_BASE_URL = "http://localhost:5000"


def request_base_url() -> str:
    """The address the current request came in by, for links made later outside it;
    empty when ``SPORTELLO_BASE_URL`` decides anyway or no request is running."""
    if current_app.config["SPORTELLO_BASE_URL"] or not has_request_context():
        return ""
    return request.url_root


def external_url(endpoint: str, *, base: str = "", **values) -> str:
    """An absolute URL for ``endpoint``.

    ``SPORTELLO_BASE_URL`` wins when set, so every mail links to the public
    address even when it was queued by a request that came in by another
    name. Without it, ``base`` (a :func:`request_base_url` kept from the
    request that caused the mail), else the current request's address, and
    outside a request (CLI, background sender) :data:`FALLBACK_BASE_URL`.
    """
    base = current_app.config["SPORTELLO_BASE_URL"] or base
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base or FALLBACK_BASE_URL)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)

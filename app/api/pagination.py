"""Cursor pages: opaque, signed cursors, a ``next`` in the body and a ``Link`` header.

A cursor is the position after the last row of a page (keyset, never an
offset), so rows created meanwhile neither shift nor repeat the next page. It
is signed with the app's secret and bound to the query that made it: a cursor
altered by hand, or reused with other filters, is refused with 422.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlencode

from flask import current_app, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Select

from app.api.errors import invalid
from app.extensions import db

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="sportello.api.cursor")


def fingerprint(*parts: Any) -> str:
    """A short digest of what a cursor belongs to (endpoint, filters, sort...)."""
    raw = json.dumps([request.endpoint, *parts], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def sign(position: Any, query: str) -> str:
    return _serializer().dumps({"p": position, "q": query})


def unsign(cursor: str, query: str) -> Any:
    """The position a cursor holds; 422 when it was altered or belongs to another query."""
    try:
        data = _serializer().loads(cursor)
    except BadData:
        data = None
    if not isinstance(data, dict) or data.get("q") != query:
        raise invalid({"cursor": _("Not a valid cursor.")},
                      _("This page link is not valid for this query; start from the first "
                        "page."))
    return data.get("p")


def limit_arg() -> int:
    raw = request.args.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise invalid({"limit": _("A whole number from 1 to %(n)s.", n=MAX_LIMIT)})
    return int(raw)


def id_page(statement: Select, id_column, query: str) -> tuple[list, str | None]:
    """One page of ``statement``'s rows in ``id_column`` order, and the next cursor."""
    limit = limit_arg()
    cursor = request.args.get("cursor")
    if cursor:
        after = unsign(cursor, query)
        if not isinstance(after, int):
            raise invalid({"cursor": _("Not a valid cursor.")})
        statement = statement.where(id_column > after)
    rows = list(db.session.scalars(statement.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (sign(rows[-1].id, query) if more and rows else None)


def page_response(items: list, next_cursor: str | None):
    """``{"items": [...], "next": cursor}`` with a ``Link: <...>; rel="next"`` header."""
    headers = {}
    if next_cursor:
        args = request.args.to_dict(flat=False)
        args["cursor"] = [next_cursor]
        url = url_for(request.endpoint, **(request.view_args or {}), _external=True)
        query = urlencode([(name, value) for name, values in args.items() for value in values])
        headers["Link"] = f'<{url}?{query}>; rel="next"'
    return {"items": items, "next": next_cursor}, 200, headers

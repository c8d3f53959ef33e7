"""Template helpers of the desk: times in the owner's zone, links to ticket numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import url_for
from flask_babel import format_datetime
from markupsafe import Markup, escape

from app.accounts.profile import owner_zone

_NUMBER = re.compile(r"\b\d{4}-\d{5,}\b")


def local_time(moment: datetime | None, style: str = "short") -> str:
    """A stored (naive UTC) time in the owner's time zone."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=UTC).astimezone(owner_zone())
    return format_datetime(local, style, rebase=False)


def ticket_links(text: str) -> Markup:
    """``text`` escaped, with ticket numbers linked to their staff page."""
    parts, last = [], 0
    for match in _NUMBER.finditer(text or ""):
        parts.append(escape(text[last:match.start()]))
        url = url_for("desk.ticket", number=match.group(0))
        parts.append(Markup('<a href="{}">{}</a>').format(url, match.group(0)))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)

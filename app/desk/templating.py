"""Template helpers of the desk: times in the owner's zone, links to ticket numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import url_for
from markupsafe import Markup, escape

from app.accounts.profile import owner_zone
from app.fields.schema import current_language

_NUMBER = re.compile(r"\b\d{4}-\d{5,}\b")


@lru_cache(maxsize=16384)
def _short_local(minute: datetime, language: str, zone: ZoneInfo) -> str:
    local = minute.replace(tzinfo=UTC).astimezone(zone)
    return format_datetime(local, "short", tzinfo=zone, locale=language)


def local_time(moment: datetime | None, language: str | None = None,
               zone: ZoneInfo | None = None) -> str:
    """A stored (naive UTC) time in the owner's time zone, to the minute.

    Formatting a time with Babel is the slowest part of a timeline or a queue
    row, and the short format shows minutes only, so each minute is formatted
    once per language and zone.
    """
    if moment is None:
        return ""
    return _short_local(moment.replace(second=0, microsecond=0),
                        language or current_language(), zone or owner_zone())


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

"""Small helpers the portal's templates use to print times and colours."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from babel.dates import format_datetime

from app.accounts.profile import owner_zone
from app.fields.schema import current_language

_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def local_time(moment: datetime | None) -> str:
    """A stored (naive UTC) time in the owner's time zone and the reader's language."""
    if moment is None:
        return ""
    return format_datetime(moment.replace(tzinfo=UTC), "short", tzinfo=owner_zone(),
                           locale=current_language())


def iso_time(moment: datetime | None) -> str:
    """The machine-readable form for ``<time datetime=...>``."""
    return "" if moment is None else moment.replace(tzinfo=UTC).isoformat()


def safe_colour(colour: str | None) -> str:
    """The colour if it is a plain hex colour (it goes into a style attribute), else ""."""
    return colour if colour and _COLOUR.match(colour) else ""


def file_size(size: int) -> str:
    """A file's size for people: bytes, KB or MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"

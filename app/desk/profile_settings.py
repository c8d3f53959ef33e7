"""The owner's company profile: what customers see in the portal and in e-mails.

Office hours are written per weekday as ``08:30-12:30, 14:00-18:00``; holidays
one date per line. The logo is kept in the instance folder's ``branding``
folder under a random name and served by the ``/logo`` page.
"""

from __future__ import annotations

import os
import re
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import OwnerProfile
from app.accounts.profile import get_profile, update_profile

WEEKDAYS = (
    ("mon", _l("Monday")), ("tue", _l("Tuesday")), ("wed", _l("Wednesday")),
    ("thu", _l("Thursday")), ("fri", _l("Friday")), ("sat", _l("Saturday")),
    ("sun", _l("Sunday")),
)
LOGO_MAX_BYTES = 1024 * 1024
#: Accepted logo formats by extension, and how their files start.
LOGO_FORMATS = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
TEXT_FIELDS = ("name", "email", "phone", "address", "vat_number", "website", "timezone",
               "default_language")


class ProfileError(ValueError):
    """Some inputs are not valid; ``fields`` maps input names to messages."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class Logo:
    filename: str
    data: bytes


def time_zones() -> list[str]:
    return sorted(available_timezones())


def format_hours(ranges: list) -> str:
    return ", ".join(f"{start}-{end}" for start, end in ranges or [])


def parse_hours(text: str) -> list[list[str]]:
    """``"08:30-12:30, 14:00-18:00"`` as ``[["08:30", "12:30"], ["14:00", "18:00"]]``."""
    ranges = []
    for part in (p for p in text.replace(";", ",").split(",") if p.strip()):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60) or (h2 == 24 and m2):
            raise ValueError(part)
        start, end = f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"
        if start >= end or (ranges and start < ranges[-1][1]):
            raise ValueError(part)
        ranges.append([start, end])
    return ranges


def parse_holidays(text: str) -> list[str]:
    """Dates, one per line (ISO or day/month/year), as sorted ISO dates."""
    found = set()
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
            with suppress(ValueError):
                found.add(datetime.strptime(line, pattern).date().isoformat())
                break
        else:
            raise ValueError(line)
    return sorted(found)


def check_logo(logo: Logo) -> str:
    """The logo's extension, or ``ValueError`` with a message for the user."""
    extension = os.path.splitext(logo.filename)[1].lstrip(".").lower()
    if extension not in LOGO_FORMATS or not logo.data.startswith(LOGO_FORMATS[extension]):
        raise ValueError(_("Upload a PNG, JPEG, GIF or WebP image."))
    if len(logo.data) > LOGO_MAX_BYTES:
        raise ValueError(_("The logo is larger than 1 MB."))
    return extension


def _branding_folder() -> str:
    return os.path.join(current_app.instance_path, "branding")


def _store_logo(logo: Logo, extension: str) -> str:
    folder = _branding_folder()
    os.makedirs(folder, exist_ok=True)
    name = f"logo-{secrets.token_hex(8)}.{extension}"
    with open(os.path.join(folder, name), "wb") as target:
        target.write(logo.data)
    return name


def _remove_logo_file(name: str) -> None:
    if name:
        with suppress(FileNotFoundError):
            os.remove(os.path.join(_branding_folder(), os.path.basename(name)))


def save_profile(values: dict[str, Any], hours: dict[str, str], holidays: str,
                 logo: Logo | None = None, remove_logo: bool = False) -> OwnerProfile:
    """Check and store the profile; a replaced logo's file is removed afterwards."""
    errors = {}
    office_hours = {}
    for day, _label in WEEKDAYS:
        try:
            ranges = parse_hours(hours.get(day, ""))
        except ValueError:
            errors[f"hours_{day}"] = _("Write the hours as 08:30-12:30, 14:00-18:00.")
            continue
        if ranges:
            office_hours[day] = ranges
    try:
        holiday_list = parse_holidays(holidays)
    except ValueError as bad:
        errors["holidays"] = _("%(line)s is not a date: write 2026-12-25 or 25/12/2026.",
                               line=str(bad))
        holiday_list = []
    if values.get("timezone") not in available_timezones():
        errors["timezone"] = _("Choose a time zone from the list.")
    if values.get("default_language") not in current_app.config["SPORTELLO_LANGUAGES"]:
        errors["default_language"] = _("Choose one of the listed options.")
    extension = None
    if logo is not None:
        try:
            extension = check_logo(logo)
        except ValueError as bad:
            errors["logo"] = str(bad)
    if errors:
        raise ProfileError(errors)
    previous = get_profile().logo_path
    changes = {name: (values.get(name) or "").strip() for name in TEXT_FIELDS}
    changes.update(office_hours=office_hours, holidays=holiday_list)
    stored = _store_logo(logo, extension) if logo is not None else None
    if stored:
        changes["logo_path"] = stored
    elif remove_logo:
        changes["logo_path"] = ""
    try:
        profile = update_profile(**changes)
    except BaseException:
        _remove_logo_file(stored or "")
        raise
    if "logo_path" in changes and previous != changes["logo_path"]:
        _remove_logo_file(previous)
    return profile

"""The owner's logo, embedded in HTML mail as an inline (CID) part.

Embedded rather than linked: the owner's server may be offline or behind a
firewall, and many mail clients block remote images.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass

from flask import current_app

from app.accounts.profile import get_profile

#: The Content-ID the HTML refers to as ``cid:<LOGO_CID>``.
LOGO_CID = "logo@sportello"


@dataclass(frozen=True)
class Logo:
    data: bytes
    maintype: str
    subtype: str
    filename: str


def logo_path() -> str | None:
    """The logo file in the instance folder, when one is set and present."""
    name = get_profile().logo_path
    if not name:
        return None
    path = os.path.join(current_app.instance_path, "branding", os.path.basename(name))
    return path if os.path.isfile(path) else None


def load_logo() -> Logo | None:
    path = logo_path()
    if path is None:
        return None
    content_type = mimetypes.guess_type(path)[0] or ""
    maintype, _, subtype = content_type.partition("/")
    if maintype != "image":
        return None
    with open(path, "rb") as handle:
        return Logo(handle.read(), maintype, subtype, os.path.basename(path))

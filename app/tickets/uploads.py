"""Checking and storing uploaded files as attachments."""

from __future__ import annotations

import mimetypes
import os
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.fields.schema import FieldDef
from app.tickets.models import Attachment
from app.tickets.storage import TooLarge, get_storage

_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


class UploadRefused(ValueError):
    """A file was refused; the message says why, for the user."""


def sanitise_filename(name: str) -> str:
    """A display name safe in headers and on any file system; keeps accented letters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem[:120] or "file"
    return f"{stem}.{extension[:16].lower()}" if extension else stem


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lstrip(".").lower()


def max_megabytes(field: FieldDef | None) -> float:
    """The largest file accepted, in megabytes: the global limit, or the field's if lower."""
    megabytes = float(current_app.config["SPORTELLO_MAX_UPLOAD_MB"])
    if field is not None and field.setting("max_size_mb"):
        megabytes = min(megabytes, float(field.setting("max_size_mb")))
    return megabytes


def limits(field: FieldDef | None) -> tuple[set[str], int]:
    """Allowed extensions and maximum size in bytes, narrowed by the field's settings."""
    allowed = {ext.lower() for ext in current_app.config["SPORTELLO_ALLOWED_EXTENSIONS"]}
    if field is not None:
        own = {ext.lower().lstrip(".") for ext in field.setting("allowed_extensions", [])}
        if own:
            allowed &= own
    return allowed, int(max_megabytes(field) * 1024 * 1024)


def real_files(files: Sequence[Any]) -> list[Any]:
    """Drop the empty parts a form sends when no file was chosen."""
    return [f for f in files if f is not None and getattr(f, "filename", "")]


def store_files(
    files: Sequence[Any],
    *,
    field: FieldDef | None,
    uploaded_by_id: int | None,
    stored_keys: list[str],
) -> list[Attachment]:
    """Check and store ``files``; new storage keys are appended to ``stored_keys`` so
    that the caller can remove them if its transaction fails."""
    allowed, limit = limits(field)
    storage = get_storage()
    attachments = []
    for upload in real_files(files):
        filename = sanitise_filename(upload.filename)
        extension = _extension(filename)
        if extension not in allowed:
            raise UploadRefused(
                _("%(name)s: files of this type are not accepted (allowed: %(allowed)s).",
                  name=filename, allowed=", ".join(sorted(allowed)))
            )
        try:
            key, size = storage.save(upload.stream, limit)
        except TooLarge:
            raise UploadRefused(
                # The owner's megabytes: the bytes, rounded down, would print 0.00999928.
                _("%(name)s is larger than %(mb)s MB.", name=filename,
                  mb=f"{max_megabytes(field):g}")
            ) from None
        stored_keys.append(key)
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        attachment = Attachment(
            filename=filename, storage_key=key, content_type=content_type, size=size,
            uploaded_by_id=uploaded_by_id, field_id=field.id if field else None,
        )
        db.session.add(attachment)
        attachments.append(attachment)
    return attachments


def discard(stored_keys: list[str]) -> None:
    """Remove files stored by a write that did not commit."""
    storage = get_storage()
    for key in stored_keys:
        storage.delete(key)

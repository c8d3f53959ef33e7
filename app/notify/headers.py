"""Message-ID, In-Reply-To and References: one thread per thread key in mail clients.

Every message gets a unique Message-ID. Messages with a thread key all answer
a stable root id derived from the key, so a client groups them even though
the root itself is never sent (the way GitHub threads notifications).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from urllib.parse import urlsplit

from flask import current_app

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def mail_domain() -> str:
    """The domain on the right of our message ids: the sender's, else the portal's."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    if isinstance(sender, tuple | list):
        sender = sender[-1]
    domain = sender.rpartition("@")[2].strip(" >")
    if not domain:
        domain = urlsplit(current_app.config["SPORTELLO_BASE_URL"]).hostname or ""
    return domain or "sportello.invalid"


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{mail_domain()}>"


def thread_root_id(thread_key: str) -> str:
    """The id every message of the thread answers; the same for the life of the install."""
    install = current_app.config["SPORTELLO_BASE_URL"] or mail_domain()
    digest = hashlib.sha256(f"{install}\n{thread_key}".encode()).hexdigest()[:12]
    slug = _UNSAFE.sub("-", thread_key).strip("-")[:60] or "thread"
    return f"<sportello.{slug}.{digest}@{mail_domain()}>"


def threading_headers(thread_key: str | None) -> tuple[str, str]:
    """(In-Reply-To, References) for a message of ``thread_key``; empty without one."""
    if not thread_key:
        return "", ""
    root = thread_root_id(thread_key)
    return root, root

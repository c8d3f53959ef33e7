"""A named lock with an expiry, held in the database.

On SQLite one sender runs at a time: the engine has a single writer anyway,
and the lock keeps a CLI sender and the background senders of several
workers from queueing behind each other. A crashed holder's lock expires.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from app.database import atomic
from app.notify.models import MailSenderLock
from app.timeutil import utcnow


def acquire(name: str, holder: str, ttl: timedelta) -> bool:
    """Take (or extend) the lock for ``holder``; False while someone else holds it."""
    now = utcnow()
    with atomic() as session:
        lock = session.get(MailSenderLock, name, populate_existing=True)
        if lock is None:
            session.add(MailSenderLock(name=name, holder=holder, expires_at=now + ttl))
            return True
        if lock.holder != holder and lock.expires_at > now:
            return False
        lock.holder = holder
        lock.expires_at = now + ttl
    return True


def release(name: str, holder: str) -> None:
    with atomic() as session:
        session.execute(
            delete(MailSenderLock).where(
                MailSenderLock.name == name, MailSenderLock.holder == holder
            )
        )

"""Claiming due messages so that each is sent by one sender, and recording outcomes.

A claim is a lease: the row turns ``sending`` with the claim time and the
sender's token, in a short transaction. On PostgreSQL concurrent senders skip
each other's rows (``FOR UPDATE SKIP LOCKED``); on SQLite the single-sender
lock (:mod:`app.notify.locking`) keeps a second sender out. A sender that
crashes leaves rows ``sending``; once the lease expires they are due again.
Before each message the sender renews its claim, and skips the message if
the claim is no longer its own.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.database import atomic, is_sqlite
from app.notify.failures import Failure, retry_delay
from app.notify.models import MailMessage, MailStatus
from app.timeutil import utcnow


def lease() -> timedelta:
    return timedelta(seconds=int(current_app.config["SPORTELLO_MAIL_LEASE_SECONDS"]))


def claim_batch(token: str, limit: int) -> list[MailMessage]:
    """Claim up to ``limit`` due messages (oldest due first) for the sender ``token``."""
    now = utcnow()
    due = or_(
        and_(MailMessage.status == MailStatus.PENDING, MailMessage.next_attempt_at <= now),
        and_(MailMessage.status == MailStatus.SENDING, MailMessage.claimed_at < now - lease()),
    )
    query = select(MailMessage).where(due).order_by(
        MailMessage.next_attempt_at, MailMessage.id
    ).limit(limit).execution_options(populate_existing=True)
    if not is_sqlite():
        query = query.with_for_update(skip_locked=True)
    with atomic() as session:
        rows = list(session.scalars(query))
        for row in rows:
            row.status = MailStatus.SENDING.value
            row.claimed_at = now
            row.claim_token = token
    return rows


def _mine(row: MailMessage, token: str):
    return and_(
        MailMessage.id == row.id,
        MailMessage.claim_token == token,
        MailMessage.status == MailStatus.SENDING,
    )


def renew_claim(row: MailMessage, token: str) -> bool:
    """Refresh the lease just before sending; False when another sender took the row."""
    with atomic() as session:
        result = session.execute(
            update(MailMessage).where(_mine(row, token)).values(claimed_at=utcnow())
        )
    return result.rowcount == 1


def record_sent(row: MailMessage, token: str) -> None:
    now = utcnow()
    _record(row, token, status=MailStatus.SENT.value, sent_at=now, last_error="")


def record_dropped(row: MailMessage, token: str, reason: str = "vetoed by a plugin") -> None:
    _record(row, token, status=MailStatus.DROPPED.value, last_error=reason)


def record_failure(row: MailMessage, token: str, failure: Failure) -> str:
    """Schedule a retry, or mark the message failed; returns the new status."""
    attempts = row.attempts + 1
    out_of_attempts = attempts >= int(current_app.config["SPORTELLO_MAIL_MAX_ATTEMPTS"])
    if failure.permanent or out_of_attempts:
        status = MailStatus.FAILED.value
        _record(row, token, status=status, last_error=failure.message[:2000])
    else:
        status = MailStatus.PENDING.value
        _record(
            row, token, status=status, last_error=failure.message[:2000],
            next_attempt_at=utcnow() + retry_delay(attempts),
        )
    return status


def _record(row: MailMessage, token: str, **values) -> None:
    with atomic() as session:
        session.execute(
            update(MailMessage).where(_mine(row, token)).values(
                attempts=MailMessage.attempts + 1, claimed_at=None, claim_token=None, **values
            ).execution_options(synchronize_session=False)
        )

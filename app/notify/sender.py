"""Deliver due messages of the outbox through Flask-Mail.

``send_pending`` claims a batch (see :mod:`app.notify.claims`), sends each
message over one SMTP connection and records the outcome of each in its own
short transaction: sent; failed for good (a 5xx for the recipient); or
retried later with exponential backoff (anything temporary). When the
connection itself fails, the rest of the batch is retried later too. Messages
queued unrendered (ticket e-mails) are rendered first, see
:mod:`app.notify.deferred`; before that, ticket mail batches are split into
messages (:mod:`app.notify.fanout`).
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass, field

from flask import current_app

from app.database import is_sqlite
from app.notify import claims, deferred, fanout, locking
from app.notify.delivery import SmtpConnection, build_email, open_connection
from app.notify.failures import Failure, classify
from app.notify.hooks import allow_send
from app.notify.models import MailMessage, MailStatus
from app.notify.problems import count_stuck_batches

LOCK_NAME = "mail-sender"


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Vetoed by a before-send hook, or with nothing left to say when rendered.
    dropped: int = 0
    #: Ticket mail batches the sender gave up splitting (listed on "Mail problems").
    stuck: int = 0
    #: Another sender holds the SQLite lock: this pass did nothing.
    locked: bool = False
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.locked:
            return "another sender is running: nothing done"
        return (
            f"claimed {self.claimed}, sent {self.sent}, "
            f"retrying {self.retrying}, failed {self.failed}"
            + (f", dropped {self.dropped}" if self.dropped else "")
            + (f"; {self.stuck} ticket change(s) whose e-mails could not be prepared"
               " (see Mail problems)" if self.stuck else "")
        )


def send_pending(limit: int = 50) -> SendReport:
    """Send up to ``limit`` due messages once; safe to run in several processes."""
    token = uuid.uuid4().hex
    report = SendReport()
    single = is_sqlite()
    if single and not locking.acquire(LOCK_NAME, token, claims.lease()):
        report.locked = True
        return report
    try:
        fanout.split_batches()
        # Read before the claim, whose transaction ends this one (none stays open).
        report.stuck = count_stuck_batches()
        rows = claims.claim_batch(token, limit)
        report.claimed = len(rows)
        if rows:
            _deliver(rows, token, report, single)
    finally:
        if single:
            locking.release(LOCK_NAME, token)
    return report


def _deliver(rows: list[MailMessage], token: str, report: SendReport, single: bool) -> None:
    connection: SmtpConnection | None = None
    renderings: dict = {}  # shared by the messages of this pass queued unrendered
    try:
        for index, row in enumerate(rows):
            if single:
                locking.acquire(LOCK_NAME, token, claims.lease())
            if not claims.renew_claim(row, token):
                continue
            try:
                if row.render_context is not None and not deferred.render_claimed(
                    row, token, renderings
                ):
                    claims.record_dropped(row, token, "its reader may no longer receive it")
                    report.dropped += 1
                    continue
                email = build_email(row)
                if not allow_send(email):
                    claims.record_dropped(row, token)
                    report.dropped += 1
                    continue
                if connection is None:
                    connection = open_connection().__enter__()
                connection.send(email)
            except Exception as error:  # every delivery error is recorded on its row
                failure = classify(error)
                _note(row, token, failure, report)
                if failure.connection_lost:
                    _close(connection)
                    connection = None
                    for rest in rows[index + 1:]:
                        _note(rest, token, failure, report)
                    return
            else:
                claims.record_sent(row, token)
                report.sent += 1
    finally:
        _close(connection)


def _note(row: MailMessage, token: str, failure: Failure, report: SendReport) -> None:
    status = claims.record_failure(row, token, failure)
    if status == MailStatus.FAILED:
        report.failed += 1
    else:
        report.retrying += 1
    report.errors.append(f"{row.to_email}: {failure.message}")
    current_app.logger.warning("Mail %s to %s not sent: %s", row.id, row.to_email, failure.message)


def _close(connection: SmtpConnection | None) -> None:
    if connection is not None:
        with suppress(Exception):  # the server may already have dropped us
            connection.__exit__(None, None, None)

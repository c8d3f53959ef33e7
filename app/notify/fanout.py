"""Splitting ticket mail batches into one outbox row per recipient: the sender's
first step, before it claims messages.

A batch is split in the transaction that deletes it, so its messages are
queued exactly once: on PostgreSQL concurrent senders skip each other's batches
(``FOR UPDATE SKIP LOCKED``); on SQLite the single-sender lock keeps a second
sender out. Each batch is split in a savepoint: one that fails (a bug, a field
type gone) is logged and retried on later passes, up to ``MAX_ATTEMPTS``,
without holding up the others.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, select, update

from app.database import atomic, is_sqlite
from app.notify.models import TicketMailBatch
from app.notify.outbox import enqueue_rows
from app.notify.recipients import Happening, TicketFacts
from app.notify.ticket_mail import ticket_mail_rows

MAX_ATTEMPTS = 10
#: Batches split per transaction; a pass goes on until none is left.
CHUNK = 100
log = logging.getLogger(__name__)


def _split_chunk() -> tuple[int, int]:
    """Split up to :data:`CHUNK` batches; returns (batches taken, batches split)."""
    split = 0
    with atomic() as session:
        query = (select(TicketMailBatch)
                 .where(TicketMailBatch.attempts < MAX_ATTEMPTS)
                 .order_by(TicketMailBatch.id).limit(CHUNK))
        if not is_sqlite():
            query = query.with_for_update(skip_locked=True)
        batches = session.scalars(query).all()
        for batch in batches:
            try:
                with session.begin_nested():
                    enqueue_rows(ticket_mail_rows(
                        TicketFacts(**batch.facts),
                        [Happening(**happening) for happening in batch.happenings],
                        batch.ticket_values, batch.base_url,
                    ))
                    session.execute(delete(TicketMailBatch)
                                    .where(TicketMailBatch.id == batch.id)
                                    .execution_options(synchronize_session=False))
            except Exception:
                log.exception("Splitting the mail batch %s of ticket %s failed",
                              batch.id, batch.ticket_id)
                session.execute(update(TicketMailBatch)
                                .where(TicketMailBatch.id == batch.id)
                                .values(attempts=TicketMailBatch.attempts + 1))
                continue
            split += 1
    return len(batches), split


def split_batches() -> int:
    """Turn every waiting batch into outbox rows; returns how many were split."""
    total = 0
    while True:
        taken, split = _split_chunk()
        total += split
        if taken < CHUNK or not split:
            return total

"""What the owner sees on "Mail problems": failed and retrying messages, ticket mail
batches the sender gave up splitting; requeueing one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from app.database import atomic
from app.extensions import db
from app.notify.fanout import MAX_ATTEMPTS
from app.notify.models import MailMessage, MailStatus, TicketMailBatch
from app.tickets.models import Ticket
from app.timeutil import utcnow

#: Rows shown per list; older problems stay in the table.
SHOWN = 200


def failed_messages() -> list[MailMessage]:
    return list(db.session.scalars(
        select(MailMessage).where(MailMessage.status == MailStatus.FAILED)
        .order_by(MailMessage.created_at.desc(), MailMessage.id.desc()).limit(SHOWN)
    ))


def retrying_messages() -> list[MailMessage]:
    """Messages waiting for another attempt after a temporary failure."""
    return list(db.session.scalars(
        select(MailMessage).where(
            MailMessage.status == MailStatus.PENDING, MailMessage.attempts > 0
        ).order_by(MailMessage.next_attempt_at, MailMessage.id).limit(SHOWN)
    ))


def requeue(message_id: int) -> bool:
    """Put a failed message back in the queue for an attempt now; False if not failed."""
    with atomic() as session:
        message = session.get(MailMessage, message_id, populate_existing=True)
        if message is None or message.status != MailStatus.FAILED:
            return False
        message.status = MailStatus.PENDING.value
        message.attempts = 0
        message.next_attempt_at = utcnow()
    return True


@dataclass(frozen=True)
class StuckBatch:
    """A ticket change whose e-mails could not be prepared (split per recipient)."""

    id: int
    #: None when the ticket was deleted since.
    ticket_number: str | None
    created_at: datetime
    attempts: int


def _stuck():
    return TicketMailBatch.attempts >= MAX_ATTEMPTS


def stuck_batches() -> list[StuckBatch]:
    """Batches whose split failed ``MAX_ATTEMPTS`` times: the sender no longer tries them."""
    rows = db.session.execute(
        select(TicketMailBatch.id, Ticket.number, TicketMailBatch.created_at,
               TicketMailBatch.attempts)
        .outerjoin(Ticket, Ticket.id == TicketMailBatch.ticket_id)
        .where(_stuck())
        .order_by(TicketMailBatch.created_at.desc(), TicketMailBatch.id.desc()).limit(SHOWN)
    )
    return [StuckBatch(*row) for row in rows]


def count_stuck_batches() -> int:
    return db.session.scalar(select(func.count()).select_from(TicketMailBatch).where(_stuck()))


def retry_batch(batch_id: int) -> bool:
    """Let the next sender pass try to split the batch again; False if it is not stuck."""
    with atomic() as session:
        result = session.execute(
            update(TicketMailBatch).where(TicketMailBatch.id == batch_id, _stuck())
            .values(attempts=0).execution_options(synchronize_session=False)
        )
    return result.rowcount == 1

"""What the owner sees on "Mail problems": failed and retrying messages; requeueing one."""

from __future__ import annotations

from sqlalchemy import select

from app.database import atomic
from app.extensions import db
from app.notify.models import MailMessage, MailStatus
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

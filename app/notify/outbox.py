"""Queue a message in the outbox, inside the caller's transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.notify.headers import new_message_id, threading_headers
from app.notify.models import MailMessage, MailStatus
from app.notify.rendering import mail_language, render_mail
from app.timeutil import utcnow


def enqueue_mail(
    *,
    to_email: str,
    template: str,
    context: dict,
    language: str | None,
    recipient: User | None = None,
    thread_key: str | None = None,
    ticket_id: int | None = None,
) -> MailMessage:
    """Render ``mail/<template>`` and add the message to the current session.

    Nothing is committed here: call it inside the ``atomic()`` block of the
    change that causes the mail, so both are stored together or not at all.
    A sender delivers the row later (``flask sportello send-mail``).
    """
    language = mail_language(language or (recipient.language if recipient else None))
    rendered = render_mail(template, {"recipient": recipient, **context}, language)
    in_reply_to, references = threading_headers(thread_key)
    message = MailMessage(
        to_email=to_email.strip(),
        recipient_id=recipient.id if recipient is not None else None,
        language=language,
        template=template,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        message_id=new_message_id(),
        in_reply_to=in_reply_to,
        reference_ids=references,
        thread_key=thread_key,
        ticket_id=ticket_id,
        status=MailStatus.PENDING.value,
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="",
    )
    db.session.add(message)
    return message


def recent_mail_count(to_email: str, templates: tuple[str, ...], hours: int = 1) -> int:
    """How many of these mails were queued for ``to_email`` lately (to throttle them)."""
    since = utcnow() - timedelta(hours=hours)
    return db.session.scalar(
        select(func.count()).select_from(MailMessage).where(
            MailMessage.to_email == to_email.strip(),
            MailMessage.template.in_(templates),
            MailMessage.created_at >= since,
        )
    ) or 0

"""Queue a message in the outbox, inside the caller's transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, select

from app.accounts.models import User
from app.extensions import db
from app.notify.headers import new_message_id, threading_headers
from app.notify.models import MailMessage, MailStatus
from app.notify.rendering import RenderedMail, mail_language, render_mail
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
    message = MailMessage(**outbox_row(
        to_email=to_email, template=template, rendered=rendered, language=language,
        recipient_id=recipient.id if recipient is not None else None,
        thread_key=thread_key, ticket_id=ticket_id,
    ))
    db.session.add(message)
    return message


def outbox_row(
    *,
    to_email: str,
    template: str,
    rendered: RenderedMail | None,
    language: str,
    recipient_id: int | None,
    thread_key: str | None,
    ticket_id: int | None,
    render_context: dict | None = None,
) -> dict:
    """The columns of a new outbox row, for :func:`enqueue_mail` or :func:`enqueue_rows`.

    Without ``rendered``, ``render_context`` says how the sender renders the
    message before its first attempt (see :mod:`app.notify.deferred`).
    """
    if rendered is None and render_context is None:
        raise ValueError("an outbox row needs its rendering or a render context")
    rendered = rendered or RenderedMail("", "", "")
    in_reply_to, references = threading_headers(thread_key)
    return {
        "to_email": to_email.strip(),
        "recipient_id": recipient_id,
        "language": language,
        "template": template,
        "subject": rendered.subject,
        "text_body": rendered.text,
        "html_body": rendered.html,
        "message_id": new_message_id(),
        "in_reply_to": in_reply_to,
        "reference_ids": references,
        "thread_key": thread_key,
        "ticket_id": ticket_id,
        "status": MailStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": utcnow(),
        "last_error": "",
        "render_context": render_context,
        "created_at": utcnow(),
    }


def enqueue_rows(rows: list[dict]) -> None:
    """Insert many :func:`outbox_row` rows at once, in the caller's transaction.

    One INSERT for all of them: the write path stays fast when a change
    mails many people (every agent alerted about a new ticket). Call it inside
    the transaction of the change, like :func:`enqueue_mail`.
    """
    if rows:
        db.session.execute(insert(MailMessage.__table__), rows)


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

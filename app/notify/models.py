"""The mail outbox: one row per message to one recipient, and the SQLite sender lock."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class MailStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender (until the lease expires)
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts: listed on "Mail problems"
    DROPPED = "dropped"  # a plugin vetoed it before sending (not a problem)


class MailMessage(db.Model):
    """A rendered message waiting to be delivered, or the record of its delivery.

    Rows are written in the transaction of the change that caused them (the
    transactional outbox), so a change is never stored without its mail.
    """

    __tablename__ = "mail_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_email: Mapped[str] = mapped_column(String(254))
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    #: The template name under templates/mail/, kept to explain and to throttle.
    template: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(500))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    in_reply_to: Mapped[str] = mapped_column(String(255), default="")
    #: The References header: message ids separated by spaces.
    reference_ids: Mapped[str] = mapped_column(Text, default="")
    #: Messages with the same key ("ticket-42") share a thread in mail clients.
    thread_key: Mapped[str | None] = mapped_column(String(100))
    #: The ticket the message is about (no foreign key: tickets live in another package).
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), default=MailStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: Set on messages queued before they are rendered (ticket e-mails): what the
    #: sender needs to render them before the first attempt; None once rendered.
    render_context: Mapped[dict | None] = mapped_column(JSON)
    #: When a sender claimed the row; the claim is a lease that expires.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Which sender holds the claim; a sender only records outcomes of its own claims.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        # The sender's two questions: what is due, and whose lease has expired.
        db.Index("ix_mail_message_status_next_attempt_at", "status", "next_attempt_at"),
        db.Index("ix_mail_message_status_claimed_at", "status", "claimed_at"),
        # Throttling account mails per address.
        db.Index("ix_mail_message_to_email_created_at", "to_email", "created_at"),
    )

    def __repr__(self) -> str:
        return f"<MailMessage {self.id} {self.template} to {self.to_email} {self.status}>"


class MailSenderLock(db.Model):
    """A named lock with an expiry: on SQLite only one sender runs at a time."""

    __tablename__ = "mail_sender_lock"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class MailPreference(db.Model):
    """A person's choice for one kind of ticket e-mail (see :mod:`app.notify.preferences`).

    Only choices are stored: a missing row means the default of its key.
    """

    __tablename__ = "mail_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    #: A key of ``app.notify.preferences.PREFERENCES`` ("ticket_replied", "company_tickets"...).
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TicketMailBatch(db.Model):
    """What one ticket change asks to e-mail, before it is split per recipient.

    Written in the transaction of the change (one row however many people it
    mails: creating an unassigned ticket alerts every agent); the sender turns
    it into :class:`MailMessage` rows, one per recipient, and deletes it in one
    transaction (:mod:`app.notify.fanout`).
    """

    __tablename__ = "ticket_mail_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(Integer)
    #: The ticket's people as the change left them (see ``TicketFacts``).
    facts: Mapped[dict] = mapped_column(JSON)
    #: The events of the change: [{"topic", "actor_id", "payload"}].
    happenings: Mapped[list] = mapped_column(JSON)
    #: Every value of the ticket after the change, by field key (the messages show these).
    ticket_values: Mapped[dict] = mapped_column(JSON)
    #: The portal's address as the change's request saw it (links in the messages).
    base_url: Mapped[str] = mapped_column(String(500), default="")
    #: Failed splits so far (a batch that keeps failing is logged, then left alone).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

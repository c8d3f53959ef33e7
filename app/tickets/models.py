"""Tickets, their typed custom values, history, comments, attachments and the outbox."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class StatusCategory(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"  # waiting on the customer
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class Status(db.Model):
    """A configurable ticket status; its category drives workflow and stages."""

    __tablename__ = "ticket_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_it: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(16), default=StatusCategory.OPEN.value)
    colour: Mapped[str] = mapped_column(String(16), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def is_closed(self) -> bool:
        return self.category == StatusCategory.CLOSED


class TicketCounter(db.Model):
    """The last ticket number drawn per year; incremented under a row lock."""

    __tablename__ = "ticket_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(db.Model):
    """A ticket. Built-in fields are columns; custom fields live in ``TicketValue``."""

    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_request_date_id", "request_date", "id"),
        Index("ix_ticket_status_id_request_date", "status_id", "request_date", "id"),
        Index("ix_ticket_company_id_request_date", "company_id", "request_date", "id"),
        Index("ix_ticket_assignee_id_status_id", "assignee_id", "status_id"),
        Index("ix_ticket_created_at_id", "created_at", "id"),
        Index("ix_ticket_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human and unique: "2026-00042".
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status_id: Mapped[int] = mapped_column(ForeignKey("ticket_status.id"))
    #: Key of an item of the priority list.
    priority: Mapped[str | None] = mapped_column(String(64), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    notify_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), index=True
    )
    request_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    status: Mapped[Status] = relationship(lazy="joined")
    company = relationship("Company")
    requester = relationship("User", foreign_keys=[requester_id])
    notify_person = relationship("User", foreign_keys=[notify_person_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    values: Mapped[list[TicketValue]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="TicketValue.seq"
    )


class TicketValue(db.Model):
    """One typed value of a custom field; multi-valued fields have one row per value.

    Each type stores into one column: ``text`` (short, indexed), ``long`` (not
    indexed), ``number`` (a double: exact for the integers and decimals the
    types admit) or ``moment``. Indexes by (field, value, ticket) make any
    custom field filterable and sortable on both engines.
    """

    __tablename__ = "ticket_value"
    __table_args__ = (
        Index("ix_ticket_value_ticket_id_field_id", "ticket_id", "field_id"),
        Index("ix_ticket_value_field_id_text", "field_id", "text", "ticket_id"),
        Index("ix_ticket_value_field_id_number", "field_id", "number", "ticket_id"),
        Index("ix_ticket_value_field_id_moment", "field_id", "moment", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    field_id: Mapped[int] = mapped_column(ForeignKey("ticket_field.id"))
    seq: Mapped[int] = mapped_column(SmallInteger, default=0)
    text: Mapped[str | None] = mapped_column(String(500))
    long: Mapped[str | None] = mapped_column(Text)
    number: Mapped[float | None] = mapped_column(Float)
    moment: Mapped[datetime | None] = mapped_column(DateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="values")


class Comment(db.Model):
    """A public reply or an internal note (staff only, never shown to customers)."""

    __tablename__ = "ticket_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Markdown as written.
    body: Mapped[str] = mapped_column(Text)
    #: Rendered and sanitised HTML.
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author = relationship("User")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="comment", order_by="Attachment.id"
    )


class Attachment(db.Model):
    """A stored file: of a comment, of an attachment field, or of the ticket itself."""

    __tablename__ = "ticket_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_comment.id"), index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_field.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The sanitised original name, shown and offered on download.
    filename: Mapped[str] = mapped_column(String(255))
    #: Where the storage keeps the bytes: a random name, never derived from the upload.
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    comment: Mapped[Comment | None] = relationship(back_populates="attachments")


class TicketEvent(db.Model):
    """One entry of a ticket's history: who changed what, from what to what.

    ``kind`` is ``created``, ``change`` (one field: ``field_key``, ``old``,
    ``new``), ``comment`` or ``merged``. Values are stored in their JSON form;
    ``labels`` keeps the list labels as they were, so relabelling an item
    never rewrites history.
    """

    __tablename__ = "ticket_event"
    __table_args__ = (Index("ix_ticket_event_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_field.id"))
    field_key: Mapped[str | None] = mapped_column(String(64))
    old: Mapped[object | None] = mapped_column(JSON)
    new: Mapped[object | None] = mapped_column(JSON)
    labels: Mapped[dict | None] = mapped_column(JSON)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_comment.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    actor = relationship("User")
    comment: Mapped[Comment | None] = relationship()


class AuditEntry(db.Model):
    """A refused or sensitive action, kept even when the action itself stored nothing."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")


class OutboxEvent(db.Model):
    """A ticket event stored with the change that caused it, dispatched after commit."""

    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_dispatched_at_id", "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)

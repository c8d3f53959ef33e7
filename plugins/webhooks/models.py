"""The webhooks plugin's tables; their migration is in migrations/ (branch "webhooks")."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt failed; the owner may retry it


class Endpoint(db.Model):
    """An address of the owner's that receives ticket events."""

    __tablename__ = "webhooks_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    #: Signs every request; shown to the owner, who configures it in the receiver.
    secret: Mapped[str] = mapped_column(String(100))
    #: The event topics it receives, e.g. ["ticket.created", "ticket.closed"].
    topics: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: An internal system: it also gets fields hidden from customers and internal notes.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Delivery(db.Model):
    """One event for one endpoint: its body, frozen when the event was dispatched, and
    how sending it went."""

    __tablename__ = "webhooks_delivery"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id",
                         name="uq_webhooks_delivery_endpoint_id_event_id"),
        Index("ix_webhooks_delivery_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhooks_delivery_endpoint_id_id", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks_endpoint.id", ondelete="CASCADE")
    )
    #: The event's id, the same in every retry (receivers use it to ignore repeats).
    event_id: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(40))
    ticket_number: Mapped[str] = mapped_column(String(20))
    #: The JSON sent, byte for byte the same at every attempt.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: A sender has claimed it until then (several senders may run).
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)

    endpoint: Mapped[Endpoint] = relationship()

"""The SLA plugin's tables; their migration is in migrations/ (branch "sla")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class SlaTarget(db.Model):
    """The targets of one priority, in minutes of open office time."""

    __tablename__ = "sla_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A key of the priority list; "" for tickets without a priority.
    priority: Mapped[str] = mapped_column(String(64), unique=True)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SlaState(db.Model):
    """A ticket's clocks as the events left them, with the due times they give.

    The due times are stored so that lists show them without replaying history;
    ``basis`` fingerprints the office hours and targets they were computed with,
    so that a change of either is noticed and the due times computed again.
    """

    __tablename__ = "sla_state"
    __table_args__ = (
        Index("ix_sla_state_first_response_due_at", "first_response_due_at"),
        Index("ix_sla_state_resolution_due_at", "resolution_due_at"),
    )

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    priority: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    #: Open time counted up to running_since, in seconds.
    counted_seconds: Mapped[int] = mapped_column(Integer, default=0)
    #: Since when the clocks run; None while waiting on the customer or resolved.
    running_since: Mapped[datetime | None] = mapped_column(DateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_response_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_response_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(String(32), default="")


class SlaBreach(db.Model):
    """A target missed: recorded once per ticket and kind, and notified."""

    __tablename__ = "sla_breach"
    __table_args__ = (UniqueConstraint("ticket_id", "kind", name="uq_sla_breach_ticket_id_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    #: "first_response" or "resolution".
    kind: Mapped[str] = mapped_column(String(20))
    #: The due time missed, when the clock was running then.
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    detected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

"""Interventions and their materials, billing rates, reports and their counter.

Money, rates and quantities are :class:`~decimal.Decimal` in
:class:`~app.reports.columns.ExactDecimal` columns, never floats.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.reports.columns import ExactDecimal
from app.timeutil import utcnow

#: A rate or a price: up to 99,999,999.9999.
RATE = ExactDecimal(12, 4)
#: An amount of money, to the cent.
AMOUNT = ExactDecimal(14, 2)
#: A quantity of material or a distance in kilometres.
QUANTITY = ExactDecimal(12, 3)
#: A percentage, e.g. 22.00 (VAT).
PERCENT = ExactDecimal(5, 2)


class BillingSettings(db.Model):
    """The owner's billing rates: one row, edited on the rates page."""

    __tablename__ = "billing_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Used for a company without its own rate and an operator without one.
    default_hourly_rate: Mapped[Decimal] = mapped_column(RATE, default=Decimal("0"))
    travel_hourly_rate: Mapped[Decimal] = mapped_column(RATE, default=Decimal("0"))
    travel_km_rate: Mapped[Decimal] = mapped_column(RATE, default=Decimal("0"))
    #: Worked time is rounded up to a multiple of this many minutes (0 or 1: not rounded).
    increment_minutes: Mapped[int] = mapped_column(Integer, default=15)
    #: The least labour charge of a billable on-site intervention.
    minimum_charge: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal("22"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class OperatorRate(db.Model):
    """An operator's own hourly rate, used instead of the company's or the default."""

    __tablename__ = "billing_operator_rate"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    hourly_rate: Mapped[Decimal] = mapped_column(RATE)


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    CANCELLED = "cancelled"


class Intervention(db.Model):
    """Work done on a ticket by one operator, on site or remote.

    ``work_date`` is the owner's local date; ``start_at`` and ``end_at`` (when
    the operator gave times) are UTC instants, so work across midnight or a
    change of summer time lasts what it really lasted. ``minutes`` is the
    worked time, from the times or as entered. ``report_id`` is set while an
    issued report holds the intervention: it cannot change until the report
    is cancelled.
    """

    __tablename__ = "intervention"
    __table_args__ = (
        Index("ix_intervention_ticket_id_work_date", "ticket_id", "work_date"),
        Index("ix_intervention_report_id_work_date", "report_id", "work_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    operator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    work_date: Mapped[date] = mapped_column(Date)
    start_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_at: Mapped[datetime | None] = mapped_column(DateTime)
    minutes: Mapped[int] = mapped_column(Integer)
    on_site: Mapped[bool] = mapped_column(Boolean, default=False)
    travel_minutes: Mapped[int] = mapped_column(Integer, default=0)
    travel_km: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal("0"))
    #: What the customer reads on the report.
    description: Mapped[str] = mapped_column(Text)
    #: For staff only: never on a report, a PDF, a CSV or a portal page.
    internal_note: Mapped[str] = mapped_column(Text, default="")
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    ticket = relationship("Ticket")
    operator = relationship("User", foreign_keys=[operator_id])
    report: Mapped[Report | None] = relationship(foreign_keys=[report_id])
    materials: Mapped[list[MaterialLine]] = relationship(
        back_populates="intervention", cascade="all, delete-orphan",
        order_by="MaterialLine.position",
    )


class MaterialLine(db.Model):
    """Material used in an intervention: quantity × unit price."""

    __tablename__ = "intervention_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("intervention.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price: Mapped[Decimal] = mapped_column(RATE)

    intervention: Mapped[Intervention] = relationship(back_populates="materials")


class ReportCounter(db.Model):
    """The last report number drawn per year; incremented under a row lock."""

    __tablename__ = "report_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Report(db.Model):
    """An intervention report for one company.

    A draft holds what to include (the company, an optional period, optional
    tickets) and shows the matching unlocked interventions priced at today's
    rates. Issuing draws the number, freezes every line and the totals into
    ``ReportItem`` rows and locks the interventions. Cancelling unlocks them;
    the number stays used and the cancellation is recorded.
    """

    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_company_id_status", "company_id", "status"),
        Index("ix_report_status_issued_at", "status", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "2026/0001", drawn when issued; None for a draft.
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.DRAFT.value)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    #: Ids of the chosen tickets; empty: every ticket of the company.
    ticket_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: A note printed on the report, for the customer.
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The owner's local date of issue, printed on the report.
    issue_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="")
    vat_rate: Mapped[Decimal | None] = mapped_column(PERCENT)
    net_total: Mapped[Decimal | None] = mapped_column(AMOUNT)
    vat_total: Mapped[Decimal | None] = mapped_column(AMOUNT)
    gross_total: Mapped[Decimal | None] = mapped_column(AMOUNT)

    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The name the manager signed with.
    acknowledged_name: Mapped[str] = mapped_column(String(200), default="")
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)

    company = relationship("Company")
    created_by = relationship("User", foreign_keys=[created_by_id])
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    cancelled_by = relationship("User", foreign_keys=[cancelled_by_id])
    acknowledged_by = relationship("User", foreign_keys=[acknowledged_by_id])
    items: Mapped[list[ReportItem]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportItem.position"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED

    @property
    def is_cancelled(self) -> bool:
        return self.status == ReportStatus.CANCELLED


class ReportItem(db.Model):
    """One intervention of an issued report, frozen as printed (``data``, JSON).

    The intervention may change or go once a cancellation unlocks it; the
    cancelled report still shows what it said.
    """

    __tablename__ = "report_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"),
                                           index=True)
    intervention_id: Mapped[int | None] = mapped_column(
        ForeignKey("intervention.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    report: Mapped[Report] = relationship(back_populates="items")

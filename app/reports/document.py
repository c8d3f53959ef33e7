"""What a report shows: its lines grouped by ticket, and the totals.

A draft is computed now, from the unlocked interventions it matches at
today's rates; an issued or cancelled report is read from the lines frozen
when it was issued. Either way only customer-facing text is included: the
ticket's title through the gate, as a customer would read it, and the
intervention's description — never its internal note.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Company, Role, User
from app.extensions import db
from app.fields.gate import Viewer, redact, stage_for
from app.fields.schema import current_schema
from app.reports.lines import Line, line_for
from app.reports.models import Intervention, Report
from app.reports.pricing import Totals, totals
from app.reports.rates import RateBook, get_settings
from app.tickets.models import Ticket
from app.tickets.queries import visible_to

#: Whom a report is written for: what a customer person may read of a ticket.
CUSTOMER_READER = Viewer(role=Role.CUSTOMER.value)


@dataclass
class TicketGroup:
    ticket_number: str
    ticket_title: str
    lines: list[Line] = field(default_factory=list)

    @property
    def billed_minutes(self) -> int:
        return sum(line.price.billed_minutes for line in self.lines)

    @property
    def total(self) -> Decimal:
        return sum((line.price.total for line in self.lines), Decimal("0.00"))


@dataclass
class Document:
    report: Report
    company: Company
    groups: list[TicketGroup]
    totals: Totals
    currency: str

    @property
    def lines(self) -> list[Line]:
        return [line for group in self.groups for line in group.lines]

    @property
    def fingerprint(self) -> str:
        """Changes whenever a line, an amount or the VAT rate would print differently."""
        payload = json.dumps([[line.to_json() for line in self.lines], str(self.totals.vat_rate)],
                             sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


def matching_interventions(actor: Any, report: Report, lock: bool = False) -> Select:
    """The unlocked interventions a draft report covers, grouped by ticket."""
    statement = (
        select(Intervention)
        .join(Ticket, Ticket.id == Intervention.ticket_id)
        .where(Ticket.company_id == report.company_id, Intervention.report_id.is_(None),
               visible_to(actor, current_schema()))
        .options(selectinload(Intervention.materials))
        .order_by(Ticket.number, Intervention.work_date, Intervention.start_at, Intervention.id)
    )
    if report.ticket_ids:
        statement = statement.where(Intervention.ticket_id.in_(report.ticket_ids))
    if report.period_start:
        statement = statement.where(Intervention.work_date >= report.period_start)
    if report.period_end:
        statement = statement.where(Intervention.work_date <= report.period_end)
    if lock:
        statement = statement.with_for_update(of=Intervention)
    return statement


def customer_titles(tickets: Sequence[Ticket]) -> dict[int, str]:
    """Each ticket's title as a customer reads it (the gate decides; empty if hidden)."""
    schema = current_schema()
    titles = {}
    for ticket in tickets:
        stage = stage_for(ticket.status.is_closed if ticket.status else False)
        shown = redact(CUSTOMER_READER, schema, stage, {"title": ticket.title})
        titles[ticket.id] = shown.get("title", "")
    return titles


def price_interventions(interventions: Sequence[Intervention], company_id: int) -> list[Line]:
    """Lines for ``interventions`` of one company, priced at today's rates."""
    if not interventions:
        return []
    book = RateBook.load([company_id])
    tickets = {t.id: t for t in db.session.scalars(
        select(Ticket).where(Ticket.id.in_({i.ticket_id for i in interventions}))
    )}
    titles = customer_titles(list(tickets.values()))
    operators = {u.id: u.full_name for u in db.session.scalars(
        select(User).where(User.id.in_({i.operator_id for i in interventions}))
    )}
    return [
        line_for(i, book.rates(company_id, i.operator_id), tickets[i.ticket_id].number,
                 titles[i.ticket_id], operators.get(i.operator_id, ""))
        for i in interventions
    ]


def _group(lines: Sequence[Line]) -> list[TicketGroup]:
    groups: dict[str, TicketGroup] = {}
    for line in lines:
        group = groups.setdefault(line.ticket_number,
                                  TicketGroup(line.ticket_number, line.ticket_title))
        group.lines.append(line)
    return list(groups.values())


def draft_lines(actor: Any, report: Report, lock: bool = False) -> list[Line]:
    interventions = list(db.session.scalars(matching_interventions(actor, report, lock)))
    return price_interventions(interventions, report.company_id)


def build_document(actor: Any, report: Report, lines: Sequence[Line] | None = None) -> Document:
    """The report as it prints: live for a draft, frozen once issued."""
    if report.is_draft:
        lines = draft_lines(actor, report) if lines is None else lines
        vat_rate = get_settings().vat_rate
        currency = current_app.config["SPORTELLO_CURRENCY"]
    else:
        lines = [Line.from_json(item.data) for item in report.items]
        vat_rate = report.vat_rate
        currency = report.currency
    return Document(
        report=report,
        company=db.session.get(Company, report.company_id),
        groups=_group(lines),
        totals=totals((line.price for line in lines), vat_rate),
        currency=currency,
    )

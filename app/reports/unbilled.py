"""Unbilled work: billable interventions no issued report holds yet, per company."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Company
from app.extensions import db
from app.fields.schema import current_schema
from app.reports.document import price_interventions
from app.reports.lines import Line
from app.reports.models import Intervention
from app.tickets.models import Ticket
from app.tickets.queries import visible_to


@dataclass(frozen=True)
class Unbilled:
    company_id: int
    company_name: str
    interventions: int
    billed_minutes: int
    amount: Decimal
    first_date: date
    last_date: date


def unbilled_by_company(actor: Any) -> list[Unbilled]:
    """Per company: how many billable interventions, hours and amount (net, today's rates)."""
    rows = db.session.execute(
        select(Intervention, Ticket.company_id)
        .join(Ticket, Ticket.id == Intervention.ticket_id)
        .where(Intervention.report_id.is_(None), Intervention.billable.is_(True),
               visible_to(actor, current_schema()))
        .options(selectinload(Intervention.materials))
    ).all()
    by_company: dict[int, list[Intervention]] = defaultdict(list)
    for intervention, company_id in rows:
        by_company[company_id].append(intervention)
    names = dict(db.session.execute(
        select(Company.id, Company.name).where(Company.id.in_(list(by_company)))
    ).all())
    found = []
    for company_id, interventions in by_company.items():
        lines: list[Line] = price_interventions(interventions, company_id)
        found.append(Unbilled(
            company_id=company_id,
            company_name=names.get(company_id, ""),
            interventions=len(lines),
            billed_minutes=sum(line.price.billed_minutes for line in lines),
            amount=sum((line.price.total for line in lines), Decimal("0.00")),
            first_date=min(line.work_date for line in lines),
            last_date=max(line.work_date for line in lines),
        ))
    return sorted(found, key=lambda u: (-u.amount, u.company_name))

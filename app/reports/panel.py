"""A ticket's interventions as staff see them: internal notes included, priced at
today's rates until an issued report freezes them. The desk's ticket page can
show it with the ``intervention_list`` macro of ``reports/_interventions.html``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.reports.document import price_interventions
from app.reports.interventions import interventions_of
from app.reports.lines import Line
from app.reports.models import Intervention, ReportItem
from app.tickets.models import Ticket


@dataclass(frozen=True)
class InterventionRow:
    intervention: Intervention
    line: Line

    @property
    def locked_by(self) -> str | None:
        """The number of the issued report that holds the intervention."""
        report = self.intervention.report
        return report.number if report is not None else None


@dataclass(frozen=True)
class InterventionPanel:
    ticket: Ticket
    rows: list[InterventionRow]
    currency: str

    @property
    def billed_minutes(self) -> int:
        return sum(row.line.price.billed_minutes for row in self.rows)

    @property
    def minutes(self) -> int:
        return sum(row.line.minutes for row in self.rows)

    @property
    def amount(self) -> Decimal:
        return sum((row.line.price.total for row in self.rows), Decimal("0.00"))


def _frozen_lines(locked: list[Intervention]) -> dict[int, Line]:
    """Lines of locked interventions as their issued report froze them."""
    if not locked:
        return {}
    items = db.session.scalars(select(ReportItem).where(
        ReportItem.intervention_id.in_([i.id for i in locked]),
        ReportItem.report_id.in_({i.report_id for i in locked}),
    ))
    holders = {i.id: i.report_id for i in locked}
    return {item.intervention_id: Line.from_json(item.data) for item in items
            if holders.get(item.intervention_id) == item.report_id}


def panel_for(ticket: Ticket) -> InterventionPanel:
    """The ticket's interventions with their prices (read the ticket through
    ``get_visible_ticket`` first)."""
    interventions = interventions_of(ticket)
    lines = price_interventions(interventions, ticket.company_id)
    frozen = _frozen_lines([i for i in interventions if i.report_id is not None])
    lines = [frozen.get(line.intervention_id, line) for line in lines]
    return InterventionPanel(
        ticket=ticket,
        rows=[InterventionRow(i, line) for i, line in zip(interventions, lines, strict=True)],
        currency=current_app.config["SPORTELLO_CURRENCY"],
    )

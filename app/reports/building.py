"""Building, issuing, cancelling and acknowledging reports: the only writer of reports.

Only the owner builds, issues and cancels; only a manager of the report's
company acknowledges it. Issuing draws the number, freezes the lines and the
totals and locks the interventions, all in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import Company
from app.database import atomic
from app.extensions import db
from app.reports.document import build_document, draft_lines
from app.reports.errors import Conflict, InvalidInput, NotAllowed
from app.reports.interventions import local_today
from app.reports.mail import queue_report_issued
from app.reports.models import Intervention, Report, ReportItem, ReportStatus
from app.reports.numbering import next_number
from app.tickets.queries import get_visible_ticket
from app.timeutil import utcnow

MAX_NOTES = 5_000
MAX_REASON = 2_000
MAX_TICKETS = 200
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass
class ReportScope:
    """What a new report covers: a company's work in a period, or chosen tickets."""

    company_id: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    #: Ticket numbers as typed, separated by spaces, commas or semicolons.
    tickets: str = ""
    notes: str = ""


@dataclass
class _Checked:
    company_id: int
    ticket_ids: list[int] = field(default_factory=list)


def _require_owner(actor) -> None:
    if not actor.is_owner:
        raise NotAllowed(_("Only the owner builds and issues reports."))


def _check_tickets(actor, scope: ReportScope, errors: dict[str, str]) -> list:
    numbers = [n for n in _SEPARATORS.split(scope.tickets.strip()) if n]
    if len(numbers) > MAX_TICKETS:
        errors["tickets"] = _("Choose at most %(n)s tickets.", n=MAX_TICKETS)
        return []
    tickets = []
    for number in dict.fromkeys(numbers):
        ticket = get_visible_ticket(actor, number)
        if ticket is None:
            errors["tickets"] = _("There is no ticket %(number)s.", number=number)
            return []
        tickets.append(ticket)
    if len({t.company_id for t in tickets}) > 1:
        errors["tickets"] = _("The tickets belong to different companies: "
                              "a report is for one company.")
    return tickets


def check_scope(actor, scope: ReportScope) -> _Checked:
    """Validate a scope: the company and tickets, or ``InvalidInput`` per input."""
    errors: dict[str, str] = {}
    tickets = _check_tickets(actor, scope, errors)
    company_id = scope.company_id
    if company_id is not None and db.session.get(Company, company_id) is None:
        errors["company_id"] = _("Choose a company.")
    if tickets and "tickets" not in errors:
        if company_id is None:
            company_id = tickets[0].company_id
        elif company_id != tickets[0].company_id:
            errors["tickets"] = _("These tickets belong to another company.")
    if company_id is None and "company_id" not in errors and "tickets" not in errors:
        errors["company_id"] = _("Choose a company, or give the tickets to report on.")
    if scope.period_start and scope.period_end and scope.period_start > scope.period_end:
        errors["period_end"] = _("The end of the period comes before its start.")
    if len(scope.notes.strip()) > MAX_NOTES:
        errors["notes"] = _("Use at most %(n)s characters.", n=MAX_NOTES)
    if errors:
        raise InvalidInput(_("The report was not built: check the highlighted fields."), errors)
    return _Checked(company_id, [t.id for t in tickets])


def create_draft(actor, scope: ReportScope) -> Report:
    """A draft report (no number yet) for the scope; the owner checks it, then issues it."""
    _require_owner(actor)
    checked = check_scope(actor, scope)
    with atomic() as session:
        report = Report(
            status=ReportStatus.DRAFT.value, company_id=checked.company_id,
            period_start=scope.period_start, period_end=scope.period_end,
            ticket_ids=checked.ticket_ids, notes=scope.notes.strip(), created_by_id=actor.id,
        )
        session.add(report)
    return report


def _locked_report(session, report_id: int) -> Report:
    report = session.scalar(
        select(Report).where(Report.id == report_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if report is None:
        raise InvalidInput(_("This report does not exist."))
    return report


def delete_draft(actor, report_id: int) -> None:
    """Throw a draft away; issued reports are cancelled, never deleted."""
    _require_owner(actor)
    with atomic() as session:
        report = _locked_report(session, report_id)
        if not report.is_draft:
            raise Conflict(_("Report %(number)s is issued: cancel it instead.",
                             number=report.number))
        session.delete(report)


def issue_report(actor, report_id: int, fingerprint: str) -> Report:
    """Number the draft, freeze its lines and totals, and lock its interventions.

    ``fingerprint`` is the one of the draft the owner looked at: when an
    intervention or a rate changed since, nothing is issued and the owner is
    asked to check the report again.
    """
    _require_owner(actor)
    with atomic() as session:
        report = _locked_report(session, report_id)
        if not report.is_draft:
            raise Conflict(_("Report %(number)s is already issued.", number=report.number))
        lines = draft_lines(actor, report, lock=True)
        if not lines:
            raise InvalidInput(_("There is nothing to report: no intervention of this report "
                                 "is left outside other issued reports."))
        document = build_document(actor, report, lines)
        if document.fingerprint != fingerprint:
            raise Conflict(_("The interventions or the rates changed while you were looking "
                             "at the report: check it again, then issue it."))
        today = local_today()
        report.number = next_number(session, today.year)
        report.status = ReportStatus.ISSUED.value
        report.issued_by_id = actor.id
        report.issued_at = utcnow()
        report.issue_date = today
        report.currency = document.currency
        report.vat_rate = document.totals.vat_rate
        report.net_total = document.totals.net
        report.vat_total = document.totals.vat
        report.gross_total = document.totals.gross
        report.items = [
            ReportItem(intervention_id=line.intervention_id, position=n, data=line.to_json())
            for n, line in enumerate(document.lines)
        ]
        ids = [line.intervention_id for line in document.lines]
        locked = session.execute(
            update(Intervention)
            .where(Intervention.id.in_(ids), Intervention.report_id.is_(None))
            .values(report_id=report.id)
            .execution_options(synchronize_session="fetch")
        ).rowcount
        if locked != len(ids):  # the rows were locked above: only a bug gets here
            raise Conflict(_("Some interventions were reported meanwhile: check the report "
                             "again, then issue it."))
        queue_report_issued(report)
    current_app.logger.info("Report %s issued by user %s", report.number, actor.id)
    return report


def cancel_report(actor, report_id: int, reason: str) -> Report:
    """Cancel an issued report: its interventions are unlocked, its number stays used."""
    _require_owner(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the report is cancelled."),
                           {"reason": _("Say why the report is cancelled.")})
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("Use at most %(n)s characters.", n=MAX_REASON),
                           {"reason": _("Use at most %(n)s characters.", n=MAX_REASON)})
    with atomic() as session:
        report = _locked_report(session, report_id)
        if not report.is_issued:
            raise Conflict(_("Only an issued report can be cancelled."))
        report.status = ReportStatus.CANCELLED.value
        report.cancelled_by_id = actor.id
        report.cancelled_at = utcnow()
        report.cancel_reason = reason
        session.execute(
            update(Intervention).where(Intervention.report_id == report.id)
            .values(report_id=None).execution_options(synchronize_session="fetch")
        )
    return report


def may_read_in_portal(user, report: Report | None) -> bool:
    """A manager of the report's company, for an issued report."""
    return (
        report is not None and report.is_issued and user.is_customer
        and user.is_company_manager and user.company_id == report.company_id
    )


def acknowledge_report(actor, report_id: int, name: str) -> Report:
    """A manager of the company acknowledges the report, signing with ``name``."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Sign with your name."), {"name": _("Sign with your name.")})
    if len(name) > 200:
        raise InvalidInput(_("Use at most %(n)s characters.", n=200),
                           {"name": _("Use at most %(n)s characters.", n=200)})
    with atomic() as session:
        report = _locked_report(session, report_id)
        if not may_read_in_portal(actor, report):
            raise NotAllowed(_("Only a manager of the company acknowledges its reports."))
        if report.acknowledged_at is not None:
            raise Conflict(_("This report was already acknowledged by %(name)s.",
                             name=report.acknowledged_name))
        report.acknowledged_by_id = actor.id
        report.acknowledged_name = name
        report.acknowledged_at = utcnow()
    return report

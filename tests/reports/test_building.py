"""Reports: drafts, issuing (numbers per year, frozen lines, locks), cancelling,
acknowledging, unbilled work, and which rate applies."""

from datetime import date, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Company, User
from app.extensions import db
from app.reports import building, rates
from app.reports.document import build_document
from app.reports.errors import Conflict, InvalidInput, Locked, NotAllowed
from app.reports.interventions import delete_intervention, update_intervention
from app.reports.models import Intervention, Report, ReportCounter
from app.reports.unbilled import unbilled_by_company
from app.tickets.models import Ticket
from tests.reports.conftest import work

D = Decimal


def _user(user):
    return db.session.get(User, user.id)


def test_draft_prices_the_matching_interventions(app, owner, ticket, billing, log, draft,
                                                 company):
    billing()
    log(ticket, start_time=time(9, 0), end_time=time(10, 1))  # 75 min → 62.50
    log(ticket, work_date=date(2026, 4, 2))  # outside the period
    report = draft(company_id=company.id, period_start=date(2026, 3, 1),
                   period_end=date(2026, 3, 31))
    with app.app_context():
        document = build_document(_user(owner), db.session.get(Report, report.id))
    assert report.number is None and report.is_draft
    assert len(document.lines) == 1
    assert document.totals.net == D("62.50")
    assert document.totals.vat == D("13.75")
    assert document.totals.gross == D("76.25")


def test_issue_numbers_freezes_and_locks(app, owner, agent, ticket, billing, log, issue,
                                         company):
    billing()
    first = log(ticket)
    report = issue(company_id=company.id)
    with app.app_context():
        year = building.local_today().year
    assert report.number == f"{year}/0001" and report.is_issued
    assert (report.net_total, report.vat_total, report.gross_total) == (
        D("50.00"), D("11.00"), D("61.00"))
    second_ticket_work = log(ticket, work_date=date(2026, 3, 11))
    assert issue(company_id=company.id).number == f"{year}/0002"
    with app.app_context():
        assert db.session.get(Intervention, first.id).report_id == report.id
        assert db.session.get(Intervention, second_ticket_work.id).report_id != report.id
        # later rate changes do not touch an issued report
        rates.update_settings(_user(owner), default_hourly_rate=D("999"))
        frozen = build_document(_user(owner), db.session.get(Report, report.id))
        assert frozen.totals.gross == D("61.00")


def test_a_locked_intervention_cannot_change(app, owner, agent, ticket, billing, log, issue,
                                             company):
    billing()
    intervention = log(ticket)
    report = issue(company_id=company.id)
    with app.app_context():
        target = db.session.get(Ticket, ticket.id)
        with pytest.raises(Locked, match=report.number) as refused:
            update_intervention(_user(agent), target, intervention.id,
                                work(operator_id=agent.id, description="Sneaky"))
        assert refused.value.status_code == 409
        with pytest.raises(Locked, match=report.number):
            delete_intervention(_user(agent), target, intervention.id)
        assert db.session.get(Intervention, intervention.id).description == "Replaced the toner."


def test_cancel_unlocks_keeps_the_number_and_records_who_when_why(app, owner, agent, ticket,
                                                                  billing, log, issue, company):
    billing()
    intervention = log(ticket)
    report = issue(company_id=company.id)
    with app.app_context():
        with pytest.raises(InvalidInput):
            building.cancel_report(_user(owner), report.id, "  ")
        cancelled = building.cancel_report(_user(owner), report.id, "Wrong rate")
    assert cancelled.is_cancelled and cancelled.number == report.number
    assert cancelled.cancelled_by_id == owner.id and cancelled.cancelled_at is not None
    assert cancelled.cancel_reason == "Wrong rate"
    with app.app_context():
        assert db.session.get(Intervention, intervention.id).report_id is None
        update_intervention(_user(agent), db.session.get(Ticket, ticket.id), intervention.id,
                            work(operator_id=agent.id, description="Fixed"))
        with pytest.raises(Conflict):
            building.cancel_report(_user(owner), report.id, "again")
        # the cancelled report still shows what it said
        old = build_document(_user(owner), db.session.get(Report, report.id))
        assert old.lines[0].description == "Replaced the toner."
    again = issue(company_id=company.id)
    assert again.number != report.number and again.number.endswith("/0002")
    with app.app_context():
        building.cancel_report(_user(owner), again.id, "Customer left")
        delete_intervention(_user(agent), db.session.get(Ticket, ticket.id), intervention.id)
        old = build_document(_user(owner), db.session.get(Report, report.id))
        assert old.lines[0].description == "Replaced the toner."
        assert old.totals.gross == report.gross_total


def test_issue_refuses_a_stale_view_and_an_empty_report(app, owner, ticket, billing, log, draft,
                                                        company):
    billing()
    log(ticket)
    report = draft(company_id=company.id)
    with app.app_context():
        seen = build_document(_user(owner), db.session.get(Report, report.id)).fingerprint
    log(ticket, work_date=date(2026, 3, 12))  # logged after the owner looked
    with app.app_context():
        with pytest.raises(Conflict):
            building.issue_report(_user(owner), report.id, seen)
        assert db.session.get(Report, report.id).number is None
        assert db.session.scalar(select(ReportCounter.last)) is None  # no number used
    empty = draft(company_id=company.id, period_start=date(2020, 1, 1),
                  period_end=date(2020, 1, 31))
    with app.app_context():
        fingerprint = build_document(_user(owner), db.session.get(Report, empty.id)).fingerprint
        with pytest.raises(InvalidInput):
            building.issue_report(_user(owner), empty.id, fingerprint)


def test_an_issued_report_cannot_be_issued_again_or_deleted(app, owner, ticket, billing, log,
                                                            issue, company):
    billing()
    log(ticket)
    report = issue(company_id=company.id)
    with app.app_context():
        with pytest.raises(Conflict):
            building.issue_report(_user(owner), report.id, "x")
        with pytest.raises(Conflict):
            building.delete_draft(_user(owner), report.id)


def test_two_drafts_cannot_both_take_an_intervention(app, owner, ticket, billing, log, draft,
                                                     company):
    billing()
    log(ticket)
    first, second = draft(company_id=company.id), draft(company_id=company.id)
    with app.app_context():
        prints = {r.id: build_document(_user(owner), db.session.get(Report, r.id)).fingerprint
                  for r in (first, second)}
        building.issue_report(_user(owner), first.id, prints[first.id])
        with pytest.raises(InvalidInput, match="nothing to report"):
            building.issue_report(_user(owner), second.id, prints[second.id])


def test_only_the_owner_builds_and_issues(app, agent, company, billing):
    billing()
    with app.app_context(), pytest.raises(NotAllowed):
        building.create_draft(_user(agent), building.ReportScope(company_id=company.id))


def test_reports_for_chosen_tickets(app, owner, ticket, make_ticket, person, make_user, billing,
                                    log, draft, company):
    billing()
    other = make_ticket(actor=person, title="Another")
    log(ticket)
    log(other)
    report = draft(tickets=f" {other.number} ")
    assert report.company_id == company.id and report.ticket_ids == [other.id]
    with app.app_context():
        document = build_document(_user(owner), db.session.get(Report, report.id))
    assert [line.ticket_number for line in document.lines] == [other.number]


@pytest.mark.parametrize(("scope", "field"), [
    ({}, "company_id"),
    ({"tickets": "2099-99999"}, "tickets"),
    ({"company_id": -5}, "company_id"),
    ({"period_start": date(2026, 3, 2), "period_end": date(2026, 3, 1)}, "period_end"),
])
def test_bad_scopes(app, owner, company, scope, field):
    if "period_start" in scope:
        scope["company_id"] = company.id
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        building.create_draft(_user(owner), building.ReportScope(**scope))
    assert field in refused.value.fields


def test_tickets_of_two_companies_are_refused(app, owner, ticket, make_ticket):
    stranger = make_ticket()
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        building.create_draft(_user(owner), building.ReportScope(
            tickets=f"{ticket.number}, {stranger.number}"))
    assert "tickets" in refused.value.fields


def test_acknowledge_by_a_manager_once(app, owner, manager, person, ticket, billing, log, issue,
                                       company):
    billing()
    log(ticket)
    report = issue(company_id=company.id)
    with app.app_context():
        with pytest.raises(NotAllowed):
            building.acknowledge_report(_user(person), report.id, "Not a manager")
        with pytest.raises(InvalidInput):
            building.acknowledge_report(_user(manager), report.id, " ")
        signed = building.acknowledge_report(_user(manager), report.id, "Anna Rossi")
        assert signed.acknowledged_name == "Anna Rossi" and signed.acknowledged_at
        assert signed.acknowledged_by_id == manager.id
        with pytest.raises(Conflict):
            building.acknowledge_report(_user(manager), report.id, "Anna Rossi")


def test_rate_precedence_operator_then_company_then_default(app, owner, agent, ticket, billing,
                                                            log, draft, company):
    billing()
    log(ticket)
    report = draft(company_id=company.id)

    def net():
        with app.app_context():
            return build_document(_user(owner), db.session.get(Report, report.id)).totals.net

    assert net() == D("50.00")  # the default
    with app.app_context():
        rates.set_company_rate(_user(owner), company.id, D("60"))
    assert net() == D("60.00")
    with app.app_context():
        rates.set_operator_rate(_user(owner), agent.id, D("70.5"))
    assert net() == D("70.50")
    with app.app_context():
        rates.set_operator_rate(_user(owner), agent.id, None)
        rates.set_company_rate(_user(owner), company.id, None)
    assert net() == D("50.00")


def test_rates_are_validated_and_owner_only(app, owner, agent, company):
    with app.app_context():
        with pytest.raises(NotAllowed):
            rates.update_settings(_user(agent), vat_rate=D("10"))
        with pytest.raises(InvalidInput) as refused:
            rates.update_settings(_user(owner), vat_rate=D("101"), travel_km_rate=D("0.12345"),
                                  increment_minutes=-1, minimum_charge=D("-1"))
        assert set(refused.value.fields) == {"vat_rate", "travel_km_rate", "increment_minutes",
                                             "minimum_charge"}
        with pytest.raises(InvalidInput):
            rates.set_company_rate(_user(owner), company.id, D("10.001"))
        with pytest.raises(InvalidInput):
            rates.set_operator_rate(_user(owner), owner.id + 10_000, D("10"))
        assert db.session.get(Company, company.id).hourly_rate is None


def test_unbilled_work_per_company(app, owner, ticket, billing, log, issue, company):
    billing()
    log(ticket)  # 50.00
    log(ticket, on_site=True, travel_time=30, travel_km=D("10"))  # 50 + 15 + 5
    log(ticket, billable=False)
    with app.app_context():
        [row] = unbilled_by_company(_user(owner))
    assert (row.company_id, row.interventions, row.billed_minutes, row.amount) == (
        company.id, 2, 120, D("120.00"))
    issue(company_id=company.id)
    with app.app_context():
        assert unbilled_by_company(_user(owner)) == []


def test_issuing_mails_the_company_managers(app, owner, ticket, billing, log, issue, company,
                                            manager, person):
    from app.notify.models import MailMessage

    billing()
    log(ticket)
    report = issue(company_id=company.id)
    with app.app_context():
        messages = db.session.scalars(
            select(MailMessage).where(MailMessage.template == "report_issued")
        ).all()
    assert [m.to_email for m in messages] == [manager.email]  # managers only
    text = messages[0].text_body
    assert report.number in text and f"/portal/reports/{report.id}" in text
    assert "61.00" in text or "61,00" in text

"""Report numbers: one sequence per year of the issue date, restarting at 0001 in a new
year, and never drawn twice, not even after a cancellation."""

from datetime import date

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.reports import building
from app.reports.models import Report, ReportCounter


def test_numbers_restart_each_year_and_are_never_reused(app, monkeypatch, owner, ticket, log,
                                                        billing, issue, company):
    billing()
    today = {"date": date(2026, 12, 31)}
    monkeypatch.setattr(building, "local_today", lambda: today["date"])

    def issue_on(day: date):
        """Issue a report of one new intervention, with ``day`` as the owner's today."""
        today["date"] = day
        log(ticket, work_date=date(2026, 12, 1))
        return issue(company_id=company.id)

    first = issue_on(date(2026, 12, 30))
    second = issue_on(date(2026, 12, 31))
    assert (first.number, second.number) == ("2026/0001", "2026/0002")
    assert second.issue_date == date(2026, 12, 31)
    with app.app_context():
        building.cancel_report(db.session.get(User, owner.id), second.id, "Wrong rate")
    third = issue_on(date(2026, 12, 31))
    assert third.number == "2026/0003"  # the cancelled report keeps 2026/0002

    new_year = issue_on(date(2027, 1, 1))
    assert new_year.number == "2027/0001" and new_year.issue_date == date(2027, 1, 1)
    assert issue_on(date(2027, 1, 2)).number == "2027/0002"
    # A 2026 report issued late (the owner's clock set back) continues 2026's sequence.
    assert issue_on(date(2026, 12, 31)).number == "2026/0004"

    with app.app_context():
        counters = db.session.execute(select(ReportCounter.year, ReportCounter.last)
                                      .order_by(ReportCounter.year)).all()
        assert [tuple(row) for row in counters] == [(2026, 4), (2027, 2)]
        numbers = db.session.scalars(select(Report.number).order_by(Report.id)).all()
    assert numbers == ["2026/0001", "2026/0002", "2026/0003", "2027/0001", "2027/0002",
                       "2026/0004"]

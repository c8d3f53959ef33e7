"""Report numbers under concurrency: issuing at the same time from several threads,
each with its own connection to a committed database, never gives two reports one
number and leaves no gap (on PostgreSQL the counter row's lock serialises them)."""

import threading
import time as clock
from datetime import date, time
from decimal import Decimal

import pytest

from app import create_app
from app.accounts.models import Role
from app.accounts.services import create_company, create_user
from app.extensions import db
from app.reports import building, numbering
from app.reports.document import build_document
from app.reports.interventions import InterventionInput, log_intervention
from app.reports.models import Report
from app.tickets.service import create_ticket
from app.timeutil import utcnow

THREADS = 6


def _prepare(app) -> tuple[int, list[tuple[int, str]]]:
    """An owner, a first report issued (the year's counter exists, as mid-year), and one
    draft per thread, each with its own intervention (all committed)."""
    with app.app_context():
        owner = create_user(email="owner@race.example", name="Olivia", role=Role.OWNER)
        agent = create_user(email="agent@race.example", name="Aldo", role=Role.AGENT)
        drafts = []
        for n in range(THREADS + 1):
            company = create_company(name=f"Race {n}", hourly_rate=Decimal("40"))
            person = create_user(email=f"p{n}@race.example", name="P", role=Role.CUSTOMER,
                                 company=company, email_verified_at=utcnow())
            ticket = create_ticket(person, {"title": f"Race {n}", "description": "x"})
            log_intervention(agent, ticket, InterventionInput(
                work_date=date(2026, 5, 4), operator_id=agent.id, start_time=time(9, 0),
                end_time=time(10, 0), description="Work"))
            report = building.create_draft(owner, building.ReportScope(company_id=company.id))
            drafts.append((report.id, build_document(owner, report).fingerprint))
        first_id, first_print = drafts.pop(0)
        assert building.issue_report(owner, first_id, first_print).number.endswith("/0001")
        return owner.id, drafts


@pytest.mark.live
def test_concurrent_issues_never_share_a_number(fresh_database_url, monkeypatch):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url})
    owner_id, drafts = _prepare(app)
    draw = numbering.next_number

    def slow_draw(session, year):
        number = draw(session, year)
        clock.sleep(0.05)  # hold the counter's lock a while: the others must wait
        return number

    monkeypatch.setattr(building, "next_number", slow_draw)
    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issue(report_id: int, fingerprint: str) -> None:
        try:
            with app.app_context():
                from app.accounts.models import User

                owner = db.session.get(User, owner_id)
                start.wait(timeout=10)
                numbers.append(building.issue_report(owner, report_id, fingerprint).number)
        except BaseException as error:  # reported below, in the test thread
            errors.append(error)

    threads = [threading.Thread(target=issue, args=draft) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    with app.app_context():
        year = building.local_today().year
        stored = sorted(db.session.scalars(db.select(Report.number)))
    with app.app_context():
        db.engine.dispose()
    expected = [f"{year}/{n:04d}" for n in range(2, THREADS + 2)]
    assert sorted(numbers) == expected
    assert stored == [f"{year}/0001", *expected]

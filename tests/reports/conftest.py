"""Fixtures for the interventions and reports tests."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from app.accounts.models import Role, User
from app.extensions import db
from app.reports import building, rates
from app.reports.document import build_document
from app.reports.interventions import InterventionInput, MaterialInput, log_intervention
from app.reports.models import Report
from app.tickets.models import Ticket
from tests.fixtures.factories import PASSWORD

#: The rates most tests bill with: 15-minute increments, 22% VAT.
SETTINGS = {
    "default_hourly_rate": Decimal("50"),
    "travel_hourly_rate": Decimal("30"),
    "travel_km_rate": Decimal("0.5"),
    "increment_minutes": 15,
    "minimum_charge": Decimal("40"),
    "vat_rate": Decimal("22"),
}


@pytest.fixture
def owner(make_user):
    return make_user(Role.OWNER, email="owner@reports.example")


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, email="agent@reports.example")


@pytest.fixture
def company(make_company):
    return make_company(name="Rossi Impianti", address="Via Roma 1\nBologna",
                        vat_number="IT01234567890")


@pytest.fixture
def manager(make_user, company):
    return make_user(Role.CUSTOMER, company=company, is_company_manager=True,
                     email="manager@rossi.example", name="Anna", surname="Rossi")


@pytest.fixture
def person(make_user, company):
    return make_user(Role.CUSTOMER, company=company, email="person@rossi.example")


@pytest.fixture
def ticket(make_ticket, person):
    return make_ticket(actor=person, title="Printer on fire")


@pytest.fixture
def billing(app, owner):
    """Save billing settings (SETTINGS, with overrides)."""
    def save(**overrides):
        with app.app_context():
            return rates.update_settings(db.session.get(User, owner.id),
                                         **(SETTINGS | overrides))

    return save


def work(**overrides) -> InterventionInput:
    values = {
        "work_date": date(2026, 3, 10), "start_time": time(9, 0), "end_time": time(10, 0),
        "description": "Replaced the toner.", "internal_note": "", "billable": True,
    } | overrides
    values["materials"] = [MaterialInput(*m) if isinstance(m, tuple) else m
                           for m in values.get("materials", [])]
    return InterventionInput(**values)


@pytest.fixture
def log(app, agent):
    """Log an intervention on a ticket (as the agent unless ``actor`` is given)."""
    def make(ticket, actor=None, **overrides):
        actor = actor or agent
        overrides.setdefault("operator_id", actor.id)
        with app.app_context():
            account = db.session.get(User, actor.id)
            target = db.session.get(Ticket, ticket.id)
            return log_intervention(account, target, work(**overrides))

    return make


@pytest.fixture
def draft(app, owner):
    def make(**scope):
        with app.app_context():
            return building.create_draft(db.session.get(User, owner.id),
                                         building.ReportScope(**scope))

    return make


@pytest.fixture
def issue(app, owner, draft):
    """Build and issue a report for a scope; returns the issued report."""
    def make(**scope):
        report = draft(**scope)
        with app.app_context():
            account = db.session.get(User, owner.id)
            fingerprint = build_document(account, db.session.get(Report, report.id)).fingerprint
            return building.issue_report(account, report.id, fingerprint)

    return make


@pytest.fixture
def login(browser):
    def as_user(user):
        browser.login(user.email, PASSWORD)
        return browser

    return as_user

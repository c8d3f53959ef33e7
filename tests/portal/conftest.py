"""Portal tests: the IT help-desk example schema, two customer companies and staff."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

import pytest

from app.accounts.models import Role, User
from app.extensions import db
from app.tickets.models import Ticket
from app.timeutil import utcnow
from tests.fixtures.factories import EXAMPLES, PASSWORD

_numbers = itertools.count(1)


@dataclass
class People:
    alice: User  # a person of Acme
    carla: User  # her colleague
    manager: User  # Acme's company manager
    bob: User  # a person of another company
    agent: User
    owner: User


#: Values only staff may ever see: a test fails if one reaches a customer's page.
SECRET_CODE = "SECRET-CODE-7731"


def helpdesk_document() -> dict:
    """The IT help-desk example plus a whole number the customer writes, and two hidden
    fields: a text marked "shown in customer list" (the gate must still hide it) and an
    attachment field."""
    document = json.loads((EXAMPLES / "it-helpdesk.json").read_text(encoding="utf-8"))
    document["fields"] += [
        {"key": "seats", "type": "integer", "label": {"en": "Seats"},
         "customer": {"visibility": "write", "edit": ["create"]}},
        {"key": "internal_code", "type": "text", "label": {"en": "Internal code"},
         "customer": {"visibility": "hidden", "edit": []}, "show_in_customer_list": True},
        {"key": "internal_files", "type": "attachment", "label": {"en": "Internal files"},
         "customer": {"visibility": "hidden", "edit": []}},
    ]
    return document


@pytest.fixture
def people(app, load_schema, make_company, make_user) -> People:
    load_schema(helpdesk_document())
    now = utcnow()
    acme = make_company(name="Acme")
    other = make_company(name="Globex")
    return People(
        alice=make_user(company=acme, name="Alice", surname="Arden", email_verified_at=now),
        carla=make_user(company=acme, name="Carla", surname="Conti", email_verified_at=now),
        manager=make_user(company=acme, name="Mara", surname="Manager", email_verified_at=now,
                          is_company_manager=True),
        bob=make_user(company=other, name="Bob", surname="Brown", email_verified_at=now),
        agent=make_user(Role.AGENT, name="Giulia", surname="Agent", email_verified_at=now),
        owner=make_user(Role.OWNER, name="Olivia", surname="Owner", email_verified_at=now),
    )


@pytest.fixture
def open_ticket(app, make_ticket):
    """``open_ticket(actor, **values)``: a ticket valid for the help-desk schema."""
    def open_(actor, files=None, **values) -> Ticket:
        data = {"title": f"Printer jam {next(_numbers)}", "request_type": "question",
                "product_family": "services", "description": "It does not work."} | values
        return make_ticket(actor=actor, files=files, **data)

    return open_


@pytest.fixture
def as_user(browser):
    """``as_user(user)``: log the test browser in as ``user``."""
    def login(user: User):
        browser.client._cookies.clear()  # whoever was logged in before
        response = browser.login(user.email, PASSWORD)
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser

    return login


def reload(app, model, ident):
    with app.app_context():
        return db.session.get(model, ident)

"""Fixtures of the desk's tests: a schema with custom fields, staff, logged-in browsers."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.document import export_document
from app.tickets.models import Ticket
from tests.fixtures.factories import PASSWORD

AREAS = [("billing", "Billing", "Fatturazione"), ("tech", "Technical", "Tecnico"),
         ("sales", "Sales", "Commerciale")]


@pytest.fixture
def desk_schema(app, load_schema):
    """The built-in fields plus custom ones of several types; root_cause is staff-only and
    required to close."""
    with app.app_context():
        document = export_document()
    document["lists"].append({"key": "area", "name": {"en": "Areas"}, "items": [
        {"key": key, "label": {"en": en, "it": it}, "colour": "#1f5fbf" if key == "billing"
         else ""} for key, en, it in AREAS
    ]})
    document["fields"] += [
        {"key": "area", "type": "dropdown", "list": "area", "label": {"en": "Area", "it": "Area"},
         "customer": {"visibility": "write", "edit": ["create"]}},
        {"key": "units", "type": "integer", "label": {"en": "Units", "it": "Unità"},
         "customer": {"visibility": "write", "edit": ["create"]}},
        {"key": "amount", "type": "decimal", "label": {"en": "Amount", "it": "Importo"},
         "customer": {"visibility": "read", "edit": []}},
        {"key": "onsite", "type": "checkbox", "label": {"en": "On site", "it": "In sede"},
         "customer": {"visibility": "read", "edit": []}},
        {"key": "code", "type": "text", "label": {"en": "Code", "it": "Codice"},
         "customer": {"visibility": "write", "edit": ["create"]}},
        {"key": "root_cause", "type": "long_text", "required_to_close": True,
         "label": {"en": "Root cause", "it": "Causa"},
         "customer": {"visibility": "hidden", "edit": []}},
    ]
    return load_schema(document)


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, name="Giulia", surname="Bianchi")


@pytest.fixture
def owner(make_user):
    return make_user(Role.OWNER, name="Olivia", surname="Owner")


@pytest.fixture
def customer(make_user):
    return make_user(Role.CUSTOMER, name="Anna", surname="Rossi")


@pytest.fixture
def login(browser):
    def log_in(user):
        response = browser.login(user.email, PASSWORD)
        assert response.status_code == 302, "the login failed"
        return browser

    return log_in


@pytest.fixture
def ticket_of(app):
    """The ticket numbered ``number``, freshly read."""
    def read(number: str) -> Ticket:
        with app.app_context():
            return db.session.scalar(db.select(Ticket).where(Ticket.number == number))

    return read


@pytest.fixture
def reload_user(app):
    def read(user) -> User:
        with app.app_context():
            return db.session.get(User, user.id)

    return read


@pytest.fixture
def run_as(app):
    """``run_as(user, action, ticket, ...)``: call a write-path function in a fresh
    application context with the user and the ticket read from the database."""
    def run(user, action, ticket, *args, **kwargs):
        with app.app_context():
            return action(db.session.get(User, user.id), db.session.get(Ticket, ticket.id),
                          *args, **kwargs)

    return run


class _FormReader(HTMLParser):
    """The fields of the first form whose action contains a text, as a browser sends them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.pairs: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and self.action in (a.get("action") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.pairs.append((a["name"], a.get("value") or ("on" if a.get("type") ==
                                                             "checkbox" else "")))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.pairs.append((self._select, chosen[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.pairs.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_values(html: str, action: str) -> dict:
    """What a browser would submit from the form posting to ``action``, unchanged."""
    reader = _FormReader(action)
    reader.feed(html)
    values: dict = {}
    for name, value in reader.pairs:
        if name in values:
            values[name] = [*values[name], value] if isinstance(values[name], list) else [
                values[name], value]
        else:
            values[name] = value
    return values


@pytest.fixture
def requester_of(app):
    """The person who requested ``ticket`` (to open another ticket as them)."""
    def read(ticket) -> User:
        with app.app_context():
            return db.session.get(User, ticket.requester_id)

    return read

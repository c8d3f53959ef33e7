"""Names (companies, staff, people), the owner's profile and the queue's view parts are
kept by each process with the directory and schema revisions: a change made by another
process shows on the next page, a change that is rolled back never does, and a login
changes nothing."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app import create_app
from app.accounts.directory import directory
from app.accounts.models import Company, DirectoryState, Role, User
from app.accounts.profile import get_profile, update_profile
from app.accounts.services import create_company, create_user
from app.database import atomic
from app.desk.queue import read_state
from app.desk.view_parts import view_parts
from app.extensions import db
from app.fields.document import export_document
from app.fields.schema import current_schema
from app.tickets.models import Ticket
from app.tickets.service import create_ticket
from app.timeutil import utcnow
from tests.fixtures.factories import PASSWORD


def _company_options(html: str) -> dict[str, str]:
    select_html = re.search(r'<select id="f-company" name="company">(.*?)</select>', html,
                            re.S).group(1)
    return dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select_html))


def _revision(app) -> str:
    with app.app_context():
        return db.session.scalar(select(DirectoryState.revision))


@pytest.fixture
def two_processes(fresh_database_url):
    """Two applications on one database, as two gunicorn workers would be."""
    first = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url})
    second = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url})
    yield first, second
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def _desk_client(app, agent_email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": agent_email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return client


def test_a_change_made_by_another_process_shows_on_the_next_page(two_processes):
    first, second = two_processes
    with second.app_context():
        acme = create_company(name="Acme")
        agent = create_user(email="agent@example.com", name="Anna", surname="Rossi",
                            role=Role.AGENT, password=PASSWORD, language="en")
        person = create_user(email="p@example.com", name="Paolo", surname="Bianchi",
                             role=Role.CUSTOMER, password=PASSWORD, language="en",
                             company=acme, email_verified_at=utcnow())
        create_ticket(person, {"title": "Printer", "description": "It jams."})
        acme_id, person_id, agent_id = acme.id, person.id, agent.id
    client = _desk_client(first, "agent@example.com")
    page = client.get("/desk/").get_data(as_text=True)
    assert _company_options(page) == {str(acme_id): "Acme"}
    assert "Paolo Bianchi" in page and "Anna Rossi" in page
    assert client.get("/desk/").get_data(as_text=True) == page  # kept, not changed

    with second.app_context(), atomic() as session:
        session.get(Company, acme_id).name = "Acme S.p.A."
        session.get(User, person_id).surname = "Verdi"
        session.get(User, agent_id).surname = "Neri"
        session.add(Company(name="Beta"))

    page = client.get("/desk/").get_data(as_text=True)
    options = _company_options(page)
    assert options[str(acme_id)] == "Acme S.p.A." and "Beta" in options.values()
    assert "Paolo Verdi" in page and "Paolo Bianchi" not in page
    assert f'<option value="{agent_id}">Anna Neri</option>' in page


def test_the_owner_profile_changed_by_another_process_shows_on_the_next_page(two_processes):
    first, second = two_processes
    with second.app_context():
        create_user(email="agent@example.com", name="Anna", surname="Rossi",
                    role=Role.AGENT, password=PASSWORD, language="en")
        update_profile(name="Assistenza Rossi", timezone="Europe/Rome")
    client = _desk_client(first, "agent@example.com")
    assert "<span>Assistenza Rossi</span>" in client.get("/desk/").get_data(as_text=True)
    before = _revision(first)
    with second.app_context():
        update_profile(name="Rossi Informatica")
    assert _revision(first) != before
    page = client.get("/desk/").get_data(as_text=True)
    assert "<span>Rossi Informatica</span>" in page and "Assistenza" not in page
    with first.app_context():
        kept = get_profile()
        assert kept.name == "Rossi Informatica" and kept not in db.session  # a copy


def test_a_rolled_back_change_leaves_the_revision_and_the_names(two_processes):
    first, second = two_processes
    with second.app_context():
        create_company(name="Acme")
        create_user(email="agent@example.com", name="Anna", surname="Rossi",
                    role=Role.AGENT, password=PASSWORD, language="en")
    before = _revision(first)
    with first.app_context():
        db.session.scalar(select(Company)).name = "Renamed, then rolled back"
        db.session.flush()
        # the transaction that changed names reads them, but keeps none of it
        assert [name for _id, name in directory().companies()] == [
            "Renamed, then rolled back"]
        db.session.rollback()
        assert [name for _id, name in directory().companies()] == ["Acme"]
    assert _revision(first) == before
    page = _desk_client(first, "agent@example.com").get("/desk/").get_data(as_text=True)
    assert "Renamed" not in page and "Acme" in page


def test_what_a_transaction_that_changed_names_keeps_is_never_served_again(two_processes):
    first, second = two_processes
    with second.app_context():
        create_company(name="Acme")
    for name in ("First rename", "Second rename"):
        with first.test_request_context("/desk/"):
            db.session.scalar(select(Company)).name = name
            db.session.flush()
            schema = current_schema()
            form = view_parts(schema, read_state(schema, MultiDict()), "en").filter_form
            assert f">{name}</option>" in form
            db.session.rollback()


def test_only_changes_to_names_renew_the_revision(two_processes):
    first, _second = two_processes
    with first.app_context():
        agent = create_user(email="agent@example.com", name="Anna", surname="Rossi",
                            role=Role.AGENT, password=PASSWORD, language="en")
    created = _revision(first)
    _desk_client(first, "agent@example.com")  # a login writes last_login_at
    assert _revision(first) == created
    with first.app_context(), atomic() as session:
        session.get(User, agent.id).active = False
    assert _revision(first) != created


def test_the_kept_filter_form_follows_the_language_and_the_schema(client, login, agent,
                                                                  desk_schema, load_schema):
    login(agent)
    english = client.get("/desk/").get_data(as_text=True)
    assert "More filters" in english
    assert ">All <span" in english and '<option value="," selected>Comma' in english
    client.post("/language/it", data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', english).group(1), "next": "/desk/"})
    with client.application.app_context():
        db.session.get(User, agent.id).language = "it"
        db.session.commit()
    italian = client.get("/desk/").get_data(as_text=True)
    assert "Altri filtri" in italian and "More filters" not in italian
    assert ">Tutti <span" in italian and ">All <span" not in italian  # the status tabs
    assert '<option value=";" selected>Punto e virgola' in italian  # the export form

    before = set(re.findall(r'<legend>([^<]+)</legend>', italian))
    load_schema("field-service")
    after = set(re.findall(r'<legend>([^<]+)</legend>',
                           client.get("/desk/").get_data(as_text=True)))
    assert after != before


def test_kept_cells_follow_the_schema_the_language_and_the_time_zone(app, client, login, agent,
                                                                     desk_schema, load_schema,
                                                                     make_ticket):
    ticket = make_ticket(area="billing")
    with app.app_context(), atomic() as session:
        session.get(Ticket, ticket.id).request_date = datetime(2026, 3, 2, 8, 30)
    login(agent)

    def row() -> str:
        html = client.get("/desk/").get_data(as_text=True)
        return re.search(rf'<tr>.*?{ticket.number}.*?</tr>', html).group(0)

    assert ">Billing</span>" in row() and "9:30" in row()  # Rome, an hour ahead of UTC
    assert ">Billing</span>" in row()  # printed from the cells the process keeps
    with app.app_context():
        document = export_document()
    area = next(item for item in document["lists"] if item["key"] == "area")
    area["items"][0]["label"]["en"] = "Invoices"
    load_schema(document)
    assert ">Invoices</span>" in row() and "Billing" not in row()
    with app.app_context():
        update_profile(timezone="Europe/London")
    assert "8:30" in row() and "9:30" not in row()
    with app.app_context(), atomic() as session:
        session.get(User, agent.id).language = "it"
    assert ">Fatturazione</span>" in row()

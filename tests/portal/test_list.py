"""The ticket list: who sees which tickets, columns through the gate, filters, search,
keyset pages."""

from __future__ import annotations

import re

from sqlalchemy import event

from app.accounts.models import User
from app.extensions import db
from app.tickets.models import Ticket
from app.tickets.service import add_comment, update_ticket
from tests.portal.conftest import SECRET_CODE, helpdesk_document

LIST = "/portal/"


def numbers(html: str) -> list[str]:
    return re.findall(r'<tr>\s*<td><a href="/portal/tickets/([0-9-]+)">', html)


def test_each_person_sees_the_tickets_they_requested_or_are_named_on(
    app, people, as_user, open_ticket
):
    own = open_ticket(people.alice, title="Own")
    named = open_ticket(people.carla, title="Named", notify_person=people.alice.id)
    for_her = open_ticket(people.agent, title="By phone", company=people.alice.company_id,
                          requester=people.alice.id)
    colleague = open_ticket(people.carla, title="Colleague's")
    foreign = open_ticket(people.bob, title="Globex's")
    assert set(numbers(as_user(people.alice).get(LIST).get_data(as_text=True))) == {
        own.number, named.number, for_her.number}
    # The company manager sees every ticket of the company, and only those.
    assert set(numbers(as_user(people.manager).get(LIST).get_data(as_text=True))) == {
        own.number, named.number, for_her.number, colleague.number}
    assert numbers(as_user(people.bob).get(LIST).get_data(as_text=True)) == [foreign.number]


def test_a_person_named_in_a_custom_person_field_sees_the_ticket(
    app, people, load_schema, make_user, as_user, open_ticket
):
    document = helpdesk_document()
    document["fields"].append(
        {"key": "site_contact", "type": "person", "label": {"en": "On-site contact"},
         "customer": {"visibility": "write", "edit": ["create"]}})
    load_schema(document)
    dario = make_user(company=people.alice.company, name="Dario", surname="Doni",
                      email_verified_at=people.alice.email_verified_at)
    named = open_ticket(people.alice, title="Named on site", site_contact=people.carla.id)
    other = open_ticket(people.alice, title="Not named")
    assert numbers(as_user(people.carla).get(LIST).get_data(as_text=True)) == [named.number]
    assert as_user(people.carla).get(f"/portal/tickets/{named.number}").status_code == 200
    # A colleague named nowhere on it sees neither ticket.
    browser = as_user(dario)
    assert numbers(browser.get(LIST).get_data(as_text=True)) == []
    assert browser.get(f"/portal/tickets/{named.number}").status_code == 404
    assert set(numbers(as_user(people.alice).get(LIST).get_data(as_text=True))) == {
        named.number, other.number}


def test_being_named_in_a_field_hidden_from_customers_shows_nothing(
    app, people, load_schema, as_user, open_ticket
):
    document = helpdesk_document()
    document["fields"].append(
        {"key": "escalate_to", "type": "person", "label": {"en": "Escalate to"},
         "customer": {"visibility": "hidden", "edit": []}})
    load_schema(document)
    ticket = open_ticket(people.agent, title="Staff only note", company=people.alice.company_id,
                         requester=people.alice.id, escalate_to=people.carla.id)
    browser = as_user(people.carla)
    assert numbers(browser.get(LIST).get_data(as_text=True)) == []
    assert browser.get(f"/portal/tickets/{ticket.number}").status_code == 404


def test_columns_are_the_fields_shown_in_the_customer_list_that_the_gate_allows(
    app, people, as_user, open_ticket
):
    ticket = open_ticket(people.alice, request_type="incident", priority="high")
    with app.app_context():
        update_ticket(db.session.get(User, people.agent.id), db.session.get(Ticket, ticket.id),
                      {"internal_code": SECRET_CODE})
    html = as_user(people.alice).get(LIST).get_data(as_text=True)
    header = html[html.index("<thead>"):html.index("</thead>")]
    assert re.findall(r'<th scope="col">([^<]+)</th>', header) == [
        "Number", "Title", "Status", "Opened", "Last update", "Request type",
        "Product family", "Priority"]
    assert "Something is broken" in html and "High" in html
    assert '<span class="status-badge" style="--status-colour: #1f5fbf">New</span>' in html
    assert SECRET_CODE not in html and "Internal code" not in html


def test_filter_by_status(app, people, as_user, open_ticket):
    new = open_ticket(people.alice, title="Fresh")
    done = open_ticket(people.alice, title="Finished")
    with app.app_context():
        update_ticket(db.session.get(User, people.agent.id), db.session.get(Ticket, done.id),
                      {"status": "done", "root_cause": "Paper"})
    browser = as_user(people.alice)
    html = browser.get(LIST).get_data(as_text=True)
    assert '<option value="all-open">All open (1)</option>' in html
    assert '<option value="done">Done (1)</option>' in html
    assert numbers(browser.get(f"{LIST}?status=all-open").get_data(as_text=True)) == [new.number]
    assert numbers(browser.get(f"{LIST}?status=all-closed").get_data(as_text=True)) == [
        done.number]
    assert numbers(browser.get(f"{LIST}?status=done").get_data(as_text=True)) == [done.number]
    assert numbers(browser.get(f"{LIST}?status=waiting").get_data(as_text=True)) == []
    assert set(numbers(browser.get(f"{LIST}?status=nonsense").get_data(as_text=True))) == {
        new.number, done.number}


def test_text_search_never_finds_by_an_internal_note(app, people, as_user, open_ticket):
    printer = open_ticket(people.alice, title="Printer on fire")
    other = open_ticket(people.alice, title="Mailbox full")
    with app.app_context():
        add_comment(db.session.get(User, people.agent.id), db.session.get(Ticket, other.id),
                    "zanzibar firmware", internal=True)
    browser = as_user(people.alice)
    assert numbers(browser.get(f"{LIST}?q=printer").get_data(as_text=True)) == [printer.number]
    html = browser.get(f"{LIST}?q=zanzibar").get_data(as_text=True)
    assert numbers(html) == [] and "No ticket matches these filters." in html


def test_keyset_pages_without_offset(app, people, as_user, open_ticket):
    made = [open_ticket(people.alice, title=f"Ticket {n}").number for n in range(27)]
    browser = as_user(people.alice)
    statements = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, parameters, *_args):
        statements.append((statement.upper(), parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        html = browser.get(LIST).get_data(as_text=True)
        first = numbers(html)
        assert first == list(reversed(made))[:25]
        next_url = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', html).group(1)
        assert "after=" in next_url
        html = browser.get(next_url.replace("&amp;", "&")).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert numbers(html) == list(reversed(made))[25:]
    assert 'rel="next"' not in html and "First page" in html
    # The second page starts after the last row's key; nothing is skipped by OFFSET
    # (SQLite prints "OFFSET ?" after every LIMIT: its value stays 0).
    assert any("(TICKET.CREATED_AT, TICKET.ID) <" in s for s, _p in statements)
    for statement, parameters in statements:
        if "OFFSET" in statement:
            assert statement.endswith("OFFSET ?") and parameters[-1] == 0, statement


def test_a_broken_page_link_says_so(people, as_user, open_ticket):
    open_ticket(people.alice)
    response = as_user(people.alice).get(f"{LIST}?after=not-a-cursor")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This page link is not valid any more" in html and len(numbers(html)) == 1


def test_an_empty_list_invites_the_first_ticket(people, as_user):
    html = as_user(people.alice).get(LIST).get_data(as_text=True)
    assert "You have no tickets yet." in html and 'href="/portal/tickets/new"' in html

"""Opening a ticket from the portal: the owner's form, attachments, errors, the gate."""

from __future__ import annotations

import io
import os

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.fields.schema import current_schema
from app.tickets.models import Attachment, AuditEntry, Ticket
from app.tickets.values import load_values
from tests.fixtures.factories import PASSWORD

NEW = "/portal/tickets/new"


def form_data(**overrides) -> dict:
    return {
        "title": "VAT registers do not print", "request_type": "incident",
        "product_family": "software", "product_version": "4.2.1", "module": "accounting",
        "impact": "team", "description": "Printing stops at 50%.", "priority": "high",
        "notify_person": "",
    } | overrides


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def stored_files(app) -> int:
    folder = app.config["SPORTELLO_UPLOAD_FOLDER"]
    return sum(len(files) for _root, _dirs, files in os.walk(folder))


def test_form_shows_the_owner_fields_with_their_conditions(people, as_user):
    html = as_user(people.alice).get(NEW).get_data(as_text=True)
    assert 'name="title"' in html and 'name="request_type"' in html
    # The conditional field is there for everyone, with its condition for the browser
    # and a sentence for people without JavaScript.
    assert 'data-show-when="product_family"' in html
    assert "Only when Product family is Software." in html
    # Person to notify: the company's persons only.
    assert "Carla Conti" in html and "Mara Manager" in html and "Bob Brown" not in html
    # Fields the customer may not write at creation are not inputs; hidden ones are absent.
    assert 'name="status"' not in html and 'name="company"' not in html
    assert "Root cause" not in html
    assert 'name="attachments"' in html and 'enctype="multipart/form-data"' in html
    assert "sportello-fields.js" in html


def test_new_ticket_with_attachments_and_confirmation(app, people, as_user):
    browser = as_user(people.alice)
    data = form_data(notify_person=str(people.carla.id))
    data["attachments"] = [(io.BytesIO(b"log line"), "error.log"),
                           (io.BytesIO(b"%PDF-1.4"), "invoice.pdf")]
    data["screenshots"] = [(io.BytesIO(b"\x89PNG"), "screen.png")]
    response = browser.submit(NEW, data)
    assert response.status_code == 303
    number = response.headers["Location"].rsplit("/", 2)[-2]
    page = browser.get(response.headers["Location"])
    assert page.status_code == 200 and number in page.get_data(as_text=True)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket.requester_id == people.alice.id
        assert ticket.company_id == people.alice.company_id
        assert ticket.notify_person_id == people.carla.id
        values = load_values(current_schema(), ticket)
        assert values["product_version"] == "4.2.1" and values["module"] == "accounting"
        files = db.session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)
                                   .order_by(Attachment.id)).all()
        general = [f.filename for f in files if f.field_id is None]
        assert general == ["error.log", "invoice.pdf"]
        assert [f.filename for f in files if f.field_id is not None] == ["screen.png"]
        assert all(f.comment_id is None for f in files)
    html = browser.get(f"/portal/tickets/{number}").get_data(as_text=True)
    assert "error.log" in html and "invoice.pdf" in html and "screen.png" in html


def test_errors_come_back_next_to_the_fields_and_nothing_is_stored(app, people, as_user):
    browser = as_user(people.alice)
    tickets, files = count(app, Ticket), stored_files(app)
    data = form_data(title="")
    data["attachments"] = [(io.BytesIO(b"fine"), "fine.txt")]
    response = browser.submit(NEW, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error" id="title-error">This field is required.</p>' in html
    assert 'aria-describedby="title-error"' in html
    assert "Printing stops at 50%." in html  # what was typed is kept
    data = form_data(product_version="four")
    data["attachments"] = [(io.BytesIO(b"fine"), "fine.txt")]
    html = browser.submit(NEW, data).get_data(as_text=True)
    assert 'id="product_version-error"' in html
    assert "Write the version as numbers and dots" in html
    assert count(app, Ticket) == tickets and stored_files(app) == files


def test_a_value_the_form_cannot_read_is_refused_next_to_its_field(app, people, as_user):
    browser = as_user(people.alice)
    response = browser.submit(NEW, form_data(seats="many", notify_person=str(people.carla.id)))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error" id="seats-error">Not a valid integer value.</p>' in html
    assert f'<option selected value="{people.carla.id}">Carla Conti</option>' in html
    assert count(app, Ticket) == 0


def test_a_refused_attachment_stores_nothing(app, people, as_user):
    browser = as_user(people.alice)
    tickets, files = count(app, Ticket), stored_files(app)
    data = form_data()
    data["attachments"] = [(io.BytesIO(b"ok"), "ok.txt"), (io.BytesIO(b"MZ"), "tool.exe")]
    response = browser.submit(NEW, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="attachments-error"' in html and "tool.exe: files of this type" in html
    assert count(app, Ticket) == tickets and stored_files(app) == files


def test_the_size_limit_is_the_configured_one(app, people, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "SPORTELLO_MAX_UPLOAD_MB", 0.001)  # about 1 KB
    browser = as_user(people.alice)
    assert "Up to 0.001 MB per file." in browser.get(NEW).get_data(as_text=True)
    data = form_data()
    data["attachments"] = [(io.BytesIO(b"x" * 5000), "big.txt")]
    response = browser.submit(NEW, data)
    assert response.status_code == 422
    assert "big.txt is larger than" in response.get_data(as_text=True)
    assert count(app, Attachment, Attachment.filename == "big.txt") == 0


def test_a_hidden_field_in_the_post_refuses_the_whole_ticket(app, people, as_user):
    browser = as_user(people.alice)
    tickets = count(app, Ticket)
    response = browser.submit(NEW, form_data(root_cause="I know better"))
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Nothing was saved" in html and "I know better" not in html
    assert count(app, Ticket) == tickets
    assert count(app, AuditEntry, AuditEntry.actor_id == people.alice.id) == 1


def test_a_value_for_a_field_its_condition_hides_refuses_the_whole_ticket(app, people,
                                                                         as_user):
    # The browser hides the version for hardware; a hand-made POST still sends one.
    browser = as_user(people.alice)
    tickets = count(app, Ticket)
    audits = count(app, AuditEntry, AuditEntry.actor_id == people.alice.id)
    response = browser.submit(NEW, form_data(product_family="hardware", module="printer",
                                             product_version="4.2.1"))
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Nothing was saved: you may not write Product version." in html  # its label
    assert ('<p class="error" id="product_version-error">'
            "This field does not apply to the values chosen.</p>") in html
    assert count(app, Ticket) == tickets
    assert count(app, AuditEntry, AuditEntry.actor_id == people.alice.id) == audits + 1
    with app.app_context():
        audit = db.session.scalar(select(AuditEntry).where(
            AuditEntry.actor_id == people.alice.id).order_by(AuditEntry.id.desc()))
        assert (audit.action, audit.ticket_id) == ("write_refused", None)
        assert audit.detail == {"fields": {"product_version": "condition"}, "via": "portal"}


def test_the_person_to_notify_must_be_of_the_company(app, people, as_user):
    browser = as_user(people.alice)
    response = browser.submit(NEW, form_data(notify_person=str(people.bob.id)))
    assert response.status_code == 422
    assert "Choose a person of the ticket&#39;s company." in response.get_data(as_text=True)
    assert count(app, Ticket) == 0


def test_an_unverified_person_cannot_open_a_ticket_yet(app, people, make_user, browser):
    with app.app_context():
        company = db.session.get(User, people.alice.id).company
    newcomer = make_user(company=company, email="new@example.com", email_verified_at=None)
    browser.login("new@example.com", PASSWORD)
    response = browser.get(NEW)
    assert response.status_code == 403
    assert "confirm your e-mail address" in response.get_data(as_text=True)
    response = browser.submit(NEW, form_data(), form_url="/portal/")
    assert response.status_code == 403 and count(app, Ticket) == 0
    assert "Open a new ticket" not in browser.get("/portal/").get_data(as_text=True)
    assert newcomer.email_verified_at is None


def test_a_follow_up_mentions_the_old_ticket(app, people, as_user, open_ticket):
    old = open_ticket(people.alice, title="Old printer")
    foreign = open_ticket(people.bob, title="Globex secret")
    browser = as_user(people.alice)
    html = browser.get(f"{NEW}?follow_up={old.number}").get_data(as_text=True)
    assert f"Follow-up of ticket {old.number} (Old printer)." in html
    html = browser.get(f"{NEW}?follow_up={foreign.number}").get_data(as_text=True)
    assert "Follow-up of ticket" not in html and "Globex secret" not in html


def test_customers_land_in_the_portal_and_staff_do_not_use_it(people, browser):
    response = browser.login(people.alice.email, PASSWORD)
    assert response.headers["Location"] == "/portal/tickets"
    browser.logout()
    browser.login(people.agent.email, PASSWORD)
    response = browser.get("/portal/")
    assert response.status_code == 302 and response.headers["Location"] == "/desk/"


def test_the_menu_offers_the_portal_to_customers(people, as_user):
    html = as_user(people.alice).get("/portal/").get_data(as_text=True)
    assert 'href="/portal/tickets"' in html and 'href="/portal/tickets/new"' in html
    assert 'href="/portal/links"' not in html


def test_the_form_starts_from_the_table_defaults(people, as_user):
    html = as_user(people.alice).get(NEW).get_data(as_text=True)
    assert '<option selected value="medium">' in html

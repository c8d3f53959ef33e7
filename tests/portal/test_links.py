"""Signed links: one ticket, one person, read and reply only, expiring, revocable."""

from __future__ import annotations

import io
import time
from datetime import timedelta

from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.extensions import db
from app.portal.links import make_token, signed_ticket_url
from app.tickets.models import Attachment, Comment, Ticket
from app.tickets.service import add_comment, update_ticket
from app.timeutil import utcnow
from tests.fixtures.factories import PASSWORD
from tests.fixtures.web import Browser
from tests.portal.conftest import SECRET_CODE


def link_of(app, person, ticket) -> str:
    with app.test_request_context():
        return signed_ticket_url(person, ticket)


def path_of(app, person, ticket, signed_at=None) -> str:
    with app.app_context():
        return f"/portal/t/{make_token(person.id, ticket.id, signed_at)}"


def test_a_link_opens_the_ticket_without_logging_in(app, people, client, open_ticket):
    ticket = open_ticket(people.alice, title="Scanner offline")
    with app.app_context():
        update_ticket(db.session.get(User, people.agent.id), db.session.get(Ticket, ticket.id),
                      {"internal_code": SECRET_CODE})
        add_comment(db.session.get(User, people.agent.id), db.session.get(Ticket, ticket.id),
                    "INTERNAL-ONLY", internal=True)
    url = link_of(app, people.alice, ticket)
    assert url.startswith("http://localhost/portal/t/")
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Scanner offline" in html and 'name="body"' in html
    assert SECRET_CODE not in html and "INTERNAL-ONLY" not in html
    assert "/edit" not in html and "Update details" not in html  # read and reply only
    assert "My tickets" not in html  # no menu: nobody is logged in
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    # The link logged nobody in: every other page still asks for a login.
    assert client.get("/portal/").status_code == 302
    assert client.get(f"/portal/tickets/{ticket.number}").status_code == 302


def test_a_reply_through_the_link(app, people, browser, open_ticket):
    ticket = open_ticket(people.alice)
    path = path_of(app, people.alice, ticket)
    response = browser.submit(path, {
        "body": "Sent from my phone", "attachments": [(io.BytesIO(b"pic"), "photo.jpg")],
    })
    assert response.status_code == 303 and response.headers["Location"] == f"{path}#reply"
    html = browser.get(path).get_data(as_text=True)
    assert "Your reply was sent." in html and "Sent from my phone" in html
    with app.app_context():
        comment = db.session.scalars(select(Comment).where(Comment.ticket_id == ticket.id)).one()
        assert comment.author_id == people.alice.id and not comment.internal
        attachment = comment.attachments[0]
    with browser.get(f"{path}/files/{attachment.id}") as download:
        assert download.status_code == 200 and download.data == b"pic"
        assert download.headers["Content-Disposition"] == "attachment; filename=photo.jpg"


def test_an_empty_reply_through_the_link_is_refused(people, browser, open_ticket, app):
    path = path_of(app, people.alice, open_ticket(people.alice))
    response = browser.submit(path, {"body": ""})
    assert response.status_code == 422
    assert "Write a message or attach a file." in response.get_data(as_text=True)


def test_the_page_speaks_the_persons_language(app, people, client, open_ticket):
    with app.app_context():
        db.session.get(User, people.alice.id).language = "it"
        db.session.commit()
    html = client.get(path_of(app, people.alice, open_ticket(people.alice)),
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Invia la risposta" in html and 'lang="it"' in html


def test_a_link_opens_only_its_ticket(app, people, browser, open_ticket):
    mine = open_ticket(people.alice)
    other = open_ticket(people.alice)
    with app.app_context():
        add_comment(db.session.get(User, people.alice.id), db.session.get(Ticket, other.id),
                    "x", files=[FileStorage(io.BytesIO(b"data"), filename="other.txt")])
        other_file = db.session.scalar(select(Attachment.id).where(
            Attachment.ticket_id == other.id))
    path = path_of(app, people.alice, mine)
    assert browser.get(f"{path}/files/{other_file}").status_code == 404


def test_links_expire(app, people, client, open_ticket, monkeypatch):
    ticket = open_ticket(people.alice)
    days = app.config["SPORTELLO_TICKET_LINK_DAYS"]
    assert days == 30
    now = utcnow()
    assert client.get(path_of(app, people.alice, ticket,
                              now - timedelta(days=days - 1))).status_code == 200
    response = client.get(path_of(app, people.alice, ticket, now - timedelta(days=days + 1)))
    assert response.status_code == 404
    assert "This link does not open a ticket" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "SPORTELLO_TICKET_LINK_DAYS", 1)
    assert client.get(path_of(app, people.alice, ticket,
                              now - timedelta(days=2))).status_code == 404


def test_forged_and_altered_links_open_nothing(app, people, client, open_ticket):
    ticket = open_ticket(people.alice)
    path = path_of(app, people.alice, ticket)
    payload, _dot, signature = path.rpartition(".")
    assert client.get(f"{payload}.{signature[:-2]}xx").status_code == 404
    assert client.get("/portal/t/not-a-token").status_code == 404
    forged = URLSafeSerializer("another-secret", salt="sportello.portal.ticket-link")
    token = forged.dumps([ticket.id, people.alice.id, int(time.time() * 1000)])
    assert client.get(f"/portal/t/{token}").status_code == 404


def test_a_link_stops_when_the_person_may_no_longer_see_the_ticket(
    app, people, client, open_ticket
):
    ticket = open_ticket(people.alice, notify_person=people.carla.id)
    path = path_of(app, people.carla, ticket)
    assert client.get(path).status_code == 200
    with app.app_context():
        update_ticket(db.session.get(User, people.agent.id), db.session.get(Ticket, ticket.id),
                      {"notify_person": None})
    assert client.get(path).status_code == 404
    alice_path = path_of(app, people.alice, ticket)
    with app.app_context():
        db.session.get(User, people.alice.id).active = False
        db.session.commit()
    assert client.get(alice_path).status_code == 404


def test_a_link_stops_when_the_company_is_switched_off(app, people, browser, open_ticket):
    ticket = open_ticket(people.alice, title="Scanner offline")
    path = path_of(app, people.alice, ticket)
    assert browser.get(path).status_code == 200
    staff = Browser(app.test_client())
    staff.login(people.agent.email, PASSWORD)
    company = f"/staff/companies/{people.alice.company_id}"
    assert staff.submit(company, {"name": "Acme"}).status_code == 302  # ticketing unchecked
    response = browser.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "This link does not open a ticket" in html and "Scanner offline" not in html
    refused = browser.submit(path, {"body": "Still there?"}, form_url="/login")
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Comment).where(
            Comment.ticket_id == ticket.id)).all() == []
    # Switched back on, the same link opens the ticket again.
    staff.submit(company, {"name": "Acme", "ticketing_enabled": "y"})
    assert browser.get(path).status_code == 200


def revoke(browser, **data):
    return browser.submit("/portal/links", {"number": "", "email": ""} | data)


def test_the_owner_revokes_the_links_of_a_ticket(app, people, as_user, client, open_ticket):
    ticket = open_ticket(people.alice)
    other = open_ticket(people.alice)
    before = path_of(app, people.alice, ticket)
    kept = path_of(app, people.alice, other)
    browser = as_user(people.owner)
    response = revoke(browser, number=ticket.number)
    assert response.status_code == 303
    html = browser.get("/portal/links").get_data(as_text=True)
    assert "The links were revoked" in html and ticket.number in html
    assert client.get(before).status_code == 404
    assert client.get(kept).status_code == 200
    # A link made after the revocation works: new e-mails carry new links.
    assert client.get(path_of(app, people.alice, ticket)).status_code == 200


def test_the_owner_revokes_the_links_of_a_person(app, people, as_user, client, open_ticket):
    ticket = open_ticket(people.alice, notify_person=people.carla.id)
    alice, carla = path_of(app, people.alice, ticket), path_of(app, people.carla, ticket)
    assert revoke(as_user(people.owner), email=people.alice.email.upper()).status_code == 303
    assert client.get(alice).status_code == 404
    assert client.get(carla).status_code == 200


def test_revoking_every_link_needs_the_box_ticked(app, people, as_user, client, open_ticket):
    ticket = open_ticket(people.alice)
    path = path_of(app, people.alice, ticket)
    browser = as_user(people.owner)
    response = revoke(browser)
    assert response.status_code == 422
    assert "tick this box to revoke every link" in response.get_data(as_text=True)
    assert client.get(path).status_code == 200
    assert revoke(browser, everything="y").status_code == 303
    assert client.get(path).status_code == 404
    assert "Every ticket" in browser.get("/portal/links").get_data(as_text=True)


def test_unknown_ticket_or_person_are_refused(people, as_user):
    response = revoke(as_user(people.owner), number="1999-00001", email="ghost@example.com")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "No ticket has this number." in html
    assert "No customer person has this e-mail address." in html


def test_only_the_owner_sees_the_revocation_page(people, as_user, browser):
    for user in (people.agent, people.alice):
        assert as_user(user).get("/portal/links").status_code == 404
    assert 'href="/portal/links"' in as_user(people.owner).home()

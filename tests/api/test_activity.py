"""Comments, attachments and history: internal notes and hidden fields never reach
customers, files go through the same checks as the pages."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.accounts.models import Role, User
from app.extensions import db
from app.tickets.models import Attachment, Ticket
from app.tickets.service import add_comment, update_ticket

HARDWARE = {"request_type": "incident", "product_family": "hardware"}


@pytest.fixture
def ticket(helpdesk, make_ticket, customer):
    return make_ticket(customer, **HARDWARE)


def _as_staff(app, agent, ticket, **changes):
    with app.app_context():
        update_ticket(db.session.get(User, agent.id), db.session.get(Ticket, ticket.id), changes)


def _note(app, agent, ticket, body, files=()):
    uploads = [FileStorage(stream=stream, filename=name) for stream, name in files]
    with app.app_context():
        comment = add_comment(db.session.get(User, agent.id),
                              db.session.get(Ticket, ticket.id), body, internal=True,
                              files=uploads)
        return [a.id for a in comment.attachments]


def _png(name="shot.png", data=b"\x89PNG data"):
    return (io.BytesIO(data), name)


# -- comments --------------------------------------------------------------------------

def test_customer_replies_and_reads_replies(api_as, customer, ticket):
    api = api_as(customer)
    posted = api.post(f"/tickets/{ticket.number}/comments", json={"body": "Any news?"})
    assert posted.status_code == 201, posted.get_json()
    comment = posted.get_json()
    assert comment["body"] == "Any news?" and comment["internal"] is False
    assert comment["author"] == {"id": customer.id, "name": f"{customer.name} "
                                                           f"{customer.surname}"}
    listed = api.get(f"/tickets/{ticket.number}/comments").get_json()
    assert [c["id"] for c in listed["items"]] == [comment["id"]] and listed["next"] is None


def test_staff_internal_notes_never_reach_customers(app, api_as, customer, agent, ticket):
    staff = api_as(agent)
    note = staff.post(f"/tickets/{ticket.number}/comments",
                      json={"body": "Customer is on the old version", "internal": True})
    assert note.status_code == 201 and note.get_json()["internal"] is True
    staff.post(f"/tickets/{ticket.number}/comments", json={"body": "We are on it."})
    bodies = [c["body"] for c in
              api_as(customer).get(f"/tickets/{ticket.number}/comments").get_json()["items"]]
    assert bodies == ["We are on it."]
    staff_bodies = [c["body"] for c in
                    staff.get(f"/tickets/{ticket.number}/comments").get_json()["items"]]
    assert staff_bodies == ["Customer is on the old version", "We are on it."]


def test_customer_may_not_post_internal_notes(api_as, customer, ticket):
    response = api_as(customer).post(f"/tickets/{ticket.number}/comments",
                                     json={"body": "psst", "internal": True})
    assert response.status_code == 403
    assert set(response.get_json()["fields"]) == {"internal"}
    assert api_as(customer).get(f"/tickets/{ticket.number}/comments").get_json()["items"] == []


@pytest.mark.parametrize(("body", "key"), [
    ({}, "body"), ({"body": 5}, "body"), ({"body": "x" * 50_001}, "body"),
    ({"body": "   "}, "body"), ({"body": "hi", "internal": "yes"}, "internal"),
    ({"body": "hi", "author": 1}, "author"),
])
def test_invalid_comments_are_422(api_as, agent, ticket, body, key):
    response = api_as(agent).post(f"/tickets/{ticket.number}/comments", json=body)
    assert response.status_code == 422, response.get_json()
    assert key in response.get_json()["fields"]


def test_comment_pages(api_as, agent, ticket):
    api = api_as(agent)
    for n in range(3):
        api.post(f"/tickets/{ticket.number}/comments", json={"body": f"Reply {n}"})
    first = api.get(f"/tickets/{ticket.number}/comments?limit=2").get_json()
    assert [c["body"] for c in first["items"]] == ["Reply 0", "Reply 1"]
    rest = api.get(f"/tickets/{ticket.number}/comments?limit=2&cursor={first['next']}")
    assert [c["body"] for c in rest.get_json()["items"]] == ["Reply 2"]
    elsewhere = api.get(f"/tickets/{ticket.number}/events?limit=2&cursor={first['next']}")
    assert elsewhere.status_code == 422  # a cursor belongs to its list


# -- attachments -------------------------------------------------------------------------

def test_files_as_a_reply_and_their_download(api_as, customer, ticket):
    api = api_as(customer)
    response = api.post(f"/tickets/{ticket.number}/attachments",
                        data={"files": [_png(), _png("log.txt", b"log")], "body": "Here"},
                        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["comment"]["body"] == "Here"
    assert [a["filename"] for a in body["attachments"]] == ["shot.png", "log.txt"]
    url = body["attachments"][0]["url"]
    assert url.endswith(f"/api/v1/tickets/{ticket.number}/attachments/"
                        f"{body['attachments'][0]['id']}")
    download = api.get(url.split("localhost", 1)[1])
    data = download.data
    download.close()
    assert download.status_code == 200 and data == b"\x89PNG data"
    assert "shot.png" in download.headers["Content-Disposition"]


def test_files_into_an_attachment_field(api_as, customer, agent, ticket):
    response = api_as(customer).post(f"/tickets/{ticket.number}/attachments",
                                     data={"files": [_png()], "field": "screenshots"},
                                     content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["comment"] is None and len(body["attachments"]) == 1
    shown = api_as(agent).get(f"/tickets/{ticket.number}").get_json()
    assert shown["fields"]["screenshots"] == [body["attachments"][0]["id"]]


@pytest.mark.parametrize(("data", "key"), [
    ({}, "files"),
    ({"files": [_png("virus.exe", b"MZ")]}, "attachments"),
    ({"files": [_png("virus.exe", b"MZ")], "field": "screenshots"}, "screenshots"),
    ({"files": [_png()], "field": "seats"}, "seats"),
    ({"files": [_png()], "field": "no_such_field"}, "no_such_field"),
    ({"files": [_png()], "field": "screenshots", "body": "hi"}, "field"),
    ({"files": [_png()], "internal": "perhaps"}, "internal"),
    ({"files": [_png()], "colour": "red"}, "colour"),
])
def test_refused_uploads_are_422(api_as, customer, ticket, data, key):
    response = api_as(customer).post(f"/tickets/{ticket.number}/attachments", data=data,
                                     content_type="multipart/form-data")
    assert response.status_code == 422, response.get_json()
    assert key in response.get_json()["fields"]


def test_upload_refusals_by_the_gate(api_as, customer, agent, helpdesk, make_ticket, app,
                                     load_schema):
    from tests.api.conftest import helpdesk_document

    document = helpdesk_document()
    document["fields"].append({"key": "contract", "type": "attachment",
                               "label": {"en": "Contract", "it": "Contratto"},
                               "customer": {"visibility": "hidden", "edit": []}})
    load_schema(document)
    ticket = make_ticket(customer, **HARDWARE)
    api = api_as(customer)
    hidden = api.post(f"/tickets/{ticket.number}/attachments",
                      data={"files": [_png()], "field": "contract"},
                      content_type="multipart/form-data")
    assert hidden.status_code == 403 and set(hidden.get_json()["fields"]) == {"contract"}
    internal = api.post(f"/tickets/{ticket.number}/attachments",
                        data={"files": [_png()], "internal": "1"},
                        content_type="multipart/form-data")
    assert internal.status_code == 403
    assert api_as(agent).post(f"/tickets/{ticket.number}/attachments",
                              data={"files": [_png()], "field": "contract"},
                              content_type="multipart/form-data").status_code == 201


@pytest.mark.parametrize(("language", "message"), [
    ("en", "The upload is too large."), ("it", "Il file caricato è troppo grande.")])
def test_an_upload_beyond_the_request_limit_is_413_in_the_api_format(
        app, api_as, make_user, customer, ticket, monkeypatch, language, message):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    with app.app_context():
        company = db.session.get(User, customer.id).company
        before = db.session.scalar(select(func.count()).select_from(Attachment))
    manager = make_user(company=company, is_company_manager=True, language=language)
    response = api_as(manager).post(f"/tickets/{ticket.number}/attachments",
                                    data={"files": [_png(data=b"x" * 5000)], "body": "Big"},
                                    content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": message, "fields": {}}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == before
    assert api_as(customer).get(f"/tickets/{ticket.number}/comments").get_json()["items"] == []


def test_uploads_must_be_multipart(api_as, customer, ticket):
    response = api_as(customer).post(f"/tickets/{ticket.number}/attachments", json={"a": 1})
    assert response.status_code == 415


def test_files_of_internal_notes_and_hidden_fields_are_404_for_customers(
        app, api_as, customer, agent, ticket, load_schema):
    [attachment_id] = _note(app, agent, ticket, "Internal log", [_png("internal.png")])
    path = f"/tickets/{ticket.number}/attachments/{attachment_id}"
    download = api_as(agent).get(path)
    download.close()
    assert download.status_code == 200
    assert api_as(customer).get(path).status_code == 404
    assert api_as(customer).get(f"/tickets/{ticket.number}/attachments/999999").status_code \
        == 404
    assert api_as(customer).get(
        f"/tickets/{ticket.number}/attachments/99999999999").status_code == 404


def test_attachments_of_another_ticket_are_404(api_as, customer, make_ticket, ticket):
    api = api_as(customer)
    other = make_ticket(customer, **HARDWARE)
    uploaded = api.post(f"/tickets/{other.number}/attachments", data={"files": [_png()]},
                        content_type="multipart/form-data").get_json()
    attachment_id = uploaded["attachments"][0]["id"]
    assert api.get(f"/tickets/{ticket.number}/attachments/{attachment_id}").status_code == 404


# -- history ---------------------------------------------------------------------------

def test_history_through_the_gate(app, api_as, customer, agent, ticket):
    _as_staff(app, agent, ticket, status="in_progress", area="south", budget=10)
    _note(app, agent, ticket, "Internal")
    api_as(agent).post(f"/tickets/{ticket.number}/comments", json={"body": "Public"})
    staff_events = api_as(agent).get(f"/tickets/{ticket.number}/events").get_json()["items"]
    customer_events = api_as(customer).get(
        f"/tickets/{ticket.number}/events").get_json()["items"]

    def changes(events):
        return {e["field"] for e in events if e["kind"] == "change"}

    assert {"status", "area", "budget"} <= changes(staff_events)
    assert "area" not in changes(customer_events) and "budget" not in changes(customer_events)
    assert "status" in changes(customer_events)
    assert sum(e["kind"] == "comment" for e in staff_events) == 2
    assert sum(e["kind"] == "comment" for e in customer_events) == 1
    created = next(e for e in customer_events if e["kind"] == "created")
    assert created["values"]["product_family"] == "hardware"
    status = next(e for e in customer_events if e["field"] == "status")
    assert (status["old"], status["new"]) == ("new", "in_progress")
    assert status["actor"]["id"] == agent.id and status["at"].endswith("Z")


def test_history_of_a_value_entered_at_creation_is_hidden_too(app, api_as, agent, customer,
                                                              helpdesk):
    made = api_as(agent).post("/tickets", json={
        "title": "x", "description": "d", "company": customer.company_id,
        "requester": customer.id, "fields": {**HARDWARE, "area": "north"}}).get_json()
    customer_events = api_as(customer).get(f"/tickets/{made['number']}/events").get_json()
    created = customer_events["items"][0]
    assert created["kind"] == "created" and "area" not in created["values"]
    staff_events = api_as(agent).get(f"/tickets/{made['number']}/events").get_json()
    assert staff_events["items"][0]["values"]["area"] == "north"


def test_events_pages(app, api_as, agent, ticket):
    for status in ("in_progress", "suspended", "in_progress"):
        _as_staff(app, agent, ticket, status=status)
    api = api_as(agent)
    first = api.get(f"/tickets/{ticket.number}/events?limit=2").get_json()
    second = api.get(f"/tickets/{ticket.number}/events?limit=2&cursor={first['next']}")
    ids = [e["id"] for e in first["items"]] + [e["id"] for e in second.get_json()["items"]]
    assert len(ids) == len(set(ids)) == 4 and ids == sorted(ids)


@pytest.mark.parametrize("role", [Role.CUSTOMER])
def test_activity_of_other_companies_tickets_is_404(api_as, make_user, ticket, role):
    api = api_as(make_user(role))
    assert api.get(f"/tickets/{ticket.number}/events").status_code == 404
    assert api.post(f"/tickets/{ticket.number}/attachments", data={"files": [_png()]},
                    content_type="multipart/form-data").status_code == 404

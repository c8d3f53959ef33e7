"""The webhooks plugin end to end: ticket events become signed JSON requests received
by a local HTTP server, with retries, a delivery log and the owner's pages."""

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.document import export_document
from app.plugins.manager import get_plugin_manager
from app.tickets.dispatch import as_ticket_event, dispatch_pending
from app.tickets.models import OutboxEvent, Ticket
from app.tickets.service import add_comment, create_ticket, update_ticket
from app.timeutil import utcnow
from plugins.webhooks import services
from plugins.webhooks.models import Delivery
from plugins.webhooks.sender import send_due
from plugins.webhooks.signing import verify
from tests.fixtures.factories import PASSWORD

ALL_TOPICS = list(services.TOPICS)


class Receiver:
    """An HTTP server on 127.0.0.1 (ephemeral port) that records what it receives and
    answers with the queued status codes (200 once they run out)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict, bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers), body))
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "9")
                self.end_headers()
                self.wfile.write(b"not today" if status >= 300 else b"thank you")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def url(self, path: str = "/hook") -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}{path}"

    def bodies(self, path: str = "/hook") -> list[dict]:
        return [json.loads(body) for p, _headers, body in self.requests if p == path]


@pytest.fixture
def receiver():
    running = Receiver()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()
    running.thread.join(timeout=5)


def dispatch(app) -> None:
    """What `flask sportello dispatch` does after each change."""
    with app.app_context():
        dispatch_pending()


def send(app, now=None):
    with app.app_context():
        return send_due(now)


def deliveries(app, **where) -> list[Delivery]:
    with app.app_context():
        statement = select(Delivery).order_by(Delivery.id).filter_by(**where)
        return list(db.session.scalars(statement))


def endpoint(app, url: str, topics=None, **options):
    with app.app_context():
        return services.create_endpoint("Receiver", url, topics or ALL_TOPICS, **options)


# Signed deliveries ------------------------------------------------------------------


def test_a_new_ticket_reaches_the_endpoint_signed(app, receiver, make_ticket):
    hook = endpoint(app, receiver.url())
    ticket = make_ticket(title="The printer is on fire", priority="urgent")
    dispatch(app)
    [pending] = deliveries(app)
    assert pending.status == "pending" and pending.ticket_number == ticket.number
    report = send(app)
    assert (report.delivered, report.retrying, report.failed) == (1, 0, 0)

    [(path, headers, raw)] = receiver.requests
    timestamp, signed = headers["X-Sportello-Timestamp"], headers["X-Sportello-Signature"]
    expected = hmac.new(hook.secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256)
    assert signed == "sha256=" + expected.hexdigest()
    assert verify(hook.secret, raw, timestamp, signed, utcnow())
    assert not verify("another secret", raw, timestamp, signed, utcnow())
    assert not verify(hook.secret, raw, timestamp, signed, utcnow() + timedelta(minutes=6))
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Sportello-Event"] == "ticket.created"

    body = json.loads(raw)
    assert body["topic"] == "ticket.created" and body["format"] == 1
    assert body["id"] == headers["X-Sportello-Delivery"]
    assert body["ticket"]["number"] == ticket.number
    assert body["ticket"]["fields"]["title"] == "The printer is on fire"
    assert body["changes"]["priority"] == [None, "urgent"]
    assert body["occurred_at"].endswith("Z")
    assert body["actor"]["role"] == "customer"
    [done] = deliveries(app)
    assert (done.status, done.attempts, done.last_status_code) == ("delivered", 1, 200)


def test_changes_and_replies_are_sent_with_their_topics(app, receiver, make_ticket, make_user):
    endpoint(app, receiver.url(), ["ticket.status_changed", "ticket.replied"])
    ticket = make_ticket()
    agent = make_user(Role.AGENT, name="Anna", surname="Bianchi")
    with app.app_context():
        staff, row = db.session.get(User, agent.id), db.session.get(Ticket, ticket.id)
        add_comment(staff, row, "We are on it.")  # also moves the ticket to "waiting"
    dispatch(app)
    send(app)
    bodies = {body["topic"]: body for body in receiver.bodies()}
    assert set(bodies) == {"ticket.replied", "ticket.status_changed"}
    assert bodies["ticket.replied"]["reply"]["body"] == "We are on it."
    assert bodies["ticket.replied"]["reply"]["public"] is True
    assert bodies["ticket.replied"]["actor"] == {"name": "Anna Bianchi", "role": "agent"}
    assert bodies["ticket.status_changed"]["changes"] == {"status": ["new", "waiting"]}


HIDDEN_FIELD = {
    "key": "internal_code", "type": "text",
    "label": {"en": "Internal code", "it": "Codice interno"},
    "customer": {"visibility": "hidden", "edit": []},
}


def test_hidden_fields_and_internal_notes_reach_internal_systems_only(
    app, receiver, load_schema, make_user, make_company
):
    with app.app_context():
        document = export_document()
    load_schema({**document, "fields": [*document["fields"], HIDDEN_FIELD]})
    endpoint(app, receiver.url("/public"))
    endpoint(app, receiver.url("/internal"), internal=True)
    company = make_company()
    customer = make_user(Role.CUSTOMER, company=company)
    agent = make_user(Role.AGENT)
    with app.app_context():
        staff = db.session.get(User, agent.id)
        ticket = create_ticket(staff, {
            "title": "Router down", "description": "No internet since this morning.",
            "company": company.id, "requester": customer.id,
            "internal_code": "TOP-SECRET-42",
        })
        update_ticket(staff, ticket, {"internal_code": "TOP-SECRET-43"})
        update_ticket(staff, ticket, {"internal_code": "TOP-SECRET-44", "priority": "high"})
        add_comment(staff, ticket, "Customer owes us money, SECRET-NOTE", internal=True)
    dispatch(app)
    send(app)

    public = [raw for path, _h, raw in receiver.requests if path == "/public"]
    internal = [raw for path, _h, raw in receiver.requests if path == "/internal"]
    assert public and not any(b"SECRET" in raw for raw in public)
    assert {body["topic"] for body in receiver.bodies("/public")} == {
        "ticket.created", "ticket.updated",  # the update of the hidden field only is not sent
    }
    [update] = [b for b in receiver.bodies("/public") if b["topic"] == "ticket.updated"]
    assert update["changes"] == {"priority": ["medium", "high"]}
    assert "internal_code" not in update["ticket"]["fields"]
    assert sum(b"TOP-SECRET" in raw for raw in internal) == 3 + 1  # 3 events + the note's
    assert any(b"SECRET-NOTE" in raw for raw in internal)
    assert len(internal) == 4 and len(public) == 2


def test_an_event_delivered_twice_makes_one_delivery(app, receiver, make_ticket):
    endpoint(app, receiver.url())
    ticket = make_ticket()
    manager = get_plugin_manager(app)
    with app.app_context():
        row = db.session.scalar(select(OutboxEvent).where(OutboxEvent.ticket_id == ticket.id))
        event = as_ticket_event(row)
        manager.dispatch_ticket_event(event)
        manager.dispatch_ticket_event(event)  # the dispatcher is at-least-once
    assert len(deliveries(app)) == 1


def test_only_active_endpoints_subscribed_to_the_topic_get_deliveries(
    app, receiver, make_ticket
):
    endpoint(app, receiver.url("/closed-only"), ["ticket.closed"])
    endpoint(app, receiver.url("/paused"), active=False)
    make_ticket()
    dispatch(app)
    assert deliveries(app) == []


# Retries -------------------------------------------------------------------------


def test_a_failed_attempt_is_retried_later_and_succeeds(app, receiver, make_ticket):
    endpoint(app, receiver.url())
    make_ticket()
    dispatch(app)
    receiver.answers = [500]
    now = utcnow()
    assert send(app, now).retrying == 1
    [waiting] = deliveries(app)
    assert (waiting.status, waiting.attempts, waiting.last_status_code) == ("pending", 1, 500)
    assert waiting.last_error == "HTTP 500 Internal Server Error: not today"
    assert waiting.next_attempt_at == now + timedelta(seconds=60)  # then 120, 240...
    assert send(app, now + timedelta(seconds=59)).attempted == 0  # not due yet
    assert send(app, now + timedelta(seconds=60)).delivered == 1
    [done] = deliveries(app)
    assert (done.status, done.attempts, done.last_error) == ("delivered", 2, "")
    first, second = receiver.requests
    assert first[2] == second[2]  # the same bytes, with the same event id
    assert first[1]["X-Sportello-Delivery"] == second[1]["X-Sportello-Delivery"]


def test_backoff_doubles_up_to_six_hours(app_ctx):
    from plugins.webhooks.sender import backoff

    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff(12) == timedelta(hours=6)


def test_redirects_and_unreachable_endpoints_are_failures(app, receiver, make_ticket):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    endpoint(app, receiver.url())
    endpoint(app, f"http://127.0.0.1:{closed_port}/hook")
    make_ticket()
    dispatch(app)
    receiver.answers = [302]
    assert send(app).retrying == 2
    moved, refused = deliveries(app)
    assert moved.last_status_code == 302 and len(receiver.requests) == 1  # not followed
    assert refused.last_status_code is None and "Connection refused" in refused.last_error


def test_permanent_failure_is_listed_and_retried_by_the_owner(
    app, receiver, make_ticket, make_user, browser, monkeypatch
):
    monkeypatch.setitem(app.config, "SPORTELLO_WEBHOOKS_MAX_ATTEMPTS", 2)
    hook = endpoint(app, receiver.url())
    ticket = make_ticket()
    dispatch(app)
    receiver.answers = [503, 500]
    now = utcnow()
    send(app, now)
    assert send(app, now + timedelta(minutes=5)).failed == 1
    [failed] = deliveries(app)
    assert (failed.status, failed.attempts, failed.last_status_code) == ("failed", 2, 500)
    assert send(app, now + timedelta(days=1)).attempted == 0  # given up

    make_user(Role.OWNER, email="owner@example.com")
    browser.login("owner@example.com", PASSWORD)
    listing = browser.get("/admin/webhooks/").get_data(as_text=True)
    assert f'href="/admin/webhooks/deliveries?status=failed&amp;endpoint_id={hook.id}"' in listing
    log = browser.get("/admin/webhooks/deliveries?status=failed").get_data(as_text=True)
    assert ticket.number in log and "Failed" in log and "<strong>500</strong>" in log
    assert "HTTP 500 Internal Server Error: not today" in log
    retry_url = f"/admin/webhooks/deliveries/{failed.id}/retry"
    assert f'action="{retry_url}"' in log
    response = browser.submit(retry_url, {"status": "failed"},
                              form_url="/admin/webhooks/deliveries")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/webhooks/deliveries?status=failed"
    assert send(app).delivered == 1
    assert deliveries(app)[0].status == "delivered"
    assert len(receiver.requests) == 3


def test_the_send_command(app, receiver, make_ticket):
    endpoint(app, receiver.url())
    make_ticket()
    dispatch(app)
    result = app.test_cli_runner().invoke(args=["sportello", "webhooks", "send"])
    assert result.exit_code == 0, result.output
    assert result.output == "1 delivered, 0 to retry, 0 failed.\n"
    assert len(receiver.requests) == 1


def test_old_successful_deliveries_are_pruned(app, receiver, make_ticket):
    from plugins.webhooks.sender import prune

    endpoint(app, receiver.url())
    make_ticket()
    dispatch(app)
    receiver.answers = [500]
    send(app)
    make_ticket()
    dispatch(app)
    send(app)
    with app.app_context():
        assert prune(utcnow() + timedelta(days=29)) == 0
        assert prune(utcnow() + timedelta(days=31)) == 1  # the delivered one; not the pending
    assert [d.status for d in deliveries(app)] == ["pending"]


# The owner's pages ----------------------------------------------------------------


def test_owner_adds_and_edits_an_endpoint(app, browser, make_user):
    make_user(Role.OWNER, email="boss@example.com")
    browser.login("boss@example.com", PASSWORD)
    home = browser.home()
    assert '<a href="/admin/webhooks/">Webhooks</a>' in home
    form = browser.get("/admin/webhooks/new").get_data(as_text=True)
    assert 'checked id="on_created"' in form and 'checked id="on_closed"' in form  # all, at first

    refused = browser.submit("/admin/webhooks/new", {"name": " ", "url": "ftp://example.com"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Give the endpoint a name." in page
    assert "Write a full web address, starting with https:// (or http://)." in page
    assert 'aria-describedby="topics-error"' in page and "Choose at least one event." in page

    created = browser.submit("/admin/webhooks/new", {
        "name": "Team chat", "url": "https://chat.example.com/hooks/sportello",
        "on_created": "y", "on_closed": "y", "active": "y",
    })
    assert created.status_code == 302
    with app.app_context():
        [saved] = services.list_endpoints()
    assert saved.topics == ["ticket.created", "ticket.closed"]
    assert saved.active and not saved.internal and len(saved.secret) >= 40
    edit_url = f"/admin/webhooks/{saved.id}"
    assert created.headers["Location"] == edit_url
    assert saved.secret in browser.get(edit_url).get_data(as_text=True)

    browser.submit(f"{edit_url}/secret", {}, form_url=edit_url)
    with app.app_context():
        assert services.get_endpoint(saved.id).secret != saved.secret
    browser.submit(edit_url, {"name": "Billing", "url": "https://billing.example.com/in",
                              "on_replied": "y", "internal": "y"})
    with app.app_context():
        changed = services.get_endpoint(saved.id)
    assert (changed.name, changed.topics, changed.active, changed.internal) == (
        "Billing", ["ticket.replied"], False, True)
    assert browser.submit(f"{edit_url}/delete", {}, form_url=edit_url).status_code == 302
    with app.app_context():
        assert services.list_endpoints() == []


def test_pages_are_in_italian_for_italian_owners(browser, make_user):
    make_user(Role.OWNER, email="titolare@example.com", language="it")
    browser.login("titolare@example.com", PASSWORD)
    page = browser.get("/admin/webhooks/").get_data(as_text=True)
    assert "Aggiungi un endpoint" in page and "Registro degli invii" in page


@pytest.mark.parametrize("role", [Role.AGENT, Role.CUSTOMER])
def test_only_the_owner_reaches_the_pages(browser, make_user, role):
    make_user(role, email="someone@example.com")
    browser.login("someone@example.com", PASSWORD)
    assert browser.get("/admin/webhooks/").status_code == 403
    assert browser.get("/admin/webhooks/deliveries").status_code == 403
    assert "/admin/webhooks/" not in browser.home()


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/webhooks/deliveries")
    assert response.status_code == 302 and "/login" in response.headers["Location"]

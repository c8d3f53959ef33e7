"""The one write path: numbers, history, outbox, workflow, attachments, atomicity."""

import io
import os
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app import create_app
from app.accounts.models import Role, User
from app.accounts.services import create_company, create_user
from app.extensions import db
from app.fields.changes import apply_document
from app.fields.schema import current_schema
from app.tickets.dispatch import dispatch_pending
from app.tickets.errors import OpeningRefused, TicketError, ValidationFailed
from app.tickets.models import Attachment, OutboxEvent, Ticket, TicketEvent
from app.tickets.service import add_comment, create_ticket, update_ticket
from app.tickets.storage import get_storage
from app.tickets.values import load_values
from app.timeutil import utcnow
from tests.fields.helpers import example

BASE = {"title": "Printer", "description": "It jams.", "request_type": "incident",
        "product_family": "hardware"}


@pytest.fixture
def people(app, load_schema, make_user, make_company):
    load_schema()
    company = make_company()
    return make_user(Role.CUSTOMER, company=company), make_user(Role.AGENT)


def _user(user_id):
    return db.session.get(User, user_id)


def test_ticket_numbers_are_human_and_sequential(app, people):
    customer, _agent = people
    with app.app_context():
        first = create_ticket(_user(customer.id), BASE)
        second = create_ticket(_user(customer.id), BASE)
    assert re.fullmatch(r"\d{4}-\d{5}", first.number)
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_concurrent_creations_never_share_a_number(fresh_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url})
    with app.app_context():
        company = create_company(name="Busy Co")
        ids = [create_user(email=f"c{n}@example.com", name="C", role=Role.CUSTOMER,
                           company=company, email_verified_at=utcnow()).id for n in range(4)]
    numbers, errors = [], []

    def open_tickets(user_id):
        try:
            with app.app_context():
                for _ in range(10):
                    numbers.append(create_ticket(_user(user_id), {"title": "t",
                                                                  "description": "d"}).number)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=open_tickets, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        db.engine.dispose()
    assert not errors
    assert len(numbers) == 40 and len(set(numbers)) == 40


def test_history_and_outbox_are_written_with_the_change(app, people):
    customer, agent = people
    with app.app_context():
        ticket = create_ticket(_user(customer.id), BASE)
        changes = update_ticket(_user(agent.id), ticket,
                                {"status": "in_progress", "assignee": agent.id}, note="mine")
        assert changes == {"status": ["new", "in_progress"], "assignee": [None, agent.id]}
        events = db.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        ).all()
        assert [e.kind for e in events] == ["created", "change", "change"]
        status = next(e for e in events if e.field_key == "status")
        assert (status.old, status.new, status.actor_id, status.note) == (
            "new", "in_progress", agent.id, "mine")
        topics = db.session.scalars(
            select(OutboxEvent.topic).where(OutboxEvent.ticket_id == ticket.id)
            .order_by(OutboxEvent.id)
        ).all()
        assert topics == ["ticket.created", "ticket.updated", "ticket.status_changed",
                          "ticket.assigned"]


def test_a_failed_write_leaves_no_history_no_outbox_no_file(app, people):
    customer, _agent = people
    upload = FileStorage(io.BytesIO(b"%PDF"), filename="screen.png")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(OutboxEvent))
        folder = app.config["SPORTELLO_UPLOAD_FOLDER"]
        files_before = sum(len(files) for _root, _dirs, files in os.walk(folder))
        with pytest.raises(ValidationFailed):
            create_ticket(_user(customer.id), {**BASE, "product_family": "software"},
                          {"screenshots": [upload]})
        assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == before
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        files_after = sum(len(files) for _root, _dirs, files in os.walk(folder))
        assert files_after == files_before


def test_replies_move_the_status_and_reopen(app, people):
    customer, agent = people
    with app.app_context():
        ticket = create_ticket(_user(customer.id), BASE)
        update_ticket(_user(agent.id), ticket, {"status": "in_progress"})
        add_comment(_user(agent.id), ticket, "Which printer?")
        assert current_schema().status_by_id(ticket.status_id).key == "waiting"
        add_comment(_user(agent.id), ticket, "Checking drivers", internal=True)
        assert current_schema().status_by_id(ticket.status_id).key == "waiting"
        add_comment(_user(customer.id), ticket, "The one upstairs.")
        assert current_schema().status_by_id(ticket.status_id).key == "in_progress"
        update_ticket(_user(agent.id), ticket, {"status": "done", "root_cause": "Driver"})
        assert ticket.closed_at is not None
        add_comment(_user(customer.id), ticket, "It jams again.")
        assert current_schema().status_by_id(ticket.status_id).key == "in_progress"
        assert ticket.closed_at is None


def test_reply_to_a_ticket_closed_too_long_ago_is_refused(app, people):
    customer, agent = people
    with app.app_context():
        ticket = create_ticket(_user(customer.id), BASE)
        update_ticket(_user(agent.id), ticket, {"status": "closed", "root_cause": "Paper"})
        ticket.closed_at -= timedelta(days=app.config["SPORTELLO_REOPEN_DAYS"] + 1)
        db.session.commit()
        with pytest.raises(TicketError, match="open a new ticket"):
            add_comment(_user(customer.id), ticket, "Again!")


def test_customers_cannot_write_internal_notes(app, people):
    customer, _agent = people
    with app.app_context():
        ticket = create_ticket(_user(customer.id), BASE)
        with pytest.raises(TicketError, match="Only staff"):
            add_comment(_user(customer.id), ticket, "psst", internal=True)


def test_replies_are_sanitised_markdown_with_attachments(app, people):
    customer, _agent = people
    with app.app_context():
        ticket = create_ticket(_user(customer.id), BASE)
        comment = add_comment(
            _user(customer.id), ticket,
            "**Bold** <script>alert(1)</script> [x](javascript:alert(1))",
            files=[FileStorage(io.BytesIO(b"log line"), filename="../../etc/ù passwd.txt")],
        )
        assert "<strong>Bold</strong>" in comment.body_html
        assert "<script>" not in comment.body_html and "&lt;script&gt;" in comment.body_html
        assert 'href="javascript' not in comment.body_html
        attachment = comment.attachments[0]
        assert attachment.filename == "ù passwd.txt"
        assert attachment.content_type == "text/plain"
        with get_storage().open(attachment.storage_key) as stored:
            assert stored.read() == b"log line"


def test_closing_needs_required_to_close_fields(app, people):
    customer, agent = people
    with app.app_context():
        ticket = create_ticket(_user(customer.id), BASE)
        with pytest.raises(ValidationFailed) as refused:
            update_ticket(_user(agent.id), ticket, {"status": "done"})
        assert refused.value.fields == {"root_cause": "Fill this field before closing the ticket."}
        update_ticket(_user(agent.id), ticket, {"status": "done", "root_cause": "Paper"})
        assert load_values(current_schema(), ticket)["status"] == "done"


def test_staff_open_tickets_on_behalf_of_a_customer(app, people):
    customer, agent = people
    with app.app_context():
        data = BASE | {"company": customer.company_id, "requester": customer.id}
        ticket = create_ticket(_user(agent.id), data)
        assert (ticket.requester_id, ticket.created_by_id) == (customer.id, agent.id)
        with pytest.raises(ValidationFailed) as refused:
            create_ticket(_user(agent.id), BASE | {"company": customer.company_id})
        assert refused.value.fields == {"requester": "This field is required."}


def test_outbox_events_reach_plugins_once(app, people):
    customer, _agent = people
    with app.app_context():
        create_ticket(_user(customer.id), BASE)
        assert dispatch_pending() >= 1
        assert dispatch_pending() == 0
        waiting = db.session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.dispatched_at.is_(None))
        )
        assert waiting == 0


def test_defaults_apply_at_creation(app, people):
    customer, _agent = people
    document = example()
    for spec in document["fields"]:
        if spec["key"] == "impact":
            spec["default"] = "one_person"
    with app.app_context():
        apply_document(None, document)
        ticket = create_ticket(_user(customer.id), BASE)
        assert load_values(current_schema(), ticket)["impact"] == "one_person"
        assert load_values(current_schema(), ticket)["priority"] == "medium"
        assert db.session.get(Ticket, ticket.id).priority == "medium"


def test_who_may_open_a_ticket_is_decided_by_the_write_path(app, people, make_user):
    """One rule for every channel: a customer needs a confirmed address; staff may open a
    ticket for a customer who has not confirmed one yet (a phone call)."""
    customer, agent = people
    with app.app_context():
        company = _user(customer.id).company
    newcomer = make_user(Role.CUSTOMER, company=company, email_verified_at=None)
    with app.app_context():
        with pytest.raises(OpeningRefused, match="Confirm your e-mail address"):
            create_ticket(_user(newcomer.id), BASE)
        assert db.session.scalar(select(func.count(Ticket.id))) == 0
        ticket = create_ticket(_user(agent.id), BASE | {"company": newcomer.company_id,
                                                        "requester": newcomer.id})
        assert ticket.requester_id == newcomer.id

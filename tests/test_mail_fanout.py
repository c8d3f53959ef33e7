"""Ticket mail batches: one row per change in the change's transaction, split per
recipient by the sender exactly once, from the ticket as the change left it."""

import re
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import Role
from app.accounts.services import create_company, create_user
from app.database import atomic
from app.extensions import db
from app.notify import fanout
from app.notify.headers import thread_root_id
from app.notify.models import MailMessage, MailStatus, TicketMailBatch
from app.tickets.errors import ValidationFailed
from app.tickets.service import create_ticket, update_ticket
from app.timeutil import utcnow
from tests.fixtures.mail import SmtpServer, drain_concurrently, outbox
from tests.fixtures.ticket_mail import BASE, last_mail_id, make_desk, queued, queued_pairs, user


@pytest.fixture
def desk(app, load_schema, make_user, make_company):
    load_schema("it-helpdesk")
    return make_desk(make_user, make_company)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _open(d):
    return create_ticket(user(d.requester), BASE | {"notify_person": d.notify.id})


def test_a_change_stores_one_batch_that_the_sender_splits(app_ctx, desk):
    mark = last_mail_id()
    messages = _count(MailMessage)
    _open(desk)
    # Five people are mailed; the write path stored one row, and no message yet.
    assert _count(TicketMailBatch) == 1 and _count(MailMessage) == messages
    assert fanout.split_batches() == 1
    assert _count(TicketMailBatch) == 0
    assert len(queued(mark)) == 5
    assert fanout.split_batches() == 0  # nothing is split twice


def test_a_refused_change_leaves_no_batch(app_ctx, desk):
    with pytest.raises(ValidationFailed):
        create_ticket(user(desk.requester), BASE | {"title": ""})
    assert _count(TicketMailBatch) == 0


def test_recipients_follow_the_ticket_as_the_change_left_it(app_ctx, desk):
    mark = last_mail_id()
    ticket = _open(desk)  # unassigned: every member of staff is alerted
    update_ticket(user(desk.owner), ticket, {"assignee": desk.agent.id})
    # The sender splits both changes only now, after the assignment.
    pairs = queued_pairs(mark)
    assert {(desk.email(who), "ticket_new") for who in ("owner", "agent", "other_agent")} \
        <= pairs
    assert (desk.email("agent"), "ticket_assigned") in pairs


def test_a_batch_that_fails_is_kept_and_does_not_hold_up_the_others(app_ctx, desk,
                                                                   monkeypatch):
    first, second = _open(desk), _open(desk)
    split = fanout.ticket_mail_rows

    def failing(ticket, *args):
        if ticket.id == first.id:
            raise RuntimeError("a renderer bug")
        return split(ticket, *args)

    monkeypatch.setattr(fanout, "ticket_mail_rows", failing)
    assert fanout.split_batches() == 1
    kept = db.session.scalars(select(TicketMailBatch)).all()
    assert [(b.ticket_id, b.attempts) for b in kept] == [(first.id, 1)]
    assert _messages_of(second) == 5 and _messages_of(first) == 0
    monkeypatch.setattr(fanout, "ticket_mail_rows", split)
    assert fanout.split_batches() == 1
    assert _messages_of(first) == 5 and _count(TicketMailBatch) == 0


def _messages_of(ticket) -> int:
    return db.session.scalar(select(func.count()).where(MailMessage.ticket_id == ticket.id))


def test_links_point_to_the_address_of_the_request_that_made_the_change(app, desk):
    app.config["SPORTELLO_BASE_URL"] = ""
    with app.test_request_context(base_url="https://help.example.org/support/"):
        _open(desk)
    with app.app_context():  # the sender runs outside any request
        links = {m.render_context["link"] for m in queued()}
    assert links and all(link.startswith("https://help.example.org/support/")
                         for link in links)


#: The people of the busy desk below: a customer who opens tickets, and three agents.
BUSY = ("c@example.com", "agent0@example.com", "agent1@example.com", "agent2@example.com")


def _busy_desk(app, tickets: int) -> dict[str, int]:
    """``tickets`` unassigned tickets opened by one customer with three agents (the
    requester's confirmation and each agent's alert: four e-mails each); their ids by number."""
    with app.app_context():
        company = create_company(name="Busy Co")
        customer = create_user(email=BUSY[0], name="C", role=Role.CUSTOMER, company=company,
                               email_verified_at=utcnow())
        for email in BUSY[1:]:
            create_user(email=email, name="A", role=Role.AGENT)
        opened = [create_ticket(customer, {"title": "t", "description": "d"})
                  for _ in range(tickets)]
        assert _count(TicketMailBatch) == tickets
        return {ticket.number: ticket.id for ticket in opened}


def test_two_concurrent_senders_split_each_batch_once(fresh_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url})
    tickets = 30
    _busy_desk(app, tickets)
    start = threading.Barrier(2)
    errors: list = []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                fanout.split_batches()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert not errors
        with app.app_context(), atomic() as session:
            assert _count(TicketMailBatch) == 0
            rows = session.execute(select(MailMessage.ticket_id, MailMessage.to_email)).all()
            # The requester's confirmation and three agents' alerts, once each, per ticket.
            assert len(rows) == tickets * 4 and len(set(rows)) == tickets * 4
    finally:
        with app.app_context():
            db.engine.dispose()


def test_two_concurrent_senders_deliver_each_ticket_mail_once(fresh_database_url, monkeypatch):
    """Two senders split and send the e-mails of new tickets: each person gets each once."""
    # Small chunks, so that on PostgreSQL both senders split batches side by side.
    monkeypatch.setattr(fanout, "CHUNK", 2)
    server = SmtpServer().start()
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port})
    try:
        numbers = _busy_desk(app, 20)
        reports = drain_concurrently(app)
        expected = {(number, email) for number in numbers for email in BUSY}
        received = Counter()
        with app.app_context():
            for sunk in server.messages:
                email = sunk.parsed()
                number = re.match(r"\[([^\]]+)\] ", email["Subject"]).group(1)
                # The ticket's thread, in the headers too.
                assert email["In-Reply-To"] == thread_root_id(f"ticket-{numbers[number]}")
                to = str(email["To"])
                assert sunk.rcpt_tos == (to,)
                received[number, to] += 1
            assert {m.status for m in outbox()} == {MailStatus.SENT}
            assert _count(TicketMailBatch) == 0
        assert set(received) == expected and set(received.values()) == {1}
        ids = [sunk.parsed()["Message-ID"] for sunk in server.messages]
        assert len(ids) == len(set(ids)) == len(expected)
        assert sum(r.sent for r in reports) == sum(r.claimed for r in reports) == len(expected)
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()

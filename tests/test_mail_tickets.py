"""Ticket e-mails: who receives what for each event, in which language, with what
content (never a hidden field or an internal note for customers), stored with the
change, threaded per ticket, and delivered through a real SMTP server."""

import re

import pytest

from app.accounts.models import Company, User
from app.accounts.profile import update_profile
from app.database import atomic
from app.extensions import db
from app.notify.headers import thread_root_id
from app.notify.models import MailStatus
from app.notify.sender import send_pending
from app.portal.links import resolve
from app.tickets.errors import ValidationFailed, WriteRefused
from app.tickets.service import add_comment, create_ticket, update_ticket
from tests.fixtures.ticket_mail import (
    BASE,
    bodies,
    deliver,
    last_mail_id,
    make_desk,
    queued,
    queued_pairs,
    user,
)

SECRET = "ZEBRA-4711-ROOT-CAUSE"
NOTE = "INTERNAL-ONLY-7c1e: the customer broke it"


@pytest.fixture
def desk(app, load_schema, make_user, make_company):
    load_schema("it-helpdesk")
    return make_desk(make_user, make_company)


def _open(d, assignee=None, by=None):
    """A ticket of d.requester naming d.notify, opened by the requester or by staff."""
    data = BASE | {"notify_person": d.notify.id}
    actor = d.requester
    if by is not None:
        actor = getattr(d, by)
        data |= {"company": d.company, "requester": d.requester.id}
        if assignee:
            data["assignee"] = getattr(d, assignee).id
    return create_ticket(user(actor), data)


def _staff(d, *names):
    return {getattr(d, n).email for n in names}


# -- recipients per event ---------------------------------------------------------------

@pytest.mark.parametrize(("opened_by", "assignee", "expected"), [
    # A customer's new ticket: confirmations, and every active member of staff is alerted.
    (None, None, {("requester", "ticket_created"), ("notify", "ticket_created"),
                  ("owner", "ticket_new"), ("agent", "ticket_new"),
                  ("other_agent", "ticket_new")}),
    # Opened by staff for the customer, assigned: only the assignee is alerted.
    ("other_agent", "agent", {("requester", "ticket_created"), ("notify", "ticket_created"),
                              ("agent", "ticket_new")}),
    # Opened and assigned to oneself: no staff mail at all.
    ("agent", "agent", {("requester", "ticket_created"), ("notify", "ticket_created")}),
    # Opened by staff, unassigned: the other staff are alerted, not the author.
    ("agent", None, {("requester", "ticket_created"), ("notify", "ticket_created"),
                     ("owner", "ticket_new"), ("other_agent", "ticket_new")}),
])
def test_recipients_of_a_new_ticket(app, desk, opened_by, assignee, expected):
    with app.app_context():
        _open(desk, assignee=assignee, by=opened_by)
        assert queued_pairs() == {(desk.email(who), template) for who, template in expected}


def _reply_by_agent(d, t):
    add_comment(user(d.agent), t, "Which printer?")


def _reply_by_other_agent(d, t):
    add_comment(user(d.other_agent), t, "Which printer?")


def _note_by_other_agent(d, t):
    add_comment(user(d.other_agent), t, NOTE, internal=True)


def _note_by_assignee(d, t):
    add_comment(user(d.agent), t, NOTE, internal=True)


def _customer_reply(d, t):
    add_comment(user(d.requester), t, "The one upstairs.")


def _notify_person_reply(d, t):
    add_comment(user(d.notify), t, "The one upstairs.")


def _status(d, t):
    update_ticket(user(d.agent), t, {"status": "in_progress"})


def _close(d, t):
    update_ticket(user(d.agent), t, {"status": "done", "root_cause": SECRET})


def _assign_to_agent(d, t):
    update_ticket(user(d.other_agent), t, {"assignee": d.agent.id}, note="yours")


def _take(d, t):
    update_ticket(user(d.agent), t, {"assignee": d.agent.id})


def _priority(d, t):
    update_ticket(user(d.agent), t, {"priority": "low"})


@pytest.mark.parametrize(("assignee", "action", "expected"), [
    # A public staff reply: requester and person to notify; the status it moved is in
    # the same message, not in another one.
    ("agent", _reply_by_agent, {("requester", "ticket_reply"), ("notify", "ticket_reply")}),
    # ...by a colleague: the assignee hears about it too.
    ("agent", _reply_by_other_agent, {("requester", "ticket_reply"), ("notify", "ticket_reply"),
                                      ("agent", "ticket_reply")}),
    # An internal note: the assignee only, never a customer.
    ("agent", _note_by_other_agent, {("agent", "ticket_reply")}),
    ("agent", _note_by_assignee, set()),
    # A customer's reply: the assignee, else every member of staff.
    ("agent", _customer_reply, {("agent", "ticket_reply")}),
    (None, _customer_reply, {("owner", "ticket_reply"), ("agent", "ticket_reply"),
                             ("other_agent", "ticket_reply")}),
    (None, _notify_person_reply, {("owner", "ticket_reply"), ("agent", "ticket_reply"),
                                  ("other_agent", "ticket_reply")}),
    # Status changes and closure: the requester.
    ("agent", _status, {("requester", "ticket_status")}),
    ("agent", _close, {("requester", "ticket_closed")}),
    # Assignment: the new assignee, unless they took it themselves.
    (None, _assign_to_agent, {("agent", "ticket_assigned")}),
    (None, _take, set()),
    # Other changes mail nobody.
    ("agent", _priority, set()),
])
def test_recipients_per_event(app, desk, assignee, action, expected):
    with app.app_context():
        ticket = _open(desk, assignee=assignee, by="owner")
        mark = last_mail_id()
        action(desk, ticket)
        assert queued_pairs(mark) == {(desk.email(who), template) for who, template in expected}


def test_nobody_inactive_and_no_company_switched_off(app, desk):
    with app.app_context():
        with atomic():
            db.session.get(User, desk.other_agent.id).active = False
        ticket = _open(desk)
        assert {m.to_email for m in queued()} == _staff(desk, "requester", "notify", "owner",
                                                        "agent")
        with atomic():
            db.session.get(User, desk.notify.id).active = False
        mark = last_mail_id()
        add_comment(user(desk.agent), ticket, "Still there?")
        assert {m.to_email for m in queued(mark)} == _staff(desk, "requester")
        with atomic():
            db.session.get(Company, desk.company).ticketing_enabled = False
        mark = last_mail_id()
        add_comment(user(desk.agent), ticket, "Still there?")
        update_ticket(user(desk.agent), ticket, {"status": "done", "root_cause": "x"})
        assert queued(mark) == []  # the company's persons get nothing any more
        add_comment(user(desk.requester), ticket, "Yes")  # staff still hear from them
        assert {m.to_email for m in queued(mark)} == _staff(desk, "owner", "agent")


def test_a_deactivated_assignee_is_replaced_by_every_agent(app, desk):
    with app.app_context():
        ticket = _open(desk, assignee="other_agent", by="owner")
        with atomic():
            db.session.get(User, desk.other_agent.id).active = False
        mark = last_mail_id()
        add_comment(user(desk.requester), ticket, "Anybody there?")
        assert {m.to_email for m in queued(mark)} == _staff(desk, "owner", "agent")


def test_a_reader_who_lost_access_before_the_split_gets_no_message(app_ctx, desk,
                                                                     smtp_server):
    mark = last_mail_id()
    _open(desk)
    with atomic():
        db.session.get(User, desk.notify.id).active = False
    assert desk.notify.email not in {m.to_email for m in queued(mark)}
    assert desk.notify.email not in deliver(smtp_server)


def test_a_reader_who_lost_access_before_sending_gets_nothing(app_ctx, desk, smtp_server):
    _open(desk)
    queued()  # the change's batch is split: a message for each reader, not yet rendered
    with atomic():
        db.session.get(User, desk.notify.id).active = False
    received = deliver(smtp_server)
    assert desk.notify.email not in received and desk.requester.email in received
    dropped = [m for m in queued() if m.to_email == desk.notify.email]
    for row in dropped:
        db.session.refresh(row)
    assert [(m.status, m.render_context) for m in dropped] == [(MailStatus.DROPPED, None)]


# -- stored with the change --------------------------------------------------------------

def test_messages_are_stored_with_the_change_and_rolled_back_with_it(app_ctx, desk):
    ticket = _open(desk)
    mark = last_mail_id()
    rows = queued()
    assert rows and all(r.ticket_id == ticket.id and r.status == MailStatus.PENDING
                        for r in rows)
    with pytest.raises(WriteRefused):  # a customer may not write the root cause
        update_ticket(user(desk.requester), ticket, {"status": "closed", "root_cause": "x"})
    with pytest.raises(ValidationFailed):
        create_ticket(user(desk.requester), {"title": "No description"})
    with pytest.raises(RuntimeError), atomic():
        add_comment(user(desk.agent), ticket, "This reply is lost with its transaction")
        raise RuntimeError("the request failed after the reply")
    assert queued(mark) == []
    add_comment(user(desk.agent), ticket, "This one is stored")
    assert {m.to_email for m in queued(mark)} == _staff(desk, "requester", "notify")


def test_messages_are_rendered_by_the_sender_not_in_the_write(app_ctx, desk, smtp_server):
    _open(desk)
    rows = queued()
    assert all(r.render_context and r.text_body == "" for r in rows)
    deliver(smtp_server)
    for row in queued():
        db.session.refresh(row)
        assert row.status == MailStatus.SENT and row.render_context is None
        assert row.subject.startswith("[") and row.text_body and row.html_body


# -- content -----------------------------------------------------------------------------

def test_language_of_each_recipient(app_ctx, desk, smtp_server):
    update_profile(default_language="it")
    with atomic():
        db.session.get(User, desk.other_agent.id).language = ""  # none: the owner's default
    ticket = _open(desk)
    received = deliver(smtp_server)
    english = received[desk.requester.email][0]
    italian = received[desk.notify.email][0]
    fallback = received[desk.other_agent.email][0]
    assert english["Subject"] == f"[{ticket.number}] Request received: Printer jams"
    assert italian["Subject"] == f"[{ticket.number}] Richiesta ricevuta: Printer jams"
    assert fallback["Subject"] == f"[{ticket.number}] Nuovo ticket: Printer jams"
    text, html = bodies(italian)
    assert "abbiamo ricevuto la richiesta" in text and "Priorità: Alta" in text
    assert 'lang="it"' in html and "Apri il ticket" in html
    assert italian["Content-Language"] == "it" and english["Content-Language"] == "en"
    assert "Priority: High" in bodies(english)[0]


def test_content_summary_reply_and_links(app_ctx, desk, smtp_server):
    update_profile(name="Help Desk Srl")
    ticket = _open(desk, assignee="agent", by="other_agent")
    deliver(smtp_server)
    add_comment(user(desk.agent), ticket, "Please **restart** the printer.")
    received = deliver(smtp_server)
    text, html = bodies(received[desk.requester.email][0])
    portal = re.search(r"http://localhost:5000/portal/t/[\w.-]+", text).group(0)
    with app_ctx.test_request_context():
        access = resolve(portal.rsplit("/", 1)[1])
    assert (access.ticket.id, access.person.id) == (ticket.id, desk.requester.id)
    assert "Mario Rossi wrote" in text and "Please **restart** the printer." in text
    assert "<strong>restart</strong>" in html
    assert f"Ticket {ticket.number}: Printer jams" in text
    assert "Priority: High" in text and "Status: Waiting for your reply" in text
    assert "Requester: Anna Bianchi" in text and "Person to notify: Paolo Neri" in text
    assert "Its status is now: Waiting for your reply." in text
    for body in (text, html):
        assert portal in body and "/desk/" not in body
        assert "http://localhost:5000/account/email-notifications" in body
        assert "Help Desk Srl" in body
    # The footer sends replies through the ticket's portal link, not by e-mail.
    assert f"Replies to this e-mail are not read. To write to us, use the portal: {portal}" in text
    assert f'use the portal: <a href="{portal}"' in html
    assert desk.agent.email not in received  # the assignee wrote the reply


def test_staff_get_the_desk_link_and_every_field(app_ctx, desk, smtp_server):
    ticket = _open(desk)
    update_ticket(user(desk.agent), ticket, {"root_cause": SECRET})
    add_comment(user(desk.requester), ticket, "Any news?")
    received = deliver(smtp_server)
    text, html = bodies(received[desk.agent.email][-1])
    assert f"http://localhost:5000/desk/tickets/{ticket.number}" in text
    assert "Anna Bianchi wrote" in text and "Any news?" in text
    assert SECRET in text and SECRET in html  # staff see the staff-only field


def test_no_hidden_value_and_no_internal_note_reaches_a_customer(app_ctx, desk, smtp_server):
    ticket = create_ticket(user(desk.agent), BASE | {
        "company": desk.company, "requester": desk.requester.id,
        "notify_person": desk.notify.id, "root_cause": SECRET, "assignee": desk.other_agent.id,
    })
    add_comment(user(desk.agent), ticket, NOTE, internal=True)
    add_comment(user(desk.other_agent), ticket, NOTE, internal=True)
    add_comment(user(desk.agent), ticket, "We are on it.")
    add_comment(user(desk.requester), ticket, "Thanks")
    update_ticket(user(desk.agent), ticket, {"status": "in_progress"})
    update_ticket(user(desk.other_agent), ticket, {"status": "done"})
    received = deliver(smtp_server)
    customers = [m for who in ("requester", "notify") for m in received[desk.email(who)]]
    staff = [m for who in ("owner", "agent", "other_agent")
             for m in received.get(desk.email(who), [])]
    assert len(customers) >= 5 and staff
    for email in customers:
        text, html = bodies(email)
        for body in (text, html, email["Subject"]):
            assert SECRET not in body and NOTE not in body
            assert "Root cause" not in body and "Causa" not in body
    assert any(SECRET in bodies(m)[0] and SECRET in bodies(m)[1] for m in staff)
    assert any(NOTE in bodies(m)[0] for m in staff)
    for row in queued():  # nor in what stays stored for a customer
        if row.to_email in (desk.requester.email, desk.notify.email):
            db.session.refresh(row)
            assert SECRET not in row.text_body + row.html_body and row.render_context is None


def test_closure_message_has_the_summary(app_ctx, desk, smtp_server):
    ticket = _open(desk, assignee="agent", by="agent")
    deliver(smtp_server)
    update_ticket(user(desk.agent), ticket, {"status": "done", "root_cause": SECRET})
    email = deliver(smtp_server)[desk.requester.email][0]
    text, _html = bodies(email)
    assert email["Subject"] == f"[{ticket.number}] Closed: Printer jams"
    assert "has been closed" in text and "re-open the ticket within 14 days" in text
    assert "Status: Done" in text and "Assignee: Mario Rossi" in text
    assert "It jams every morning." in text and SECRET not in text


@pytest.mark.parametrize(("days", "promise"), [
    (3, "re-open the ticket within 3 days"),  # the owner's window, not the default
    (0, None),  # no re-opening: no promise
])
def test_closure_message_promises_the_owners_reopen_window(app_ctx, desk, smtp_server,
                                                            days, promise):
    from app.desk.settings import Transitions, save_transitions

    save_transitions(Transitions(reopen_days=days))
    ticket = _open(desk, assignee="agent", by="agent")
    deliver(smtp_server)
    update_ticket(user(desk.agent), ticket, {"status": "done", "root_cause": SECRET})
    text, _html = bodies(deliver(smtp_server)[desk.requester.email][0])
    assert "has been closed" in text
    if promise:
        assert promise in text
    else:
        assert "re-open" not in text


def test_a_merged_duplicate_closes_without_a_reopen_promise(app_ctx, desk, smtp_server):
    from app.desk.merge import merge_tickets

    kept, duplicate = _open(desk), _open(desk)
    update_ticket(user(desk.agent), duplicate, {"root_cause": "duplicate"})  # to close it
    deliver(smtp_server)
    merge_tickets(user(desk.agent), duplicate, kept.number)
    closed = [m for m in deliver(smtp_server)[desk.requester.email]
              if "Closed" in m["Subject"]]
    text, _html = bodies(closed[0])
    assert "has been closed" in text and "re-open" not in text


def test_assignment_message_names_who_assigned_and_the_note(app_ctx, desk, smtp_server):
    ticket = _open(desk)
    deliver(smtp_server)
    update_ticket(user(desk.other_agent), ticket, {"assignee": desk.agent.id}, note="yours now")
    email = deliver(smtp_server)[desk.agent.email][0]
    text, _html = bodies(email)
    assert email["Subject"] == f"[{ticket.number}] Assigned to you: Printer jams"
    assert "Luca Verdi assigned the ticket" in text and "Note: yours now" in text


def test_each_message_shows_the_ticket_as_it_was_queued(app_ctx, desk, smtp_server):
    ticket = _open(desk, assignee="agent", by="agent")
    update_ticket(user(desk.agent), ticket, {"status": "in_progress"})
    received = deliver(smtp_server)  # the sender ran late: after both changes
    by_subject = {m["Subject"].split("] ")[1].split(":")[0]: m
                  for m in received[desk.requester.email]}
    assert "Status: New" in bodies(by_subject["Request received"])[0]
    assert "Status: In progress" in bodies(by_subject["Status changed to In progress"])[0]


# -- threading ---------------------------------------------------------------------------

def test_a_tickets_messages_share_one_thread(app_ctx, desk, smtp_server):
    first = _open(desk)
    add_comment(user(desk.agent), first, "Which printer?")
    second = _open(desk)
    received = deliver(smtp_server)
    messages = received[desk.requester.email]
    assert len(messages) == 3
    roots = {thread_root_id(f"ticket-{first.id}"), thread_root_id(f"ticket-{second.id}")}
    assert len(roots) == 2
    ids = set()
    for email in messages:
        assert email["In-Reply-To"] == email["References"] and email["In-Reply-To"] in roots
        ids.add(email["Message-ID"])
    assert len(ids) == 3
    of_first = [m for m in messages if m["In-Reply-To"] == thread_root_id(f"ticket-{first.id}")]
    assert len(of_first) == 2


def test_each_message_is_rendered_and_sent_once(app_ctx, desk, smtp_server):
    _open(desk)
    received = deliver(smtp_server)
    assert sum(len(m) for m in received.values()) == len(queued()) == 5
    assert send_pending().claimed == 0


def test_no_status_mail_when_customers_may_not_see_the_status(app, load_schema, make_user,
                                                              make_company, smtp_server):
    from tests.fields.helpers import example

    document = example()
    status = next(f for f in document["fields"] if f["key"] == "status")
    status["customer"] = {"visibility": "hidden", "edit": []}
    load_schema(document)
    desk = make_desk(make_user, make_company)
    with app.app_context():
        ticket = _open(desk)
        mark = last_mail_id()
        update_ticket(user(desk.agent), ticket, {"status": "in_progress"})
        assert queued_pairs(mark) == set()
        update_ticket(user(desk.agent), ticket, {"status": "done", "root_cause": "x"})
        assert queued_pairs(mark) == {(desk.requester.email, "ticket_closed")}
        closed = deliver(smtp_server)[desk.requester.email][-1]
        assert "Closed:" in closed["Subject"] and "Status" not in bodies(closed)[0]

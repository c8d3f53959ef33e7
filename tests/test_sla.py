"""The SLA plugin end to end: targets, clocks driven by ticket events, due times shown
to staff, breaches recorded and notified."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.profile import update_profile
from app.extensions import db
from app.plugins.badges import ticket_badges
from app.plugins.events import TicketEvent
from app.plugins.manager import get_plugin_manager
from app.tickets.dispatch import dispatch_pending
from app.tickets.models import OutboxEvent, Ticket
from app.tickets.service import add_comment, update_ticket
from app.timeutil import utcnow
from plugins.sla import services
from plugins.sla.hours import OfficeHours
from plugins.sla.models import SlaBreach, SlaState, SlaTarget
from tests.fixtures.factories import PASSWORD
from tests.sla_times import WORKDAYS, H, rome


@pytest.fixture
def office(app):
    """The owner's office: Rome, Monday to Friday 08:30-17:30 unless told otherwise."""
    def set_office(office_hours=None, holidays=(), timezone="Europe/Rome"):
        with app.app_context():
            update_profile(office_hours=WORKDAYS if office_hours is None else office_hours,
                           holidays=list(holidays), timezone=timezone)

    set_office()
    return set_office


def set_targets(app, **targets):
    """Targets in hours as the owner writes them, e.g. high=("2", "8")."""
    with app.app_context():
        services.save_targets(targets)


def happen(app, ticket, topic, at, actor=None, payload=None, **changes):
    """Hand the plugins an event, as the outbox dispatcher does after a change."""
    event = TicketEvent(topic, ticket.id, ticket.number, actor.id if actor else None, at,
                        changes=changes, payload=payload or {})
    with app.app_context():
        get_plugin_manager(app).dispatch_ticket_event(event)


def opened(app, ticket, at, priority="high", status="new"):
    happen(app, ticket, "ticket.created", at, priority=(None, priority), status=(None, status))


def state(app, ticket) -> SlaState | None:
    with app.app_context():
        return db.session.get(SlaState, ticket.id)


# Clocks driven by events ------------------------------------------------------------


def test_due_times_follow_pauses_priority_replies_and_closing(app, office, make_ticket,
                                                               make_user):
    set_targets(app, high=("2", "8"), low=("8", "40"))
    ticket = make_ticket(priority="high")
    opened(app, ticket, rome(2026, 3, 2, 9, 0))  # Monday
    started = state(app, ticket)
    assert started.first_response_due_at == rome(2026, 3, 2, 11, 0)
    assert started.resolution_due_at == rome(2026, 3, 2, 17, 0)

    happen(app, ticket, "ticket.status_changed", rome(2026, 3, 2, 10, 0),
           status=("new", "waiting"))
    paused = state(app, ticket)
    assert (paused.first_response_due_at, paused.resolution_due_at) == (None, None)
    assert paused.counted_seconds == 3600 and paused.running_since is None

    happen(app, ticket, "ticket.status_changed", rome(2026, 3, 3, 9, 0),
           status=("waiting", "in_progress"))
    resumed = state(app, ticket)
    assert resumed.first_response_due_at == rome(2026, 3, 3, 10, 0)  # one hour was used
    assert resumed.resolution_due_at == rome(2026, 3, 3, 16, 0)

    happen(app, ticket, "ticket.updated", rome(2026, 3, 3, 9, 30), priority=("high", "low"))
    assert state(app, ticket).first_response_due_at == rome(2026, 3, 3, 16, 0)

    agent = make_user(Role.AGENT)
    happen(app, ticket, "ticket.replied", rome(2026, 3, 3, 9, 45), actor=agent,
           payload={"reply_id": 1, "public": True})
    replied = state(app, ticket)
    assert replied.first_response_at == rome(2026, 3, 3, 9, 45)
    assert replied.first_response_due_at is None and not replied.first_response_breached

    happen(app, ticket, "ticket.closed", rome(2026, 3, 4, 10, 0),
           status=("in_progress", "closed"))
    closed = state(app, ticket)
    assert closed.resolved_at == rome(2026, 3, 4, 10, 0) and closed.resolution_due_at is None
    assert not closed.resolution_breached
    with app.app_context():
        assert db.session.scalars(select(SlaBreach)).all() == []


def test_only_public_replies_by_staff_are_a_response(app, office, make_ticket, make_user):
    set_targets(app, high=("2", "8"))
    customer = make_user(Role.CUSTOMER)
    agent = make_user(Role.AGENT)
    ticket = make_ticket(actor=customer, priority="high")
    opened(app, ticket, rome(2026, 3, 2, 9, 0))
    happen(app, ticket, "ticket.replied", rome(2026, 3, 2, 9, 10), actor=customer,
           payload={"reply_id": 1, "public": True})
    happen(app, ticket, "ticket.replied", rome(2026, 3, 2, 9, 20), actor=agent,
           payload={"reply_id": 2, "public": False})
    assert state(app, ticket).first_response_at is None


def test_events_are_applied_once(app, office, make_ticket):
    set_targets(app, high=("2", "8"))
    ticket = make_ticket(priority="high")
    opened(app, ticket, rome(2026, 3, 2, 9, 0))
    opened(app, ticket, rome(2026, 3, 2, 9, 30))  # the same ticket's creation, again
    pause = ("ticket.status_changed", rome(2026, 3, 2, 10, 0))
    happen(app, ticket, *pause, status=("new", "waiting"))
    happen(app, ticket, "ticket.status_changed", rome(2026, 3, 3, 9, 0),
           status=("waiting", "in_progress"))
    happen(app, ticket, *pause, status=("new", "waiting"))  # delivered late, again
    again = state(app, ticket)
    assert again.started_at == rome(2026, 3, 2, 9, 0) and again.counted_seconds == 3600
    assert again.running_since == rome(2026, 3, 3, 9, 0)


def test_tickets_opened_before_the_plugin_have_no_sla(app, office, make_ticket):
    set_targets(app, high=("2", "8"))
    ticket = make_ticket(priority="high")
    happen(app, ticket, "ticket.status_changed", rome(2026, 3, 2, 10, 0),
           status=("new", "waiting"))
    assert state(app, ticket) is None


def test_the_write_path_and_the_dispatcher_drive_the_clocks(app, office, make_ticket,
                                                             make_user):
    office({})  # around the clock: due times do not depend on when the suite runs
    set_targets(app, medium=("1", "4"))
    customer, agent = make_user(Role.CUSTOMER), make_user(Role.AGENT)
    ticket = make_ticket(actor=customer)  # the default priority: medium

    def dispatched():
        with app.app_context():
            dispatch_pending()
        return state(app, ticket)

    def outbox_time(topic):
        with app.app_context():
            return db.session.scalars(select(OutboxEvent.created_at).where(
                OutboxEvent.ticket_id == ticket.id, OutboxEvent.topic == topic,
            ).order_by(OutboxEvent.id.desc())).first()

    started = dispatched()
    created_at = outbox_time("ticket.created")
    assert started.priority == "medium" and started.started_at == created_at
    assert started.first_response_due_at == created_at + H
    assert started.resolution_due_at == created_at + 4 * H

    with app.app_context():
        staff, row = db.session.get(User, agent.id), db.session.get(Ticket, ticket.id)
        add_comment(staff, row, "Could you send a screenshot?")  # moves it to "waiting"
    waiting = dispatched()
    assert waiting.first_response_at == outbox_time("ticket.replied")
    assert waiting.running_since is None and waiting.resolution_due_at is None

    with app.app_context():
        person, row = db.session.get(User, customer.id), db.session.get(Ticket, ticket.id)
        add_comment(person, row, "Here it is.")  # back to "in progress"
    running = dispatched()
    resumed_at = outbox_time("ticket.status_changed")
    assert running.running_since == resumed_at
    assert running.resolution_due_at == resumed_at + 4 * H - timedelta(
        seconds=running.counted_seconds)

    with app.app_context():
        staff, row = db.session.get(User, agent.id), db.session.get(Ticket, ticket.id)
        update_ticket(staff, row, {"status": "done"})
    done = dispatched()
    assert done.resolved_at == outbox_time("ticket.closed")
    assert not done.first_response_breached and not done.resolution_breached


# Targets and office hours changing ---------------------------------------------------


def test_new_targets_and_office_hours_move_the_due_times_of_open_tickets(
    app, office, make_ticket
):
    set_targets(app, high=("2", "8"))
    ticket = make_ticket(priority="high")
    opened(app, ticket, rome(2026, 3, 2, 9, 0))
    set_targets(app, high=("3", "8"))
    assert state(app, ticket).first_response_due_at == rome(2026, 3, 2, 12, 0)
    office({"mon": [["10:00", "18:00"]]})
    with app.app_context():
        assert services.refresh_due_times() == 1
        assert services.refresh_due_times() == 0  # up to date now
    assert state(app, ticket).first_response_due_at == rome(2026, 3, 2, 13, 0)


def test_unreadable_office_hours_count_every_hour(app, office, make_ticket, caplog):
    office({"mon": [["9", "18"]]})
    set_targets(app, high=("2", "8"))
    ticket = make_ticket(priority="high")
    opened(app, ticket, rome(2026, 3, 7, 9, 0))  # a Saturday
    assert state(app, ticket).first_response_due_at == rome(2026, 3, 7, 11, 0)
    assert "the owner's office hours cannot be read" in caplog.text


# Breaches -------------------------------------------------------------------------------


def test_the_check_records_and_notifies_breaches_once(app, office, make_ticket, caplog):
    set_targets(app, high=("2", "8"))
    ticket = make_ticket(priority="high")
    opened(app, ticket, rome(2026, 3, 2, 9, 0))
    with app.app_context(), caplog.at_level(logging.WARNING, logger="plugins.sla.services"):
        assert services.check_breaches(rome(2026, 3, 2, 10, 59)) == []
        [late_reply] = services.check_breaches(rome(2026, 3, 2, 11, 30))
        assert services.check_breaches(rome(2026, 3, 2, 11, 45)) == []
        [late_fix] = services.check_breaches(rome(2026, 3, 3, 9, 0))
    assert (late_reply.kind, late_reply.due_at) == ("first_response", rome(2026, 3, 2, 11, 0))
    assert (late_fix.kind, late_fix.due_at) == ("resolution", rome(2026, 3, 2, 17, 0))
    assert caplog.text.count(f"SLA breached: ticket {ticket.number}") == 2
    assert "missed its first response target (due 2026-03-02 10:00:00 UTC)" in caplog.text
    marked = state(app, ticket)
    assert marked.first_response_breached and marked.resolution_breached


def test_a_late_reply_is_a_breach_at_once(app, office, make_ticket, make_user):
    set_targets(app, high=("2", "8"))
    ticket = make_ticket(priority="high")
    opened(app, ticket, rome(2026, 3, 2, 9, 0))
    happen(app, ticket, "ticket.replied", rome(2026, 3, 2, 12, 0), actor=make_user(Role.AGENT),
           payload={"reply_id": 1, "public": True})
    with app.app_context():
        [breach] = db.session.scalars(select(SlaBreach)).all()
    assert (breach.ticket_id, breach.kind) == (ticket.id, "first_response")


def test_the_check_command(app, office, make_ticket):
    set_targets(app, high=("0.5", ""))
    ticket = make_ticket(priority="high")
    opened(app, ticket, utcnow() - timedelta(days=8))  # a week of office hours ago
    runner = app.test_cli_runner()
    assert runner.invoke(args=["sportello", "sla", "check"]).output == "New SLA breaches: 1.\n"
    assert runner.invoke(args=["sportello", "sla", "check"]).output == "New SLA breaches: 0.\n"


# What staff see ----------------------------------------------------------------------------


def test_badges_show_due_times_to_staff_only(app, office, make_ticket, make_user):
    office({})
    set_targets(app, high=("0.5", "8"), low=("", "40"))
    soon, later, paused = (make_ticket(priority=p) for p in ("high", "low", "high"))
    now = utcnow()
    opened(app, soon, now)
    opened(app, later, now, priority="low")
    opened(app, paused, now, status="waiting")
    agent, customer = make_user(Role.AGENT), make_user(Role.CUSTOMER)
    with app.test_request_context():
        staff = db.session.get(User, agent.id)
        shown = ticket_badges(staff, [soon, later, paused])
        assert ticket_badges(db.session.get(User, customer.id), [soon]) == {soon.id: []}
    [reply, resolve] = shown[soon.id]
    assert reply.text.startswith("Reply by ") and reply.level == "warning"  # within the hour
    assert resolve.text.startswith("Resolve by ") and resolve.level == "info"
    assert [b.text[:10] for b in shown[later.id]] == ["Resolve by"]
    [pause] = shown[paused.id]
    assert (pause.text, pause.level) == ("SLA paused", "info")
    assert pause.title == "Waiting on the customer; 0 h 30 min of office time left."


def test_breached_tickets_are_highlighted(app, office, make_ticket, make_user, browser):
    set_targets(app, high=("2", "8"))
    ticket = make_ticket(priority="high", title="Server room flooded")
    opened(app, ticket, rome(2026, 3, 2, 9, 0))
    with app.app_context():
        services.check_breaches(rome(2026, 3, 3, 9, 0))
    make_user(Role.AGENT, email="agent@example.com")
    browser.login("agent@example.com", PASSWORD)
    assert '<a href="/desk/sla/">SLA</a>' in browser.home()
    page = browser.get("/desk/sla/").get_data(as_text=True)
    assert '<tr class="row-danger">' in page and "Server room flooded" in page
    # Babel writes a narrow no-break space before AM and PM
    assert '<span class="badge badge-danger" title="It was due 3/2/26, 11:00\u202fAM.">' \
           "Reply overdue</span>" in page
    assert "Resolution overdue" in page
    assert "First response" in page and "3/2/26, 5:00\u202fPM" in page  # in the breach list


def test_badges_cost_the_same_queries_for_any_number_of_tickets(app, office, make_ticket,
                                                                 make_user):
    set_targets(app, high=("2", "8"))
    tickets = [make_ticket(priority="high") for _ in range(5)]
    for ticket in tickets:
        opened(app, ticket, utcnow())
    agent = make_user(Role.AGENT)

    def statements(shown):
        with app.test_request_context():
            staff = db.session.get(User, agent.id)
            executed = []
            listener = lambda *args: executed.append(args[2])  # noqa: E731
            sqlalchemy_event.listen(db.engine, "before_cursor_execute", listener)
            try:
                ticket_badges(staff, shown)
            finally:
                sqlalchemy_event.remove(db.engine, "before_cursor_execute", listener)
            return len(executed)

    statements(tickets)  # the first call reads the profile, which the process then keeps
    assert statements(tickets[:1]) == statements(tickets) <= 3


# The owner's targets page -------------------------------------------------------------------


def test_owner_sets_targets_in_hours(app, office, browser, make_user):
    make_user(Role.OWNER, email="owner@example.com")
    browser.login("owner@example.com", PASSWORD)
    page = browser.get("/admin/sla/").get_data(as_text=True)
    for label in ("Low", "Medium", "High", "Urgent", "No priority"):
        assert f'>{label}</th>' in page
    assert "Monday</dt>\n    <dd>08:30–17:30</dd>" in page and "Sunday</dt>\n    <dd>closed" in page

    refused = browser.submit("/admin/sla/", {"first_response-high": "two",
                                             "resolution-high": "8"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'aria-describedby="first_response-high-error"' in html
    assert '<p class="error" id="first_response-high-error">Write a number of hours, e.g. 4 or ' \
           '1.5.</p>' in html
    assert 'value="8"' in html  # what was typed stays
    with app.app_context():
        assert db.session.scalars(select(SlaTarget)).all() == []

    saved = browser.submit("/admin/sla/", {"first_response-high": "1,5",
                                           "resolution-high": "8",
                                           "resolution-none": "40"})
    assert saved.status_code == 302
    with app.app_context():
        table = services.targets_table()
    assert (table["high"].first_response_minutes, table["high"].resolution_minutes) == (90, 480)
    assert (table[""].first_response_minutes, table[""].resolution_minutes) == (None, 2400)
    assert table["low"].first_response_minutes is None
    shown = browser.get("/admin/sla/").get_data(as_text=True)
    assert 'name="first_response-high" value="1.5"' in shown


def test_the_targets_page_says_when_office_hours_are_missing_or_unreadable(
    app, office, browser, make_user
):
    make_user(Role.OWNER, email="owner@example.com", language="it")
    browser.login("owner@example.com", PASSWORD)
    office({})
    assert "Non sono impostati orari d'ufficio" in browser.get("/admin/sla/").get_data(
        as_text=True)
    office({"mon": [["18:00", "09:00"]]})
    page = browser.get("/admin/sla/").get_data(as_text=True)
    assert "Gli orari d'ufficio non sono leggibili" in page and "closes before it opens" in page


@pytest.mark.parametrize(("text", "message"), [
    ("4", None), ("1.5", None), ("0,25", None), ("", None),
    ("-1", "Write a number of hours, e.g. 4 or 1.5."),
    ("1e3", "Write a number of hours, e.g. 4 or 1.5."),
    ("10001", "At most 10000 hours."),
    ("0", "A target takes at least one minute; leave it empty for none."),
])
def test_hours_as_written(app_ctx, text, message):
    if message is None:
        assert services.parse_hours(text) == (round(float(text.replace(",", ".")) * 60)
                                              if text else None)
    else:
        with pytest.raises(ValueError, match=message):
            services.parse_hours(text)


def test_agents_see_due_times_but_not_targets(browser, make_user):
    make_user(Role.AGENT, email="agent@example.com")
    browser.login("agent@example.com", PASSWORD)
    assert browser.get("/desk/sla/").status_code == 200
    assert browser.get("/admin/sla/").status_code == 403


def test_customers_see_nothing_of_the_sla(browser, make_user):
    make_user(Role.CUSTOMER, email="customer@example.com")
    browser.login("customer@example.com", PASSWORD)
    assert browser.get("/desk/sla/").status_code == 403
    assert "/desk/sla/" not in browser.home()


def test_the_office_hours_of_the_profile_are_parsed(app_ctx, office):
    parsed = services.office_hours()
    assert isinstance(parsed, OfficeHours) and str(parsed.zone) == "Europe/Rome"
    assert services.office_hours_problem() is None


def test_the_desk_queue_and_ticket_page_show_the_due_times(app, office, make_ticket,
                                                           make_user, browser):
    set_targets(app, high=("2", "8"))
    ticket = make_ticket(priority="high", title="Printer on fire")
    opened(app, ticket, rome(2026, 3, 2, 9, 0))
    with app.app_context():
        services.check_breaches(rome(2026, 3, 3, 9, 0))
    make_user(Role.AGENT, email="queue.agent@example.com")
    browser.login("queue.agent@example.com", PASSWORD)
    queue = browser.get("/desk/?status=new").get_data(as_text=True)
    assert "Printer on fire" in queue and "Reply overdue</span>" in queue
    page = browser.get(f"/desk/tickets/{ticket.number}").get_data(as_text=True)
    assert "Reply overdue</span>" in page and "Resolution overdue" in page


def test_a_breach_is_mailed_to_the_assignee_else_to_staff(app, office, make_ticket, make_user):
    from app.notify.models import MailMessage

    set_targets(app, high=("2", "8"))
    agent = make_user(Role.AGENT, email="sla.agent@example.com")
    colleague = make_user(Role.AGENT, email="sla.colleague@example.com")
    alone = make_ticket(priority="high", title="Nobody on it")
    taken = make_ticket(priority="high", title="Taken")
    with app.app_context():
        update_ticket(db.session.get(User, agent.id), db.session.get(Ticket, taken.id),
                      {"assignee": agent.id})
    opened(app, alone, rome(2026, 3, 2, 9, 0))
    opened(app, taken, rome(2026, 3, 2, 9, 0))
    with app.app_context():
        services.check_breaches(rome(2026, 3, 2, 11, 30))
        mails = db.session.scalars(select(MailMessage).where(
            MailMessage.template == "sla_breach").order_by(MailMessage.id)).all()
    by_ticket = {}
    for mail in mails:
        by_ticket.setdefault(mail.ticket_id, set()).add(mail.to_email)
    assert by_ticket[taken.id] == {agent.email}
    assert {agent.email, colleague.email} <= by_ticket[alone.id]
    assert all("missed its first-response target" in m.text_body for m in mails)

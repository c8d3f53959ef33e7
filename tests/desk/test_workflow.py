"""Automatic transitions on replies: defaults, the owner's choices, the re-open window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.tickets.errors import TicketError
from app.tickets.models import Ticket
from app.tickets.service import add_comment, update_ticket


def _status(ticket_of, ticket) -> str:
    return ticket_of(ticket.number).status.key


def test_default_transitions(make_ticket, agent, requester_of, run_as, ticket_of):
    ticket = make_ticket()
    customer = requester_of(ticket)
    run_as(agent, add_comment, ticket, "Which printer?")
    assert _status(ticket_of, ticket) == "waiting"
    run_as(customer, add_comment, ticket, "The one upstairs")
    assert _status(ticket_of, ticket) == "in_progress"
    run_as(agent, update_ticket, ticket, {"status": "closed"})
    run_as(customer, add_comment, ticket, "It jams again")
    assert _status(ticket_of, ticket) == "in_progress"


def test_the_owner_chooses_targets_and_the_window(app, browser, login, owner, agent,
                                                  make_ticket, requester_of, run_as,
                                                  ticket_of):
    login(owner)
    page = browser.get("/admin/workflow").get_data(as_text=True)
    assert '<option selected value="waiting">' in page or 'value="waiting" selected' in page
    response = browser.submit("/admin/workflow", {
        "staff_reply": "", "customer_reply": "new", "reopen": "reschedule",
        "reopen_days": "0", "merged": "done"})
    assert response.status_code == 302
    ticket = make_ticket()
    customer = requester_of(ticket)
    run_as(agent, add_comment, ticket, "Hello")
    assert _status(ticket_of, ticket) == "new"  # "leave the status as it is"
    run_as(agent, update_ticket, ticket, {"status": "waiting"})
    run_as(customer, add_comment, ticket, "Reply")
    assert _status(ticket_of, ticket) == "new"
    run_as(agent, update_ticket, ticket, {"status": "closed"})
    with pytest.raises(TicketError, match="closed too long ago"):
        run_as(customer, add_comment, ticket, "Too late: 0 days means never")


def test_the_window_counts_days_since_closing(app, browser, login, owner, agent, make_ticket,
                                              requester_of, run_as, ticket_of):
    login(owner)
    browser.submit("/admin/workflow", {"staff_reply": "waiting", "customer_reply": "in_progress",
                                       "reopen": "reschedule", "reopen_days": "3",
                                       "merged": "closed"})
    ticket = make_ticket()
    customer = requester_of(ticket)
    run_as(agent, update_ticket, ticket, {"status": "done"})
    run_as(customer, add_comment, ticket, "Again")
    assert _status(ticket_of, ticket) == "reschedule"
    run_as(agent, update_ticket, ticket, {"status": "done"})
    with app.app_context():
        stored = db.session.get(Ticket, ticket.id)
        stored.closed_at -= timedelta(days=4)
        db.session.commit()
    with pytest.raises(TicketError, match="open a new ticket"):
        run_as(customer, add_comment, ticket, "Four days later")


def test_bad_settings_are_refused(browser, login, owner):
    login(owner)
    response = browser.submit("/admin/workflow", {"staff_reply": "closed",
                                                  "customer_reply": "in_progress",
                                                  "reopen": "in_progress", "reopen_days": "-1",
                                                  "merged": "new"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("Choose one of the listed options.") == 2
    assert "Number must be between 0 and 3650." in html


def test_a_deactivated_target_falls_back_to_the_category_default(app, agent, make_ticket,
                                                                 run_as, ticket_of):
    from app.desk.settings import Transitions, save_transitions
    from app.desk.statuses import set_active

    with app.app_context():
        save_transitions(Transitions(staff_reply="reschedule"))
        set_active(None, "reschedule", False)
    ticket = make_ticket()
    run_as(agent, add_comment, ticket, "Hello")
    assert _status(ticket_of, ticket) == "waiting"

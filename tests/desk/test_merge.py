"""Merging a duplicate: both timelines kept, the duplicate closed, its requester told."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.tickets.errors import TicketError
from app.tickets.models import Comment, OutboxEvent, TicketEvent
from app.tickets.service import add_comment


def test_merge_closes_the_duplicate_and_tells_its_requester(app, browser, login, agent,
                                                            make_ticket, ticket_of, run_as,
                                                            requester_of):
    kept = make_ticket(title="Printer broken")
    duplicate = make_ticket(actor=requester_of(kept), title="Printer still broken")
    run_as(agent, add_comment, duplicate, "Looking into it", internal=True)
    login(agent)
    url = f"/desk/tickets/{duplicate.number}"
    response = browser.submit(f"{url}/merge", {"merge-target": kept.number,
                                               "merge-note": "Same printer"}, form_url=url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/desk/tickets/{kept.number}"
    closed = ticket_of(duplicate.number)
    assert closed.status.key == "closed" and closed.closed_at is not None
    with app.app_context():
        merged = db.session.scalars(db.select(TicketEvent).where(
            TicketEvent.kind == "merged").order_by(TicketEvent.id)).all()
        assert [e.ticket_id for e in merged] == [duplicate.id, kept.id]
        assert {e.note for e in merged} == {f"{duplicate.number} → {kept.number}"}
        told = db.session.scalars(db.select(Comment).where(
            Comment.ticket_id == duplicate.id, Comment.internal.is_(False))).one()
        assert kept.number in told.body
        replied = db.session.scalars(db.select(OutboxEvent).where(
            OutboxEvent.ticket_id == duplicate.id, OutboxEvent.topic == "ticket.replied")
            .order_by(OutboxEvent.id)).all()
        assert [event.payload["public"] for event in replied] == [False, True]
    kept_page = browser.get(f"/desk/tickets/{kept.number}").get_data(as_text=True)
    assert f'<a href="/desk/tickets/{duplicate.number}">{duplicate.number}</a>' in kept_page
    duplicate_page = browser.get(url).get_data(as_text=True)
    assert "Looking into it" in duplicate_page  # its own timeline is kept
    assert f"This ticket was merged into <a href=\"/desk/tickets/{kept.number}\">" in (
        duplicate_page)


def test_the_requester_is_told_in_their_language(app, browser, login, agent, make_user,
                                                 make_ticket):
    italian = make_user(language="it")
    kept = make_ticket(actor=italian)
    duplicate = make_ticket(actor=italian)
    login(agent)
    url = f"/desk/tickets/{duplicate.number}"
    browser.submit(f"{url}/merge", {"merge-target": kept.number}, form_url=url)
    with app.app_context():
        told = db.session.scalars(db.select(Comment).where(Comment.ticket_id == duplicate.id)).one()
    assert "ticket" in told.body and "chiuso" in told.body


def test_merges_that_make_no_sense_are_refused(browser, login, agent, make_ticket, ticket_of,
                                               requester_of):
    first = make_ticket()
    requester = requester_of(first)
    second = make_ticket(actor=requester)
    elsewhere = make_ticket()  # another customer company
    login(agent)
    url = f"/desk/tickets/{first.number}"
    for target, message in ((first.number, "cannot be merged into itself"),
                            ("2026-99999", "There is no ticket 2026-99999."),
                            (elsewhere.number, "Only tickets of the same customer company")):
        response = browser.submit(f"{url}/merge", {"merge-target": target}, form_url=url)
        assert response.status_code == 409, target
        assert message in response.get_data(as_text=True)
    assert ticket_of(first.number).status.key == "new"
    browser.submit(f"{url}/merge", {"merge-target": second.number}, form_url=url)
    response = browser.submit(f"{url}/merge", {"merge-target": second.number}, form_url=url)
    assert response.status_code == 409
    assert "already merged" in response.get_data(as_text=True)


def test_a_duplicate_that_cannot_close_is_not_merged_at_all(app, browser, login, agent,
                                                            desk_schema, make_ticket, ticket_of,
                                                            requester_of):
    kept = make_ticket()
    duplicate = make_ticket(actor=requester_of(kept))
    login(agent)
    url = f"/desk/tickets/{duplicate.number}"
    response = browser.submit(f"{url}/merge", {"merge-target": kept.number}, form_url=url)
    assert response.status_code == 422
    assert "Fill this field before closing the ticket." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.kind == "merged")) == 0
    assert ticket_of(duplicate.number).status.key == "new"


def test_the_requester_replies_on_the_kept_ticket_not_on_the_duplicate(
        app, browser, login, agent, make_ticket, ticket_of, run_as, requester_of):
    kept = make_ticket(title="Printer broken")
    requester = requester_of(kept)
    duplicate = make_ticket(actor=requester, title="Printer still broken")
    login(agent)
    url = f"/desk/tickets/{duplicate.number}"
    browser.submit(f"{url}/merge", {"merge-target": kept.number}, form_url=url)
    with pytest.raises(TicketError, match=f"merged into {kept.number}"):
        run_as(requester, add_comment, duplicate, "Still broken!")
    assert ticket_of(duplicate.number).status.key == "closed"  # not re-opened
    run_as(agent, add_comment, duplicate, "A note for colleagues", internal=True)  # staff may
    browser.logout()
    login(requester)
    page = browser.get(f"/portal/tickets/{duplicate.number}").get_data(as_text=True)
    assert f"This ticket was merged into {kept.number}" in page
    assert 'name="body"' not in page  # no reply box on the duplicate

"""The staff ticket page: timeline, replies and notes, assignment, status, fields."""

from __future__ import annotations

import io
import re

from app.accounts.models import Role
from app.extensions import db
from app.tickets.models import Comment, TicketEvent
from app.tickets.service import add_comment, update_ticket
from tests.desk.conftest import form_values


def _page(client, ticket) -> str:
    response = client.get(f"/desk/tickets/{ticket.number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_unknown_ticket_is_404(client, login, agent):
    login(agent)
    assert client.get("/desk/tickets/2026-99999").status_code == 404


def test_timeline_marks_internal_notes_apart_from_public_replies(client, login, agent,
                                                                  make_ticket, run_as):
    ticket = make_ticket(title="Broken printer")
    run_as(agent, add_comment, ticket, "We are on it")
    run_as(agent, add_comment, ticket, "Probably the **driver**", internal=True)
    login(agent)
    html = _page(client, ticket)
    public = re.search(r'<li class="entry entry-comment">.*?</li>', html, re.S).group(0)
    internal = re.search(r'<li class="entry entry-comment internal">.*?</li>', html, re.S).group(0)
    assert "We are on it" in public and "Public reply" in public
    assert "<strong>driver</strong>" in internal
    assert "Internal note, not visible to the customer" in internal
    # the automatic transition of the public reply is in the history too
    assert re.search(r"Status</span>: <del>New</del> → <ins>Waiting for your reply</ins>", html)


def test_public_reply_and_internal_note(app, browser, login, agent, make_ticket, ticket_of):
    ticket = make_ticket()
    login(agent)
    url = f"/desk/tickets/{ticket.number}"
    response = browser.submit(f"{url}/reply", {"reply-body": "Only for us",
                                               "visibility": "internal"}, form_url=url)
    assert response.status_code == 302
    assert ticket_of(ticket.number).status.key == "new"  # a note moves nothing
    response = browser.submit(f"{url}/reply", {
        "reply-body": "Here is the fix", "visibility": "public",
        "reply-attachments": (io.BytesIO(b"log line"), "trace.log"),
    }, form_url=url, content_type="multipart/form-data")
    assert response.status_code == 302
    assert ticket_of(ticket.number).status.key == "waiting"
    with app.app_context():
        comments = db.session.scalars(
            db.select(Comment).where(Comment.ticket_id == ticket.id).order_by(Comment.id)).all()
        assert [(c.body, c.internal) for c in comments] == [("Only for us", True),
                                                             ("Here is the fix", False)]
        attachment = comments[1].attachments[0]
    download = browser.get(f"/desk/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == b"log line"
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()


def test_an_empty_reply_is_refused_next_to_the_message(browser, login, agent, make_ticket):
    ticket = make_ticket()
    login(agent)
    url = f"/desk/tickets/{ticket.number}"
    response = browser.submit(f"{url}/reply", {"reply-body": "  ", "visibility": "public"},
                              form_url=url)
    assert response.status_code == 422
    assert "Write a message or attach a file." in response.get_data(as_text=True)


def test_assign_with_a_note_and_take_it(app, browser, login, agent, make_user, make_ticket,
                                        ticket_of):
    colleague = make_user(Role.AGENT, name="Marco", surname="Verdi")
    ticket = make_ticket()
    login(agent)
    url = f"/desk/tickets/{ticket.number}"
    response = browser.submit(f"{url}/assign", {"assign-assignee": str(colleague.id),
                                                "assign-note": "Marco knows this printer"},
                              form_url=url)
    assert response.status_code == 302
    assert ticket_of(ticket.number).assignee_id == colleague.id
    html = _page(browser, ticket)
    assert "Marco knows this printer" in html
    assert re.search(r"Assignee</span>: <del>—</del> → <ins>Marco Verdi</ins>", html)
    browser.submit(f"{url}/assign", {"take": "1"}, form_url=url)
    assert ticket_of(ticket.number).assignee_id == agent.id
    response = browser.submit(f"{url}/assign", {"assign-assignee": "999999"}, form_url=url)
    assert response.status_code == 422
    assert "Choose an active agent." in response.get_data(as_text=True)


def _fields_form(browser, ticket) -> dict:
    html = browser.get(f"/desk/tickets/{ticket.number}").get_data(as_text=True)
    values = form_values(html, "/fields")
    del values["csrf_token"]
    return values


def test_closing_is_refused_while_required_fields_are_empty(browser, login, agent, desk_schema,
                                                            make_ticket, ticket_of):
    ticket = make_ticket()
    login(agent)
    url = f"/desk/tickets/{ticket.number}"
    response = browser.submit(f"{url}/status", {"status-status": "done"}, form_url=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The ticket cannot be closed while required fields are empty." in html
    assert re.search(r'id="root_cause-error">Fill this field before closing the ticket.', html)
    assert ticket_of(ticket.number).status.key == "new"
    response = browser.submit(f"{url}/fields", {**_fields_form(browser, ticket),
                                                "root_cause": "Toner"}, form_url=url)
    assert response.status_code == 302
    response = browser.submit(f"{url}/status", {"status-status": "done",
                                                "status-note": "Fixed on site"}, form_url=url)
    assert response.status_code == 302
    assert ticket_of(ticket.number).status.key == "done"


def test_saving_fields_records_history_and_refuses_stale_forms(app, browser, login, agent,
                                                               desk_schema, make_ticket,
                                                               ticket_of, run_as):
    ticket = make_ticket(area="billing", units=2)
    login(agent)
    url = f"/desk/tickets/{ticket.number}"
    form = {**_fields_form(browser, ticket), "title": "Renamed", "priority": "high",
            "area": "tech", "units": "5", "note": "Asked on the phone"}
    assert browser.submit(f"{url}/fields", form, form_url=url).status_code == 302
    saved = ticket_of(ticket.number)
    assert (saved.title, saved.priority) == ("Renamed", "high")
    with app.app_context():
        events = db.session.scalars(db.select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "change")).all()
        assert {e.field_key for e in events} == {"title", "priority", "area", "units"}
        assert {e.note for e in events} == {"Asked on the phone"}
    unchanged = _fields_form(browser, ticket)
    response = browser.submit(f"{url}/fields", unchanged, form_url=url)
    assert response.status_code == 302
    assert "Nothing changed." in browser.get(url).get_data(as_text=True)
    run_as(agent, update_ticket, ticket, {"units": 9})  # someone else saves meanwhile
    response = browser.submit(f"{url}/fields", {**unchanged, "units": "7"}, form_url=url)
    assert response.status_code == 409
    assert "Someone changed this ticket" in response.get_data(as_text=True)
    assert ticket_of(ticket.number).title == "Renamed"


def test_invalid_field_values_are_shown_next_to_the_field(browser, login, agent, desk_schema,
                                                          make_ticket):
    ticket = make_ticket()
    login(agent)
    url = f"/desk/tickets/{ticket.number}"
    response = browser.submit(f"{url}/fields", {**_fields_form(browser, ticket), "title": "",
                                                "units": "many"}, form_url=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="units-error">', html)
    response = browser.submit(f"{url}/fields", {**_fields_form(browser, ticket), "title": ""},
                              form_url=url)
    assert response.status_code == 422
    assert re.search(r'id="title-error">This field is required.', response.get_data(as_text=True))


def test_the_ticket_page_is_in_italian(client, login, make_user, make_ticket, run_as, agent):
    ticket = make_ticket()
    run_as(agent, add_comment, ticket, "nota", internal=True)
    login(make_user(Role.AGENT, language="it"))
    html = _page(client, ticket)
    assert "Nota interna, non visibile al cliente" in html and "Rispondi" in html


def test_every_form_of_the_page_works_as_a_browser_sends_it(client, login, agent, make_user,
                                                            make_ticket, ticket_of,
                                                            requester_of):
    """No test helper adds a CSRF token here: each form carries the page's own."""
    colleague = make_user(Role.AGENT)
    ticket = make_ticket()
    other = make_ticket(actor=requester_of(ticket))
    login(agent)
    url = f"/desk/tickets/{ticket.number}"

    def send(action: str, **typed):
        html = client.get(url).get_data(as_text=True)
        values = {**form_values(html, f"{url}/{action}"), **typed}
        return client.post(f"{url}/{action}", data=values)

    assert send("reply", **{"reply-body": "Hello", "visibility": "public"}).status_code == 302
    assert send("assign", **{"assign-assignee": str(colleague.id)}).status_code == 302
    assert send("status", **{"status-status": "suspended"}).status_code == 302
    assert send("fields", title="New title").status_code == 302
    assert (ticket_of(ticket.number).assignee_id, ticket_of(ticket.number).title) == (
        colleague.id, "New title")
    response = send("merge", **{"merge-target": other.number})
    assert response.status_code == 302
    assert ticket_of(ticket.number).status.key == "closed"

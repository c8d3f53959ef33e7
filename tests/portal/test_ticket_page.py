"""The ticket page: timeline, replies, the fields a customer may still edit, downloads.

Internal notes and hidden fields must be absent from the HTML: the tests search the
raw page for their values, not for what a browser would display.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from html import unescape as html_unescape

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.extensions import db
from app.tickets.models import Attachment, AuditEntry, Comment, Ticket
from app.tickets.service import add_comment, update_ticket
from tests.portal.conftest import SECRET_CODE

INTERNAL_NOTE = "INTERNAL-NOTE-4412 the driver is ours"


def upload(name: str, content: bytes = b"data") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name)


def staff_work(app, people, ticket: Ticket) -> dict[str, int]:
    """An agent works the ticket: hidden values, a public reply, an internal note."""
    with app.app_context():
        agent = db.session.get(User, people.agent.id)
        row = db.session.get(Ticket, ticket.id)
        update_ticket(agent, row, {"status": "in_progress", "assignee": agent.id,
                                   "internal_code": SECRET_CODE},
                      {"internal_files": [upload("hidden-report.txt")]})
        public = add_comment(agent, row, "Which **printer** do you use?",
                             files=[upload("driver.txt", b"driver")])
        note = add_comment(agent, row, INTERNAL_NOTE, internal=True,
                           files=[upload("note-file.txt")])
        update_ticket(agent, row, {"priority": "urgent"})
        files = {a.filename: a.id for a in db.session.scalars(
            select(Attachment).where(Attachment.ticket_id == ticket.id))}
    return {"public": public.id, "note": note.id, **files}


def test_the_timeline_in_order_without_internal_notes_or_hidden_fields(
    app, people, as_user, open_ticket
):
    ticket = open_ticket(people.alice, files={"screenshots": [upload("screen.png")]})
    staff_work(app, people, ticket)
    html = as_user(people.alice).get(f"/portal/tickets/{ticket.number}").get_data(as_text=True)
    for secret in (SECRET_CODE, "INTERNAL-NOTE-4412", "note-file.txt", "hidden-report.txt",
                   "Internal code", "Internal files", "Root cause"):
        assert secret not in html, secret
    opened = html.index("opened the ticket.")
    started = html.index("<del>New</del> → <ins>In progress</ins>")
    reply = html.index("Which <strong>printer</strong> do you use?")
    waiting = html.index("<ins>Waiting for your reply</ins>")
    priority = html.index("<del>Medium</del> → <ins>Urgent</ins>")
    assert opened < started < reply < waiting < priority
    assert "driver.txt" in html and "screen.png" in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "two forms on one page must not repeat an id"
    assert "Giulia Agent" in html and "Support team" in html
    # The current status, with its colour.
    assert 'Status: \n<span class="status-badge" style="--status-colour: #7a4fbf">' \
           'Waiting for your reply</span>' in html


def test_a_reply_with_attachments(app, people, as_user, open_ticket):
    ticket = open_ticket(people.alice)
    staff_work(app, people, ticket)  # the staff reply left it waiting for the customer
    browser = as_user(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    response = browser.submit(f"{url}/reply", {
        "body": "The HP one, *third floor*.",
        "attachments": [(io.BytesIO(b"photo"), "printer.jpg"),
                        (io.BytesIO(b"config"), "printer.txt")],
    }, form_url=url)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{url}#reply")
    html = browser.get(url).get_data(as_text=True)
    assert "Your reply was sent." in html
    assert "The HP one, <em>third floor</em>." in html
    assert "printer.jpg" in html and "printer.txt" in html
    assert '<span class="status-badge" style="--status-colour: #b26b00">In progress' in html
    with app.app_context():
        comment = db.session.scalars(select(Comment).where(
            Comment.ticket_id == ticket.id, Comment.author_id == people.alice.id)).one()
        assert not comment.internal
        assert [a.filename for a in comment.attachments] == ["printer.jpg", "printer.txt"]


def test_an_empty_reply_is_refused_next_to_the_box(app, people, as_user, open_ticket):
    ticket = open_ticket(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    response = as_user(people.alice).submit(f"{url}/reply", {"body": "  "}, form_url=url)
    assert response.status_code == 422
    assert '<p class="error" id="body-error">Write a message or attach a file.</p>' in \
        response.get_data(as_text=True)


def test_replies_are_sanitised(app, people, as_user, open_ticket):
    ticket = open_ticket(people.alice)
    browser = as_user(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    browser.submit(f"{url}/reply", {
        "body": '<script>alert("x")</script> [link](javascript:alert(1)) **ok**',
    }, form_url=url)
    html = browser.get(url).get_data(as_text=True)
    assert '<script>alert("x")' not in html and 'href="javascript' not in html
    assert "<strong>ok</strong>" in html


def test_the_fields_the_customer_may_still_edit(app, people, as_user, open_ticket):
    ticket = open_ticket(people.alice, product_family="software", product_version="4.0",
                         module="accounting")
    browser = as_user(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    html = browser.get(url).get_data(as_text=True)
    edit = html[html.index(f'action="{url}/edit"'):]
    edit = edit[:edit.index("</form>")]
    for key in ("module", "product_version", "notify_person", "screenshots"):
        assert f'name="{key}"' in edit, key
    for key in ("title", "request_type", "description", "status", "priority"):
        assert f'name="{key}"' not in edit, key
    # The family is fixed now: the browser offers the modules of the stored one only.
    cascades = json.loads(html_unescape(re.search(r'data-cascades="([^"]*)"', edit).group(1)))
    assert cascades["module"]["items"]["payroll"] == []
    assert cascades["module"]["items"]["vpn"] == ["network"]
    response = browser.submit(f"{url}/edit", {
        "module": "payroll", "product_version": "4.1", "notify_person": str(people.carla.id),
    }, form_url=url)
    assert response.status_code == 303
    html = browser.get(url).get_data(as_text=True)
    assert "Your changes were saved." in html
    assert "<del>Accounting</del> → <ins>Payroll</ins>" in html
    assert "<del>—</del> → <ins>Carla Conti</ins>" in html
    with app.app_context():
        assert db.session.get(Ticket, ticket.id).notify_person_id == people.carla.id


def test_an_edit_with_a_field_the_customer_may_not_write_changes_nothing(
    app, people, as_user, open_ticket
):
    ticket = open_ticket(people.alice, title="Before")
    browser = as_user(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    response = browser.submit(f"{url}/edit", {"module": "", "title": "After"}, form_url=url)
    assert response.status_code == 403
    assert "Nothing was saved: you may not write Title." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Ticket, ticket.id).title == "Before"


def test_a_closed_ticket_offers_no_edit_form(app, people, as_user, open_ticket):
    ticket = open_ticket(people.alice)
    with app.app_context():
        update_ticket(db.session.get(User, people.agent.id), db.session.get(Ticket, ticket.id),
                      {"status": "done", "root_cause": "Paper"})
    browser = as_user(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    html = browser.get(url).get_data(as_text=True)
    assert f"{url}/edit" not in html and "Update details" not in html
    response = browser.submit(f"{url}/edit", {"module": "vpn"}, form_url=url)
    assert response.status_code == 403
    assert "Nothing was saved" in response.get_data(as_text=True)
    with app.app_context():  # the attempt is recorded, as every refused write is
        entry = db.session.scalars(select(AuditEntry)).one()
        assert (entry.actor_id, entry.action) == (people.alice.id, "write_refused")
        assert entry.detail["fields"] == {"module": "read_only"}


def test_a_reply_to_a_ticket_closed_long_ago_points_to_a_new_ticket(
    app, people, as_user, open_ticket
):
    ticket = open_ticket(people.alice)
    with app.app_context():
        row = db.session.get(Ticket, ticket.id)
        update_ticket(db.session.get(User, people.agent.id), row,
                      {"status": "closed", "root_cause": "Paper"})
        row = db.session.get(Ticket, ticket.id)
        row.closed_at -= timedelta(days=app.config["SPORTELLO_REOPEN_DAYS"] + 1)
        db.session.commit()
    browser = as_user(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    response = browser.submit(f"{url}/reply", {"body": "Still broken"}, form_url=url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This ticket was closed too long ago to be re-opened." in html
    assert f'href="/portal/tickets/new?follow_up={ticket.number}"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_reply_re_opens_a_recently_closed_ticket(app, people, as_user, open_ticket):
    ticket = open_ticket(people.alice)
    with app.app_context():
        update_ticket(db.session.get(User, people.agent.id), db.session.get(Ticket, ticket.id),
                      {"status": "done", "root_cause": "Paper"})
    browser = as_user(people.alice)
    url = f"/portal/tickets/{ticket.number}"
    assert browser.submit(f"{url}/reply", {"body": "Again"}, form_url=url).status_code == 303
    with app.app_context():
        assert db.session.get(Ticket, ticket.id).closed_at is None


def test_downloads_are_attachments_with_safe_headers(app, people, as_user, open_ticket,
                                                    make_ticket):
    ticket = make_ticket(actor=people.alice, title="Files", request_type="question",
                         product_family="services", description="See the file.")
    with app.app_context():
        add_comment(db.session.get(User, people.alice.id), db.session.get(Ticket, ticket.id),
                    "Files", files=[upload("../../etc/pass<wd>.txt", b"<script>x</script>"),
                                    upload("fattura è.pdf", b"%PDF")])
        files = {a.filename: a.id for a in db.session.scalars(
            select(Attachment).where(Attachment.ticket_id == ticket.id))}
    browser = as_user(people.alice)
    assert set(files) == {"pass_wd_.txt", "fattura è.pdf"}
    response = browser.get(f"/portal/tickets/{ticket.number}/files/{files['pass_wd_.txt']}")
    assert response.status_code == 200
    assert response.data == b"<script>x</script>"
    assert response.headers["Content-Disposition"] == "attachment; filename=pass_wd_.txt"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()
    response = browser.get(f"/portal/tickets/{ticket.number}/files/{files['fattura è.pdf']}")
    response.close()
    assert "filename*=UTF-8''fattura%20%C3%A8.pdf" in response.headers["Content-Disposition"]


def test_files_of_internal_notes_and_hidden_fields_cannot_be_downloaded(
    app, people, as_user, open_ticket
):
    ticket = open_ticket(people.alice)
    files = staff_work(app, people, ticket)
    browser = as_user(people.alice)
    base = f"/portal/tickets/{ticket.number}/files"
    with browser.get(f"{base}/{files['driver.txt']}") as response:
        assert response.status_code == 200 and response.data == b"driver"
    assert browser.get(f"{base}/{files['note-file.txt']}").status_code == 404
    assert browser.get(f"{base}/{files['hidden-report.txt']}").status_code == 404
    assert browser.get(f"{base}/999999").status_code == 404


def test_a_company_manager_sees_the_colleagues_tickets(app, people, as_user, open_ticket):
    ticket = open_ticket(people.carla, title="Carla's request")
    url = f"/portal/tickets/{ticket.number}"
    assert as_user(people.manager).get(url).status_code == 200
    assert as_user(people.alice).get(url).status_code == 404

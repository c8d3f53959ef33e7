"""The owner's "Mail problems" page: failed messages and ticket e-mails that could not
be prepared listed, retried by the button."""

from sqlalchemy import select

from app.accounts.models import Role
from app.database import atomic
from app.extensions import db
from app.notify import fanout
from app.notify.models import MailMessage, MailStatus, TicketMailBatch
from app.notify.outbox import enqueue_mail
from app.notify.sender import send_pending
from app.tickets.service import create_ticket
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mail import RefusingHandler
from tests.fixtures.ticket_mail import BASE, make_desk, user


def _refused_mail(app, smtp_factory):
    handler = RefusingHandler({"gone@example.com"})
    server = smtp_factory(handler)
    with app.app_context():
        with atomic():
            message = enqueue_mail(to_email="gone@example.com", template="test_message",
                                   context={}, language="en")
        assert send_pending().failed == 1
    return server, handler, message


def test_failed_mail_is_listed_and_retried(app, browser, make_user, smtp_factory):
    make_user(Role.OWNER, email="owner@example.com")
    server, handler, message = _refused_mail(app, smtp_factory)
    browser.login("owner@example.com", PASSWORD)
    html = browser.get("/staff/mail-problems").get_data(as_text=True)
    assert "gone@example.com" in html and "Test message from Sportello" in html
    assert "550" in html and "No such user here" in html
    assert 'href="/staff/mail-problems"' in browser.home()  # menu

    handler.refused.clear()  # the address was fixed on the other side
    url = f"/staff/mail-problems/{message.id}/retry"
    response = browser.submit(url, {}, form_url="/staff/mail-problems")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(MailMessage, message.id)
        assert row.status == MailStatus.PENDING and row.attempts == 0
        assert send_pending().sent == 1
    assert [m.rcpt_tos for m in server.messages] == [("gone@example.com",)]
    html = browser.get("/staff/mail-problems").get_data(as_text=True)
    assert "No failed e-mails." in html


def test_retry_needs_csrf_and_a_failed_message(app, browser, make_user, smtp_factory):
    make_user(Role.OWNER, email="owner2@example.com")
    _server, _handler, message = _refused_mail(app, smtp_factory)
    browser.login("owner2@example.com", PASSWORD)
    url = f"/staff/mail-problems/{message.id}/retry"
    assert browser.client.post(url).status_code == 400  # no CSRF token
    browser.submit(url, {}, form_url="/staff/mail-problems")
    again = browser.submit(url, {}, form_url="/staff/mail-problems", follow_redirects=True)
    assert "nothing to retry" in again.get_data(as_text=True)


def test_only_the_owner_sees_mail_problems(app, browser, make_user):
    make_user(Role.AGENT, email="agent@example.com")
    assert browser.get("/staff/mail-problems").status_code == 302  # log in first
    browser.login("agent@example.com", PASSWORD)
    assert browser.get("/staff/mail-problems").status_code == 403
    assert "/staff/mail-problems" not in browser.home()
    response = browser.submit("/staff/mail-problems/1/retry", {}, form_url="/")
    assert response.status_code == 403


def test_retrying_messages_are_shown(app, browser, make_user, smtp_factory):
    make_user(Role.OWNER, email="owner3@example.com", language="it")
    smtp_factory(start=False)
    with app.app_context():
        with atomic():
            enqueue_mail(to_email="later@example.com", template="test_message", context={},
                         language="en")
        send_pending()
    browser.login("owner3@example.com", PASSWORD)
    html = browser.get("/staff/mail-problems").get_data(as_text=True)
    assert "Problemi di posta" in html and "In attesa di un nuovo tentativo" in html
    assert "later@example.com" in html and "Connection" in html


def test_a_batch_that_never_splits_is_shown_and_retried(app, browser, make_user, make_company,
                                                        load_schema, smtp_server, monkeypatch):
    load_schema("it-helpdesk")
    desk = make_desk(make_user, make_company)
    split, calls = fanout.ticket_mail_rows, []

    def failing(ticket, *args):
        calls.append(ticket.id)
        raise RuntimeError("a renderer bug")

    monkeypatch.setattr(fanout, "ticket_mail_rows", failing)
    with app.app_context():
        ticket = create_ticket(user(desk.requester), BASE)
        number = ticket.number
        reports = [send_pending() for _ in range(fanout.MAX_ATTEMPTS + 2)]
        assert len(calls) == fanout.MAX_ATTEMPTS  # then it is left alone
        batch = db.session.scalars(select(TicketMailBatch)).one()
        assert batch.attempts == fanout.MAX_ATTEMPTS
        assert [r.stuck for r in reports[-3:]] == [1, 1, 1] and reports[0].stuck == 0
        assert "1 ticket change(s) whose e-mails could not be prepared" in reports[-1].summary()
    assert smtp_server.messages == []

    url = f"/staff/mail-problems/batches/{batch.id}/retry"
    browser.login(desk.email("agent"), PASSWORD)
    assert browser.get("/staff/mail-problems").status_code == 403
    assert browser.submit(url, {}, form_url="/").status_code == 403
    browser.logout()

    browser.login(desk.email("owner"), PASSWORD)
    html = browser.get("/staff/mail-problems").get_data(as_text=True)
    assert "Ticket e-mails that could not be prepared" in html
    assert f'href="/desk/tickets/{number}">{number}</a>' in html
    assert f'action="{url}"' in html and f"<td>{fanout.MAX_ATTEMPTS}</td>" in html
    assert browser.client.post(url).status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.get(TicketMailBatch, batch.id).attempts == fanout.MAX_ATTEMPTS

    monkeypatch.setattr(fanout, "ticket_mail_rows", split)  # the bug was fixed
    response = browser.submit(url, {}, form_url="/staff/mail-problems", follow_redirects=True)
    assert "try again to prepare these e-mails" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TicketMailBatch, batch.id).attempts == 0
        report = send_pending()
        assert report.stuck == 0 and report.sent == 4
        assert db.session.get(TicketMailBatch, batch.id) is None
    received = {m.rcpt_tos[0] for m in smtp_server.messages if number in m.parsed()["Subject"]}
    assert received == {desk.email(who) for who in
                        ("requester", "owner", "agent", "other_agent")}
    html = browser.get("/staff/mail-problems").get_data(as_text=True)
    assert "Every ticket e-mail could be prepared." in html
    again = browser.submit(url, {}, form_url="/staff/mail-problems", follow_redirects=True)
    assert "nothing to retry" in again.get_data(as_text=True)

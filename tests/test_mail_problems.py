"""The owner's "Mail problems" page: failed messages listed, retried by the button."""

from app.accounts.models import Role
from app.database import atomic
from app.extensions import db
from app.notify.models import MailMessage, MailStatus
from app.notify.outbox import enqueue_mail
from app.notify.sender import send_pending
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mail import RefusingHandler


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

"""Forgot password, reset links (neutral, signed, expiring, single use) and activation links."""

import re
import time

import pytest
from itsdangerous.timed import TimestampSigner

from app.accounts.models import Role, User
from app.auth.passwords import is_common
from app.auth.reset import send_activation
from app.database import atomic
from app.extensions import db
from app.notify.sender import send_pending
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mail import link_in, outbox, path_of

NEW_PASSWORD = "a brand new secret 42"


def _ask_reset(browser, email):
    return browser.submit("/forgot-password", {"email": email})


def _reset_path(app, email) -> str:
    with app.app_context():
        mails = outbox(email, "password_reset")
    assert len(mails) == 1, mails
    return path_of(link_in(mails[0].text_body, "/reset-password/"))


def test_login_page_links_to_forgot_password(client):
    assert 'href="/forgot-password"' in client.get("/login").get_data(as_text=True)


def _without_token(html: str) -> str:
    return re.sub(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+"', r'\1"', html)


def test_answer_is_the_same_for_known_and_unknown_addresses(app, browser, make_user):
    make_user(Role.AGENT, email="known@example.com")
    known = _ask_reset(browser, "known@example.com").get_data(as_text=True)
    unknown = _ask_reset(browser, "nobody@example.com").get_data(as_text=True)
    assert "If an account exists for known@example.com" in known
    # The CSRF token carries its signing second: two requests may fall on either side of one.
    assert _without_token(known.replace("known@", "X@")) == _without_token(
        unknown.replace("nobody@", "X@"))
    with app.app_context():
        assert len(outbox("known@example.com", "password_reset")) == 1
        assert outbox("nobody@example.com") == []


def test_reset_link_sets_the_password_once(app, browser, make_user):
    make_user(Role.AGENT, email="reset@example.com")
    _ask_reset(browser, "reset@example.com")
    path = _reset_path(app, "reset@example.com")
    page = browser.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    response = browser.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert browser.login("reset@example.com", PASSWORD).status_code == 200  # old one refused
    assert browser.login("reset@example.com", NEW_PASSWORD).status_code == 302
    browser.logout()
    again = browser.get(path)
    assert again.status_code == 410 and "This link no longer works" in again.get_data(as_text=True)
    again = browser.submit(path, {"password": "another new secret 99", "confirm":
                                  "another new secret 99"}, form_url="/forgot-password")
    assert again.status_code == 410
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "reset@example.com"))
        assert user.check_password(NEW_PASSWORD)


def test_reset_link_expires(app, browser, make_user, monkeypatch):
    make_user(Role.AGENT, email="late@example.com")
    now = time.time()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(now - 61 * 60))
    _ask_reset(browser, "late@example.com")
    monkeypatch.undo()
    path = _reset_path(app, "late@example.com")
    assert browser.get(path).status_code == 410
    monkeypatch.setitem(app.config, "SPORTELLO_PASSWORD_RESET_MINUTES", 120)
    assert browser.get(path).status_code == 200  # the expiry is the setting


def test_forged_or_foreign_tokens_are_refused(app, browser, make_user):
    make_user(Role.AGENT, email="forged@example.com")
    _ask_reset(browser, "forged@example.com")
    path = _reset_path(app, "forged@example.com")
    assert browser.get(path[:-3] + "abc").status_code == 410
    assert browser.get("/reset-password/not-a-token").status_code == 410
    token = path.rsplit("/", 1)[1]
    assert browser.get(f"/activate/{token}").status_code == 410  # another purpose


@pytest.mark.parametrize(("password", "message"), [
    ("short", "at least 10 characters"),
    ("1234567890", "one of the most common ones"),
    ("Qwertyuiop", "one of the most common ones"),
])
def test_weak_passwords_are_refused(app, browser, make_user, password, message):
    make_user(Role.AGENT, email="weak@example.com")
    _ask_reset(browser, "weak@example.com")
    path = _reset_path(app, "weak@example.com")
    response = browser.submit(path, {"password": password, "confirm": password})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert browser.get(path).status_code == 200  # nothing changed: the link still works


def test_common_password_list_is_shipped():
    assert is_common("password1234") and is_common("  QWERTYUIOP ")
    assert not is_common(NEW_PASSWORD)


def test_confirmation_must_match(app, browser, make_user):
    make_user(Role.AGENT, email="typo@example.com")
    _ask_reset(browser, "typo@example.com")
    path = _reset_path(app, "typo@example.com")
    response = browser.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "The passwords differ." in response.get_data(as_text=True)


def test_reset_mails_are_throttled_per_address(app, browser, make_user):
    make_user(Role.AGENT, email="flood@example.com")
    for _ in range(8):
        assert _ask_reset(browser, "flood@example.com").status_code == 200
    with app.app_context():
        assert len(outbox("flood@example.com")) == app.config["SPORTELLO_ACCOUNT_MAILS_PER_HOUR"]


def test_reset_in_italian_end_to_end_through_smtp(app, browser, make_user, smtp_server):
    make_user(Role.CUSTOMER, email="giulia@example.com", language="it")
    page = browser.submit("/forgot-password", {"email": "giulia@example.com"},
                          headers={"Accept-Language": "it"})
    assert "Controlla la posta" in page.get_data(as_text=True)
    with app.app_context():
        assert send_pending().sent == 1
    email = smtp_server.messages[0].parsed()
    assert email["To"] == "giulia@example.com"
    assert email["Subject"] == "Scegli una nuova password"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    link = link_in(text, "/reset-password/")
    assert link in html
    response = browser.submit(path_of(link), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert browser.login("giulia@example.com", NEW_PASSWORD).status_code == 302


def test_activation_link_lets_a_new_person_choose_a_password(app, browser, make_user):
    person = make_user(Role.CUSTOMER, email="new.person@example.com", password=None)
    with app.app_context(), atomic():
        send_activation(db.session.get(User, person.id))
    with app.app_context():
        mail = outbox("new.person@example.com", "activation")[0]
    assert "created an account for you" in mail.text_body and "7 days" in mail.text_body
    path = path_of(link_in(mail.text_body, "/activate/"))
    assert "Welcome: choose your password" in browser.get(path).get_data(as_text=True)
    assert browser.login("new.person@example.com", "").status_code == 200  # no password yet
    response = browser.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.email_verified_at is not None  # the link proved the address
    assert browser.get(path).status_code == 410  # single use
    assert browser.login("new.person@example.com", NEW_PASSWORD).status_code == 302


def test_activation_links_last_longer_than_reset_links(app, browser, make_user, monkeypatch):
    person = make_user(Role.CUSTOMER, email="slow.person@example.com", password=None)
    now = time.time()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(now - 3 * 86400))
    with app.app_context(), atomic():
        send_activation(db.session.get(User, person.id))
    monkeypatch.undo()
    with app.app_context():
        path = path_of(link_in(outbox("slow.person@example.com")[0].text_body, "/activate/"))
    assert browser.get(path).status_code == 200
    monkeypatch.setitem(app.config, "SPORTELLO_ACTIVATION_DAYS", 2)
    assert browser.get(path).status_code == 410


def test_deactivated_user_gets_no_reset(app, browser, make_user):
    person = make_user(Role.AGENT, email="gone@example.com")
    with app.app_context(), atomic():
        db.session.get(User, person.id).active = False
    _ask_reset(browser, "gone@example.com")
    with app.app_context():
        assert outbox("gone@example.com") == []

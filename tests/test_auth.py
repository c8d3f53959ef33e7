"""Login, logout, remember me, lock-outs, CSRF."""

from datetime import timedelta

from app.accounts.models import LoginFailure, Role
from app.extensions import db
from tests.fixtures.factories import PASSWORD


def test_login_page_has_labelled_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label for="email">' in html and 'id="email"' in html
    assert '<label for="password">' in html
    assert 'name="csrf_token"' in html


def test_login_and_logout(browser, make_user):
    user = make_user(Role.AGENT, email="Agent.One@Example.com")
    response = browser.login("agent.one@EXAMPLE.com", PASSWORD)
    assert response.status_code == 302
    home = browser.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert user.name in home.get_data(as_text=True)
    response = browser.logout()
    assert response.status_code == 302
    assert browser.get("/desk/").status_code == 302  # back to the login page


def test_remember_me_sets_cookie(browser, make_user):
    make_user(Role.AGENT, email="remember@example.com")
    response = browser.login("remember@example.com", PASSWORD, remember="y")
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))
    browser.logout()
    make_user(Role.AGENT, email="forget@example.com")
    response = browser.login("forget@example.com", PASSWORD)
    assert "remember_token=" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_wrong_password_is_refused(browser, make_user):
    make_user(Role.AGENT, email="wrong@example.com")
    response = browser.login("wrong@example.com", "not the password")
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert browser.get("/desk/").status_code == 302


def test_unknown_email_gets_the_same_message(browser):
    response = browser.login("nobody@example.com", "whatever-password")
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_lockout_after_repeated_failures(app, browser, make_user):
    make_user(Role.AGENT, email="locked@example.com")
    limit = app.config["SPORTELLO_LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        browser.login("locked@example.com", "bad password")
    response = browser.login("locked@example.com", PASSWORD)
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Too many failed attempts" in text and "15 more minutes" in text
    assert browser.get("/desk/").status_code == 302  # the right password did not get in


def test_lockout_expires(app, browser, make_user):
    make_user(Role.AGENT, email="expires@example.com")
    for _ in range(app.config["SPORTELLO_LOGIN_MAX_FAILURES"]):
        browser.login("expires@example.com", "bad password")
    with app.app_context():
        for failure in db.session.scalars(db.select(LoginFailure)):
            failure.at -= timedelta(minutes=16)
        db.session.commit()
    assert browser.login("expires@example.com", PASSWORD).status_code == 302


def test_lockout_per_address_across_accounts(app, browser, make_user):
    app_limit = app.config["SPORTELLO_LOGIN_MAX_FAILURES_PER_ADDRESS"]
    make_user(Role.AGENT, email="victim@example.com")
    for n in range(app_limit):
        browser.login(f"guess{n}@example.com", "bad password")
    response = browser.login("victim@example.com", PASSWORD)
    assert response.status_code == 429


def test_success_clears_account_failures(app, browser, make_user):
    make_user(Role.AGENT, email="clears@example.com")
    limit = app.config["SPORTELLO_LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        browser.login("clears@example.com", "bad password")
    assert browser.login("clears@example.com", PASSWORD).status_code == 302
    browser.logout()
    browser.login("clears@example.com", "bad password")
    assert browser.login("clears@example.com", PASSWORD).status_code == 302


def test_csrf_is_required(client, make_user):
    make_user(Role.AGENT, email="csrf@example.com")
    response = client.post("/login", data={"email": "csrf@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)


def test_logout_needs_post_with_csrf(browser, make_user):
    make_user(Role.AGENT, email="out@example.com")
    browser.login("out@example.com", PASSWORD)
    assert browser.client.post("/logout").status_code == 400
    assert browser.get("/desk/").status_code == 200


def test_disabled_account_cannot_log_in(browser, make_user):
    make_user(Role.AGENT, email="off@example.com", active=False)
    response = browser.login("off@example.com", PASSWORD)
    assert "This account is disabled" in response.get_data(as_text=True)


def test_company_with_ticketing_off_cannot_log_in(browser, make_user, make_company):
    company = make_company(ticketing_enabled=False)
    make_user(Role.CUSTOMER, email="cust@example.com", company=company)
    response = browser.login("cust@example.com", PASSWORD)
    assert response.status_code == 200
    assert "switched off for your company" in response.get_data(as_text=True)


def test_open_redirect_is_ignored(browser, make_user):
    make_user(Role.AGENT, email="next@example.com")
    response = browser.login("next@example.com", PASSWORD, next="https://evil.example/")
    assert response.headers["Location"] == "/desk/"  # staff land in the queue
    browser.logout()
    response = browser.login("next@example.com", PASSWORD, next="/language")
    assert response.headers["Location"] == "/language"


def test_password_change_ends_other_sessions(app, browser, make_user):
    user = make_user(Role.AGENT, email="sessions@example.com")
    browser.login("sessions@example.com", PASSWORD)
    with app.app_context():
        account = db.session.get(type(user), user.id)
        account.set_password("another long password")
        db.session.commit()
    assert browser.get("/desk/").status_code == 302


def test_behind_a_trusted_proxy_each_client_has_its_own_address(app, browser, make_user,
                                                                monkeypatch):
    make_user(Role.AGENT, email="victim@example.com")
    limit = app.config["SPORTELLO_LOGIN_MAX_FAILURES_PER_ADDRESS"]

    def attempts_from(address: str, email: str, password: str):
        browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = address
        return browser.login(email, password)

    monkeypatch.setitem(app.config, "SPORTELLO_TRUSTED_PROXIES", 1)
    for n in range(limit):
        attempts_from("203.0.113.7", f"guess{n}@example.com", "bad password")
    assert attempts_from("203.0.113.7", "victim@example.com", PASSWORD).status_code == 429
    assert attempts_from("198.51.100.2", "victim@example.com", PASSWORD).status_code == 302
    with app.app_context():
        keys = set(db.session.scalars(db.select(LoginFailure.key)))
    assert "ip:203.0.113.7" in keys and not any("198.51.100.2" in key for key in keys)


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, browser, make_user):
    browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.7"
    browser.login("nobody@example.com", "bad password")
    with app.app_context():
        keys = set(db.session.scalars(db.select(LoginFailure.key)))
    assert "ip:127.0.0.1" in keys and not any("203.0.113.7" in key for key in keys)

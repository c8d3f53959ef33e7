"""Personal access tokens: made on the profile page and by the CLI, stored hashed,
revocable, scoped, rate limited; every refusal in the one error format."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from sqlalchemy import select

from app.accounts.models import Company, Role, User
from app.api.models import ApiToken
from app.api.ratelimit import count_request, window_start
from app.api.tokens import create_token, find_token, revoke_token
from app.database import atomic
from app.extensions import db
from tests.api.conftest import ApiClient
from tests.fixtures.factories import PASSWORD


def _token_row(app, secret: str) -> ApiToken:
    with app.app_context():
        digest = hashlib.sha256(secret.encode()).hexdigest()
        return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))


def test_token_is_stored_hashed_with_a_recognisable_prefix(app, customer, make_token):
    secret = make_token(customer, "read")
    assert secret.startswith("spt_") and len(secret) > 40
    row = _token_row(app, secret)
    assert row.prefix == secret[:10] and row.scope == "read"
    with app.app_context():
        stored = db.session.execute(select(ApiToken.__table__)).mappings().all()
    assert all(secret not in str(dict(values)) for values in stored)


def test_bearer_token_acts_as_its_user_and_records_last_use(app, client, customer,
                                                            make_token):
    secret = make_token(customer, "read")
    assert _token_row(app, secret).last_used_at is None
    response = ApiClient(client, secret).get("/fields")
    assert response.status_code == 200
    assert _token_row(app, secret).last_used_at is not None


@pytest.mark.parametrize("header", [
    None, "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer spt_unknown",
    "Bearer not-a-sportello-token", "Bearer spt_" + "x" * 500,
])
def test_missing_or_unknown_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/tickets", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.get_json()
    assert set(body) == {"error", "fields"} and body["error"]


def test_session_cookie_does_not_authenticate_the_api(browser, customer):
    browser.login(customer.email, PASSWORD)
    assert browser.get("/portal/").status_code == 200
    assert browser.get("/api/v1/fields").status_code == 401


def test_revoked_token_is_401(app, client, customer, make_token):
    secret = make_token(customer)
    api = ApiClient(client, secret)
    assert api.get("/fields").status_code == 200
    with app.app_context():
        revoke_token(db.session.get(User, customer.id), _token_row(app, secret).id)
    assert api.get("/fields").status_code == 401


def test_deactivated_users_tokens_stop_working(app, client, customer, make_token):
    secret = make_token(customer)
    with app.app_context(), atomic():
        db.session.get(User, customer.id).active = False
    assert ApiClient(client, secret).get("/fields").status_code == 401


def test_customer_of_a_company_switched_off_cannot_use_tokens(app, client, customer,
                                                              make_token):
    secret = make_token(customer)
    with app.app_context(), atomic():
        db.session.get(Company, customer.company_id).ticketing_enabled = False
    assert ApiClient(client, secret).get("/fields").status_code == 401


def test_read_scope_refuses_every_write(api_as, customer):
    api = api_as(customer, "read")
    for method, path in [("POST", "/tickets"), ("PATCH", "/tickets/2026-00001"),
                         ("POST", "/tickets/2026-00001/comments"), ("PUT", "/schema"),
                         ("POST", "/companies"), ("DELETE", "/invites/1")]:
        response = api.open(method, path, json={"title": "x"})
        assert response.status_code == 403, (method, path)
        assert "read" in response.get_json()["error"]


def test_another_users_token_cannot_be_revoked(app, customer, make_user, make_token):
    secret = make_token(customer)
    other = make_user(Role.CUSTOMER)
    with app.app_context():
        assert revoke_token(db.session.get(User, other.id), _token_row(app, secret).id) is None
        assert find_token(secret) is not None


def test_token_needs_a_name_and_a_known_scope(app_ctx, customer):
    from app.api.tokens import TokenError

    user = db.session.get(User, customer.id)
    with pytest.raises(TokenError) as blank:
        create_token(user, "  ", "read")
    assert blank.value.field == "name"
    with pytest.raises(TokenError) as scope:
        create_token(user, "CI", "admin")
    assert scope.value.field == "scope"


# -- rate limit ------------------------------------------------------------------------

def test_rate_limit_gives_429_with_retry_after(app, api_as, customer, monkeypatch):
    monkeypatch.setitem(app.config, "SPORTELLO_API_RATE_LIMIT", 3)
    api = api_as(customer)
    answers = [api.get("/fields") for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[1].headers["X-RateLimit-Remaining"] == "1"
    limited = answers[3]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert set(limited.get_json()) == {"error", "fields"}


def test_rate_limit_is_per_token(app, api_as, customer, monkeypatch):
    monkeypatch.setitem(app.config, "SPORTELLO_API_RATE_LIMIT", 1)
    first, second = api_as(customer), api_as(customer)
    assert first.get("/fields").status_code == 200
    assert first.get("/fields").status_code == 429
    assert second.get("/fields").status_code == 200


def test_rate_window_resets(app_ctx, customer):
    token = create_token(db.session.get(User, customer.id), "CI").token
    app_ctx.config["SPORTELLO_API_RATE_LIMIT"] = 2
    try:
        minute = datetime(2026, 5, 1, 8, 0, 10)
        assert [count_request(token.id, minute).used for _ in range(3)] == [1, 2, 3]
        assert not count_request(token.id, minute).allowed
        later = count_request(token.id, datetime(2026, 5, 1, 8, 1, 0))
        assert later.allowed and later.used == 1
        assert count_request(token.id, datetime(2026, 5, 1, 8, 1, 50)).reset_in == 10
    finally:
        app_ctx.config["SPORTELLO_API_RATE_LIMIT"] = 300


def test_window_start_is_aligned():
    assert window_start(datetime(2026, 5, 1, 8, 0, 59), 60) == datetime(2026, 5, 1, 8, 0)
    assert window_start(datetime(2026, 5, 1, 8, 7, 1), 300) == datetime(2026, 5, 1, 8, 5)


# -- language ------------------------------------------------------------------------

def test_errors_use_the_token_owners_language(api_as, make_user):
    italian = make_user(Role.CUSTOMER, language="it")
    response = api_as(italian).get("/tickets/2026-99999", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "Non trovato, oppure non hai il permesso di vederlo."


def test_errors_fall_back_to_accept_language(api_as, make_user):
    no_preference = make_user(Role.CUSTOMER, language="")
    api = api_as(no_preference)
    italian = api.get("/tickets/x", headers={"Accept-Language": "it-IT,it;q=0.9"})
    english = api.get("/tickets/x", headers={"Accept-Language": "en"})
    assert italian.get_json()["error"].startswith("Non trovato")
    assert english.get_json()["error"].startswith("Not found")


def test_401_follows_accept_language(client):
    response = client.get("/api/v1/fields", headers={"Accept-Language": "it"})
    assert "token" in response.get_json()["error"] and "Invia" in response.get_json()["error"]


# -- profile page ---------------------------------------------------------------------

def test_profile_page_makes_shows_once_and_revokes(app, browser, customer):
    browser.login(customer.email, PASSWORD)
    page = browser.get("/profile/tokens")
    assert page.status_code == 200 and "You have no tokens yet." in page.get_data(as_text=True)
    made = browser.submit("/profile/tokens", {"name": "ERP", "scope": "read-write"})
    html = made.get_data(as_text=True)
    assert made.status_code == 200 and "Copy it now" in html
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("spt_")
    row = _token_row(app, secret)
    assert row.name == "ERP" and row.scope == "read-write"
    listed = browser.get("/profile/tokens").get_data(as_text=True)
    assert secret not in listed and row.prefix in listed
    revoked = browser.submit(f"/profile/tokens/{row.id}/revoke", {}, form_url="/profile/tokens",
                             follow_redirects=True)
    assert "The token was revoked" in revoked.get_data(as_text=True)
    assert _token_row(app, secret).revoked_at is not None


def test_profile_page_refuses_a_blank_name(browser, customer):
    browser.login(customer.email, PASSWORD)
    response = browser.submit("/profile/tokens", {"name": "", "scope": "read"})
    assert response.status_code == 422
    assert "Give the token a name." in response.get_data(as_text=True)


def test_profile_page_cannot_revoke_someone_elses_token(browser, customer, make_user,
                                                        make_token, app):
    other = make_user(Role.CUSTOMER)
    secret = make_token(other)
    browser.login(customer.email, PASSWORD)
    response = browser.submit(f"/profile/tokens/{_token_row(app, secret).id}/revoke", {},
                              form_url="/profile/tokens")
    assert response.status_code == 404
    assert _token_row(app, secret).revoked_at is None


def test_profile_page_needs_login(client):
    assert client.get("/profile/tokens").status_code == 302


def test_menu_links_to_the_token_page(browser, customer):
    browser.login(customer.email, PASSWORD)
    assert 'href="/profile/tokens"' in browser.home()


# -- command line ---------------------------------------------------------------------

def test_cli_prints_a_working_token_once(app, client, agent):
    result = app.test_cli_runner().invoke(args=[
        "sportello", "token", "create", agent.email.upper(), "--scope", "read-write",
        "--name", "Sync"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    row = _token_row(app, secret)
    assert row.name == "Sync" and row.scope == "read-write" and row.user_id == agent.id
    assert ApiClient(client, secret).get("/fields").status_code == 200


def test_cli_refuses_unknown_users(app):
    result = app.test_cli_runner().invoke(args=["sportello", "token", "create",
                                                "nobody@example.com"])
    assert result.exit_code != 0 and "No user" in result.output


# -- one error format ------------------------------------------------------------------

def test_unknown_routes_and_methods_answer_in_the_error_format(api_as, customer):
    api = api_as(customer)
    for response, status in ((api.get("/no/such/thing"), 404),
                             (api.delete("/tickets"), 405),
                             (api.put("/fields", json={}), 405)):
        assert response.status_code == status
        body = response.get_json()
        assert set(body) == {"error", "fields"} and body["error"]


def test_every_worker_counts_against_the_same_limit(fresh_database_url):
    """Two apps on one database (two workers, or two hosts) share each token's window."""
    from app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SPORTELLO_API_RATE_LIMIT": 3}
    workers = [create_app(settings), create_app(settings)]
    try:
        with workers[0].app_context():
            from app.accounts.services import create_user

            user = create_user(email="worker@example.com", name="W", role=Role.AGENT)
            secret = create_token(user, "Shared").secret
        clients = [ApiClient(worker.test_client(), secret) for worker in workers]
        statuses = [clients[n % 2].get("/fields").status_code for n in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert clients[0].get("/fields").status_code == 429
    finally:
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()

"""Invite links (hashed, expiring, limited, revocable), registration through them,
e-mail confirmation and can_open_tickets."""

import hashlib
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import Company, Role, User
from app.database import atomic
from app.extensions import db
from app.notify.sender import send_pending
from app.onboarding.eligibility import can_open_tickets
from app.onboarding.invites import create_invite
from app.onboarding.models import InviteLink, InviteRegistration
from app.onboarding.registration import InviteRefused, register_from_invite
from app.timeutil import utcnow
from config import Config
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mail import link_in, outbox, path_of
from tests.fixtures.web import Browser

GOOD_PASSWORD = "blue kettle on a hill"


def _person(email="new.person@example.com", **overrides):
    return {
        "name": "Nadia", "surname": "Ferri", "email": email, "phone": "051 222",
        "mobile": "", "job_role": "Accounts", "language": "en",
        "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD,
    } | overrides


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def staff(browser, make_user):
    make_user(Role.AGENT, email="agent@example.com", name="Agata", surname="Agente")
    browser.login("agent@example.com", PASSWORD)
    return browser


def _new_invite(staff, company_id=0, **fields) -> tuple[int, str]:
    """Create a link through the page; returns its id and the registration path."""
    data = {"company": company_id, "days": 14, "max_uses": 1, "note": ""} | fields
    response = staff.submit("/staff/invites/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    invite_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = staff.get(f"/staff/invites/{invite_id}").get_data(as_text=True)
    url = re.search(r'id="invite-url" value="([^"]+)"', page).group(1)
    return invite_id, path_of(url)


def _invite_directly(app, company=None, **values) -> str:
    with app.app_context():
        creator = db.session.scalar(select(User).where(User.email == "agent@example.com"))
        invite, token = create_invite(
            company=db.session.get(Company, company.id) if company else None,
            days=values.pop("days", 14), max_uses=values.pop("max_uses", 1), note="",
            created_by=creator,
        )
        if values:
            with atomic():
                for key, value in values.items():
                    setattr(invite, key, value)
    return f"/register/{token}"


def test_link_is_shown_once_with_a_copy_button_and_stored_hashed(app, staff, make_company,
                                                                make_user):
    company = make_company(name="Acme Srl")
    invite_id, path = _new_invite(staff, company.id, note="for Acme's office")
    token = path.rsplit("/", 1)[1]
    page = staff.get(f"/staff/invites/{invite_id}").get_data(as_text=True)
    assert f'value="http://localhost{path}" readonly' in page  # selectable without JS
    assert 'id="copy-invite" hidden' in page and "navigator.clipboard" in page
    with app.app_context():
        invite = db.session.get(InviteLink, invite_id)
        assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert invite.company_id == company.id and invite.max_uses == 1
        assert invite.expires_at - utcnow() > timedelta(days=13, hours=23)
        stored = " ".join(str(v) for v in db.session.execute(select(InviteLink)).one()[0]
                          .__dict__.values())
        assert token not in stored
    other = Browser(app.test_client())  # another session of the same user
    other.login("agent@example.com", PASSWORD)
    page = other.get(f"/staff/invites/{invite_id}").get_data(as_text=True)
    assert token not in page and "shown once" in page
    staff.logout()
    make_user(Role.OWNER, email="owner@example.com")
    staff.login("owner@example.com", PASSWORD)  # another user on this browser
    assert token not in staff.get(f"/staff/invites/{invite_id}").get_data(as_text=True)


def test_invite_form_defaults_and_validation(app, staff, make_company, monkeypatch):
    monkeypatch.setitem(app.config, "SPORTELLO_INVITE_DAYS", 21)
    company = make_company(name="Default Srl")
    page = staff.get(f"/staff/invites/new?company={company.id}").get_data(as_text=True)
    assert 'value="21"' in page
    assert f'<option selected value="{company.id}">Default Srl</option>' in page
    bad = staff.submit("/staff/invites/new", {"company": 0, "days": 0, "max_uses": 0})
    assert bad.status_code == 200 and 'id="days-error"' in bad.get_data(as_text=True)
    with app.app_context():
        assert _count(InviteLink) == 0


def test_a_new_invite_is_valid_for_14_days_by_default(app, staff):
    assert Config.SPORTELLO_INVITE_DAYS == 14
    assert app.config["SPORTELLO_INVITE_DAYS"] == 14
    page = staff.get("/staff/invites/new").get_data(as_text=True)
    # Send the form as the page fills it, the way a browser does when nobody edits it.
    defaults = dict(re.findall(r'<input [^>]*id="(days|max_uses)" [^>]*value="(\d+)"', page))
    assert defaults == {"days": "14", "max_uses": "1"}
    response = staff.submit("/staff/invites/new", {"company": 0, "note": ""} | defaults)
    assert response.status_code == 302, response.get_data(as_text=True)
    invite_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        invite = db.session.get(InviteLink, invite_id)
        lasts = invite.expires_at - invite.created_at
        assert timedelta(days=14) - timedelta(minutes=1) < lasts <= timedelta(days=14)
        assert invite.state(utcnow() + timedelta(days=13, hours=23)) == "active"
        assert invite.state(utcnow() + timedelta(days=14, minutes=1)) == "expired"


def test_send_by_email(app, staff, make_company):
    company = make_company(name="Mail Srl")
    invite_id, path = _new_invite(staff, company.id)
    response = staff.submit(f"/staff/invites/{invite_id}/send",
                            {"email": "boss@mail.example", "language": "it"},
                            form_url=f"/staff/invites/{invite_id}")
    assert response.status_code == 302
    with app.app_context():
        mail = outbox("boss@mail.example", "invite")[0]
    assert mail.language == "it" and mail.subject.startswith("Invito al portale di assistenza")
    assert "come persona di Mail Srl" in mail.text_body
    assert path_of(link_in(mail.text_body, "/register/")) == path
    bad = staff.submit(f"/staff/invites/{invite_id}/send", {"email": "not an address",
                       "language": "en"}, form_url=f"/staff/invites/{invite_id}")
    assert bad.status_code == 400 and 'id="email-error"' in bad.get_data(as_text=True)


def test_register_for_an_existing_company(app, staff, client, make_company):
    company = make_company(name="Join Srl")
    _id, path = _new_invite(staff, company.id, max_uses=3)
    staff.logout()
    page = staff.get(path).get_data(as_text=True)
    assert "Join Join Srl" in page and 'name="company_name"' not in page
    response = staff.submit(path, _person(language="it"))
    assert response.status_code == 302 and response.headers["Location"] == "/registered"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.person@example.com"))
        assert user.company_id == company.id and user.role == Role.CUSTOMER
        assert not user.is_company_manager and user.email_verified_at is None
        assert (user.phone, user.job_role, user.language) == ("051 222", "Accounts", "it")
        assert user.check_password(GOOD_PASSWORD)
        invite = db.session.scalar(select(InviteLink))
        assert invite.uses == 1 and invite.registrations[0].user_id == user.id
        assert not can_open_tickets(user)  # e-mail not confirmed yet
        mail = outbox("new.person@example.com", "verify_email")[0]
        assert mail.language == "it" and mail.subject == "Conferma il tuo indirizzo e-mail"
    confirmed = staff.get(path_of(link_in(mail.text_body, "/verify-email/")))
    assert confirmed.status_code == 302
    with app.app_context():
        user = db.session.get(User, user.id)
        assert user.email_verified_at is not None and can_open_tickets(user)
        user.company.ticketing_enabled = False
        assert not can_open_tickets(user)
        db.session.rollback()


def test_register_with_a_new_company(app, staff):
    _id, path = _new_invite(staff, 0, max_uses=2)
    staff.logout()
    page = staff.get(path).get_data(as_text=True)
    assert 'name="company_name"' in page and 'name="vat_number"' in page
    missing = staff.submit(path, _person())
    assert 'id="company_name-error"' in missing.get_data(as_text=True)
    response = staff.submit(path, _person(company_name="Fresh Srl", vat_number="IT555"))
    assert response.status_code == 302
    second = staff.submit(path, _person(email="colleague@example.com", name="Carla"))
    assert second.status_code == 302  # the link now belongs to Fresh Srl: no company fields
    with app.app_context():
        company = db.session.scalar(select(Company).where(Company.name == "Fresh Srl"))
        assert company.vat_number == "IT555" and company.ticketing_enabled
        by_email = {p.email: p for p in company.persons}
        assert by_email["new.person@example.com"].is_company_manager
        assert not by_email["colleague@example.com"].is_company_manager
        assert db.session.scalar(select(InviteLink)).company_id == company.id
        assert _count(Company) == 1


@pytest.mark.parametrize(("state", "status", "message"), [
    ("expired", 410, "The link has expired."),
    ("revoked", 410, "withdrawn by the support team"),
    ("used_up", 410, "used as many times as allowed"),
    ("forged", 404, "The link is not valid."),
])
def test_unusable_links_get_a_clear_page_and_create_nothing(app, staff, make_company, state,
                                                           status, message):
    company = make_company()
    values = {
        "expired": {"expires_at": utcnow() - timedelta(minutes=1)},
        "revoked": {"revoked_at": utcnow()},
        "used_up": {"uses": 1},
        "forged": {},
    }[state]
    path = _invite_directly(app, company, **values)
    if state == "forged":
        path = path[:-4] + "abcd"
    staff.logout()
    for response in (staff.get(path), staff.submit(path, _person(), form_url="/login")):
        assert response.status_code == status
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new.person@example.com")) \
            is None
        assert outbox("new.person@example.com") == []


def test_revoke_button(app, staff, make_company):
    invite_id, path = _new_invite(staff, make_company().id)
    staff.submit(f"/staff/invites/{invite_id}/revoke", {}, form_url=f"/staff/invites/{invite_id}")
    assert "Revoked" in staff.get("/staff/invites").get_data(as_text=True)
    staff.logout()
    assert staff.get(path).status_code == 410


def test_an_address_already_registered_gets_a_neutral_answer(app, staff, make_company,
                                                            make_user):
    other = make_company(name="Secret Customer Spa")
    make_user(Role.CUSTOMER, email="known@example.com", company=other, language="it")
    _id, path = _new_invite(staff, make_company(name="Inviting Srl").id)
    staff.logout()
    response = staff.submit(path, _person(email="Known@Example.com"))
    assert response.status_code == 302 and response.headers["Location"] == "/registered"
    page = staff.get("/registered").get_data(as_text=True)
    assert "Secret Customer" not in page
    with app.app_context():
        assert _count(InviteRegistration) == 0
        assert db.session.scalar(select(InviteLink)).uses == 0
        mails = outbox("known@example.com")
        assert [m.template for m in mails] == ["registration_attempt"]
        assert mails[0].language == "it"
        assert "ha già un account" in mails[0].text_body
        assert "Secret Customer" not in mails[0].text_body
        assert "Inviting Srl" not in mails[0].text_body
        user = db.session.scalar(select(User).where(User.email == "known@example.com"))
        assert user.company_id == other.id and user.check_password(PASSWORD)  # untouched


@pytest.mark.parametrize(("password", "message"), [
    ("iloveyou123", "one of the most common ones"),
    ("short", "at least 10 characters"),
])
def test_weak_password_is_refused_and_nothing_is_created(app, staff, make_company, password,
                                                         message):
    _id, path = _new_invite(staff, make_company().id)
    staff.logout()
    response = staff.submit(path, _person(password=password, confirm=password))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert _count(InviteRegistration) == 0 and outbox() == []


def test_required_fields(app, staff, make_company):
    _id, path = _new_invite(staff, make_company().id)
    staff.logout()
    html = staff.submit(path, _person(phone="", job_role="", name="")).get_data(as_text=True)
    for name in ("name", "phone", "job_role"):
        assert f'id="{name}-error"' in html
    assert 'id="mobile-error"' not in html


def test_forged_or_stale_confirmation_link(app, staff, make_company, make_user):
    person = make_user(Role.CUSTOMER, email="conf@example.com")
    from app.onboarding.verification import send_verification

    with app.app_context(), atomic():
        send_verification(db.session.get(User, person.id))
    with app.app_context():
        path = path_of(link_in(outbox("conf@example.com")[0].text_body, "/verify-email/"))
    staff.logout()
    assert staff.get(path[:-2] + "xx").status_code == 410
    with app.app_context(), atomic():
        db.session.get(User, person.id).email = "changed@example.com"
    page = staff.get(path)
    assert page.status_code == 410 and "This link no longer works" in page.get_data(as_text=True)


def test_unverified_person_can_ask_for_a_new_link(app, browser, make_user):
    make_user(Role.CUSTOMER, email="unverified@example.com", email_verified_at=None)
    browser.login("unverified@example.com", PASSWORD)
    response = browser.submit("/verify-email/resend", {}, form_url="/")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "unverified@example.com"))
        assert not can_open_tickets(user)
        path = path_of(link_in(outbox("unverified@example.com")[0].text_body, "/verify-email/"))
    browser.get(path)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "unverified@example.com"))
        assert can_open_tickets(user)


def test_can_open_tickets_rules(app_ctx, make_user):
    agent = make_user(Role.AGENT)
    customer = make_user(Role.CUSTOMER, email_verified_at=utcnow())
    assert can_open_tickets(agent) and can_open_tickets(customer)
    customer.active = False
    assert not can_open_tickets(customer)


def test_invite_list_shows_uses_and_states(app, staff, make_company):
    company = make_company(name="Counted Srl")
    invite_id, path = _new_invite(staff, company.id, max_uses=3, note="three seats")
    staff.logout()
    staff.submit(path, _person(email="one@example.com"))
    staff.submit(path, _person(email="two@example.com", name="Bruno"))
    staff.login("agent@example.com", PASSWORD)
    html = staff.get("/staff/invites").get_data(as_text=True)
    row = html[html.index("three seats"):]
    row = row[:row.index("</tr>")]
    assert "2 of 3" in row and "Active" in row and "Nadia Ferri" in row and "Bruno Ferri" in row
    detail = staff.get(f"/staff/invites/{invite_id}").get_data(as_text=True)
    assert "one@example.com" in detail and "two@example.com" in detail
    company_page = staff.get(f"/staff/companies/{company.id}").get_data(as_text=True)
    assert "three seats" in company_page
    staff.logout()
    staff.submit(path, _person(email="three@example.com"))
    staff.login("agent@example.com", PASSWORD)
    html = staff.get("/staff/invites").get_data(as_text=True)
    assert "3 of 3" in html and "Used up" in html


def test_registration_page_in_italian(app, staff, make_company):
    _id, path = _new_invite(staff, make_company(name="Ditta Srl").id)
    staff.logout()
    html = staff.get(path, headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Registrati" in html and "Entra in Ditta Srl" in html and "Cellulare" in html
    refused = staff.get("/register/nope", headers={"Accept-Language": "it"})
    assert "Questo link di invito non si può usare" in refused.get_data(as_text=True)


def test_invite_to_login_end_to_end_through_smtp(app, staff, make_company, smtp_server):
    company = make_company(name="Wire Srl")
    invite_id, _path = _new_invite(staff, company.id)
    staff.submit(f"/staff/invites/{invite_id}/send", {"email": "wire@example.com",
                 "language": "en"}, form_url=f"/staff/invites/{invite_id}")
    staff.logout()
    with app.app_context():
        assert send_pending().sent == 1
    invite_mail = smtp_server.messages[0].parsed()
    assert invite_mail["Subject"] == "Invitation to the support portal of Sportello"
    path = path_of(link_in(invite_mail.get_body(("plain",)).get_content(), "/register/"))
    assert staff.submit(path, _person(email="wire@example.com")).status_code == 302
    with app.app_context():
        assert send_pending().sent == 1
    confirm_mail = smtp_server.messages[1].parsed()
    assert confirm_mail["To"] == "wire@example.com"
    html = confirm_mail.get_body(("html",)).get_content()
    confirm = path_of(re.search(r'href="(http://[^"]+/verify-email/[^"]+)"', html).group(1))
    assert staff.get(confirm).status_code == 302
    assert staff.login("wire@example.com", GOOD_PASSWORD).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "wire@example.com"))
        assert can_open_tickets(user)


def test_concurrent_registrations_respect_max_uses(fresh_database_url):
    """Two persons register at once through a single-use link: exactly one gets in."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url})
    try:
        with app.app_context():
            company = Company(name="Race Srl")
            with atomic() as session:
                session.add(company)
            _invite, token = create_invite(company=company, days=1, max_uses=1, note="",
                                           created_by=None)
        start = threading.Barrier(2)
        outcomes: list = []

        def register(n: int) -> None:
            with app.app_context():
                start.wait()
                try:
                    register_from_invite(
                        token, email=f"racer{n}@example.com", password=GOOD_PASSWORD,
                        name="R", surname=str(n), phone="1", mobile="", job_role="x",
                        language="en",
                    )
                    outcomes.append("in")
                except InviteRefused as error:
                    outcomes.append(error.state.value)

        threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["in", "used_up"]
        with app.app_context():
            assert _count(InviteRegistration) == 1
            assert db.session.scalar(select(InviteLink)).uses == 1
    finally:
        with app.app_context():
            db.engine.dispose()

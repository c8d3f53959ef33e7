"""Staff pages for companies and persons: list, create, edit, add a person (activation
e-mail), edit, deactivate; the company ticketing switch."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.accounts.models import Company, Role, User
from app.extensions import db
from app.timeutil import utcnow
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mail import link_in, outbox, path_of
from tests.fixtures.web import Browser


@pytest.fixture
def staff(browser, make_user):
    make_user(Role.AGENT, email="agent@example.com")
    browser.login("agent@example.com", PASSWORD)
    return browser


def _company_named(name: str) -> Company:
    return db.session.scalar(select(Company).where(Company.name == name))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_staff_only(browser, make_user):
    assert browser.get("/staff/companies").status_code == 302
    make_user(Role.CUSTOMER, email="customer@example.com")
    browser.login("customer@example.com", PASSWORD)
    for url in ("/staff/companies", "/staff/companies/new", "/staff/invites",
                "/staff/invites/new"):
        assert browser.get(url).status_code == 403, url
    assert 'href="/staff/companies"' not in browser.home()


def test_menu_and_list(staff, make_company):
    make_company(name="Zeta Srl", vat_number="IT111")
    make_company(name="Alfa Spa", vat_number="IT222", ticketing_enabled=False)
    home = staff.home()
    assert 'href="/staff/companies"' in home and 'href="/staff/invites"' in home
    assert 'href="/staff/mail-problems"' not in home  # owner only
    html = staff.get("/staff/companies").get_data(as_text=True)
    assert html.index("Alfa Spa") < html.index("Zeta Srl")
    found = staff.get("/staff/companies?q=it111").get_data(as_text=True)
    assert "Zeta Srl" in found and "Alfa Spa" not in found


def test_create_and_edit_a_company(app, staff):
    response = staff.submit("/staff/companies/new", {
        "name": "Nuova Srl", "vat_number": "IT999", "address": "Via X 1",
        "ticketing_enabled": "y", "hourly_rate": "42.50",
    })
    assert response.status_code == 302
    with app.app_context():
        company = _company_named("Nuova Srl")
        assert company.ticketing_enabled and str(company.hourly_rate) == "42.50"
    url = f"/staff/companies/{company.id}"
    response = staff.submit(url, {"name": "Nuova Srl", "vat_number": "IT999", "address": "",
                                  "hourly_rate": ""})
    assert response.status_code == 302
    with app.app_context():
        company = _company_named("Nuova Srl")
        assert company.ticketing_enabled is False and company.hourly_rate is None


def test_bad_company_input_is_explained(app, staff):
    response = staff.submit("/staff/companies/new", {"name": "", "hourly_rate": "-3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error"' in html and 'id="hourly_rate-error"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_ticketing_switch_controls_login(app, browser, staff, make_company, make_user):
    company = make_company(name="Switch Srl")
    make_user(Role.CUSTOMER, email="p@switch.example", company=company)
    url = f"/staff/companies/{company.id}"
    staff.submit(url, {"name": "Switch Srl"})  # ticketing unchecked
    staff.logout()
    refused = browser.login("p@switch.example", PASSWORD)
    assert "switched off for your company" in refused.get_data(as_text=True)
    browser.login("agent@example.com", PASSWORD)
    browser.submit(url, {"name": "Switch Srl", "ticketing_enabled": "y"})
    browser.logout()
    assert browser.login("p@switch.example", PASSWORD).status_code == 302


def test_switching_ticketing_off_ends_the_sessions_of_its_persons(
    app, staff, make_company, make_user, make_ticket
):
    company = make_company(name="Spenta Srl")
    person = make_user(Role.CUSTOMER, email="p@spenta.example", company=company,
                       email_verified_at=utcnow())
    ticket = make_ticket(actor=person, title="Still open")
    portal = Browser(app.test_client())
    assert portal.login("p@spenta.example", PASSWORD).status_code == 302
    assert portal.get("/portal/").status_code == 200
    staff.submit(f"/staff/companies/{company.id}", {"name": "Spenta Srl"})  # switched off
    with app.app_context():
        assert db.session.get(Company, company.id).ticketing_enabled is False
    for url in ("/portal/", f"/portal/tickets/{ticket.number}"):
        response = portal.get(url)
        assert response.status_code == 302, url
        assert urlsplit(response.headers["Location"]).path == "/login", url
    assert "Still open" not in portal.get("/portal/", follow_redirects=True).get_data(
        as_text=True)
    # Logging in again says why the portal is closed.
    refused = portal.login("p@spenta.example", PASSWORD)
    assert refused.status_code == 200
    assert "switched off for your company" in refused.get_data(as_text=True)
    assert portal.get("/portal/").status_code == 302


def test_add_a_person_sends_the_activation_mail(app, staff, make_company):
    company = make_company(name="Persone Srl")
    response = staff.submit(f"/staff/companies/{company.id}/persons/new", {
        "name": "Marta", "surname": "Russo", "email": "Marta.Russo@Example.com",
        "phone": "051 1", "mobile": "", "job_role": "Office", "language": "it",
        "is_company_manager": "y",
    })
    assert response.status_code == 302
    with app.app_context():
        person = _user("marta.russo@example.com")
        assert person.company_id == company.id and person.is_company_manager
        assert person.password_hash == "" and person.email_verified_at is None
        mails = outbox("marta.russo@example.com", "activation")
        assert len(mails) == 1 and mails[0].language == "it"
        assert mails[0].subject.startswith("Il tuo account sul portale di assistenza")
    page = staff.get(f"/staff/companies/{company.id}").get_data(as_text=True)
    assert "Marta Russo" in page and "Waiting for activation" in page
    staff.logout()
    path = path_of(link_in(mails[0].text_body, "/activate/"))
    chosen = staff.submit(path, {"password": "marta chose this 1", "confirm": "marta chose this 1"})
    assert chosen.status_code == 302, chosen.get_data(as_text=True)
    assert staff.login("marta.russo@example.com", "marta chose this 1").status_code == 302


def test_duplicate_person_email_is_refused_and_nothing_sent(app, staff, make_company, make_user):
    make_user(Role.AGENT, email="taken@example.com")
    company = make_company()
    response = staff.submit(f"/staff/companies/{company.id}/persons/new", {
        "name": "X", "surname": "Y", "email": "TAKEN@example.com", "language": "en",
    })
    assert "already registered" in response.get_data(as_text=True)
    with app.app_context():
        assert outbox("taken@example.com") == []
        assert company.id not in {u.company_id for u in db.session.scalars(select(User))}


def test_edit_person_and_change_of_address(app, staff, make_company, make_user):
    company = make_company()
    person = make_user(Role.CUSTOMER, email="old@example.com", company=company,
                       email_verified_at=utcnow())
    response = staff.submit(f"/staff/persons/{person.id}", {
        "name": "Nuovo", "surname": "Nome", "email": "new@example.com", "phone": "1",
        "language": "en", "is_company_manager": "y",
    })
    assert response.status_code == 302
    with app.app_context():
        changed = db.session.get(User, person.id)
        assert (changed.name, changed.email, changed.is_company_manager) == (
            "Nuovo", "new@example.com", True)
        assert changed.email_verified_at is None  # the new address must be confirmed
        assert len(outbox("new@example.com", "verify_email")) == 1


def test_deactivate_and_reactivate(app, browser, staff, make_company, make_user):
    company = make_company()
    person = make_user(Role.CUSTOMER, email="leaving@example.com", company=company)
    staff.submit(f"/staff/persons/{person.id}/deactivate", {},
                 form_url=f"/staff/companies/{company.id}")
    assert "Deactivated" in staff.get(f"/staff/companies/{company.id}").get_data(as_text=True)
    staff.logout()
    assert "disabled" in browser.login("leaving@example.com", PASSWORD).get_data(as_text=True)
    browser.login("agent@example.com", PASSWORD)
    browser.submit(f"/staff/persons/{person.id}/reactivate", {},
                   form_url=f"/staff/companies/{company.id}")
    browser.logout()
    assert browser.login("leaving@example.com", PASSWORD).status_code == 302


def test_deactivation_ends_sessions(app, browser, make_company, make_user):
    from app.onboarding.persons import set_person_active

    person = make_user(Role.CUSTOMER, email="session@example.com")
    browser.login("session@example.com", PASSWORD)
    assert browser.get("/portal/").status_code == 200
    with app.app_context():
        set_person_active(db.session.get(User, person.id), False)
    assert browser.get("/portal/").status_code == 302


def test_resend_activation_only_without_password(app, staff, make_company, make_user):
    company = make_company()
    waiting = make_user(Role.CUSTOMER, email="waiting@example.com", company=company,
                        password=None)
    active = make_user(Role.CUSTOMER, email="active@example.com", company=company)
    page = staff.get(f"/staff/companies/{company.id}").get_data(as_text=True)
    assert f"/staff/persons/{waiting.id}/send-activation" in page
    assert f"/staff/persons/{active.id}/send-activation" not in page
    staff.submit(f"/staff/persons/{waiting.id}/send-activation", {},
                 form_url=f"/staff/companies/{company.id}")
    refused = staff.submit(f"/staff/persons/{active.id}/send-activation", {},
                           form_url=f"/staff/companies/{company.id}", follow_redirects=True)
    assert "No e-mail sent" in refused.get_data(as_text=True)
    with app.app_context():
        assert len(outbox("waiting@example.com", "activation")) == 1
        assert outbox("active@example.com") == []


def test_staff_users_are_not_persons(staff, make_user):
    other_agent = make_user(Role.AGENT)
    assert staff.get(f"/staff/persons/{other_agent.id}").status_code == 404
    assert staff.get("/staff/companies/999999").status_code == 404


def test_pages_in_italian(browser, make_user, make_company):
    make_user(Role.OWNER, email="titolare@example.com", language="it")
    staff = browser
    staff.login("titolare@example.com", PASSWORD)
    company = make_company(name="Italia Srl")
    headers = {"Accept-Language": "en"}  # the user's preference wins
    assert "Aziende" in staff.get("/staff/companies", headers=headers).get_data(as_text=True)
    assert "Link di invito" in staff.get("/staff/invites", headers=headers).get_data(as_text=True)
    page = staff.get(f"/staff/companies/{company.id}", headers=headers).get_data(as_text=True)
    assert "Aggiungi una persona" in page and "Ragione sociale" in page

"""Per-person e-mail preferences: the page, and the choices honoured by ticket e-mails,
including the company managers' "every ticket of my company"."""

import pytest

from app.database import atomic
from app.notify.preferences import COMPANY_TICKETS, preferences_of, save_preferences
from app.tickets.service import add_comment, update_ticket
from tests.fixtures.factories import PASSWORD
from tests.fixtures.ticket_mail import BASE, last_mail_id, make_desk, queued_pairs, user

URL = "/account/email-notifications"
CUSTOMER_KEYS = ["ticket_created", "ticket_replied", "ticket_status_changed", "ticket_closed"]
STAFF_KEYS = ["ticket_created", "ticket_replied", "ticket_assigned"]


@pytest.fixture
def desk(app, load_schema, make_user, make_company):
    load_schema("it-helpdesk")
    return make_desk(make_user, make_company)


def _checkboxes(html: str) -> list[str]:
    keys = CUSTOMER_KEYS + STAFF_KEYS + [COMPANY_TICKETS]
    return sorted({k for k in keys if f'name="{k}"' in html})


@pytest.mark.parametrize(("who", "expected"), [
    ("requester", CUSTOMER_KEYS),
    ("manager", CUSTOMER_KEYS + [COMPANY_TICKETS]),
    ("agent", STAFF_KEYS),
    ("owner", STAFF_KEYS),
])
def test_the_page_offers_what_concerns_each_person(desk, browser, who, expected):
    browser.login(getattr(desk, who).email, PASSWORD)
    page = browser.get(URL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert _checkboxes(html) == sorted(expected)
    assert html.count("checked") == len(expected) - (COMPANY_TICKETS in expected)  # defaults
    assert f'href="{URL}"' in browser.home()  # in the menu


def test_the_page_speaks_the_persons_language(desk, browser):
    browser.login(desk.notify.email, PASSWORD)
    html = browser.get(URL).get_data(as_text=True)
    assert "Notifiche e-mail" in html and "Cambi di stato" in html


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_choices_are_saved_and_honoured(app, desk, browser, make_ticket):
    browser.login(desk.requester.email, PASSWORD)
    response = browser.submit(URL, {"ticket_created": "y", "ticket_status_changed": "y",
                                    "ticket_closed": "y", "ticket_assigned": "y",
                                    COMPANY_TICKETS: "y"})
    assert response.status_code == 302
    assert "Your choices are saved." in browser.get(URL).get_data(as_text=True)
    with app.app_context():
        # Keys not offered to a customer who is not a manager are ignored.
        assert preferences_of(user(desk.requester)) == {
            "ticket_created": True, "ticket_replied": False, "ticket_status_changed": True,
            "ticket_closed": True}
        ticket = make_ticket(desk.requester, **BASE)
        mark = last_mail_id()
        add_comment(user(desk.agent), ticket, "A reply")  # turned off
        update_ticket(user(desk.agent), ticket, {"status": "in_progress"})  # still on
        assert queued_pairs(mark) == {(desk.requester.email, "ticket_status")}


def test_staff_can_turn_off_new_ticket_alerts(app, desk, make_ticket):
    with app.app_context():
        save_preferences(user(desk.owner), {"ticket_replied": True, "ticket_assigned": True})
        mark = last_mail_id()
        ticket = make_ticket(desk.requester, **BASE)
        assert {to for to, template in queued_pairs(mark) if template == "ticket_new"} == {
            desk.agent.email, desk.other_agent.email}
        mark = last_mail_id()
        add_comment(user(desk.requester), ticket, "Hello?")  # unassigned: every agent
        assert desk.owner.email in {to for to, _template in queued_pairs(mark)}


def _watch(desk, **choices):
    save_preferences(user(desk.manager), dict.fromkeys(CUSTOMER_KEYS, True) | choices)


def test_managers_can_receive_every_ticket_of_their_company(app, desk, make_ticket):
    with app.app_context():
        ticket = make_ticket(desk.colleague, **BASE)
        assert desk.manager.email not in {to for to, _t in queued_pairs()}  # not by default
        _watch(desk, **{COMPANY_TICKETS: True})
        mark = last_mail_id()
        ticket = make_ticket(desk.colleague, **BASE)
        add_comment(user(desk.agent), ticket, "A public reply")
        add_comment(user(desk.agent), ticket, "A note", internal=True)
        update_ticket(user(desk.agent), ticket, {"status": "suspended"})
        update_ticket(user(desk.agent), ticket, {"status": "done", "root_cause": "x"})
        mine = sorted(t for to, t in queued_pairs(mark) if to == desk.manager.email)
        assert mine == ["ticket_closed", "ticket_created", "ticket_reply", "ticket_status"]


def test_a_watching_manager_keeps_their_other_choices(app, desk, make_ticket):
    with app.app_context():
        _watch(desk, **{COMPANY_TICKETS: True, "ticket_status_changed": False})
        ticket = make_ticket(desk.colleague, **BASE)
        mark = last_mail_id()
        update_ticket(user(desk.agent), ticket, {"status": "suspended"})
        add_comment(user(desk.manager), ticket, "I'm on it too")  # their own change
        assert desk.manager.email not in {to for to, _t in queued_pairs(mark)}


def test_watching_covers_only_the_managers_company(app, desk, make_user, make_ticket):
    with app.app_context():
        _watch(desk, **{COMPANY_TICKETS: True})
        mark = last_mail_id()
        make_ticket(desk.outsider, **BASE)
        assert desk.manager.email not in {to for to, _t in queued_pairs(mark)}


def test_a_manager_no_longer_manager_stops_watching(app, desk, make_ticket):
    with app.app_context():
        _watch(desk, **{COMPANY_TICKETS: True})
        with atomic():
            user(desk.manager).is_company_manager = False
        mark = last_mail_id()
        make_ticket(desk.colleague, **BASE)
        assert desk.manager.email not in {to for to, _t in queued_pairs(mark)}
        assert COMPANY_TICKETS not in preferences_of(user(desk.manager))


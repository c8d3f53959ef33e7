"""Agents: invitation with a one-time activation link; deactivation after reassignment."""

from __future__ import annotations

import re

from app.accounts.models import Role
from app.tickets.service import update_ticket
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mail import outbox


def test_invite_then_activate_once(app, client, browser, login, owner, reload_user):
    login(owner)
    response = browser.submit("/admin/agents", {"name": "Marco", "surname": "Verdi",
                                                "email": "Marco@Example.com", "language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    link = re.search(r'readonly value="http://localhost(/desk/welcome/[^"]+)"', html).group(1)
    assert "Invited, not activated yet" in html
    with app.app_context():  # the agent is e-mailed the same link, in their language
        [mail] = outbox("marco@example.com")
    assert mail.template == "agent_invite" and mail.language == "en"
    assert f"http://localhost{link}" in mail.text_body and "agent account" in mail.text_body
    browser.logout()
    response = browser.submit(link, {"password": "short", "confirm": "short"})
    assert response.status_code == 422
    response = browser.submit(link, {"password": "a long new password",
                                     "confirm": "a long new password"})
    assert response.status_code == 302 and response.headers["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200
    browser.logout()
    assert client.get(link).status_code == 404  # used once
    assert browser.login("marco@example.com", "a long new password").status_code == 302


def test_a_taken_address_is_refused(browser, login, owner, agent):
    login(owner)
    response = browser.submit("/admin/agents", {"name": "Again", "email": agent.email,
                                                "language": "it"})
    assert response.status_code == 422
    assert "This e-mail address is already registered." in response.get_data(as_text=True)


def test_deactivation_waits_for_reassignment(app, browser, client, login, owner, agent,
                                             make_user, make_ticket, run_as, ticket_of,
                                             reload_user):
    colleague = make_user(Role.AGENT, name="Marco")
    first, second, done = make_ticket(), make_ticket(), make_ticket()
    for ticket in (first, second, done):
        run_as(owner, update_ticket, ticket, {"assignee": agent.id})
    run_as(owner, update_ticket, done, {"status": "closed"})
    login(owner)
    url = f"/admin/agents/{agent.id}"
    page = browser.get(url).get_data(as_text=True)
    assert first.number in page and second.number in page and done.number not in page
    response = browser.submit(f"{url}/deactivate", {}, form_url=url)
    assert "Reassign this agent&#39;s open tickets first." in browser.get(
        response.headers["Location"]).get_data(as_text=True)
    assert reload_user(agent).active
    response = browser.submit(url, {"assignee": str(colleague.id), "note": "Giulia is leaving"})
    assert response.status_code == 302
    assert ticket_of(first.number).assignee_id == colleague.id
    assert ticket_of(done.number).assignee_id == agent.id  # closed tickets keep their history
    browser.submit(f"{url}/deactivate", {}, form_url=url)
    assert not reload_user(agent).active
    browser.logout()
    response = browser.login(agent.email, PASSWORD)
    assert "This account is disabled" in response.get_data(as_text=True)


def test_the_owner_is_never_deactivated(browser, login, owner, reload_user):
    login(owner)
    url = f"/admin/agents/{owner.id}"
    response = browser.submit(f"{url}/deactivate", {}, form_url=url)
    assert "Only agents can be deactivated" in browser.get(
        response.headers["Location"]).get_data(as_text=True)
    assert reload_user(owner).active

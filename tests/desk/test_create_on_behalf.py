"""Opening a ticket for a customer who phoned: company first, then the person and the form."""

from __future__ import annotations

import re

from app.accounts.models import Role
from app.tickets.queries import TicketQuery, find_tickets


def test_two_steps_then_the_ticket_is_in_the_persons_portal(app, browser, login, agent,
                                                           make_company, make_user, ticket_of):
    company = make_company(name="Studio Rossi")
    caller = make_user(Role.CUSTOMER, company=company, name="Luca", surname="Neri")
    make_user(Role.CUSTOMER, company=company, name="Sara", surname="Gallo")
    make_company(name="Switched off", ticketing_enabled=False)
    login(agent)
    step_one = browser.get("/desk/new").get_data(as_text=True)
    assert "Studio Rossi (2)" in step_one and "Switched off" not in step_one
    step_two = browser.get(f"/desk/new?company={company.id}").get_data(as_text=True)
    assert "Luca Neri" in step_two and "Sara Gallo" in step_two
    assert f'<input type="hidden" name="company" value="{company.id}">' in step_two
    url = f"/desk/new?company={company.id}"
    response = browser.submit(url, {"company": str(company.id), "requester": str(caller.id),
                                    "title": "Phone call: printer", "description": "Jammed",
                                    "priority": "high", "status": "new"})
    assert response.status_code == 302
    number = re.search(r"/desk/tickets/([0-9-]+)", response.headers["Location"]).group(1)
    ticket = ticket_of(number)
    assert (ticket.company_id, ticket.requester_id, ticket.created_by_id) == (
        company.id, caller.id, agent.id)
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db

        portal = find_tickets(db.session.get(User, caller.id), TicketQuery())
        assert [t.number for t in portal.tickets] == [number]


def test_a_person_of_another_company_is_refused(browser, login, agent, make_company, make_user):
    company = make_company()
    stranger = make_user(Role.CUSTOMER)
    login(agent)
    url = f"/desk/new?company={company.id}"
    response = browser.submit(url, {"company": str(company.id), "requester": str(stranger.id),
                                    "title": "Call", "description": "x", "status": "new"})
    assert response.status_code == 422
    assert "Choose a person of the ticket&#39;s company." in response.get_data(as_text=True)


def test_a_company_that_takes_no_tickets_is_not_offered(browser, login, agent, make_company):
    off = make_company(ticketing_enabled=False)
    login(agent)
    html = browser.get(f"/desk/new?company={off.id}").get_data(as_text=True)
    assert "Choose a company whose ticketing is switched on." in html

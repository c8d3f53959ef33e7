"""Routing rules: the first matching rule assigns new tickets; the owner edits them."""

from __future__ import annotations

from app.accounts.models import Role
from app.desk.routing import Condition, save_rule
from app.extensions import db
from app.fields.schema import current_schema


def _rule(app, name, agent, **conditions):
    with app.app_context():
        return save_rule(current_schema(), None, name=name, assignee_id=agent.id, conditions=[
            Condition(key, tuple(values)) for key, values in conditions.items()])


def test_first_matching_rule_wins(app, desk_schema, make_user, make_ticket, ticket_of, agent):
    billing_agent = make_user(Role.AGENT)
    catch_all = make_user(Role.AGENT)
    _rule(app, "Billing", billing_agent, area=["billing"])
    _rule(app, "Urgent billing", agent, area=["billing"], priority=["urgent"])
    _rule(app, "Everything else", catch_all)
    assert ticket_of(make_ticket(area="billing", priority="urgent").number).assignee_id == (
        billing_agent.id)
    assert ticket_of(make_ticket(area="tech").number).assignee_id == catch_all.id


def test_all_conditions_must_hold(app, desk_schema, make_ticket, ticket_of, agent):
    _rule(app, "Big billing", agent, area=["billing"], units=[10])
    assert ticket_of(make_ticket(area="billing", units=3).number).assignee_id is None
    assert ticket_of(make_ticket(area="billing", units=10).number).assignee_id == agent.id


def test_rules_of_deactivated_agents_are_skipped(app, desk_schema, make_user, make_ticket,
                                                 ticket_of):
    leaving = make_user(Role.AGENT)
    staying = make_user(Role.AGENT)
    _rule(app, "First", leaving, area=["tech"])
    _rule(app, "Second", staying, area=["tech"])
    with app.app_context():
        from app.accounts.models import User

        db.session.get(User, leaving.id).active = False
        db.session.commit()
    assert ticket_of(make_ticket(area="tech").number).assignee_id == staying.id


def test_an_assignee_chosen_by_staff_is_kept(app, desk_schema, make_user, make_ticket,
                                             ticket_of, agent, make_company):
    other = make_user(Role.AGENT)
    _rule(app, "All", other)
    company = make_company()
    person = make_user(Role.CUSTOMER, company=company)
    ticket = make_ticket(actor=agent, company=company.id, requester=person.id,
                         assignee=agent.id)
    assert ticket_of(ticket.number).assignee_id == agent.id


def test_the_owner_edits_orders_and_deletes_rules(app, browser, login, owner, agent,
                                                  desk_schema, make_company):
    company = make_company(name="ACME")
    login(owner)
    response = browser.submit("/admin/routing/new", {
        "name": "ACME billing", "assignee": str(agent.id), "active": "y",
        "cond-area": ["billing", "sales"], "cond-company": [str(company.id)],
        "cond-units": "1, 2.5", "cond-onsite": "1",
    })
    assert response.status_code == 302
    html = browser.get("/admin/routing").get_data(as_text=True)
    assert "ACME billing" in html
    assert "Area: Billing / Sales" in html and "Customer company: ACME" in html
    assert "Units: 1 / 2.5" in html and "On site: Yes" in html
    browser.submit("/admin/routing/new", {"name": "Second", "assignee": str(agent.id),
                                          "active": "y"}, form_url="/admin/routing/new")
    with app.app_context():
        from app.desk.routing import list_rules

        first, second = list_rules()
    browser.submit(f"/admin/routing/{second.id}/up", {}, form_url="/admin/routing")
    with app.app_context():
        assert [rule.name for rule in list_rules()] == ["Second", "ACME billing"]
    response = browser.submit("/admin/routing/new", {"name": "", "assignee": "",
                                                     "cond-units": "many"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write numbers separated by commas." in html
    browser.submit(f"/admin/routing/{first.id}/delete", {}, form_url="/admin/routing")
    with app.app_context():
        assert [rule.name for rule in list_rules()] == ["Second"]

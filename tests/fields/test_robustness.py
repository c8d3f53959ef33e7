"""Odd input the JSON API's fuzzing found: refused with a message, never a crash."""

import pytest

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.schema import current_schema
from app.tickets.errors import TicketError, ValidationFailed
from app.tickets.models import Ticket
from app.tickets.queries import Filter, QueryError, TicketQuery, find_tickets
from app.tickets.service import add_comment, create_ticket
from app.tickets.values import load_values
from tests.fixtures.factories import PASSWORD

BASE = {"title": "t", "description": "d", "request_type": "incident",
        "product_family": "hardware"}


@pytest.fixture
def people(app, load_schema, make_user, make_company):
    load_schema()
    company = make_company()
    return make_user(Role.CUSTOMER, company=company), make_user(Role.AGENT)


@pytest.mark.parametrize("family", [["software"], {"a": 1}, 12, True])
def test_a_controlling_value_of_the_wrong_shape(app, people, family):
    customer, _agent = people
    with app.app_context(), pytest.raises(TicketError):
        create_ticket(db.session.get(User, customer.id), BASE | {
            "product_family": family, "product_version": "4.2", "module": "payroll"})


@pytest.mark.parametrize("module", [["payroll"], {"k": "v"}])
def test_a_cascading_value_of_the_wrong_shape(app, people, module):
    customer, _agent = people
    with app.app_context(), pytest.raises(ValidationFailed):
        create_ticket(db.session.get(User, customer.id), BASE | {"module": module})


@pytest.mark.parametrize("company", ["1", False, 2**40, -3, 1.5])
def test_ids_that_are_not_ids(app, people, company):
    customer, agent = people
    with app.app_context(), pytest.raises(ValidationFailed) as refused:
        create_ticket(db.session.get(User, agent.id), BASE | {
            "company": company, "requester": customer.id, "notify_person": 2**40})
    assert "company" in refused.value.fields


def test_empty_strings_are_no_value(app, people):
    customer, _agent = people
    with app.app_context():
        ticket = create_ticket(db.session.get(User, customer.id),
                               BASE | {"notify_person": "", "priority": "", "impact": ""})
        values = load_values(current_schema(), ticket)
        stored = db.session.get(Ticket, ticket.id)
    assert values["notify_person"] is None and values["impact"] is None
    assert stored.priority is None and stored.notify_person_id is None


def test_an_instant_outside_the_calendar(app, people, load_schema):
    from tests.fields.helpers import every_type_document

    load_schema(every_type_document())
    customer, _agent = people
    with app.app_context(), pytest.raises(ValidationFailed) as refused:
        create_ticket(db.session.get(User, customer.id),
                      BASE | {"t_datetime": "0001-01-01T00:00:00+01:00"})
    assert refused.value.fields == {"t_datetime": "Not a valid date and time."}


@pytest.mark.parametrize(("key", "value"), [("company", 2**40), ("company", 1.5),
                                             ("requester", -1), ("assignee", "x")])
def test_filters_with_ids_out_of_range(app, people, key, value):
    _customer, agent = people
    with app.test_request_context(), pytest.raises(QueryError):
        find_tickets(db.session.get(User, agent.id),
                     TicketQuery(filters=(Filter(key, "in", [value]),)))


def test_nul_characters_are_refused_with_a_message(app, people, browser):
    customer, _agent = people
    with app.app_context():
        actor = db.session.get(User, customer.id)
        with pytest.raises(ValidationFailed) as refused:
            create_ticket(actor, BASE | {"title": "bad\x00title"})
        assert "cannot be stored" in refused.value.fields["title"]
        ticket = create_ticket(actor, BASE)
        with pytest.raises(ValidationFailed):
            add_comment(actor, ticket, "hello\x00")
    response = browser.submit("/login", {"email": "x\x00@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "cannot be stored" in response.get_data(as_text=True)

"""Conditions and cascading dropdowns, enforced by the server on every write."""

import json

import pytest

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.forms import build_ticket_form
from app.fields.gate import Viewer, redact, redactor
from app.fields.layout import cascade_parents, entries
from app.fields.schema import Stage, current_schema
from app.tickets.display import Names, display_context
from app.tickets.errors import ValidationFailed, WriteRefused
from app.tickets.service import create_ticket, update_ticket
from app.tickets.values import load_values

BASE = {"title": "t", "description": "d", "request_type": "incident"}


@pytest.fixture
def customer(app, load_schema, make_user):
    load_schema()
    return make_user(Role.CUSTOMER)


def _create(app, customer, **values):
    with app.app_context():
        return create_ticket(db.session.get(User, customer.id), BASE | values)


def test_conditional_field_is_written_when_its_condition_holds(app, customer):
    ticket = _create(app, customer, product_family="software", product_version="4.2")
    with app.app_context():
        assert load_values(current_schema(), ticket)["product_version"] == "4.2"


def test_conditional_field_is_required_only_when_shown(app, customer):
    with pytest.raises(ValidationFailed) as refused:
        _create(app, customer, product_family="software")
    assert refused.value.fields == {"product_version": "This field is required."}
    assert _create(app, customer, product_family="hardware").number


def test_value_for_a_field_hidden_by_its_condition_is_refused(app, customer):
    with pytest.raises(WriteRefused) as refused:
        _create(app, customer, product_family="hardware", product_version="4.2")
    assert refused.value.refusal.reasons == {"product_version": "condition"}


def test_empty_value_for_a_hidden_conditional_field_is_dropped(app, customer):
    # a form without JavaScript sends every input, applicable or not
    ticket = _create(app, customer, product_family="hardware", product_version="")
    assert ticket.number


def test_changing_the_controlling_field_on_update(app, customer, make_user):
    ticket = _create(app, customer, product_family="software", product_version="4.2")
    agent = make_user(Role.AGENT)
    with app.app_context():
        staff = db.session.get(User, agent.id)
        update_ticket(staff, ticket, {"product_family": "hardware", "module": None})
        with pytest.raises(WriteRefused):
            update_ticket(staff, ticket, {"product_version": "5.0"})
        values = load_values(current_schema(), ticket)
    # the value is kept (no data is lost), only hidden while the condition fails
    assert values["product_version"] == "4.2"


def test_cascading_items_are_checked_against_the_parent(app, customer):
    with pytest.raises(ValidationFailed) as refused:
        _create(app, customer, product_family="hardware", module="payroll")
    assert "not available for the value chosen above" in refused.value.fields["module"]
    assert _create(app, customer, product_family="hardware", module="printer").number


def test_form_carries_conditions_for_the_browser_and_hints_without_it(app, customer):
    with app.test_request_context(headers={"Accept-Language": "it"}):
        schema = current_schema()
        viewer = Viewer("customer", customer.id)
        form = build_ticket_form(schema, viewer, Stage.CREATE)
        context = display_context(Names(schema))
        shown = {e.field.key: e for e in entries(schema, viewer, Stage.CREATE, form, {}, context)}
        cascades = json.loads(cascade_parents(schema))
    version = shown["product_version"]
    assert version.condition_field == "product_family"
    assert json.loads(version.condition_values) == ["software"]
    assert version.condition_hint == "Solo quando Famiglia di prodotto è Software."
    assert cascades["module"]["parent"] == "product_family"
    assert cascades["module"]["items"]["payroll"] == ["software"]
    assert "root_cause" not in shown


def test_read_only_conditional_field_shows_only_when_it_applies(app, customer, make_user):
    ticket = _create(app, customer, product_family="hardware")
    with app.test_request_context():
        schema = current_schema()
        viewer = Viewer("customer", customer.id)
        values = load_values(schema, ticket)
        context = display_context(Names(schema))
        shown = [e.field.key for e in entries(schema, viewer, Stage.OPEN, None, values, context)]
    assert "product_version" not in shown and "product_family" in shown


def test_the_redactor_of_lists_answers_as_redact_does(app, customer):
    """Lists ask the gate through redactor(): once per stage for unconditioned fields,
    per ticket for conditioned ones; the answer is redact()'s, stage by stage."""
    shown = _create(app, customer, product_family="software", product_version="4.2")
    hidden = _create(app, customer, product_family="hardware")
    with app.app_context():
        schema = current_schema()
        for viewer in (Viewer.of(customer), Viewer("agent", 0)):
            visible_of = redactor(viewer, schema.fields)
            for ticket in (shown, hidden):
                values = load_values(schema, ticket)
                for stage in Stage:
                    assert visible_of(stage, values) == redact(viewer, schema, stage, values)
        customer_view = redactor(Viewer.of(customer), schema.fields)
        assert "product_version" in customer_view(Stage.OPEN, load_values(schema, shown))
        assert "product_version" not in customer_view(Stage.OPEN, load_values(schema, hidden))

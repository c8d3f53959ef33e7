"""The gate: each permission cell, through the gate, the write path and the forms."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.forms import build_ticket_form, ticket_form_class
from app.fields.gate import Access, Viewer, permission, redact
from app.fields.schema import Stage, current_schema
from app.tickets.errors import WriteRefused
from app.tickets.models import AuditEntry
from app.tickets.service import create_ticket, update_ticket
from app.tickets.values import load_values
from tests.fields.helpers import example, field

CUSTOMER = Viewer("customer", 1)
AGENT = Viewer("agent", 2)
STAGES = (Stage.CREATE, Stage.OPEN, Stage.CLOSED)

#: (visibility, stages the customer may write at) -> expected access per stage
CELLS = [
    ("hidden", ("create", "open", "closed"), (Access.HIDDEN, Access.HIDDEN, Access.HIDDEN)),
    ("read", ("create", "open", "closed"), (Access.READ, Access.READ, Access.READ)),
    ("write", (), (Access.READ, Access.READ, Access.READ)),
    ("write", ("create",), (Access.WRITE, Access.READ, Access.READ)),
    ("write", ("open",), (Access.READ, Access.WRITE, Access.READ)),
    ("write", ("closed",), (Access.READ, Access.READ, Access.WRITE)),
    ("write", ("create", "open", "closed"), (Access.WRITE, Access.WRITE, Access.WRITE)),
]


def _keys(form_class) -> list[str]:
    return [field.key for field in form_class.schema_fields]


def _document(visibility: str, edit: tuple, required: bool = False) -> dict:
    document = example()
    document["fields"].append(field("cell", "text", visibility, edit, required=required))
    return document


@pytest.mark.parametrize(("visibility", "edit", "expected"), CELLS)
def test_permission_cells(app, load_schema, visibility, edit, expected):
    load_schema(_document(visibility, edit))
    with app.app_context():
        cell = current_schema().by_key["cell"]
        for stage, access in zip(STAGES, expected, strict=True):
            assert permission(CUSTOMER, cell, stage).access is access, (stage, visibility, edit)
            assert permission(AGENT, cell, stage).access is Access.WRITE


@pytest.mark.parametrize(("visibility", "edit", "expected"), CELLS)
def test_permission_cells_in_forms(app, load_schema, visibility, edit, expected):
    load_schema(_document(visibility, edit))
    with app.test_request_context():
        schema = current_schema()
        for stage, access in zip(STAGES, expected, strict=True):
            customer_form = ticket_form_class(schema, CUSTOMER, stage)
            assert ("cell" in _keys(customer_form)) is (access is Access.WRITE)
            assert "cell" in _keys(ticket_form_class(schema, AGENT, stage))


@pytest.mark.parametrize(("visibility", "edit", "expected"), CELLS)
def test_permission_cells_in_the_write_path(app, load_schema, make_user, make_ticket,
                                            visibility, edit, expected):
    load_schema(_document(visibility, edit))
    customer = make_user(Role.CUSTOMER)
    agent = make_user(Role.AGENT)
    base = {"title": "t", "description": "d", "request_type": "question",
            "product_family": "services"}
    with app.app_context():
        actor = db.session.get(User, customer.id)
        staff = db.session.get(User, agent.id)
        if expected[0] is Access.WRITE:
            ticket = create_ticket(actor, base | {"cell": "at creation"})
        else:
            with pytest.raises(WriteRefused):
                create_ticket(actor, base | {"cell": "at creation"})
            ticket = create_ticket(actor, base)
        for stage, access in zip(STAGES[1:], expected[1:], strict=True):
            if stage is Stage.CLOSED:
                update_ticket(staff, ticket, {"status": "closed", "root_cause": "known"})
            if access is Access.WRITE:
                update_ticket(actor, ticket, {"cell": f"at {stage}"})
            else:
                with pytest.raises(WriteRefused):
                    update_ticket(actor, ticket, {"cell": f"at {stage}"})
        values = load_values(current_schema(), ticket)
        seen = redact(Viewer.of(actor), current_schema(), Stage.CLOSED, values)
    assert ("cell" in seen) is (visibility != "hidden")


def test_refusal_stores_nothing_and_is_audited(app, load_schema, make_user):
    load_schema()
    customer = make_user(Role.CUSTOMER)
    with app.app_context():
        actor = db.session.get(User, customer.id)
        with pytest.raises(WriteRefused) as refused:
            create_ticket(actor, {"title": "t", "description": "d", "request_type": "question",
                                  "product_family": "services", "root_cause": "sneaky"})
        assert refused.value.fields == {"root_cause": "This field cannot be written."}
        # Named by the key the customer sent: the label of a hidden field is not theirs.
        assert "root_cause" in refused.value.message
        assert "Root cause" not in refused.value.message
        entry = db.session.scalars(select(AuditEntry)).one()
        assert entry.actor_id == customer.id and entry.action == "write_refused"
        assert entry.detail["fields"] == {"root_cause": "hidden"}
        assert load_values  # nothing else to check: no ticket exists
        from app.tickets.models import Ticket
        assert db.session.scalars(select(Ticket)).all() == []


def test_read_only_and_locked_builtins_are_refused(app, load_schema, make_user, make_ticket):
    load_schema()
    customer = make_user(Role.CUSTOMER)
    ticket = make_ticket(customer, request_type="question", product_family="services")
    with app.app_context():
        actor = db.session.get(User, customer.id)
        for change in ({"status": "closed"}, {"assignee": 1}, {"title": "renamed"},
                       {"company": customer.company_id}, {"request_date": "2020-01-01T00:00:00Z"}):
            with pytest.raises(WriteRefused):
                update_ticket(actor, ticket, change)
        assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == 5


def test_customer_form_has_no_hidden_field_and_staff_form_has_all(app, load_schema):
    load_schema()
    with app.test_request_context():
        schema = current_schema()
        customer_keys = _keys(ticket_form_class(schema, CUSTOMER, Stage.CREATE))
        staff_keys = _keys(ticket_form_class(schema, AGENT, Stage.CREATE))
    assert "root_cause" not in customer_keys and "root_cause" in staff_keys
    assert {"status", "assignee", "company", "requester"} <= set(staff_keys)
    assert not {"status", "assignee", "company", "requester"} & set(customer_keys)


def test_tampered_post_is_passed_to_the_gate(app, load_schema, make_user):
    load_schema()
    customer = make_user(Role.CUSTOMER)
    data = {"title": "t", "description": "d", "request_type": "question",
            "product_family": "services", "root_cause": "sneaky", "status": "closed"}
    with app.test_request_context("/", method="POST", data=data):
        app.config["WTF_CSRF_ENABLED"] = False
        try:
            form = build_ticket_form(current_schema(), CUSTOMER, Stage.CREATE)
            values = form.submitted_values(current_schema())
        finally:
            app.config["WTF_CSRF_ENABLED"] = True
        assert values["root_cause"] == "sneaky" and values["status"] == "closed"
        with pytest.raises(WriteRefused) as refused:
            create_ticket(db.session.get(User, customer.id), values)
    assert set(refused.value.fields) == {"root_cause", "status"}

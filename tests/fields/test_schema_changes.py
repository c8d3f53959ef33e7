"""Schema as code, and schema changes that never lose data."""

import copy
import json

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.changes import SchemaRefused, apply_document, rename_field
from app.fields.document import export_document, normalise
from app.fields.forms import build_ticket_form
from app.fields.gate import Viewer, redact
from app.fields.models import SchemaChange, SchemaState
from app.fields.schema import Stage, current_schema
from app.tickets.errors import ValidationFailed
from app.tickets.service import create_ticket, update_ticket
from app.tickets.timeline import build_timeline
from app.tickets.values import load_values
from tests.fields.helpers import example, field, with_field, without_field

BASE = {"title": "t", "description": "d", "request_type": "question",
        "product_family": "services"}


@pytest.fixture
def people(app, load_schema, make_user, make_company):
    load_schema()
    company = make_company()
    return make_user(Role.CUSTOMER, company=company), make_user(Role.AGENT)


def _open(app, user, **values):
    with app.app_context():
        return create_ticket(db.session.get(User, user.id), BASE | values)


def _values(app, ticket):
    with app.app_context():
        return load_values(current_schema(), ticket)


def test_export_import_round_trip(app, load_schema):
    load_schema()
    with app.app_context():
        exported = export_document()
        plan = apply_document(None, json.loads(json.dumps(exported)))
        assert plan.empty
        assert normalise(export_document()) == normalise(exported)


def test_every_example_schema_imports(app, load_schema):
    for name in ("it-helpdesk", "field-service", "agri-software"):
        load_schema(name)
        with app.app_context():
            current = [f for f in normalise(export_document())["fields"] if not f["archived"]]
            assert current == normalise(example(name))["fields"]


def test_dry_run_lists_the_difference_and_changes_nothing(app, load_schema):
    load_schema()
    document = example()
    document["fields"].append(field("contract_code", "text"))
    document["lists"][1]["items"].append({"key": "cloud", "label": {"en": "Cloud"}})
    document = without_field(document, "impact")
    document = with_field(document, "request_type", required=False)
    with app.app_context():
        version = db.session.get(SchemaState, 1).version
        plan = apply_document(None, document, dry_run=True)
        assert "+ field contract_code (text)" in plan.lines
        assert "+ item product_family.cloud" in plan.lines
        assert "- field impact archived (0 tickets keep values)" in plan.lines
        assert "~ field request_type: required" in plan.lines
        assert db.session.get(SchemaState, 1).version == version
        assert "contract_code" not in current_schema().by_key


def test_invalid_documents_are_refused_with_reasons(app, load_schema):
    load_schema()
    bad = example()
    bad["fields"].append(field("x", "no_such_type"))
    bad["fields"].append(field("root_cause", "text"))
    bad["fields"].append(field("y", "dropdown", list="missing"))
    bad = without_field(bad, "title")
    with app.app_context(), pytest.raises(SchemaRefused) as refused:
        apply_document(None, bad)
    problems = " | ".join(refused.value.problems)
    assert "unknown type no_such_type" in problems
    assert "field root_cause appears twice" in problems
    assert "needs a list" in problems and "built-in fields cannot be removed" in problems
    with app.app_context(), pytest.raises(SchemaRefused) as refused:
        apply_document(None, {"format": 2, "fields": []})
    assert any("format" in p for p in refused.value.problems)


def test_locks_of_builtin_fields(app, load_schema):
    load_schema()
    for key, changes, reason in [
        ("title", {"customer": {"visibility": "hidden", "edit": []}}, "always visible"),
        ("status", {"customer": {"visibility": "write", "edit": ["open"]}}, "never write"),
        ("assignee", {"customer": {"visibility": "write", "edit": ["open"]}}, "never write"),
        ("title", {"type": "long_text"}, "keeps its type"),
        ("status", {"archived": True}, "cannot be archived"),
    ]:
        with app.app_context(), pytest.raises(SchemaRefused) as refused:
            apply_document(None, with_field(example(), key, **changes))
        assert reason in " ".join(refused.value.problems)


def test_archiving_keeps_values_for_staff_only(app, people):
    customer, agent = people
    ticket = _open(app, customer, impact="team")
    with app.test_request_context():
        apply_document(agent.id, without_field(example(), "impact"))
        schema = current_schema()
        assert schema.by_key["impact"].archived
        values = load_values(schema, ticket)
        assert values["impact"] == "team"
        staff_sees = redact(Viewer("agent", agent.id), schema, Stage.OPEN, values)
        customer_sees = redact(Viewer("customer", customer.id), schema, Stage.OPEN, values)
        assert staff_sees["impact"] == "team" and "impact" not in customer_sees
        form = build_ticket_form(schema, Viewer("agent", agent.id), Stage.OPEN)
        assert "impact" not in form._fields  # archived: no longer offered
        apply_document(agent.id, example())  # put back: restored with its values
        assert not current_schema().by_key["impact"].archived
    assert _values(app, ticket)["impact"] == "team"


def test_type_change_converts_every_value_or_is_refused(app, people):
    customer, agent = people
    document = example()
    document["fields"].append(field("seats", "text"))
    with app.app_context():
        apply_document(None, document)
    good = _open(app, customer, seats="12")
    with app.app_context():
        apply_document(None, with_field(document, "seats", type="integer"))
    assert _values(app, good)["seats"] == 12
    with app.app_context():
        apply_document(None, with_field(document, "seats", type="text"))
    bad = _open(app, customer, seats="a dozen")
    _open(app, customer, seats="3")
    with app.app_context(), pytest.raises(SchemaRefused) as refused:
        apply_document(None, with_field(document, "seats", type="integer"))
    assert refused.value.problems == ["field seats: 1 of 3 stored values cannot become integer"]
    assert _values(app, bad)["seats"] == "a dozen"


def test_list_change_of_a_used_field_needs_every_key(app, people):
    customer, _agent = people
    document = example()
    _open(app, customer, impact="company")
    document["lists"].append({"key": "small_impact", "name": {"en": "Small"}, "items": [
        {"key": "one_person", "label": {"en": "One"}}]})
    with app.app_context(), pytest.raises(SchemaRefused) as refused:
        apply_document(None, with_field(document, "impact", list="small_impact"))
    assert "1 of 1 stored values cannot become dropdown of list small_impact" in (
        refused.value.problems[0])


def test_item_in_use_is_deactivated_not_deleted(app, people):
    customer, agent = people
    ticket = _open(app, customer, impact="team")
    document = example()
    impact = next(entry for entry in document["lists"] if entry["key"] == "impact")
    impact["items"] = [item for item in impact["items"] if item["key"] not in ("team", "company")]
    with app.test_request_context():
        plan = apply_document(None, document)
        assert "- item impact.team deactivated (1 values keep it)" in plan.lines
        assert "- item impact.company removed" in plan.lines
        schema = current_schema()
        items = schema.lists["impact"].by_key
        assert not items["team"].active and "company" not in items
        # gone from new forms, still shown on the old ticket
        viewer = Viewer("customer", customer.id)
        new_form = build_ticket_form(schema, viewer, Stage.CREATE)
        assert "team" not in [c.value for c in new_form["impact"].choices]
        staff = Viewer("agent", agent.id)
        old_form = build_ticket_form(schema, staff, Stage.OPEN,
                                     values=load_values(schema, ticket))
        assert "team" in [c.value for c in old_form["impact"].choices]
        # the old value stays; choosing the inactive item anew is refused
        actor = db.session.get(User, agent.id)
        update_ticket(actor, ticket, {"title": "still fine", "impact": "team"})
        with pytest.raises(ValidationFailed):
            create_ticket(db.session.get(User, customer.id), BASE | {"impact": "team"})


def test_relabelling_an_item_never_rewrites_history(app, people):
    customer, agent = people
    ticket = _open(app, customer, impact="team")
    with app.app_context():
        update_ticket(db.session.get(User, agent.id), ticket, {"impact": "company"})
        document = example()
        impact = next(entry for entry in document["lists"] if entry["key"] == "impact")
        impact["items"][1]["label"] = {"en": "A department", "it": "Un reparto"}
        apply_document(None, document)
    with app.test_request_context():
        schema = current_schema()
        staff = db.session.get(User, agent.id)
        entries = build_timeline(staff, schema, ticket, load_values(schema, ticket))
        change = [c for e in entries for c in e.changes if c.field.key == "impact"][0]
    assert (change.old, change.new) == ("A team", "The whole company")


def test_schema_changes_are_logged_with_before_and_after(app, people):
    _customer, agent = people
    document = example()
    document["fields"].append(field("contract_code", "text"))
    with app.app_context():
        apply_document(agent.id, document)
        change = db.session.scalars(
            select(SchemaChange).order_by(SchemaChange.id.desc())
        ).first()
        assert change.actor_id == agent.id
        assert "+ field contract_code (text)" in change.summary
        before_keys = {f["key"] for f in change.before["fields"]}
        after_keys = {f["key"] for f in change.after["fields"]}
        assert after_keys - before_keys == {"contract_code"}
        assert change.version == db.session.get(SchemaState, 1).version


def test_key_is_immutable_once_used(app, people):
    customer, _agent = people
    document = example()
    document["fields"] += [field("code_a", "text"), field("code_b", "text")]
    with app.app_context():
        apply_document(None, document)
        rename_field(None, "code_a", "contract")
        assert "contract" in current_schema().by_key
    _open(app, customer, code_b="used")
    with app.app_context(), pytest.raises(SchemaRefused, match="key is fixed"):
        rename_field(None, "code_b", "other")
    with app.app_context(), pytest.raises(SchemaRefused, match="never change"):
        rename_field(None, "title", "subject")


def test_status_in_use_is_deactivated(app, people):
    customer, _agent = people
    _open(app, customer)
    document = copy.deepcopy(example())
    document["statuses"] = [s for s in document["statuses"] if s["key"] != "new"]
    document["statuses"][0]["category"] = "new"
    with app.app_context():
        plan = apply_document(None, document)
        assert "- status new deactivated (1 tickets keep it)" in plan.lines
        assert not current_schema().status("new").active
        assert current_schema().initial_status.key == "in_progress"


def test_the_field_service_example_offers_the_statuses_and_priorities_its_users_know(
        app, load_schema):
    """As the field-service portal we studied: Aperto, Sospeso, Riprogrammare, Eseguito;
    Bassa, Media, Alta."""
    load_schema("field-service")
    with app.app_context():
        schema = current_schema()
        assert [s.name.it for s in schema.statuses if s.active] == [
            "Aperto", "Sospeso", "Riprogrammare", "Eseguito"]
        priority = schema.by_key["priority"]
        assert [i.label.it for i in priority.list.items if i.active] == ["Bassa", "Media", "Alta"]

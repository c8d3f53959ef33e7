"""Form classes are cached per schema revision, and every process sees a change."""

from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.fields.changes import apply_document
from app.fields.forms import ticket_form_class
from app.fields.gate import Viewer
from app.fields.schema import Stage, current_schema
from tests.fields.helpers import example, field

CUSTOMER = Viewer("customer", 1)


def test_form_class_is_built_once_per_revision(app, load_schema):
    load_schema()
    with app.test_request_context():
        first = ticket_form_class(current_schema(), CUSTOMER, Stage.CREATE)
        again = ticket_form_class(current_schema(), CUSTOMER, Stage.CREATE)
        assert first is again
        assert ticket_form_class(current_schema(), CUSTOMER, Stage.OPEN) is not first
    document = example()
    document["fields"].append(field("contract_code", "text"))
    load_schema(document)
    with app.test_request_context():
        rebuilt = ticket_form_class(current_schema(), CUSTOMER, Stage.CREATE)
    assert rebuilt is not first and hasattr(rebuilt, "contract_code")
    assert not hasattr(first, "contract_code")


def test_cached_schema_costs_one_query_per_transaction(app, load_schema):
    load_schema()
    statements = []
    with app.test_request_context():
        current_schema()  # built and cached
        db.session.commit()
        engine = db.session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            first = current_schema()
            ticket_form_class(current_schema(), CUSTOMER, Stage.CREATE)
            assert current_schema() is first
            db.session.commit()  # a new transaction asks the database again
            assert current_schema() is first
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    queries = [s for s in statements if "SAVEPOINT" not in s]  # the tests' own transaction
    assert len(queries) == 2 and all("schema_state" in q for q in queries)


def test_a_schema_change_is_seen_in_its_own_transaction(app, load_schema):
    load_schema()
    with app.test_request_context():
        before = current_schema()
        document = example()
        document["fields"].append(field("contract_code", "text"))
        apply_document(None, document)
        assert "contract_code" in current_schema().by_key
        assert "contract_code" not in before.by_key


def test_change_in_one_app_is_seen_by_another(fresh_database_url):
    first = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url})
    second = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url})
    try:
        with second.test_request_context():
            before = ticket_form_class(current_schema(), CUSTOMER, Stage.CREATE)
            assert not hasattr(before, "contract_code")
        document = example()
        document["fields"].append(field("contract_code", "text"))
        with first.app_context():
            apply_document(None, document)
        with second.test_request_context():
            after = ticket_form_class(current_schema(), CUSTOMER, Stage.CREATE)
            assert hasattr(after, "contract_code") and after is not before
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()

"""Every field type: created in the schema, written, read back, filtered, printed."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.schema import current_schema
from app.fields.types.base import DisplayContext
from app.fields.types.registry import RegistryError, build_registry, get_registry
from app.fields.types.scalar import TextType
from app.tickets.display import Names, display_context
from app.tickets.errors import ValidationFailed
from app.tickets.queries import Filter, Sort, TicketQuery, find_tickets
from app.tickets.service import create_ticket
from app.tickets.values import load_values
from tests.fields.helpers import every_type_document

CORE = {"text", "long_text", "integer", "decimal", "date", "datetime", "dropdown",
        "multi_select", "checkbox", "email", "phone", "url", "person", "attachment"}


@pytest.fixture
def typed(app, load_schema, make_user, make_company):
    load_schema(every_type_document())
    company = make_company()
    customer = make_user(Role.CUSTOMER, company=company)
    colleague = make_user(Role.CUSTOMER, company=company)
    agent = make_user(Role.AGENT)
    return customer, colleague, agent


def _values(colleague_id: int) -> dict:
    return {
        "title": "Every type", "description": "All of them", "request_type": "question",
        "product_family": "services",
        "t_text": "hello", "t_long": "line one\nline two", "t_int": 42, "t_dec": 12.5,
        "t_date": "2026-03-01", "t_datetime": "2026-03-01T09:30:00Z", "t_drop": "green",
        "t_multi": ["blue", "red"], "t_check": True, "t_email": "a.b@example.com",
        "t_phone": "+39 051 123456", "t_url": "https://example.com/x", "t_person": colleague_id,
    }


def test_registry_holds_every_core_type(app_ctx):
    assert set(get_registry()) >= CORE
    creatable = {name for name, t in get_registry().items() if t.creatable}
    assert creatable >= CORE and not {"status", "company", "agent"} & creatable


def test_duplicate_or_nameless_types_fail(app_ctx):
    class Again(TextType):
        name = "text"

    with pytest.raises(RegistryError, match="defined twice"):
        build_registry([("core", [TextType]), ("other", [Again])])

    class Nameless(TextType):
        name = "Not Valid!"

    with pytest.raises(RegistryError, match="no valid name"):
        build_registry([("other", [Nameless])])


def test_every_type_round_trips(app, typed):
    customer, colleague, _agent = typed
    with app.test_request_context():
        actor = db.session.get(User, customer.id)
        upload = FileStorage(io.BytesIO(b"%PDF-1.4 test"), filename="report.pdf")
        ticket = create_ticket(actor, _values(colleague.id), {"t_file": [upload]})
        values = load_values(current_schema(), ticket)
    expected = _values(colleague.id)
    expected["t_multi"] = ["red", "blue"]  # stored in the list's order
    for key, value in expected.items():
        assert values[key] == value, key
    assert len(values["t_file"]) == 1 and isinstance(values["t_file"][0], int)


@pytest.mark.parametrize(("key", "op", "operand", "matches"), [
    ("t_text", "eq", "hello", True), ("t_text", "contains", "ell", True),
    ("t_text", "eq", "other", False), ("t_long", "contains", "two", True),
    ("t_int", "gte", 42, True), ("t_int", "lt", 42, False),
    ("t_dec", "eq", 12.5, True), ("t_dec", "gt", 12.5, False),
    ("t_date", "gte", "2026-03-01", True), ("t_date", "lt", "2026-03-01", False),
    ("t_datetime", "lt", "2026-03-01T10:00:00Z", True),
    ("t_drop", "in", ["green", "red"], True), ("t_drop", "not_in", ["green"], False),
    ("t_multi", "any", ["red"], True), ("t_multi", "all", ["red", "green"], False),
    ("t_check", "is", True, True), ("t_check", "is", False, False),
    ("t_email", "eq", "a.b@example.com", True), ("t_phone", "contains", "051", True),
    ("t_url", "contains", "example.com", True), ("t_file", "not_empty", None, True),
    ("t_file", "empty", None, False), ("impact", "empty", None, True),
])
def test_every_type_filters(app, typed, key, op, operand, matches):
    customer, colleague, agent = typed
    with app.test_request_context():
        actor = db.session.get(User, customer.id)
        upload = FileStorage(io.BytesIO(b"x"), filename="a.txt")
        ticket = create_ticket(actor, _values(colleague.id), {"t_file": [upload]})
        staff = db.session.get(User, agent.id)
        page = find_tickets(staff, TicketQuery(filters=(Filter(key, op, operand),), limit=50))
    assert (ticket.id in [t.id for t in page.tickets]) is matches


def test_person_filter(app, typed):
    customer, colleague, agent = typed
    with app.test_request_context():
        actor = db.session.get(User, customer.id)
        ticket = create_ticket(actor, _values(colleague.id))
        staff = db.session.get(User, agent.id)
        found = find_tickets(staff, TicketQuery(filters=(Filter("t_person", "in",
                                                                [colleague.id]),)))
    assert [t.id for t in found.tickets] == [ticket.id]


def test_every_type_prints(app, typed):
    customer, colleague, _agent = typed
    with app.test_request_context(headers={"Accept-Language": "it"}):
        actor = db.session.get(User, customer.id)
        ticket = create_ticket(actor, _values(colleague.id))
        schema = current_schema()
        values = load_values(schema, ticket)
        context = display_context(Names(schema).prefetch([values]), "it", ",")
        printed = {f.key: f.type.display(f, values[f.key], context) for f in schema.fields}
        csv = {f.key: f.type.display_csv(f, values[f.key], context) for f in schema.fields}
    assert printed["t_drop"] == "Verde" and printed["t_multi"] == "Rosso, Blu"
    assert printed["t_check"] == "Sì" and printed["t_dec"] == "12,50"
    assert printed["t_person"] == colleague.full_name
    assert printed["t_date"] == "01/03/26" and csv["t_date"] == "2026-03-01"
    assert csv["t_datetime"] == "2026-03-01 10:30"  # shown in the owner's zone, Europe/Rome
    assert printed["status"] == "Nuovo" and printed["request_type"] == "Richiesta di informazioni"


@pytest.mark.parametrize(("key", "value", "message"), [
    ("t_text", "x" * 21, "At most 20 characters."),
    ("t_int", 101, "The largest value allowed is 100."),
    ("t_int", "ten", "Enter a whole number."),
    ("t_dec", 1.234, "Use at most 2 decimal places."),
    ("t_date", "2026-02-30", "Not a valid date."),
    ("t_datetime", "tomorrow", "Not a valid date and time."),
    ("t_drop", "purple", "Choose one of the listed options."),
    ("t_multi", ["red", "red"], "Each option may be chosen once."),
    ("t_email", "not-an-address", "Not a valid e-mail address."),
    ("t_phone", "call me", "Not a valid phone number."),
    ("t_url", "ftp://example.com", "Not a valid web address"),
    ("t_person", 999999, "Choose a person of the ticket's company."),
])
def test_invalid_values_are_refused_with_a_message(app, typed, key, value, message):
    customer, colleague, _agent = typed
    values = _values(colleague.id) | {key: value}
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        create_ticket(db.session.get(User, customer.id), values)
    assert message in refused.value.fields[key]


def test_attachment_limits(app, typed):
    customer, colleague, _agent = typed
    app.config["SPORTELLO_MAX_UPLOAD_MB"] = 0.001
    try:
        with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
            big = FileStorage(io.BytesIO(b"x" * 2000), filename="big.txt")
            create_ticket(db.session.get(User, customer.id), _values(colleague.id),
                          {"t_file": [big]})
        assert "larger than" in refused.value.fields["t_file"]
    finally:
        app.config["SPORTELLO_MAX_UPLOAD_MB"] = 10
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        script = FileStorage(io.BytesIO(b"x"), filename="virus.exe")
        create_ticket(db.session.get(User, customer.id), _values(colleague.id),
                      {"t_file": [script]})
    assert "not accepted" in refused.value.fields["t_file"]


def test_sort_by_custom_date_with_empty_values_last(app, typed):
    customer, colleague, agent = typed
    with app.test_request_context():
        actor = db.session.get(User, customer.id)
        made = []
        for date in ("2026-01-05", None, "2026-01-01", "2026-01-09", None):
            values = _values(colleague.id) | {"t_date": date}
            made.append(create_ticket(actor, values).id)
        staff = db.session.get(User, agent.id)
        seen, cursor = [], None
        while True:
            page = find_tickets(staff, TicketQuery(sort=Sort("t_date", True), limit=2,
                                                   cursor=cursor))
            seen += [t.id for t in page.tickets]
            cursor = page.next_cursor
            if cursor is None:
                break
    assert seen == [made[3], made[0], made[2], made[4], made[1]]


def test_display_context_defaults_are_safe():
    context = DisplayContext()
    assert context.name_of("person", 7) == "#7"


def test_both_sqlite_plans_for_custom_sorts_give_the_same_page(app, typed, monkeypatch):
    from app.tickets import queries

    customer, colleague, agent = typed
    with app.test_request_context():
        actor = db.session.get(User, customer.id)
        for n, date in enumerate(("2026-01-05", "2026-01-01", None, "2026-01-09")):
            create_ticket(actor, _values(colleague.id) | {"t_date": date, "t_int": n})
        staff = db.session.get(User, agent.id)
        query = TicketQuery(filters=(Filter("status", "in", ["new"]),
                                     Filter("t_drop", "in", ["green"])),
                            sort=Sort("t_date", True), limit=10)
        few = [t.id for t in find_tickets(staff, query).tickets]
        monkeypatch.setattr(queries, "MANY", 1)  # as if the status matched many tickets
        many = [t.id for t in find_tickets(staff, query).tickets]
    assert few == many and len(few) == 4


@pytest.mark.parametrize(("posted", "expected"), [
    ("2026-03-01T10:30", "2026-03-01T09:30:17Z"),  # the minute shown: seconds kept
    ("2026-03-01T10:31", "2026-03-01T09:31:00Z"),  # another minute: what was typed
])
def test_a_date_time_shown_to_the_minute_keeps_its_seconds_when_unchanged(
        app, typed, posted, expected):
    """The input shows hours and minutes (Europe/Rome here); an edit form sent back
    unchanged must not record a change of the stored seconds."""
    from app.fields.forms import build_ticket_form
    from app.fields.gate import Viewer
    from app.fields.schema import Stage

    with app.test_request_context(method="POST", data={"t_datetime": posted}):
        schema = current_schema()
        staff = db.session.scalar(db.select(User).where(User.role == Role.AGENT.value))
        form = build_ticket_form(schema, Viewer.of(staff), Stage.OPEN,
                                 values={"t_datetime": "2026-03-01T09:30:17Z"})
        assert form.json_values()["t_datetime"] == expected

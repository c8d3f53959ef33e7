"""Field settings the schema declares and the write path, the desk and queries enforce:
minimum lengths and values, an attachment field's own file types and size, and
``filterable: false``."""

from __future__ import annotations

import io
import os
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.schema import current_schema
from app.tickets.errors import ValidationFailed
from app.tickets.models import Attachment, Ticket
from app.tickets.queries import Filter, QueryError, TicketQuery, find_tickets
from app.tickets.service import create_ticket
from app.tickets.values import load_values
from tests.fields.helpers import every_type_document, field, with_settings
from tests.fixtures.factories import PASSWORD

#: The t_file field's own maximum, 0.01 MB, in bytes (the global one is 10 MB).
FIELD_LIMIT = int(0.01 * 1024 * 1024)


def settings_document() -> dict:
    """Every type, with minimums, an attachment field narrower than the global limits
    (it also names exe, which the global list refuses) and a field not filterable."""
    document = every_type_document()
    document = with_settings(document, "t_text", min_length=3)
    document = with_settings(document, "t_long", min_length=10)
    document = with_settings(document, "t_int", min_value=5)
    document = with_settings(document, "t_dec", min_value=0.5)
    document = with_settings(document, "t_file", allowed_extensions=["pdf", "exe"],
                             max_size_mb=0.01)
    document["fields"].append(field("serial", "text", edit=("create", "open"),
                                    filterable=False))
    return document


@pytest.fixture
def people(app, load_schema, make_user, make_company):
    load_schema(settings_document())
    company = make_company()
    customer = make_user(Role.CUSTOMER, company=company)
    agent = make_user(Role.AGENT)
    return customer, agent


def _values(**overrides) -> dict:
    return {"title": "Settings", "description": "Bounds", "request_type": "question",
            "product_family": "services"} | overrides


def _create(app, user, values: dict, files: dict | None = None) -> Ticket:
    with app.test_request_context():
        return create_ticket(db.session.get(User, user.id), values, files)


def _tickets(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def _stored_files(app) -> int:
    folder = app.config["SPORTELLO_UPLOAD_FOLDER"]
    return sum(len(files) for _root, _dirs, files in os.walk(folder))


# -- minimum length and value -------------------------------------------------------

@pytest.mark.parametrize(("key", "below", "at_bound", "message"), [
    ("t_text", "ab", "abc", "At least 3 characters."),
    ("t_long", "x" * 9, "x" * 10, "At least 10 characters."),
    ("t_int", 4, 5, "The smallest value allowed is 5."),
    ("t_dec", 0.49, 0.5, "The smallest value allowed is 0.5."),
])
def test_a_value_below_the_minimum_is_refused_and_the_bound_accepted(
        app, people, key, below, at_bound, message):
    customer, _agent = people
    before = _tickets(app)
    with pytest.raises(ValidationFailed) as refused:
        _create(app, customer, _values(**{key: below}))
    assert refused.value.fields == {key: message}
    assert _tickets(app) == before

    ticket = _create(app, customer, _values(**{key: at_bound}))
    with app.app_context():
        assert load_values(current_schema(), ticket)[key] == at_bound


def test_the_minimum_length_counts_the_text_that_is_stored(app, people):
    """Spaces around a text are dropped when it is stored: they must not make up the
    minimum length."""
    customer, _agent = people
    with pytest.raises(ValidationFailed) as refused:
        _create(app, customer, _values(t_text="  a  "))
    assert refused.value.fields == {"t_text": "At least 3 characters."}
    ticket = _create(app, customer, _values(t_text=" abc "))
    with app.app_context():
        assert load_values(current_schema(), ticket)["t_text"] == "abc"


def test_the_minimum_message_is_translated(app, people):
    customer, _agent = people
    with app.test_request_context(headers={"Accept-Language": "it"}), \
            pytest.raises(ValidationFailed) as refused:
        create_ticket(db.session.get(User, customer.id), _values(t_text="ab"))
    assert refused.value.fields == {"t_text": "Almeno 3 caratteri."}


# -- an attachment field's own limits --------------------------------------------------

def test_a_type_the_field_does_not_allow_is_refused_on_that_field(app, people):
    """.txt passes the global list, not the field's; .exe is on the field's list, but the
    global list still refuses it (a field narrows the global limits, never widens them)."""
    customer, _agent = people
    before = _stored_files(app)
    for name in ("notes.txt", "setup.exe"):
        upload = FileStorage(io.BytesIO(b"hello"), filename=name)
        with pytest.raises(ValidationFailed) as refused:
            _create(app, customer, _values(), {"t_file": [upload]})
        assert set(refused.value.fields) == {"t_file"}
        assert refused.value.fields["t_file"] == (
            f"{name}: files of this type are not accepted (allowed: pdf).")
    assert _stored_files(app) == before


def test_a_file_larger_than_the_field_maximum_is_refused(app, people):
    customer, _agent = people
    # Under the global limits: only the field's own maximum refuses it.
    assert app.config["SPORTELLO_MAX_UPLOAD_MB"] * 1024 * 1024 > FIELD_LIMIT + 1
    assert app.config["MAX_CONTENT_LENGTH"] > FIELD_LIMIT + 1
    before = (_tickets(app), _stored_files(app))
    upload = FileStorage(io.BytesIO(b"x" * (FIELD_LIMIT + 1)), filename="big.pdf")
    with pytest.raises(ValidationFailed) as refused:
        _create(app, customer, _values(), {"t_file": [upload]})
    assert refused.value.fields == {"t_file": "big.pdf is larger than 0.01 MB."}
    assert (_tickets(app), _stored_files(app)) == before


def test_an_allowed_file_at_the_field_maximum_is_stored(app, people):
    customer, _agent = people
    content = b"%PDF" + b"x" * (FIELD_LIMIT - 4)
    upload = FileStorage(io.BytesIO(content), filename="Report.PDF")
    ticket = _create(app, customer, _values(), {"t_file": [upload]})
    with app.app_context():
        schema = current_schema()
        ids = load_values(schema, ticket)["t_file"]
        assert len(ids) == 1
        stored = db.session.get(Attachment, ids[0])
        assert (stored.filename, stored.size) == ("Report.pdf", FIELD_LIMIT)
        assert stored.field_id == schema.by_key["t_file"].id
        assert stored.ticket_id == ticket.id


# -- filterable: false ---------------------------------------------------------------

def _queue_numbers(html: str) -> list[str]:
    return re.findall(r'<td class="nowrap"><a href="/desk/tickets/([0-9-]+)">', html)


def test_the_desk_filter_form_leaves_out_a_field_not_filterable(app, people, browser, client):
    """The form offers no row for it; a link filtering on it still works for staff."""
    customer, agent = people
    first = _create(app, customer, _values(serial="SN-100", t_text="alpha"))
    second = _create(app, customer, _values(serial="SN-200", t_text="bravo"))
    assert browser.login(agent.email, PASSWORD).status_code == 302

    page = client.get("/desk/").get_data(as_text=True)
    assert 'id="f-t_text"' in page and 'name="t_text.op"' in page
    assert 'id="f-serial"' not in page and 'name="serial' not in page

    response = client.get("/desk/?serial=SN-200")
    assert response.status_code == 200
    assert _queue_numbers(response.get_data(as_text=True)) == [second.number]
    response = client.get("/desk/?t_text=alpha")
    assert _queue_numbers(response.get_data(as_text=True)) == [first.number]


@pytest.mark.parametrize(("op", "operand"), [
    ("eq", "SN-100"), ("contains", "SN"), ("empty", None), ("not_empty", None),
])
def test_customers_may_not_filter_on_a_field_not_filterable(app, people, op, operand):
    customer, _agent = people
    _create(app, customer, _values(serial="SN-100"))
    with app.test_request_context(), pytest.raises(QueryError) as refused:
        find_tickets(db.session.get(User, customer.id),
                     TicketQuery(filters=(Filter("serial", op, operand),)))
    assert refused.value.message == "Serial cannot be filtered."
    assert refused.value.fields == {"serial": "This field cannot be filtered."}


def test_staff_may_filter_on_a_field_not_filterable(app, people):
    customer, agent = people
    first = _create(app, customer, _values(serial="SN-100", t_text="alpha"))
    _create(app, customer, _values(serial="SN-200", t_text="bravo"))
    with app.test_request_context():
        staff = db.session.get(User, agent.id)
        page = find_tickets(staff, TicketQuery(filters=(Filter("serial", "eq", "SN-100"),)))
        assert [t.id for t in page.tickets] == [first.id]
        # The customer may filter on a filterable field of the same type.
        mine = find_tickets(db.session.get(User, customer.id),
                            TicketQuery(filters=(Filter("t_text", "eq", "alpha"),)))
        assert [t.id for t in mine.tickets] == [first.id]

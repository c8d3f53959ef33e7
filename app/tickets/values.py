"""Reading and writing a ticket's values in their JSON form.

Built-in fields are columns of ``ticket``; custom fields are rows of
``ticket_value``, one per value, in the column their type stores into.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select

from app.extensions import db
from app.fields.schema import FieldDef, Schema, schema_cache
from app.fields.types.base import FieldType, Row, Storage
from app.fields.types.scalar import format_instant, parse_instant
from app.tickets.models import Ticket, TicketValue


def _optional_text(_schema: Schema, value: Any) -> Any:
    return value or None


def _same(_schema: Schema, value: Any) -> Any:
    return value


#: built-in key -> (column, JSON -> column, column -> JSON)
BUILTIN_COLUMNS: dict[str, tuple[str, Callable, Callable]] = {
    "title": ("title", lambda s, v: v or "", _optional_text),
    "description": ("description", lambda s, v: v or "", _optional_text),
    "status": ("status_id", lambda s, v: s.status(v).id, lambda s, v: s.status_by_id(v).key),
    "priority": ("priority", _same, _same),
    "company": ("company_id", _same, _same),
    "requester": ("requester_id", _same, _same),
    "notify_person": ("notify_person_id", _same, _same),
    "request_date": (
        "request_date",
        lambda s, v: parse_instant(v),
        lambda s, v: None if v is None else format_instant(v),
    ),
    "assignee": ("assignee_id", _same, _same),
}


#: A stored value as plain columns: reading pages of tickets builds no ORM objects.
_VALUE_COLUMNS = (TicketValue.ticket_id, TicketValue.field_id, TicketValue.text,
                  TicketValue.long, TicketValue.number, TicketValue.moment)
#: Where each storage column is in a row of ``_VALUE_COLUMNS``.
_POSITION = {Storage.TEXT: 2, Storage.LONG: 3, Storage.NUMBER: 4, Storage.MOMENT: 5}


class _Custom(NamedTuple):
    """How one custom field's value is read from its ``ticket_value`` rows.

    Most types keep one scalar per row, read as it is or through ``from_scalar``:
    those are read straight from the row (``whole`` false), which is what a page of
    tickets does hundreds of times. A type with a ``from_rows`` of its own (a
    check box is "a row exists") is given its rows.
    """

    field: FieldDef
    position: int
    convert: Callable[[FieldDef, Any], Any] | None
    whole: bool


def _custom(field: FieldDef) -> _Custom:
    kind = type(field.type)
    convert = None if kind.from_scalar is FieldType.from_scalar else field.type.from_scalar
    return _Custom(field, _POSITION.get(field.type.storage, 0), convert,
                   kind.from_rows is not FieldType.from_rows)


class _Readers(NamedTuple):
    """How a ticket's values are read under one schema: the built-in fields' columns
    (key, column, column -> JSON) and the custom fields by id."""

    builtin: list[tuple[str, str, Callable]]
    custom: dict[int, _Custom]
    #: Custom values of a ticket without rows, but for lists (a new one each time).
    empty: dict[str, Any]
    lists: tuple[str, ...]
    whole: tuple[_Custom, ...]


def _build_readers(schema: Schema) -> _Readers:
    custom = {field.id: _custom(field) for field in schema.fields if not field.builtin}
    plain = [c.field for c in custom.values() if not c.whole]
    return _Readers(
        [(key, column, from_column)
         for key, (column, _to, from_column) in BUILTIN_COLUMNS.items()
         if key in schema.by_key],
        custom,
        {f.key: None for f in plain if not f.type.multiple},
        tuple(f.key for f in plain if f.type.multiple),
        tuple(c for c in custom.values() if c.whole),
    )


def _readers(schema: Schema) -> _Readers:
    return schema_cache().derive(schema, "values.readers", lambda: _build_readers(schema))


def _builtin_values(schema: Schema, readers: _Readers, ticket: Ticket) -> dict[str, Any]:
    return {key: from_column(schema, getattr(ticket, column))
            for key, column, from_column in readers.builtin}


def _custom_values(readers: _Readers, rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """The custom values in ``rows`` (rows of ``_VALUE_COLUMNS``, in ``seq`` order) by key."""
    values = dict(readers.empty)
    lists: dict[str, list] = {}
    whole: dict[int, list[Row]] = {}
    for row in rows:
        custom = readers.custom.get(row[1])
        if custom is None:
            continue
        if custom.whole:
            whole.setdefault(row[1], []).append(Row(*row[2:]))
            continue
        scalar = row[custom.position]
        if custom.convert is not None:
            scalar = custom.convert(custom.field, scalar)
        key = custom.field.key
        if key in values:
            if values[key] is None:  # one value: the first row's
                values[key] = scalar
        else:
            lists.setdefault(key, []).append(scalar)
    for key in readers.lists:
        values[key] = lists.get(key, [])
    for custom in readers.whole:
        values[custom.field.key] = custom.field.type.from_rows(
            custom.field, whole.get(custom.field.id, []))
    return values


def load_values(schema: Schema, ticket: Ticket) -> dict[str, Any]:
    """Every value of ``ticket`` by field key, archived fields included."""
    rows = db.session.execute(
        select(*_VALUE_COLUMNS).where(TicketValue.ticket_id == ticket.id)
        .order_by(TicketValue.seq)
    )
    readers = _readers(schema)
    return _builtin_values(schema, readers, ticket) | _custom_values(readers, rows)


#: The custom values of a page of tickets, built once (a queue page asks at every visit).
_VALUES_OF_MANY = (
    select(*_VALUE_COLUMNS)
    .where(TicketValue.ticket_id.in_(bindparam("ids", expanding=True)))
    .order_by(TicketValue.ticket_id, TicketValue.seq)
)


def load_values_many(schema: Schema, tickets: list[Ticket]) -> dict[int, dict[str, Any]]:
    """Values of many tickets with one query for all their custom values (read as
    plain rows, without the ORM's bookkeeping)."""
    by_ticket: dict[int, list[Any]] = defaultdict(list)
    if tickets:
        rows = db.session.connection().execute(_VALUES_OF_MANY,
                                               {"ids": [t.id for t in tickets]}).all()
        for row in rows:
            by_ticket[row[0]].append(row)
    readers = _readers(schema)
    return {t.id: _builtin_values(schema, readers, t) | _custom_values(readers, by_ticket[t.id])
            for t in tickets}


def write_value(schema: Schema, ticket: Ticket, field: FieldDef, value: Any) -> None:
    """Store one value; the caller runs inside the write transaction."""
    if field.builtin:
        column, to_column, _from = BUILTIN_COLUMNS[field.key]
        setattr(ticket, column, to_column(schema, value))
        return
    if ticket.id is None:
        owner = {"ticket": ticket}
    else:
        # By id rather than relationship: appending would load the whole collection.
        owner = {"ticket_id": ticket.id}
        db.session.execute(
            delete(TicketValue).where(
                TicketValue.ticket_id == ticket.id, TicketValue.field_id == field.id
            )
        )
    for seq, row in enumerate(field.type.to_rows(field, value)):
        db.session.add(TicketValue(field_id=field.id, seq=seq, **owner, **row._asdict()))


def write_builtin_values(schema: Schema, ticket: Ticket, values: Mapping[str, Any]) -> None:
    """Set the built-in columns of a new ticket."""
    for key, value in values.items():
        field = schema.by_key[key]
        if field.builtin:
            column, to_column, _from = BUILTIN_COLUMNS[key]
            setattr(ticket, column, to_column(schema, value))


def insert_custom_values(schema: Schema, ticket_id: int, values: Mapping[str, Any]) -> None:
    """Insert the custom values of a new ticket in one statement (no ORM objects:
    creating tickets is the hot path)."""
    rows = []
    for key, value in values.items():
        field = schema.by_key[key]
        if field.builtin:
            continue
        for seq, row in enumerate(field.type.to_rows(field, value)):
            rows.append({"ticket_id": ticket_id, "field_id": field.id, "seq": seq,
                         **row._asdict()})
    if rows:
        db.session.connection().execute(insert(TicketValue.__table__), rows)

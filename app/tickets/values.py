"""Reading and writing a ticket's values in their JSON form.

Built-in fields are columns of ``ticket``; custom fields are rows of
``ticket_value``, one per value, in the column their type stores into.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select

from app.extensions import db
from app.fields.schema import FieldDef, Schema, schema_cache
from app.fields.types.base import Row
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


def _row(value: Any) -> Row:
    return Row(value.text, value.long, value.number, value.moment)


class _Readers(NamedTuple):
    """How a ticket's values are read under one schema: the built-in fields' columns
    (key, column, column -> JSON) and the custom fields."""

    builtin: list[tuple[str, str, Callable]]
    custom: list[FieldDef]


def _readers(schema: Schema) -> _Readers:
    return schema_cache().derive(schema, "values.readers", lambda: _Readers(
        [(key, column, from_column)
         for key, (column, _to, from_column) in BUILTIN_COLUMNS.items()
         if key in schema.by_key],
        [field for field in schema.fields if not field.builtin],
    ))


def builtin_values(schema: Schema, ticket: Ticket) -> dict[str, Any]:
    return {key: from_column(schema, getattr(ticket, column))
            for key, column, from_column in _readers(schema).builtin}


def custom_values(schema: Schema, rows: Iterable[Any]) -> dict[str, Any]:
    """The custom values in ``rows`` (``ticket_value`` rows, in ``seq`` order) by key."""
    grouped: dict[int, list[Row]] = {}
    for value in rows:
        grouped.setdefault(value.field_id, []).append(_row(value))
    return {field.key: field.type.from_rows(field, grouped.get(field.id, []))
            for field in _readers(schema).custom}


def load_values(schema: Schema, ticket: Ticket) -> dict[str, Any]:
    """Every value of ``ticket`` by field key, archived fields included."""
    rows = db.session.execute(
        select(*_VALUE_COLUMNS).where(TicketValue.ticket_id == ticket.id)
        .order_by(TicketValue.seq)
    )
    return builtin_values(schema, ticket) | custom_values(schema, rows)


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
                                               {"ids": [t.id for t in tickets]})
        for row in rows:
            by_ticket[row.ticket_id].append(row)
    return {
        t.id: builtin_values(schema, t) | custom_values(schema, by_ticket[t.id]) for t in tickets
    }


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

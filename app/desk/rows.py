"""Printing a page of tickets as table rows, through the gate, with a fixed number of
queries whatever the number of rows (names are looked up in bulk)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.fields.gate import Viewer, redact, stage_for
from app.fields.schema import FieldDef, Schema
from app.fields.types.base import DisplayContext
from app.tickets.display import Names, display_context
from app.tickets.models import Ticket

#: Longest text printed in a table cell; the ticket page shows the whole value.
CELL_LIMIT = 120


@dataclass(frozen=True)
class Cell:
    text: str
    colour: str = ""


@dataclass(frozen=True)
class Row:
    ticket: Ticket
    number: str
    title: str
    closed: bool
    cells: list[Cell]


def _colours(schema: Schema, field_def: FieldDef) -> dict[Any, str]:
    if field_def.key == "status":
        return {s.key: s.colour for s in schema.statuses}
    if field_def.list is not None:
        return {item.key: item.colour for item in field_def.list.items}
    return {}


def printer(
    schema: Schema, columns: Sequence[FieldDef], context: DisplayContext, *, csv: bool = False
) -> Callable[[dict[str, Any]], list[Cell]]:
    """A function printing the cells of one ticket's (already redacted) values."""
    colours = [_colours(schema, column) for column in columns]

    def cells(values: dict[str, Any]) -> list[Cell]:
        printed = []
        for column, colour in zip(columns, colours, strict=True):
            value = values.get(column.key)
            if column.key not in values or column.type.is_empty(value):
                printed.append(Cell(""))
                continue
            if csv:
                printed.append(Cell(column.type.display_csv(column, value, context)))
                continue
            text = column.type.display(column, value, context)
            if len(text) > CELL_LIMIT:
                text = text[:CELL_LIMIT - 1] + "…"
            printed.append(Cell(text, colour.get(value, "") if isinstance(value, str) else ""))
        return printed

    return cells


def build_rows(
    user: Any,
    schema: Schema,
    tickets: Sequence[Ticket],
    values: dict[int, dict[str, Any]],
    columns: Sequence[FieldDef],
    *,
    language: str | None = None,
    csv: bool = False,
    decimal_separator: str = ".",
) -> list[Row]:
    """Rows of ``tickets`` with the ``columns`` the user may see."""
    viewer = Viewer.of(user)
    shown = {column.key for column in columns} | {"title"}
    visible = {}
    for ticket in tickets:
        closed = schema.status_by_id(ticket.status_id).is_closed
        allowed = redact(viewer, schema, stage_for(closed), values[ticket.id])
        visible[ticket.id] = (closed, {k: v for k, v in allowed.items() if k in shown})
    names = Names(schema).prefetch(redacted for _closed, redacted in visible.values())
    context = display_context(names, language, decimal_separator)
    cells = printer(schema, columns, context, csv=csv)
    return [
        Row(ticket, ticket.number, visible[ticket.id][1].get("title") or "",
            visible[ticket.id][0], cells(visible[ticket.id][1]))
        for ticket in tickets
    ]

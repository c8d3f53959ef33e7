"""Printing a page of tickets as table rows, through the gate, with a fixed number of
queries whatever the number of rows (names are looked up in bulk).

A queue page prints hundreds of cells, so each column gets its printer once per
page and prints each value once: the same status, list item, company or day
comes back row after row, page after page and for every agent, and its cell (with
its HTML) is reused, kept by the process while the schema, the directory and the
language are the same (``_printed_cells``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple
from urllib.parse import quote

from babel.dates import format_date
from flask import get_template_attribute
from markupsafe import Markup, escape

from app.accounts.directory import directory
from app.desk.templating import local_time
from app.fields.gate import Viewer, redactor, stage_for
from app.fields.schema import FieldDef, Schema
from app.fields.types.base import DisplayContext
from app.fields.types.scalar import parse_instant
from app.kept import Kept
from app.plugins.badges import Badge
from app.tickets.display import Names, display_context

#: Longest text printed in a table cell; the ticket page shows the whole value.
CELL_LIMIT = 120


class Cell(NamedTuple):
    text: str
    colour: str = ""
    #: The cell as a table cell (escaped), a coloured badge when its value has a
    #: colour; empty in a CSV export.
    html: str = "<td></td>"


def _cell(text: str, colour: str, csv: bool) -> Cell:
    if csv:
        return Cell(text, colour, "")
    if colour:
        return Cell(text, colour, f'<td><span class="badge" style="--badge: {escape(colour)}">'
                                  f"{escape(text)}</span></td>")
    return Cell(text, colour, f"<td>{escape(text)}</td>")


EMPTY_CELL = Cell("")


@dataclass(frozen=True)
class Row:
    #: The ticket's row (a page's ticket rows: see ``app.tickets.queries.Page``).
    ticket: Any
    number: str
    title: str
    closed: bool
    cells: list[Cell]


def table_rows(rows: Sequence[Row], tickets_path: str,
               badges: Mapping[int, Sequence[Badge]]) -> Markup:
    """The queue table's rows (escaped HTML): the number and the title link to the
    ticket, the plugins' badges follow the title, then the cells. A page of 25 rows
    has hundreds of cells: they are printed here, not one by one by the template."""
    show_badges = get_template_attribute("_badges.html", "ticket_badges")
    printed = []
    for row in rows:
        url = escape(tickets_path + quote(row.number))
        shown = badges.get(row.ticket.id)
        after_title = f" {show_badges(shown)}" if shown else ""
        printed.append(
            ('<tr class="closed">' if row.closed else "<tr>")
            + f'<td class="nowrap"><a href="{url}">{escape(row.number)}</a></td>'
            + f'<td><a href="{url}">{escape(row.title)}</a>{after_title}</td>'
            + "".join(cell.html for cell in row.cells) + "</tr>\n"
        )
    return Markup("".join(printed))  # noqa: S704  (escaped above)


def _colours(schema: Schema, field_def: FieldDef) -> dict[Any, str]:
    if field_def.key == "status":
        return {s.key: s.colour for s in schema.statuses}
    if field_def.list is not None:
        return {item.key: item.colour for item in field_def.list.items}
    return {}


def _text_of(field_def: FieldDef, context: DisplayContext) -> Callable[[Any], str]:
    """The cell text of one column's values, as the field's type prints them."""
    if field_def.list is not None and field_def.type_name in ("dropdown", "multi_select",
                                                              "status"):
        labels = {item.key: item.label.get(context.language) for item in field_def.list.items}
        if field_def.type.multiple:
            return lambda value: ", ".join(labels.get(key, key) for key in value)
        return lambda value: labels.get(value, value)
    if field_def.type_name == "datetime":
        return lambda value: local_time(parse_instant(value), context.language, context.timezone)
    if field_def.type_name == "date":
        return lambda value: format_date(date.fromisoformat(value), "short",
                                         locale=context.language)
    return lambda value: field_def.type.display(field_def, value, context)


#: Cells printed lately by this process, per column and what their text depends on
#: (at most 128 columns of 1,024 cells of a few hundred bytes: tens of megabytes at the
#: very worst; a column of statuses or companies holds a few dozen).
_CELLS: Kept[dict[Any, Cell]] = Kept(128)
#: A column's kept cells are forgotten past this many values (texts, numbers, times).
MAX_KEPT_CELLS = 1024


def _printed_cells(schema: Schema, names: str, column: FieldDef, context: DisplayContext,
                   csv: bool) -> dict[Any, Cell]:
    """The cells of ``column`` by value, kept by the process when its type prints
    alike (the same statuses, companies and days come back page after page, and for
    every agent), else for this page only. ``names`` is the directory's revision."""
    if not column.type.prints_alike:
        return {}
    key = (schema.revision, names, context.language, context.timezone.key,
           context.decimal_separator, csv, column.key)
    cells = _CELLS.get(key, dict)
    if len(cells) > MAX_KEPT_CELLS:
        cells.clear()
    return cells


def printer(
    schema: Schema, columns: Sequence[FieldDef], context: DisplayContext, *, csv: bool = False
) -> Callable[[dict[str, Any]], list[Cell]]:
    """A function printing the cells of one ticket's (already gate-filtered) values."""
    if csv:
        plan = [(c, lambda v, c=c: c.type.display_csv(c, v, context), {}) for c in columns]
    else:
        plan = [(c, _text_of(c, context), _colours(schema, c)) for c in columns]

    def cell(column: FieldDef, text_of: Callable[[Any], str], colours: dict[Any, str],
             value: Any) -> Cell:
        if column.type.is_empty(value):
            return EMPTY_CELL
        text = text_of(value)
        if not csv and len(text) > CELL_LIMIT:
            text = text[:CELL_LIMIT - 1] + "…"
        return _cell(text, colours.get(value, "") if isinstance(value, str) else "", csv)

    names = directory().revision
    printed = [_printed_cells(schema, names, column, context, csv) for column in columns]

    def cells(values: dict[str, Any]) -> list[Cell]:
        row = []
        for (column, text_of, colours), seen in zip(plan, printed, strict=True):
            value = values.get(column.key)
            if value is None:
                row.append(EMPTY_CELL)
                continue
            key = tuple(value) if isinstance(value, list) else value
            try:
                found = seen.get(key)
            except TypeError:  # a value that is not hashable: printed each time
                found, key = None, None
            if found is None:
                found = cell(column, text_of, colours, value)
                if key is not None:
                    seen[key] = found
            row.append(found)
        return row

    return cells


def build_rows(
    user: Any,
    schema: Schema,
    tickets: Sequence[Any],
    values: dict[int, dict[str, Any]],
    columns: Sequence[FieldDef],
    *,
    language: str | None = None,
    csv: bool = False,
    decimal_separator: str = ".",
) -> list[Row]:
    """Rows of ``tickets`` with the ``columns`` the user may see."""
    visible_of = redactor(Viewer.of(user), [schema.by_key["title"], *columns])
    visible = {}
    for ticket in tickets:
        closed = schema.status_by_id(ticket.status_id).is_closed
        visible[ticket.id] = (closed, visible_of(stage_for(closed), values[ticket.id]))
    names = Names(schema).prefetch(shown for _closed, shown in visible.values())
    context = display_context(names, language, decimal_separator)
    cells = printer(schema, columns, context, csv=csv)
    return [
        Row(ticket, ticket.number, visible[ticket.id][1].get("title") or "",
            visible[ticket.id][0], cells(visible[ticket.id][1]))
        for ticket in tickets
    ]

"""CSV export of a queue view: every matching ticket, the view's columns, through the gate.

UTF-8 with a byte-order mark and the separator the user picks: ``;`` (with
decimal commas) is what Excel expects in Italy, ``,`` elsewhere. Tickets are
read page by page (keyset), so a large export streams in constant memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from flask_babel import gettext as _

from app.desk.rows import build_rows
from app.fields.schema import FieldDef, Schema
from app.tickets.queries import MAX_PAGE, TicketQuery, find_tickets

SEPARATORS = (";", ",")
BOM = "\ufeff"
#: A cell starting with one of these would run as a formula in a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula (numbers stay numbers)."""
    if text.startswith(_FORMULA_START):
        try:
            float(text.replace(",", "."))
        except ValueError:
            return "'" + text
    return text


def _line(cells: Sequence[str], separator: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerow(
        [_safe(cell) for cell in cells]
    )
    return buffer.getvalue()


def export_csv(
    user: Any,
    schema: Schema,
    query: TicketQuery,
    columns: Sequence[FieldDef],
    separator: str,
    language: str,
) -> Iterator[str]:
    """The lines of the CSV file, the first one carrying the byte-order mark."""
    if separator not in SEPARATORS:
        raise ValueError(f"separator must be one of {SEPARATORS}")
    decimal = "," if separator == ";" else "."
    query = replace(query, limit=MAX_PAGE, cursor=None)
    page = find_tickets(user, query)  # a bad filter fails here, before the first line
    header = [_("Number"), str(schema.by_key["title"].label)]
    yield BOM + _line(header + [str(column.label) for column in columns], separator)
    while True:
        rows = build_rows(user, schema, page.tickets, page.values, columns, language=language,
                          csv=True, decimal_separator=decimal)
        for row in rows:
            yield _line([row.number, row.title, *(cell.text for cell in row.cells)], separator)
        if not page.next_cursor:
            return
        page = find_tickets(user, replace(query, cursor=page.next_cursor))

"""The customer's ticket list: the query from the page's parameters, and its rows.

Columns are the number, the title, the status and the dates, then every field
the owner marked "shown in customer list" that the gate lets the customer see;
each cell asks the gate again with the ticket's values (a field may apply only
to some tickets).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from app.fields.gate import Viewer, permission, redactor, stage_for
from app.fields.schema import FieldDef, Schema, Stage, StatusDef
from app.tickets.display import Names, display_context
from app.tickets.queries import Filter, Page, Sort, TicketQuery

PAGE_SIZE = 25
#: Fields that have their own columns rather than a generic one.
OWN_COLUMNS = ("title", "status", "request_date")
#: Status choices that group statuses (status keys never hold a hyphen).
OPEN, CLOSED = "all-open", "all-closed"


@dataclass(frozen=True)
class ListView:
    """What the list page shows besides the rows."""

    status: str
    text: str
    show_status: bool
    filter_by_status: bool
    show_request_date: bool
    columns: tuple[FieldDef, ...]


@dataclass(frozen=True)
class Row:
    number: str
    title: str
    status: StatusDef | None
    request_date: datetime | None
    updated_at: datetime
    cells: tuple[str, ...]


def _visible(viewer: Viewer, schema: Schema, key: str) -> bool:
    field = schema.by_key.get(key)
    return field is not None and permission(viewer, field, Stage.OPEN).visible


def list_view(schema: Schema, viewer: Viewer, args: Mapping[str, str]) -> ListView:
    """The list's settings from the query string; unknown statuses are ignored."""
    status_field = schema.by_key.get("status")
    filter_by_status = _visible(viewer, schema, "status") and bool(
        status_field and status_field.filterable
    )
    status = (args.get("status") or "").strip()
    if not filter_by_status or (status not in (OPEN, CLOSED) and schema.status(status) is None):
        status = ""
    columns = tuple(
        field for field in schema.fields
        if field.show_in_customer_list and not field.archived and field.key not in OWN_COLUMNS
        and permission(viewer, field, Stage.OPEN).visible
    )
    return ListView(
        status=status, text=(args.get("q") or "").strip()[:200],
        show_status=_visible(viewer, schema, "status"), filter_by_status=filter_by_status,
        show_request_date=_visible(viewer, schema, "request_date"), columns=columns,
    )


def list_query(schema: Schema, view: ListView, cursor: str | None) -> TicketQuery:
    if view.status == OPEN:
        keys = [s.key for s in schema.statuses if not s.is_closed]
    elif view.status == CLOSED:
        keys = [s.key for s in schema.statuses if s.is_closed]
    else:
        keys = [view.status] if view.status else []
    filters = (Filter("status", "in", keys),) if view.status else ()
    return TicketQuery(filters=filters, text=view.text, sort=Sort("created", descending=True),
                       limit=PAGE_SIZE, cursor=cursor or None)


def list_rows(schema: Schema, viewer: Viewer, view: ListView, page: Page) -> list[Row]:
    names = Names(schema).prefetch(
        [{f.key: values.get(f.key) for f in view.columns} for values in page.values.values()]
    )
    context = display_context(names)
    visible_of = redactor(viewer, view.columns)
    rows = []
    for ticket in page.tickets:
        status = schema.status_by_id(ticket.status_id)
        shown = visible_of(stage_for(status.is_closed if status else False),
                           page.values[ticket.id])
        cells = tuple(
            field.type.display(field, shown[field.key], context) if field.key in shown else ""
            for field in view.columns
        )
        rows.append(Row(
            number=ticket.number, title=ticket.title,
            status=status if view.show_status else None,
            request_date=ticket.request_date if view.show_request_date else None,
            updated_at=ticket.updated_at, cells=cells,
        ))
    return rows


def status_options(schema: Schema, counts: Mapping[str, int]) -> list[tuple[str, str, int]]:
    """(value, label, tickets) for the status filter: the groups, then each status in use."""
    open_keys = [s.key for s in schema.statuses if not s.is_closed]
    closed_keys = [s.key for s in schema.statuses if s.is_closed]
    return [
        (OPEN, _("All open"), sum(counts.get(k, 0) for k in open_keys)),
        (CLOSED, _("All closed"), sum(counts.get(k, 0) for k in closed_keys)),
    ] + [(s.key, str(s.name), counts.get(s.key, 0)) for s in schema.statuses
         if s.active or counts.get(s.key)]

"""``/tickets``: list with filters and cursor pages, open, read, change."""

from __future__ import annotations

import json
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from app.api.auth import caller
from app.api.blueprint import bp
from app.api.body import json_object
from app.api.errors import ApiError, invalid, not_found
from app.api.pagination import page_response, sign
from app.api.ticket_json import ticket_json, write_values
from app.api.ticket_query import ticket_query
from app.fields.gate import Viewer, permission
from app.fields.schema import Schema, Stage, current_schema
from app.tickets.models import Ticket
from app.tickets.queries import find_tickets, get_visible_ticket
from app.tickets.service import create_ticket, update_ticket
from app.tickets.values import load_values


def visible_ticket(number: str) -> Ticket:
    ticket = get_visible_ticket(caller(), number)
    if ticket is None:
        raise not_found()
    return ticket


def read_ticket(schema: Schema, ticket: Ticket) -> dict[str, Any]:
    return ticket_json(Viewer.of(caller()), schema, ticket, load_values(schema, ticket))


def field_files(schema: Schema, viewer: Viewer, keys) -> None:
    """Files go only into attachment fields (422 for a field the caller sees that is
    of another type; unknown and hidden keys are left to the write path to refuse)."""
    errors = {}
    for key in keys:
        field = schema.by_key.get(key)
        if field is None or field.type_name == "attachment":
            continue
        if any(permission(viewer, field, stage).visible for stage in Stage):
            errors[key] = _("This field does not take files.")
    if errors:
        raise invalid(errors)


@bp.get("/tickets")
def list_tickets():
    user, schema = caller(), current_schema()
    query, query_id = ticket_query(schema, Viewer.of(user))
    page = find_tickets(user, query)
    viewer = Viewer.of(user)
    items = [ticket_json(viewer, page.schema, t, page.values[t.id]) for t in page.tickets]
    return page_response(items, sign(page.next_cursor, query_id) if page.next_cursor else None)


def _creation_body() -> tuple[dict[str, Any], dict[str, list]]:
    """JSON, or multipart with the ticket as JSON in the ``ticket`` part and files
    for attachment fields in parts named by the field's key."""
    if request.mimetype != "multipart/form-data":
        return json_object(), {}
    raw = request.form.get("ticket")
    try:
        body = json.loads(raw) if raw is not None else None
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise invalid({"ticket": _("Put the ticket as a JSON object in the part named "
                                   "ticket.")})
    unknown = {str(key) for key in request.form if key != "ticket"}
    if unknown:
        raise invalid({key: _("Unknown property.") for key in unknown})
    return body, {key: request.files.getlist(key) for key in request.files}


@bp.post("/tickets")
def open_ticket():
    user, schema = caller(), current_schema()
    body, files = _creation_body()
    data = write_values(schema, body)
    field_files(schema, Viewer.of(user), files)
    ticket = create_ticket(user, data, files, via="api")
    location = url_for("api.get_ticket", number=ticket.number, _external=True)
    return read_ticket(current_schema(), ticket), 201, {"Location": location}


@bp.get("/tickets/<number>")
def get_ticket(number: str):
    return read_ticket(current_schema(), visible_ticket(number))


@bp.patch("/tickets/<number>")
def change_ticket(number: str):
    user, schema = caller(), current_schema()
    ticket = visible_ticket(number)
    body = json_object()
    data = write_values(schema, body, current=load_values(schema, ticket))
    update_ticket(user, ticket, data, via="api")
    return read_ticket(current_schema(), ticket)


def refuse_internal_for_customers(internal: bool) -> None:
    if internal and not caller().is_staff:
        raise ApiError(403, _("Only staff can write internal notes."),
                       {"internal": _("Only staff can write internal notes.")})

"""A ticket as JSON, and JSON writes turned into the write path's values.

Built-in fields sit at the top level of a ticket, custom fields under
``fields`` by key; values are in their JSON form (numbers as numbers, ISO 8601
dates and instants, item keys, lists for multi-selects, ids for persons,
companies, agents and attachments). Only what the reader may see is written
out (``redact``); writes come in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from jsonschema import Draft202012Validator

from app.api.errors import invalid
from app.fields.gate import Viewer, redact, stage_for
from app.fields.schema import FieldDef, Schema, Stage
from app.fields.types.scalar import format_instant, parse_instant
from app.tickets.models import Ticket

#: Read-only properties of a ticket that are not fields.
META_KEYS = ("number", "created", "updated", "closed")
_SCALARS = (str, int, float, bool, type(None))
#: Types whose values are ids, kept in 32-bit integer columns and looked up by them.
ID_TYPES = frozenset({"company", "agent", "person"})
_INT32 = 2**31


def id_fits(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -_INT32 <= value < _INT32


def ticket_stage(schema: Schema, ticket: Ticket) -> Stage:
    return stage_for(schema.status_by_id(ticket.status_id).is_closed)


def _instant(moment) -> str | None:
    return None if moment is None else format_instant(moment)


def ticket_json(viewer: Viewer, schema: Schema, ticket: Ticket,
                values: Mapping[str, Any]) -> dict[str, Any]:
    """The ticket as ``viewer`` may see it."""
    seen = redact(viewer, schema, ticket_stage(schema, ticket), values)
    body: dict[str, Any] = {"number": ticket.number}
    custom: dict[str, Any] = {}
    for field in schema.fields:
        if field.key in seen:
            (body if field.builtin else custom)[field.key] = seen[field.key]
    body.update(created=_instant(ticket.created_at), updated=_instant(ticket.updated_at),
                closed=_instant(ticket.closed_at), fields=custom)
    return body


def _shape_error(field: FieldDef, value: Any) -> str | None:
    """Refuse shapes no value of the field can take before they reach the write path.

    Conditions and cascades compare values by hash, so a list where one value
    belongs (or an object anywhere) is stopped here with a clear message; a type
    whose JSON Schema admits such shapes (a plugin's) is left to its own checks.
    Ids must be whole numbers within 32 bits: the checks of the other values look
    them up in the database (the company's persons) before the id itself is validated.
    """
    if field.type_name in ID_TYPES and value is not None and not id_fits(value):
        return _("Enter the id of a record: a whole number.")
    if field.type.multiple:
        fits = value is None or (isinstance(value, list)
                                 and all(isinstance(v, _SCALARS) for v in value))
    else:
        fits = isinstance(value, _SCALARS)
    if fits and field.type_name == "datetime" and isinstance(value, str):
        return None if instant_fits(value) else _("This date and time is out of range.")
    if fits or Draft202012Validator(field.type.json_schema(field)).is_valid(value):
        return None
    if field.type.multiple:
        return _("Enter a list of values.")
    return _("Enter a single value, not a list or an object.")


def instant_fits(text: str) -> bool:
    """Whether an ISO 8601 instant converts to UTC (year 1 with a positive offset does not);
    text that is no instant at all is left to the validation that says so."""
    try:
        parse_instant(text)
    except OverflowError:
        return False
    except ValueError:
        return True
    return True


def _attachment_error(value: Any, current: Mapping[str, Any] | None, key: str) -> str | None:
    """Attachment fields take files (POST .../attachments); JSON may only remove some."""
    if not isinstance(value, list):
        return None  # the write path's validation says what is wrong
    kept = set((current or {}).get(key) or [])
    if set(value) - kept:
        return _("Upload files with POST /tickets/{number}/attachments; here you may only "
                 "remove attachments.")
    return None


def write_values(schema: Schema, body: Mapping[str, Any],
                 current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The write path's ``{key: value}`` from a JSON ticket body (422 on a bad shape).

    ``current`` holds the ticket's values for an update (None when creating).
    Keys unknown to the schema go on to the write path, which refuses them; keys
    the caller may not write go on too, so that the gate refuses and audits them.
    """
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    for name, value in body.items():
        field = schema.by_key.get(name)
        if name == "fields":
            continue
        if field is not None and field.builtin:
            data[name] = value
        elif name in META_KEYS:
            errors[name] = _("This property cannot be written.")
        elif field is not None:
            errors[name] = _("Custom fields go under \"fields\".")
        else:
            errors[name] = _("Unknown property.")
    custom = body.get("fields", {})
    if not isinstance(custom, dict):
        errors["fields"] = _("Enter an object of custom field values by key.")
        custom = {}
    for key, value in custom.items():
        field = schema.by_key.get(key)
        if field is not None and field.builtin:
            errors[key] = _("Built-in fields go at the top level, not under \"fields\".")
        else:
            data[key] = value
    # The engine reads "" as an empty value; as null it also clears id and list columns.
    data = {key: None if value == "" else value for key, value in data.items()}
    for key, value in data.items():
        field = schema.by_key.get(key)
        if field is None or key in errors:
            continue
        message = _shape_error(field, value)
        if message is None and field.type_name == "attachment":
            message = _attachment_error(value, current, key)
        if message:
            errors[key] = message
    if errors:
        raise invalid(errors)
    return data

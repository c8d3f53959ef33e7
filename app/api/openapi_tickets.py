"""The ticket schemas of the OpenAPI document, made from the live field schema.

Each field contributes its type's JSON Schema (``field.type.json_schema``), for
the fields the reader's role may see (reads) or write (creation, update), so
the document changes when the owner changes the Ticket Fields table.
"""

from __future__ import annotations

from typing import Any

from app.fields.gate import Viewer, permission
from app.fields.schema import FieldDef, Schema, Stage

#: Built-ins the write path fills when a ticket is opened without them.
AUTOMATIC_ON_CREATE = frozenset({"status", "request_date"})
#: Keywords kept in read schemas: stored values keep their type and format, but a
#: constraint tightened later (a shorter maximum length) does not rewrite them.
_READ_KEYWORDS = ("type", "format", "enum", "items")
_INSTANT = {"type": "string", "format": "date-time"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _for_reading(schema: dict) -> dict:
    kept = {key: value for key, value in schema.items() if key in _READ_KEYWORDS}
    if isinstance(kept.get("items"), dict):
        kept["items"] = _for_reading(kept["items"])
    return kept


def _described(field: FieldDef, schema: dict, language: str) -> dict:
    described = {**schema, "title": field.label.get(language)}
    help_text = field.help.get(language)
    if help_text:
        described["description"] = help_text
    return described


def _stages_for_update() -> tuple[Stage, ...]:
    return (Stage.OPEN, Stage.CLOSED)


def _readable(viewer: Viewer, field: FieldDef) -> bool:
    return any(permission(viewer, field, stage).visible for stage in Stage)


def _object(properties: dict, required: list[str] | None = None) -> dict:
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def ticket_schemas(schema: Schema, viewer: Viewer, language: str) -> dict[str, dict]:
    """``Ticket``, ``TicketCreate``, ``TicketUpdate`` and their ``fields`` objects."""
    read: dict[str, dict] = {"number": {"type": "string"}}
    read_custom: dict[str, dict] = {}
    create: dict[str, dict] = {}
    create_custom: dict[str, dict] = {}
    create_required: list[str] = []
    create_custom_required: list[str] = []
    update: dict[str, dict] = {}
    update_custom: dict[str, dict] = {}
    for field in schema.fields:
        value = field.type.json_schema(field)
        if _readable(viewer, field):
            shown = _described(field, nullable(_for_reading(value)), language)
            (read if field.builtin else read_custom)[field.key] = shown
        grant = permission(viewer, field, Stage.CREATE)
        if grant.writable and field.type_name != "attachment":
            required = (grant.required and field.condition is None and field.default is None
                        and field.key not in AUTOMATIC_ON_CREATE)
            written = _described(field, value if required else nullable(value), language)
            (create if field.builtin else create_custom)[field.key] = written
            if required:
                (create_required if field.builtin else create_custom_required).append(
                    field.key)
        if any(permission(viewer, field, stage).writable for stage in _stages_for_update()):
            written = _described(field, value if field.required else nullable(value),
                                 language)
            (update if field.builtin else update_custom)[field.key] = written
    read.update(created=_INSTANT, updated=_INSTANT, closed=nullable(_INSTANT),
                fields={"$ref": "#/components/schemas/TicketFields"})
    create["fields"] = {"$ref": "#/components/schemas/TicketCreateFields"}
    update["fields"] = {"$ref": "#/components/schemas/TicketUpdateFields"}
    return {
        "Ticket": {**_object(read), "required": ["number", "created", "updated", "fields"]},
        "TicketFields": _object(read_custom),
        "TicketCreate": _object(create, create_required),
        "TicketCreateFields": _object(create_custom, create_custom_required),
        "TicketUpdate": _object(update),
        "TicketUpdateFields": _object(update_custom),
    }


def attachment_field_keys(schema: Schema, viewer: Viewer, stage: Stage) -> list[str]:
    return [f.key for f in schema.fields
            if f.type_name == "attachment" and permission(viewer, f, stage).writable]


def filter_parameters(schema: Schema, viewer: Viewer, language: str) -> list[dict]:
    """One query parameter per field the role may filter by, with its default operator;
    other operators go after ``__`` (``fields.impact__not_in``)."""
    parameters = []
    for field in schema.fields:
        if not _readable(viewer, field) or not (field.filterable or viewer.is_staff):
            continue
        name = field.key if field.builtin else f"fields.{field.key}"
        operators = ", ".join(field.type.operators)
        parameters.append({
            "name": name, "in": "query", "required": False,
            "description": f"{field.label.get(language)}. Operators: {operators} "
                           f"({name}__<operator>); lists are comma-separated.",
            "schema": {"type": "string"},
        })
    return parameters

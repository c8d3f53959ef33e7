"""The caller's view of the schema: fields, their lists, and what the caller may do.

Everything is computed with the gate: a customer never learns that a hidden
field exists, nor the items of a list only hidden fields use, nor a condition
or a cascade that depends on a hidden field.
"""

from __future__ import annotations

from typing import Any

from app.fields.gate import Viewer, permission
from app.fields.schema import FieldDef, ItemDef, ListDef, Localised, Schema, Stage


def localised(text: Localised) -> dict[str, str]:
    return {"en": text.en, "it": text.it}


def visible_to(viewer: Viewer, schema: Schema) -> list[FieldDef]:
    """Fields the viewer may see at some stage, in the table's order."""
    return [
        f for f in schema.fields
        if any(permission(viewer, f, stage).visible for stage in Stage)
    ]


def _item_json(schema: Schema, field: FieldDef | None, item: ItemDef,
               with_parents: bool) -> dict[str, Any]:
    body = {"key": item.key, "label": localised(item.label), "colour": item.colour,
            "active": item.active}
    if with_parents:
        body["parents"] = sorted(item.parent_keys)
    if field is not None and field.type_name == "status":
        body["category"] = schema.status(item.key).category
    return body


def list_json(schema: Schema, entry: ListDef, field: FieldDef | None = None,
              with_parents: bool = True) -> dict[str, Any]:
    return {"key": entry.key, "name": localised(entry.name),
            "items": [_item_json(schema, field, item, with_parents) for item in entry.items]}


def field_json(viewer: Viewer, schema: Schema, field: FieldDef,
               shown: set[str]) -> dict[str, Any]:
    """One field as ``viewer`` sees it; ``shown`` are the keys of the fields they see."""
    create, update, closed = (permission(viewer, field, stage) for stage in
                              (Stage.CREATE, Stage.OPEN, Stage.CLOSED))
    condition = None
    if field.condition is not None and field.condition.field in shown:
        condition = {"field": field.condition.field,
                     "values": sorted(field.condition.values, key=str)}
    cascade_from = field.cascade_from if field.cascade_from in shown else None
    body = {
        "key": field.key,
        "type": field.type_name,
        "builtin": field.builtin,
        "label": localised(field.label),
        "help": localised(field.help),
        "list": None if field.list is None else list_json(
            schema, field.list, field, with_parents=cascade_from is not None),
        "visible": True,
        "writable_on_create": create.writable,
        "writable_on_update": update.writable,
        "writable_when_closed": closed.writable,
        "required": create.required or update.required,
        "conditional": field.condition is not None,
        "condition": condition,
        "cascade_from": cascade_from,
        "filterable": field.filterable or viewer.is_staff,
        "sortable": field.type.sortable,
        "operators": list(field.type.operators),
        "value_schema": field.type.json_schema(field),
    }
    if viewer.is_staff:
        body["archived"] = field.archived
    return body


def fields_json(viewer: Viewer, schema: Schema) -> list[dict[str, Any]]:
    fields = visible_to(viewer, schema)
    shown = {f.key for f in fields}
    return [field_json(viewer, schema, f, shown) for f in fields]


def lists_json(viewer: Viewer, schema: Schema) -> list[dict[str, Any]]:
    """Staff: every list. Customers: the lists of the fields they see."""
    fields = visible_to(viewer, schema)
    shown = {f.key for f in fields}
    if viewer.is_staff:
        wanted = set(schema.lists)
    else:
        wanted = {f.list.key for f in fields if f.list is not None}
    cascading = {f.list.key for f in fields if f.list is not None and f.cascade_from in shown}
    return [list_json(schema, entry, with_parents=viewer.is_staff or key in cascading)
            for key, entry in sorted(schema.lists.items()) if key in wanted]

"""What a ticket form shows, field by field: inputs, read-only values, conditions.

One component renders every ticket form (create, edit, the owner's preview):
``fields/_ticket_fields.html`` walks the entries built here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.fields.gate import Viewer, permission
from app.fields.schema import FieldDef, Schema, Stage
from app.fields.types.base import DisplayContext


@dataclass(frozen=True)
class Entry:
    field: FieldDef
    #: The bound WTForms field when the viewer may write the field here.
    input: Any
    #: The printed value when the field is only readable.
    text: str
    #: For the browser: show only while this field holds one of these values.
    condition_field: str | None
    condition_values: str  # JSON list
    #: For people without JavaScript: when the field applies.
    condition_hint: str


def condition_hint(schema: Schema, field: FieldDef, context: DisplayContext) -> str:
    if field.condition is None or field.condition.field not in schema.by_key:
        return ""
    controller = schema.by_key[field.condition.field]
    shown = ", ".join(
        controller.type.display(controller, value, context) for value in sorted(
            field.condition.values, key=str
        )
    )
    return _("Only when %(field)s is %(values)s.", field=str(controller.label), values=shown)


def entries(
    schema: Schema,
    viewer: Viewer,
    stage: Stage,
    form: Any,
    values: Mapping[str, Any],
    context: DisplayContext,
    *,
    include_readonly: bool = True,
) -> list[Entry]:
    """Entries in the table's order.

    A conditional field whose controlling field is an input of the same form is
    kept with its condition, for the browser to apply live; any other field is
    kept only when its condition holds on ``values``.
    """
    inputs = set(form._fields) if form is not None else set()
    result = []
    for field in schema.fields:
        if not permission(viewer, field, stage).visible:
            continue
        has_input = field.key in inputs
        live = field.condition is not None and has_input and field.condition.field in inputs
        if not live and not permission(viewer, field, stage, values).visible:
            continue
        if not has_input and (not include_readonly or stage is Stage.CREATE):
            continue  # a new ticket has no values to show yet
        condition = field.condition if live else None
        result.append(Entry(
            field=field,
            input=form[field.key] if has_input else None,
            text="" if has_input else field.type.display(field, values.get(field.key), context),
            condition_field=condition.field if condition else None,
            condition_values=json.dumps(sorted(condition.values, key=str)) if condition else "[]",
            condition_hint=condition_hint(schema, field, context) if live else "",
        ))
    return result


def cascade_parents(schema: Schema) -> str:
    """For the browser: which items each cascading dropdown offers under each parent."""
    data = {}
    for field in schema.active_fields:
        if field.cascade_from and field.list is not None:
            data[field.key] = {
                "parent": field.cascade_from,
                "items": {item.key: sorted(item.parent_keys) for item in field.list.items},
            }
    return json.dumps(data)

"""Reading the staff edit form back: what the person changed, and only that."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.fields.schema import Schema
from app.fields.types.scalar import parse_instant


def as_changed(schema: Schema, before: Mapping[str, Any],
               submitted: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted values, with a date-time the form showed to the minute kept as stored.

    A date-time input shows hours and minutes; a stored time with seconds (a
    request date, say) comes back without them although nobody changed it.
    """
    values = dict(submitted)
    for key, value in submitted.items():
        field, old = schema.by_key.get(key), before.get(key)
        if field is None or field.type_name != "datetime" or not value or not old:
            continue
        try:
            same_minute = parse_instant(value) == parse_instant(old).replace(second=0)
        except (TypeError, ValueError):
            continue
        if same_minute:
            values[key] = old
    return values

"""A ticket's summary as one recipient may see it: only what the gate lets them read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.fields.gate import Viewer, redact
from app.fields.schema import Schema, Stage
from app.fields.types.base import DisplayContext

#: Fields a ticket e-mail prints in its own place rather than in the summary table.
SHOWN_APART = frozenset({"title", "description"})


@dataclass(frozen=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True)
class Summary:
    title: str
    #: The description, when the reader may see it (else empty).
    description: str
    #: The status's name, when the reader may see it (else empty).
    status: str
    lines: tuple[Line, ...]


def summarise(
    viewer: Viewer,
    schema: Schema,
    stage: Stage,
    values: Mapping[str, Any],
    context: DisplayContext,
) -> Summary:
    """Print the non-empty values ``viewer`` may see, in the table's order.

    Call it under ``force_locale(context.language)``: dates and yes/no print
    in the recipient's language.
    """
    visible = redact(viewer, schema, stage, values)
    lines = []
    for field in schema.fields:
        value = visible.get(field.key)
        if field.key in SHOWN_APART or field.key not in visible or field.type.is_empty(value):
            continue
        lines.append(Line(field.label.get(context.language),
                          field.type.display(field, value, context)))
    status = schema.by_key.get("status")
    return Summary(
        title=visible.get("title") or "",
        description=visible.get("description") or "",
        status=status.type.display(status, visible["status"], context)
        if status is not None and visible.get("status") else "",
        lines=tuple(lines),
    )

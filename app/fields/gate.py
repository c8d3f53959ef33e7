"""The gate: the one function that says who may see and write each field.

(viewer, field, stage, values) -> hidden / read / write, and required. Every
path that reads or writes ticket data asks it: forms, the write path, the API,
exports, e-mails, history. Staff see every field; customers see what the
owner allowed in the Ticket Fields table; built-in locks cap both.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.fields.schema import FieldDef, Schema, Stage, Visibility

#: Built-in fields a customer never writes, whatever the table says: the status and
#: the assignee are staff decisions; the company, the requester and the request date
#: of a customer's ticket are set from who opens it.
CUSTOMER_NEVER_WRITES = frozenset({"status", "assignee", "company", "requester", "request_date"})
#: Built-in fields that always exist and are always visible.
ALWAYS_VISIBLE = frozenset({"title"})
#: Built-in fields that cannot be archived (the ticket cannot work without them).
NEVER_ARCHIVED = frozenset({"title", "status", "company", "requester", "request_date"})


class Access(enum.IntEnum):
    HIDDEN = 0
    READ = 1
    WRITE = 2


@dataclass(frozen=True)
class Permission:
    access: Access
    required: bool = False

    @property
    def visible(self) -> bool:
        return self.access >= Access.READ

    @property
    def writable(self) -> bool:
        return self.access is Access.WRITE


HIDDEN = Permission(Access.HIDDEN)


@dataclass(frozen=True)
class Viewer:
    """Who is asking. Only the role matters to the gate; the id is for audit."""

    role: str
    user_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in ("owner", "agent")

    @property
    def kind(self) -> str:
        """The key of cached forms: staff share one form, customers another."""
        return "staff" if self.is_staff else "customer"

    @classmethod
    def of(cls, user: Any) -> Viewer:
        return cls(role=str(user.role), user_id=user.id)


def stage_for(closed: bool | None) -> Stage:
    """The stage of a ticket: None means it is being created."""
    if closed is None:
        return Stage.CREATE
    return Stage.CLOSED if closed else Stage.OPEN


def permission(
    viewer: Viewer, field: FieldDef, stage: Stage, values: Mapping[str, Any] | None = None
) -> Permission:
    """What ``viewer`` may do with ``field`` at ``stage``.

    ``values`` are the ticket's values (JSON form) for conditions; without them
    conditions are not applied (as for a form class shared by many tickets).
    """
    if values is not None and field.condition is not None and not field.condition.holds(values):
        return HIDDEN
    if field.archived:
        return Permission(Access.READ) if viewer.is_staff else HIDDEN
    if viewer.is_staff:
        return Permission(Access.WRITE, required=field.required)
    visibility = field.customer_visibility
    if visibility is Visibility.HIDDEN and field.key not in ALWAYS_VISIBLE:
        return HIDDEN
    writable = (
        visibility is Visibility.WRITE
        and stage in field.customer_edit
        and field.key not in CUSTOMER_NEVER_WRITES
    )
    if writable:
        return Permission(Access.WRITE, required=field.required)
    return Permission(Access.READ)


def visible_fields(
    viewer: Viewer, schema: Schema, stage: Stage, values: Mapping[str, Any] | None = None
) -> list[FieldDef]:
    """The fields ``viewer`` may see, in the table's order."""
    return [f for f in schema.fields if permission(viewer, f, stage, values).visible]


def writable_fields(
    viewer: Viewer, schema: Schema, stage: Stage, values: Mapping[str, Any] | None = None
) -> list[FieldDef]:
    return [f for f in schema.fields if permission(viewer, f, stage, values).writable]


def redact(
    viewer: Viewer, schema: Schema, stage: Stage, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Only the values ``viewer`` may see: what every reader hands to its output."""
    return {
        key: value for key, value in values.items()
        if key in schema.by_key and permission(viewer, schema.by_key[key], stage, values).visible
    }


def redactor(
    viewer: Viewer, fields: Sequence[FieldDef]
) -> Callable[[Stage, Mapping[str, Any]], dict[str, Any]]:
    """:func:`redact` for many tickets, limited to ``fields``: a function of a ticket's
    stage and values. Lists of tickets use it: the gate's answer for a field without a
    condition does not depend on the ticket, so it is asked once per stage, and per
    ticket only for the fields with one."""
    unconditioned = {
        stage: [f.key for f in fields
                if f.condition is None and permission(viewer, f, stage).visible]
        for stage in Stage
    }
    conditioned = [f for f in fields if f.condition is not None]

    def visible(stage: Stage, values: Mapping[str, Any]) -> dict[str, Any]:
        shown = {key: values[key] for key in unconditioned[stage] if key in values}
        for f in conditioned:
            if f.key in values and permission(viewer, f, stage, values).visible:
                shown[f.key] = values[f.key]
        return shown

    return visible


@dataclass(frozen=True)
class Refusal:
    """Why a write was refused, per field key (for messages and the audit log)."""

    reasons: Mapping[str, str]  # key -> "hidden" | "read_only" | "condition"

    @property
    def keys(self) -> list[str]:
        return sorted(self.reasons)


def check_write(
    viewer: Viewer,
    schema: Schema,
    stage: Stage,
    before: Mapping[str, Any],
    incoming: Mapping[str, Any],
) -> tuple[dict[str, Any], Refusal | None]:
    """Split ``incoming`` into what may be written and what is refused.

    An empty value for a field hidden by a condition is dropped rather than
    refused: a form without JavaScript submits every input, applicable or not.
    Any other value for a field the viewer may not write refuses the whole write.
    """
    merged = {**before, **incoming}
    accepted: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    for key, value in incoming.items():
        field = schema.by_key[key]
        granted = permission(viewer, field, stage, merged)
        if granted.writable:
            accepted[key] = value
            continue
        unconditional = permission(viewer, field, stage)
        if unconditional.writable:  # only the condition hides it
            if not field.type.is_empty(value):
                reasons[key] = "condition"
        elif unconditional.visible:
            reasons[key] = "read_only"
        else:
            reasons[key] = "hidden"
    return accepted, (Refusal(reasons) if reasons else None)


def required_missing(
    viewer: Viewer,
    schema: Schema,
    stage: Stage,
    values: Mapping[str, Any],
    keys: Iterable[str] | None,
) -> list[str]:
    """Keys of required fields left empty: all writable ones (``keys`` None, at
    creation) or only those among ``keys`` (an update may not empty them)."""
    candidates = schema.fields if keys is None else [schema.by_key[k] for k in keys]
    return [
        f.key for f in candidates
        if permission(viewer, f, stage, values).required and f.type.is_empty(values.get(f.key))
    ]


def missing_to_close(schema: Schema, values: Mapping[str, Any]) -> list[str]:
    """Fields that must be filled before a ticket may be closed."""
    return [
        f.key for f in schema.active_fields
        if f.required_to_close
        and (f.condition is None or f.condition.holds(values))
        and f.type.is_empty(values.get(f.key))
    ]

"""Routing rules: on creation, the first active rule whose conditions all hold on the
new ticket's values gives the assignee. The owner orders and edits the rules.

``assignee_for`` is called by the write path (``create_ticket``) inside the
creation transaction, after the values are validated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.database import atomic
from app.desk.models import RoutingRule
from app.extensions import db
from app.fields.schema import FieldDef, Schema

#: Field types a rule may test, and how (list items, ids, yes/no, exact text or number).
RULE_TYPES = frozenset({
    "dropdown", "multi_select", "company", "checkbox", "text", "email", "phone",
    "url", "integer", "decimal",
})


class RuleError(ValueError):
    """A rule cannot be saved as given; ``fields`` says which input and why."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


@dataclass(frozen=True)
class Condition:
    field: str
    values: tuple


def rule_fields(schema: Schema) -> list[FieldDef]:
    """Fields a rule may test, in the table's order."""
    return [f for f in schema.active_fields
            if f.type_name in RULE_TYPES and f.key not in ("title", "description")]


def _same(field: FieldDef, wanted: Any, value: Any) -> bool:
    if isinstance(wanted, str) and isinstance(value, str):
        return wanted.strip().casefold() == value.strip().casefold()
    if isinstance(wanted, bool) or isinstance(value, bool):
        return bool(wanted) is bool(value)
    return wanted == value


def holds(field: FieldDef | None, condition: Condition, values: Mapping[str, Any]) -> bool:
    """Whether the field holds one of the condition's values (any of them, for lists)."""
    if field is None or field.archived:
        return False  # a rule on a removed field never fires
    value = values.get(field.key)
    if field.type_name == "checkbox":
        value = bool(value)
    elif field.type.is_empty(value):
        return False
    held = value if isinstance(value, list) else [value]
    return any(_same(field, wanted, item) for wanted in condition.values for item in held)


def conditions_of(rule: RoutingRule) -> list[Condition]:
    return _conditions(rule.conditions)


def _conditions(stored: list[dict] | None) -> list[Condition]:
    return [Condition(c["field"], tuple(c.get("values") or ())) for c in stored or []]


_ACTIVE_RULES = (
    select(RoutingRule.assignee_id, RoutingRule.conditions)
    .join(User, User.id == RoutingRule.assignee_id)
    .where(RoutingRule.active.is_(True), User.active.is_(True),
           User.role.in_([Role.OWNER.value, Role.AGENT.value]))
    .order_by(RoutingRule.position, RoutingRule.id)
)


def assignee_for(schema: Schema, values: Mapping[str, Any]) -> int | None:
    """The assignee the first matching active rule names (an active agent), or None.

    Plain rows on the session's connection: this runs for every new ticket.
    """
    for assignee_id, conditions in db.session.connection().execute(_ACTIVE_RULES):
        if all(holds(schema.by_key.get(c.field), c, values) for c in _conditions(conditions)):
            return assignee_id
    return None


# -- the owner's edits -------------------------------------------------------------

def list_rules() -> list[RoutingRule]:
    return list(db.session.scalars(
        select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)
    ))


def _check(schema: Schema, name: str, assignee_id: int | None,
           conditions: Sequence[Condition]) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the rule a name.")
    elif len(name.strip()) > 100:
        errors["name"] = _("At most %(n)s characters.", n=100)
    agent = db.session.get(User, assignee_id) if assignee_id else None
    if agent is None or not agent.is_staff or not agent.active:
        errors["assignee"] = _("Choose an active agent.")
    allowed = {f.key for f in rule_fields(schema)}
    for condition in conditions:
        if condition.field not in allowed:
            errors[condition.field] = _("Rules cannot test this field.")
    if errors:
        raise RuleError(_("The rule was not saved: please correct the fields marked."), errors)


def _stored(conditions: Sequence[Condition]) -> list[dict]:
    return [{"field": c.field, "values": list(c.values)} for c in conditions if c.values]


def save_rule(schema: Schema, rule_id: int | None, *, name: str, assignee_id: int | None,
              conditions: Sequence[Condition], active: bool = True) -> RoutingRule:
    """Create a rule (at the end of the list) or change one."""
    _check(schema, name, assignee_id, conditions)
    with atomic() as session:
        if rule_id is None:
            last = session.scalar(select(func.max(RoutingRule.position)))
            rule = RoutingRule(position=(last or 0) + 1)
            session.add(rule)
        else:
            rule = session.get(RoutingRule, rule_id)
            if rule is None:
                raise LookupError(rule_id)
        rule.name = name.strip()
        rule.assignee_id = assignee_id
        rule.conditions = _stored(conditions)
        rule.active = active
    return rule


def delete_rule(rule_id: int) -> None:
    with atomic() as session:
        rule = session.get(RoutingRule, rule_id)
        if rule is not None:
            session.delete(rule)


def move_rule(rule_id: int, step: int) -> None:
    """Move a rule up (-1) or down (+1) the list; the order is what decides."""
    with atomic():
        rules = list_rules()
        index = next((n for n, rule in enumerate(rules) if rule.id == rule_id), None)
        if index is None:
            return
        other = index + step
        if 0 <= other < len(rules):
            rules[index], rules[other] = rules[other], rules[index]
        for position, rule in enumerate(rules, start=1):
            rule.position = position

"""The one write path for the schema: apply a new document.

Imports and the owner's pages alike hand a complete document to ``apply``;
it plans the difference, refuses whatever would lose data (with the reason),
writes the rows, converts stored values when a type changes, bumps the
schema revision and records who changed what, before and after.

Schema changes never lose data: a custom field left out is archived, an
item or status in use is deactivated, a type change happens only when every
stored value converts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from app.database import atomic
from app.extensions import db
from app.fields.document import (
    BUILTIN_TYPES,
    export_document,
    normalise,
    validate_document,
)
from app.fields.models import Field, FieldList, ListItem, SchemaChange, SchemaState
from app.fields.schema import (
    FieldDef,
    ItemDef,
    ListDef,
    Localised,
    Visibility,
    build_schema,
    forget_revision,
)
from app.fields.types.base import ConversionError, Row
from app.fields.types.registry import get_registry
from app.plugins.events import SCHEMA_CHANGED
from app.tickets.models import OutboxEvent, Status, Ticket, TicketValue
from app.timeutil import utcnow


class SchemaRefused(ValueError):
    """The document is invalid or would lose data; ``problems`` say why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Plan:
    """What applying a document would do, line by line, and what stops it."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines


def _changed_attributes(old: Mapping, new: Mapping, skip=("key", "items")) -> list[str]:
    return [name for name in new if name not in skip and old.get(name) != new.get(name)]


# -- usage counts --------------------------------------------------------------

def _field_id(key: str) -> int | None:
    return db.session.scalar(select(Field.id).where(Field.key == key))


def _value_count(key: str) -> int:
    field_id = _field_id(key)
    if field_id is None:
        return 0
    if key in BUILTIN_TYPES:
        return db.session.scalar(select(func.count()).select_from(Ticket)) or 0
    return db.session.scalar(
        select(func.count(func.distinct(TicketValue.ticket_id)))
        .where(TicketValue.field_id == field_id)
    ) or 0


def _item_uses(old_doc: Mapping, list_key: str, item_key: str) -> int:
    total = 0
    for f in old_doc["fields"]:
        if f["list"] != list_key:
            continue
        if f["key"] == "priority":
            total += db.session.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.priority == item_key)
            ) or 0
        else:
            total += db.session.scalar(
                select(func.count()).select_from(TicketValue).where(
                    TicketValue.field_id == _field_id(f["key"]), TicketValue.text == item_key
                )
            ) or 0
    return total


def _status_uses(key: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Ticket).join(Status).where(Status.key == key)
    ) or 0


# -- planning ------------------------------------------------------------------

def _plan_statuses(plan: Plan, old: list[dict], new: list[dict]) -> None:
    old_by_key = {s["key"]: s for s in old}
    new_keys = {s["key"] for s in new}
    if [s["key"] for s in old if s["key"] in new_keys] != [
        s["key"] for s in new if s["key"] in old_by_key
    ]:
        plan.lines.append(_("~ order of statuses"))
    for status in new:
        before = old_by_key.get(status["key"])
        if before is None:
            plan.lines.append(_("+ status %(key)s (%(category)s)", key=status["key"],
                                category=status["category"]))
        elif changed := _changed_attributes(before, status):
            plan.lines.append(_("~ status %(key)s: %(what)s", key=status["key"],
                                what=", ".join(changed)))
    for key, status in old_by_key.items():
        if key not in new_keys:
            uses = _status_uses(key)
            if uses:
                if status["active"]:
                    plan.lines.append(_("- status %(key)s deactivated (%(n)s tickets keep it)",
                                        key=key, n=uses))
            else:
                plan.lines.append(_("- status %(key)s removed", key=key))


def _plan_lists(plan: Plan, old_doc: dict, new_doc: dict) -> None:
    old_lists = {entry["key"]: entry for entry in old_doc["lists"]}
    for entry in new_doc["lists"]:
        before = old_lists.get(entry["key"])
        if before is None:
            plan.lines.append(_("+ list %(key)s (%(n)s items)", key=entry["key"],
                                n=len(entry["items"])))
            continue
        if _changed_attributes(before, entry):
            plan.lines.append(_("~ list %(key)s: name", key=entry["key"]))
        old_items = {item["key"]: item for item in before["items"]}
        new_items = {item["key"] for item in entry["items"]}
        for item in entry["items"]:
            previous = old_items.get(item["key"])
            if previous is None:
                plan.lines.append(_("+ item %(list)s.%(key)s", list=entry["key"],
                                    key=item["key"]))
            elif changed := _changed_attributes(previous, item):
                plan.lines.append(_("~ item %(list)s.%(key)s: %(what)s", list=entry["key"],
                                    key=item["key"], what=", ".join(changed)))
        if [i["key"] for i in before["items"] if i["key"] in new_items] != [
            i["key"] for i in entry["items"] if i["key"] in old_items
        ]:
            plan.lines.append(_("~ list %(key)s: order of items", key=entry["key"]))
        for key, item in old_items.items():
            if key not in new_items:
                uses = _item_uses(old_doc, entry["key"], key)
                if uses and item["active"]:
                    plan.lines.append(_(
                        "- item %(list)s.%(key)s deactivated (%(n)s values keep it)",
                        list=entry["key"], key=key, n=uses,
                    ))
                elif not uses:
                    plan.lines.append(_("- item %(list)s.%(key)s removed", list=entry["key"],
                                        key=key))


def _conversion_failures(
    old_field: dict, new_field: dict, old_lists: dict, new_lists: dict
) -> tuple[int, int]:
    """(values that would not convert, values stored) for a type or list change."""
    new_def = provisional_field(new_field, new_lists)
    old_def = provisional_field(old_field, old_lists)
    failed = total = 0
    for rows in _stored_rows(old_field["key"]).values():
        total += 1
        value = old_def.type.from_rows(old_def, rows)
        try:
            new_def.type.from_text(new_def, old_def.type.to_text(old_def, value))
        except ConversionError:
            failed += 1
    return failed, total


def _plan_fields(plan: Plan, old_doc: dict, new_doc: dict) -> None:
    old_lists = {entry["key"]: entry for entry in old_doc["lists"]}
    new_lists = {entry["key"]: entry for entry in new_doc["lists"]}
    old_fields = {f["key"]: f for f in old_doc["fields"]}
    new_keys = [f["key"] for f in new_doc["fields"]]
    for new_field in new_doc["fields"]:
        key = new_field["key"]
        before = old_fields.get(key)
        if before is None:
            plan.lines.append(_("+ field %(key)s (%(type)s)", key=key,
                                type=new_field["type"]))
            continue
        changed = _changed_attributes(before, new_field)
        if not changed:
            continue
        if "archived" in changed:
            if new_field["archived"]:
                line = _("~ field %(key)s archived (%(n)s tickets keep values)", key=key,
                         n=_value_count(key))
            else:
                line = _("~ field %(key)s restored (%(n)s tickets hold values)", key=key,
                         n=_value_count(key))
            plan.lines.append(line)
            changed.remove("archived")
        if ("type" in changed or "list" in changed) and key not in BUILTIN_TYPES:
            failed, total = _conversion_failures(before, new_field, old_lists, new_lists)
            if failed:
                target = new_field["type"]
                if new_field["list"]:
                    target = _("%(type)s of list %(list)s", type=target,
                               list=new_field["list"])
                plan.problems.append(_(
                    "field %(key)s: %(failed)s of %(total)s stored values cannot become "
                    "%(target)s", key=key, failed=failed, total=total, target=target,
                ))
        if changed:
            plan.lines.append(_("~ field %(key)s: %(what)s", key=key, what=", ".join(changed)))
    kept = [k for k in old_fields if k in new_keys]
    if kept != [k for k in new_keys if k in old_fields]:
        plan.lines.append(_("~ order of fields"))
    for key, before in old_fields.items():
        if key not in new_keys and not before["archived"]:
            plan.lines.append(_("- field %(key)s archived (%(n)s tickets keep values)",
                                key=key, n=_value_count(key)))


def plan_document(old_doc: dict, new_doc: dict) -> Plan:
    plan = Plan()
    _plan_statuses(plan, old_doc["statuses"], new_doc["statuses"])
    _plan_lists(plan, old_doc, new_doc)
    _plan_fields(plan, old_doc, new_doc)
    return plan


# -- applying ------------------------------------------------------------------

def _apply_statuses(statuses: list[dict]) -> None:
    existing = {s.key: s for s in db.session.scalars(select(Status))}
    for position, spec in enumerate(statuses):
        status = existing.pop(spec["key"], None) or Status(key=spec["key"])
        status.name_en, status.name_it = spec["name"]["en"], spec["name"]["it"]
        status.category, status.colour = spec["category"], spec["colour"]
        status.active, status.position = spec["active"], position
        db.session.add(status)
    for status in existing.values():
        if _status_uses(status.key):
            status.active = False
        else:
            db.session.delete(status)


def _apply_lists(old_doc: dict, lists: list[dict]) -> dict[str, FieldList]:
    existing = {entry.key: entry for entry in db.session.scalars(select(FieldList))}
    for spec in lists:
        field_list = existing.get(spec["key"]) or FieldList(key=spec["key"])
        field_list.name_en, field_list.name_it = spec["name"]["en"], spec["name"]["it"]
        db.session.add(field_list)
        existing[spec["key"]] = field_list
        items = {item.key: item for item in field_list.items}
        for position, item_spec in enumerate(spec["items"]):
            item = items.pop(item_spec["key"], None) or ListItem(key=item_spec["key"])
            item.label_en, item.label_it = item_spec["label"]["en"], item_spec["label"]["it"]
            item.colour, item.active = item_spec["colour"], item_spec["active"]
            item.parent_keys, item.position = list(item_spec["parents"]), position
            if item.id is None:
                field_list.items.append(item)
        for position, item in enumerate(items.values(), start=len(spec["items"])):
            item.position = position
            if _item_uses(old_doc, spec["key"], item.key):
                item.active = False
            else:
                field_list.items.remove(item)
    return existing


def _stored_rows(key: str) -> dict[int, list[Row]]:
    field_id = _field_id(key)
    rows: dict[int, list[Row]] = {}
    for value in db.session.scalars(
        select(TicketValue).where(TicketValue.field_id == field_id)
        .order_by(TicketValue.ticket_id, TicketValue.seq)
    ):
        rows.setdefault(value.ticket_id, []).append(
            Row(value.text, value.long, value.number, value.moment)
        )
    return rows


def provisional_field(spec: dict, lists: dict[str, dict]) -> FieldDef:
    """A FieldDef for a field as a document describes it (for value conversion)."""
    field_list = None
    if spec.get("list") in lists:
        entry = lists[spec["list"]]
        items = tuple(
            ItemDef(i["key"], Localised(i["label"]["en"], i["label"]["it"]), i["colour"],
                    i["active"], n, frozenset(i["parents"]))
            for n, i in enumerate(entry["items"])
        )
        field_list = ListDef(0, entry["key"], Localised(entry["name"]["en"]), items)
    return FieldDef(
        id=0, key=spec["key"], type=get_registry()[spec["type"]], builtin=False,
        label=Localised(spec["label"]["en"]), help=Localised(""), placeholder=Localised(""),
        list=field_list, default=None, required=False, settings=spec.get("settings") or {},
        customer_visibility=Visibility.HIDDEN, customer_edit=frozenset(),
        required_to_close=False, show_in_customer_list=False, filterable=False,
        condition=None, cascade_from=None,
        position=0, archived=False,
    )


def _convert_values(
    old_spec: dict, new_spec: dict, field_id: int, old_lists: dict, new_lists: dict
) -> None:
    old_def = provisional_field(old_spec, old_lists)
    new_def = provisional_field(new_spec, new_lists)
    stored = _stored_rows(old_spec["key"])
    db.session.execute(delete(TicketValue).where(TicketValue.field_id == field_id))
    for ticket_id, rows in stored.items():
        text = old_def.type.to_text(old_def, old_def.type.from_rows(old_def, rows))
        value = new_def.type.from_text(new_def, text)
        for seq, row in enumerate(new_def.type.to_rows(new_def, value)):
            db.session.add(TicketValue(ticket_id=ticket_id, field_id=field_id, seq=seq,
                                       **row._asdict()))


def _apply_fields(
    old_doc: dict, new_doc: dict, lists: dict[str, FieldList]
) -> None:
    fields = new_doc["fields"]
    old_lists = {entry["key"]: entry for entry in old_doc["lists"]}
    new_lists = {entry["key"]: entry for entry in new_doc["lists"]}
    old_specs = {f["key"]: f for f in old_doc["fields"]}
    existing = {f.key: f for f in db.session.scalars(select(Field))}
    now = utcnow()
    for position, spec in enumerate(fields):
        row = existing.pop(spec["key"], None)
        if row is None:
            row = Field(key=spec["key"], builtin=spec["key"] in BUILTIN_TYPES, created_at=now)
            db.session.add(row)
        previous = old_specs.get(spec["key"])
        if previous and (previous["type"], previous["list"]) != (spec["type"], spec["list"]):
            db.session.flush()
            _convert_values(previous, spec, row.id, old_lists, new_lists)
        row.type = spec["type"]
        row.label_en, row.label_it = spec["label"]["en"], spec["label"]["it"]
        row.help_en, row.help_it = spec["help"]["en"], spec["help"]["it"]
        row.placeholder_en, row.placeholder_it = (spec["placeholder"]["en"],
                                                  spec["placeholder"]["it"])
        row.list = lists[spec["list"]] if spec["list"] else None
        row.default, row.required = spec["default"], spec["required"]
        row.settings = dict(spec["settings"])
        row.customer_visibility = spec["customer"]["visibility"]
        for stage in ("create", "open", "closed"):
            setattr(row, f"customer_edit_{stage}", stage in spec["customer"]["edit"])
        row.required_to_close = spec["required_to_close"]
        row.show_in_customer_list = spec["show_in_customer_list"]
        row.filterable = spec["filterable"]
        row.condition = spec["condition"]
        row.cascade_from = spec["cascade_from"]
        row.position = position
        if spec["archived"] and row.archived_at is None:
            row.archived_at = now
        elif not spec["archived"]:
            row.archived_at = None
    for position, row in enumerate(existing.values(), start=len(fields)):
        row.position = position
        if row.archived_at is None:
            row.archived_at = now


def _check_defaults(new_doc: dict) -> list[str]:
    """Defaults and condition values must be valid values of their fields."""
    from app.fields.types.base import CheckContext
    from app.fields.validation import validate_value
    from app.tickets.lookups import DatabaseLookups

    schema = build_schema("provisional", 0, get_registry())
    lookups = DatabaseLookups(None)
    problems = []
    for spec in new_doc["fields"]:
        field_def = schema.by_key[spec["key"]]
        if spec["default"] is not None and field_def.type.storage.value != "column":
            message = validate_value(schema, field_def, spec["default"],
                                     CheckContext(values={}, lookups=lookups))
            if message:
                problems.append(_("field %(key)s: the default is not valid: %(message)s",
                                  key=spec["key"], message=message))
    return problems


def bump_revision(actor_id: int | None, summary: str, before: dict, after: dict) -> int:
    """Give the schema a new revision (every process's caches drop theirs) and log it."""
    state = db.session.get(SchemaState, 1)
    state.revision = str(uuid.uuid4())
    state.version += 1
    state.updated_at = utcnow()
    db.session.flush()
    forget_revision()
    db.session.add(SchemaChange(actor_id=actor_id, version=state.version, summary=summary,
                                before=before, after=after))
    # Plugins hear of it after the commit, from the outbox (``sportello_schema_changed``).
    db.session.add(OutboxEvent(topic=SCHEMA_CHANGED, actor_id=actor_id, payload={
        "version": state.version, "keys": changed_keys(before, after)}))
    return state.version


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Keys of the fields added, changed or archived between two schema documents."""
    old = {spec["key"]: spec for spec in before.get("fields", [])}
    new = {spec["key"]: spec for spec in after.get("fields", [])}
    return sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def apply_document(actor_id: int | None, document: Any, *, dry_run: bool = False) -> Plan:
    """Make the schema what ``document`` says, or say why not (``SchemaRefused``).

    With ``dry_run`` nothing is written; the plan lists the difference.
    """
    with atomic():
        before = export_document()
        old_doc = normalise(before)
        problems = validate_document(document, get_registry(), old_doc["statuses"])
        if problems:
            raise SchemaRefused(problems)
        new_doc = normalise(document)
        if "statuses" not in document:
            new_doc["statuses"] = old_doc["statuses"]
        plan = plan_document(old_doc, new_doc)
        if plan.problems:
            raise SchemaRefused(plan.problems)
        if dry_run or plan.empty:
            return plan
        _apply_statuses(new_doc["statuses"])
        lists = _apply_lists(old_doc, new_doc["lists"])
        _apply_fields(old_doc, new_doc, lists)
        db.session.flush()
        problems = _check_defaults(new_doc)
        if problems:
            raise SchemaRefused(problems)
        bump_revision(actor_id, "\n".join(plan.lines), before, export_document())
    return plan


def rename_field(actor_id: int | None, key: str, new_key: str) -> None:
    """Change a field's key: allowed only while no ticket holds a value for it."""
    document = export_document()
    if key in BUILTIN_TYPES:
        raise SchemaRefused([_("field %(key)s: built-in keys never change", key=key)])
    if _value_count(key):
        raise SchemaRefused([_("field %(key)s: tickets hold values for it, so its key is fixed",
                               key=key)])
    for spec in document["fields"]:
        if spec["key"] == key:
            spec["key"] = new_key
        if (spec.get("condition") or {}).get("field") == key:
            spec["condition"]["field"] = new_key
        if spec.get("cascade_from") == key:
            spec["cascade_from"] = new_key
    with atomic():
        row = db.session.scalar(select(Field).where(Field.key == key))
        if row is None:
            raise SchemaRefused([_("field %(key)s: no such field", key=key)])
        problems = validate_document(document, get_registry())
        if problems:
            raise SchemaRefused(problems)
        before = export_document()
        db.session.execute(update(Field).where(Field.id == row.id).values(key=new_key))
        for spec_row in db.session.scalars(select(Field)):
            if (spec_row.condition or {}).get("field") == key:
                spec_row.condition = {**spec_row.condition, "field": new_key}
            if spec_row.cascade_from == key:
                spec_row.cascade_from = new_key
        db.session.flush()
        summary = _("~ field %(key)s renamed to %(new)s", key=key, new=new_key)
        bump_revision(actor_id, summary, before, export_document())

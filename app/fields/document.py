"""The schema as a JSON document: export, normalise, validate.

The document (``schema/ticket-fields.schema.json``) is how the Ticket Fields
table travels: exported, kept in version control, imported elsewhere. Every
schema change, from the owner's pages too, is applied as a new document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.fields.forms import RESERVED_KEYS
from app.fields.gate import ALWAYS_VISIBLE, CUSTOMER_NEVER_WRITES, NEVER_ARCHIVED
from app.fields.models import Field, FieldList
from app.fields.types.base import FieldType
from app.tickets.models import Status

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "ticket-fields.schema.json"
DOCUMENT_FORMAT = 1
#: Built-in fields and the type each must keep.
BUILTIN_TYPES = {
    "title": "text", "description": "long_text", "status": "status", "priority": "dropdown",
    "company": "company", "requester": "person", "notify_person": "person",
    "request_date": "datetime", "assignee": "agent",
}
_STAGES = ("create", "open", "closed")
_FIELD_DEFAULTS: dict[str, Any] = {
    "help": {"en": "", "it": ""}, "placeholder": {"en": "", "it": ""}, "list": None,
    "default": None, "required": False, "settings": {}, "required_to_close": False,
    "show_in_customer_list": False, "filterable": True, "condition": None,
    "cascade_from": None, "archived": False,
}


@cache
def document_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _text(en: str, it: str) -> dict[str, str]:
    return {"en": en or "", "it": it or ""}


def export_document() -> dict[str, Any]:
    """The schema as the database holds it, in table order."""
    statuses = db.session.scalars(select(Status).order_by(Status.position, Status.id))
    lists = db.session.scalars(
        select(FieldList).options(selectinload(FieldList.items)).order_by(FieldList.key)
    )
    fields = db.session.scalars(
        select(Field).options(selectinload(Field.list)).order_by(Field.position, Field.id)
    )
    return {
        "$schema": document_schema()["$id"],
        "format": DOCUMENT_FORMAT,
        "statuses": [
            {"key": s.key, "name": _text(s.name_en, s.name_it), "category": s.category,
             "colour": s.colour or "", "active": s.active}
            for s in statuses
        ],
        "lists": [
            {"key": entry.key, "name": _text(entry.name_en, entry.name_it), "items": [
                {"key": i.key, "label": _text(i.label_en, i.label_it), "colour": i.colour or "",
                 "active": i.active, "parents": list(i.parent_keys or [])}
                for i in entry.items
            ]}
            for entry in lists
        ],
        "fields": [_export_field(f) for f in fields],
    }


def _export_field(f: Field) -> dict[str, Any]:
    """One field, leaving out what equals the default so documents read well."""
    edits = [stage for stage in _STAGES if getattr(f, f"customer_edit_{stage}")]
    full = {
        "key": f.key, "type": f.type, "label": _text(f.label_en, f.label_it),
        "help": _text(f.help_en, f.help_it),
        "placeholder": _text(f.placeholder_en, f.placeholder_it),
        "list": f.list.key if f.list else None, "default": f.default, "required": f.required,
        "settings": dict(f.settings or {}),
        "customer": {"visibility": f.customer_visibility, "edit": edits},
        "required_to_close": f.required_to_close,
        "show_in_customer_list": f.show_in_customer_list, "filterable": f.filterable,
        "condition": f.condition, "cascade_from": f.cascade_from,
        "archived": f.archived_at is not None,
    }
    return {
        name: value for name, value in full.items()
        if name not in _FIELD_DEFAULTS or value != _FIELD_DEFAULTS[name]
    }


def normalise(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document with every default filled in, so two documents compare by meaning."""
    def text(value: Any) -> dict[str, str]:
        value = value or {}
        return {"en": value.get("en", ""), "it": value.get("it", "")}

    fields = []
    for raw in document.get("fields", []):
        field = {**_FIELD_DEFAULTS, **raw}
        customer = {"visibility": "write", "edit": ["create"], **(raw.get("customer") or {})}
        customer["edit"] = [stage for stage in _STAGES if stage in customer["edit"]]
        field.update(label=text(field["label"]), help=text(field["help"]),
                     placeholder=text(field["placeholder"]), customer=customer,
                     settings=dict(field["settings"] or {}))
        fields.append(field)
    return {
        "format": document.get("format", DOCUMENT_FORMAT),
        "statuses": [
            {"colour": "", "active": True, **s, "name": text(s["name"])}
            for s in document.get("statuses", [])
        ],
        "lists": [
            {**entry, "name": text(entry["name"]), "items": [
                {"colour": "", "active": True, "parents": [], **item,
                 "label": text(item["label"])}
                for item in entry["items"]
            ]}
            for entry in document.get("lists", [])
        ],
        "fields": fields,
    }


def _duplicates(keys: list[str]) -> list[str]:
    seen, repeated = set(), []
    for key in keys:
        if key in seen:
            repeated.append(key)
        seen.add(key)
    return repeated


def validate_document(
    document: Any, registry: Mapping[str, FieldType], current_statuses: list[dict] | None = None
) -> list[str]:
    """Every problem with ``document``, as lines a person can act on. Empty: valid."""
    validator = Draft202012Validator(document_schema())
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path) or 'document'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    ]
    if errors:
        return errors
    doc = normalise(document)
    statuses = doc["statuses"] if "statuses" in document else (current_statuses or [])
    lists = {entry["key"]: entry for entry in doc["lists"]}
    fields = {field["key"]: field for field in doc["fields"]}
    for what, keys in ((_("status"), [s["key"] for s in statuses]),
                       (_("list"), [entry["key"] for entry in doc["lists"]]),
                       (_("field"), [f["key"] for f in doc["fields"]])):
        errors += [_("%(what)s %(key)s appears twice", what=what, key=key)
                   for key in _duplicates(keys)]
    for entry in doc["lists"]:
        errors += [_("list %(list)s: item %(key)s appears twice", list=entry["key"], key=key)
                   for key in _duplicates([item["key"] for item in entry["items"]])]
    active = [s for s in statuses if s["active"]]
    if not any(s["category"] != "closed" for s in active):
        errors.append(_("statuses: at least one active status must be open (not closed)"))
    if not any(s["category"] == "closed" for s in active):
        errors.append(_("statuses: at least one active status must be of category closed"))
    for key, type_name in BUILTIN_TYPES.items():
        if key not in fields:
            errors.append(_("field %(key)s: built-in fields cannot be removed", key=key))
        elif fields[key]["type"] != type_name:
            errors.append(_("field %(key)s: a built-in field keeps its type %(type)s",
                            key=key, type=type_name))
    for field in doc["fields"]:
        errors += _field_errors(field, fields, lists, registry)
    return errors


def _field_errors(field: dict, fields: dict, lists: dict, registry) -> list[str]:
    key, errors = field["key"], []
    where = _("field %(key)s", key=key)
    builtin = key in BUILTIN_TYPES
    field_type = registry.get(field["type"])
    if field_type is None:
        return [_("%(where)s: unknown type %(type)s (no installed plugin provides it)",
                  where=where, type=field["type"])]
    if not builtin:
        if not field_type.creatable:
            errors.append(_("%(where)s: type %(type)s is reserved for built-in fields",
                            where=where, type=field["type"]))
        if key in RESERVED_KEYS:
            errors.append(_("%(where)s: this is a reserved name, choose another key",
                            where=where))
    uses_list = field_type.uses_list or (builtin and key == "priority")
    if uses_list and field["list"] not in lists:
        errors.append(_("%(where)s: needs a list, and %(list)s is not one", where=where,
                        list=field["list"]))
    if not uses_list and field["list"] is not None:
        errors.append(_("%(where)s: a %(type)s field has no list", where=where,
                        type=field["type"]))
    unknown_settings = set(field["settings"]) - field_type.settings_allowed
    if unknown_settings:
        errors.append(_("%(where)s: settings %(names)s do not apply to %(type)s fields",
                        where=where, names=", ".join(sorted(unknown_settings)),
                        type=field["type"]))
    pattern = field["settings"].get("regex")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as error:
            errors.append(_("%(where)s: the regular expression is not valid (%(error)s)",
                            where=where, error=error))
    visibility = field["customer"]["visibility"]
    if builtin and key in ALWAYS_VISIBLE and (visibility == "hidden" or field["archived"]):
        errors.append(_("%(where)s: the title is always visible", where=where))
    if builtin and key in CUSTOMER_NEVER_WRITES and visibility == "write":
        errors.append(_("%(where)s: customers never write this field (use read or hidden)",
                        where=where))
    if builtin and key in NEVER_ARCHIVED and field["archived"]:
        errors.append(_("%(where)s: this built-in field cannot be archived", where=where))
    condition = field["condition"]
    if condition:
        controller = fields.get(condition["field"])
        if controller is None or condition["field"] == key:
            errors.append(_("%(where)s: the condition refers to %(other)s, which is not "
                            "another field", where=where, other=condition["field"]))
        elif controller["archived"]:
            errors.append(_("%(where)s: the condition refers to an archived field",
                            where=where))
        elif controller["list"] in lists:
            known = {item["key"] for item in lists[controller["list"]]["items"]}
            bad = [v for v in condition["values"] if v not in known]
            if bad:
                errors.append(_("%(where)s: condition values %(values)s are not items of "
                                "%(list)s", where=where, values=", ".join(map(str, bad)),
                                list=controller["list"]))
    parent_key = field["cascade_from"]
    if parent_key:
        parent = fields.get(parent_key)
        if not uses_list or parent is None or parent["list"] not in lists:
            errors.append(_("%(where)s: cascades from %(parent)s, which is not a list field",
                            where=where, parent=parent_key))
        elif field["list"] in lists:
            parent_items = {item["key"] for item in lists[parent["list"]]["items"]}
            for item in lists[field["list"]]["items"]:
                bad = [p for p in item["parents"] if p not in parent_items]
                if bad:
                    errors.append(_("%(where)s: item %(item)s names parents %(bad)s that "
                                    "are not items of %(list)s", where=where,
                                    item=item["key"], bad=", ".join(bad),
                                    list=parent["list"]))
    return errors

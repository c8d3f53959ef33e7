"""Between the owner's forms and the schema document's field and list entries."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.fields.admin.forms import FieldForm, ListForm
from app.fields.admin.specs import field_spec, is_builtin
from app.fields.changes import provisional_field
from app.fields.types.base import NO_CHOICE, ConversionError, Storage
from app.fields.types.registry import get_registry

_INTEGER_SETTINGS = ("min_length", "max_length", "decimal_places", "max_files")
_NUMBER_SETTINGS = ("min_value", "max_value", "max_size_mb")
_TEXT_SETTINGS = ("regex", "regex_message_en", "regex_message_it")


def _text(form: Any, name: str) -> dict[str, str]:
    return {"en": (form[f"{name}_en"].data or "").strip(),
            "it": (form[f"{name}_it"].data or "").strip()}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def type_choices(form: FieldForm, document: dict, spec: dict | None) -> None:
    """Fill the choices that depend on the registry and on the document."""
    registry = get_registry()
    if spec is not None and is_builtin(spec["key"]):
        names = [spec["type"]]
    else:
        names = [name for name, field_type in registry.items() if field_type.creatable]
    form.type.choices = [SelectChoice(name, registry[name].label) for name in names]
    form.list.choices = [NO_CHOICE] + [
        SelectChoice(entry["key"], entry["name"]["en"]) for entry in document["lists"]
    ]
    own = spec["key"] if spec else None
    form.condition_field.choices = [NO_CHOICE] + [
        SelectChoice(f["key"], f["label"]["en"]) for f in document["fields"]
        if f["key"] != own and not f["archived"]
        and (f["list"] or f["type"] in ("checkbox", "status"))
    ]
    form.cascade_from.choices = [NO_CHOICE] + [
        SelectChoice(f["key"], f["label"]["en"]) for f in document["fields"]
        if f["key"] != own and f["list"] and f["type"] == "dropdown" and not f["archived"]
    ]


def field_form_data(spec: dict) -> dict[str, Any]:
    """The form's initial data for an existing field."""
    provisional = provisional_field(spec, {})
    default = ""
    if spec["default"] is not None and provisional.type.storage is not Storage.COLUMN:
        default = provisional.type.to_text(provisional, spec["default"])
    condition = spec["condition"] or {}
    settings = spec["settings"]
    data = {
        "key": spec["key"], "type": spec["type"], "list": spec["list"] or "",
        "default": default, "required": spec["required"],
        "customer_visibility": spec["customer"]["visibility"],
        "edit_create": "create" in spec["customer"]["edit"],
        "edit_open": "open" in spec["customer"]["edit"],
        "edit_closed": "closed" in spec["customer"]["edit"],
        "required_to_close": spec["required_to_close"],
        "show_in_customer_list": spec["show_in_customer_list"],
        "filterable": spec["filterable"],
        "condition_field": condition.get("field", ""),
        "condition_values": ", ".join(str(v) for v in condition.get("values", [])),
        "cascade_from": spec["cascade_from"] or "",
        "allowed_extensions": ", ".join(settings.get("allowed_extensions", [])),
    }
    for name in ("label", "help", "placeholder"):
        data[f"{name}_en"], data[f"{name}_it"] = spec[name]["en"], spec[name]["it"]
    for name in (*_INTEGER_SETTINGS, *_NUMBER_SETTINGS, *_TEXT_SETTINGS):
        if settings.get(name) not in (None, ""):
            data[name] = settings[name]
    return data


def _settings(form: FieldForm, allowed: frozenset[str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for name in _INTEGER_SETTINGS:
        if name in allowed and form[name].data is not None:
            settings[name] = form[name].data
    for name in _NUMBER_SETTINGS:
        if name in allowed and form[name].data is not None:
            settings[name] = _number(form[name].data)
    for name in _TEXT_SETTINGS:
        if name in allowed and (form[name].data or "").strip():
            settings[name] = form[name].data.strip()
    if "allowed_extensions" in allowed and form.allowed_extensions.data:
        settings["allowed_extensions"] = [
            part.strip().lstrip(".").lower()
            for part in form.allowed_extensions.data.split(",") if part.strip()
        ]
    return settings


def _parse_values(document: dict, controller_key: str, raw: str) -> list:
    controller = field_spec(document, controller_key)
    lists = {entry["key"]: entry for entry in document["lists"]}
    if controller["type"] == "status":
        keys = {status["key"] for status in document["statuses"]}
        values = [part.strip() for part in raw.split(",") if part.strip()]
        if any(value not in keys for value in values):
            raise ConversionError(raw)
        return values
    provisional = provisional_field(controller, lists)
    values: list = []
    for part in (p for p in raw.split(",") if p.strip()):
        value = provisional.type.from_text(provisional, part)
        values += value if isinstance(value, list) else [value]
    return values


def field_spec_from_form(
    form: FieldForm, document: dict, existing: dict | None
) -> tuple[dict, dict[str, str]]:
    """The field's document entry from the form, and errors by form field name."""
    builtin = existing is not None and is_builtin(existing["key"])
    type_name = existing["type"] if builtin else form.type.data
    field_type = get_registry()[type_name]
    uses_list = field_type.uses_list or (builtin and existing["key"] == "priority")
    edits = [stage for stage in ("create", "open", "closed") if form[f"edit_{stage}"].data]
    spec: dict[str, Any] = {
        **(existing or {}),
        "key": existing["key"] if builtin else form.key.data,
        "type": type_name,
        "label": _text(form, "label"), "help": _text(form, "help"),
        "placeholder": _text(form, "placeholder"),
        "list": (form.list.data or None) if uses_list else None,
        "required": form.required.data,
        "settings": _settings(form, field_type.settings_allowed),
        "customer": {"visibility": form.customer_visibility.data, "edit": edits},
        "required_to_close": form.required_to_close.data,
        "show_in_customer_list": form.show_in_customer_list.data,
        "filterable": form.filterable.data,
        "cascade_from": form.cascade_from.data or None,
        "archived": existing["archived"] if existing else False,
        "condition": None, "default": None,
    }
    errors: dict[str, str] = {}
    if uses_list and not spec["list"]:
        errors["list"] = _("Choose the list this field takes its items from.")
    lists = {entry["key"]: entry for entry in document["lists"]}
    text = (form.default.data or "").strip()
    if text and field_type.storage is not Storage.COLUMN and not errors:
        try:
            provisional = provisional_field(spec, lists)
            spec["default"] = provisional.type.from_text(provisional, text)
        except ConversionError:
            errors["default"] = _("Not a valid value for this field.")
    if form.condition_field.data:
        try:
            values = _parse_values(document, form.condition_field.data,
                                   form.condition_values.data or "")
        except ConversionError:
            values = []
        if values:
            spec["condition"] = {"field": form.condition_field.data, "values": values}
        else:
            errors["condition_values"] = _("Name at least one value of the chosen field.")
    return spec, errors


def list_form_data(spec: dict | None) -> dict[str, Any]:
    if spec is None:
        return {"items": []}
    return {
        "key": spec["key"], "name_en": spec["name"]["en"], "name_it": spec["name"]["it"],
        "items": [
            {"key": item["key"], "existing": item["key"], "label_en": item["label"]["en"],
             "label_it": item["label"]["it"], "colour": item["colour"],
             "parents": ", ".join(item["parents"]), "position": n + 1,
             "active": item["active"]}
            for n, item in enumerate(spec["items"])
        ],
    }


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return (value if value[:1].isalpha() else f"item_{value}")[:64] if value else ""


def list_spec_from_form(form: ListForm, existing: dict | None) -> tuple[dict, list[str]]:
    """The list's document entry, items ordered by their "order" numbers."""
    rows = []
    errors: list[str] = []
    for n, row in enumerate(form.items.entries):
        data = row.form
        key = data.existing.data or (data.key.data or "").strip() or slug(data.label_en.data
                                                                         or "")
        if not key and not (data.label_en.data or "").strip():
            continue  # the empty row left for adding an item
        if data.remove.data:
            continue
        label_en = (data.label_en.data or "").strip()
        if not label_en:
            errors.append(_("Item %(key)s needs an English label.", key=key))
            continue
        parents = [p.strip() for p in (data.parents.data or "").split(",") if p.strip()]
        position = data.position.data if data.position.data is not None else n + 1
        rows.append((position, n, {
            "key": key, "label": {"en": label_en, "it": (data.label_it.data or "").strip()},
            "colour": data.colour.data or "", "active": data.active.data, "parents": parents,
        }))
    keys = [item["key"] for _position, _n, item in rows]
    errors += [_("Item %(key)s appears twice.", key=key) for key in set(keys)
               if keys.count(key) > 1]
    spec = {
        "key": existing["key"] if existing else form.key.data,
        "name": {"en": form.name_en.data.strip(), "it": (form.name_it.data or "").strip()},
        "items": [item for _position, _n, item in sorted(rows, key=lambda r: (r[0], r[1]))],
    }
    return spec, errors

"""Types whose values are items of a dropdown list: dropdown and multi-select."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import Optional

from app.fields.formfields import CheckboxListField
from app.fields.types.base import (
    NO_CHOICE,
    CheckContext,
    ChoiceContext,
    ConversionError,
    DisplayContext,
    FieldType,
    Storage,
)


def _kept(current: Any) -> set[str]:
    return set(current if isinstance(current, list) else [current] if current else [])


def _item_choices(field, current: Any = None) -> list | None:
    """Choices for an edit form: only needed when the stored value is an inactive item,
    which old tickets keep showing; otherwise the cached class's choices serve."""
    kept = _kept(current)
    by_key = field.list.by_key
    if not any(key in by_key and not by_key[key].active for key in kept):
        return None
    return [
        SelectChoice(item.key, item.label) for item in field.list.items
        if item.active or item.key in kept
    ]


def _match_item(field, text: str) -> str:
    """An item key from its key or its label in either language."""
    wanted = text.strip().casefold()
    for item in field.list.items:
        if wanted in {item.key.casefold(), item.label.en.casefold(), item.label.it.casefold()}:
            return item.key
    raise ConversionError(text)


def _cascade_error(field, keys: list[str], context: CheckContext) -> str | None:
    if not field.cascade_from:
        return None
    parent = context.values.get(field.cascade_from)
    by_key = field.list.by_key
    if any(not by_key[key].offered_under(parent) for key in keys
           if isinstance(key, str) and key in by_key):
        return _("This choice is not available for the value chosen above.")
    return None


def _inactive_error(field, keys: list[str], previous: Any) -> str | None:
    kept = _kept(previous)
    by_key = field.list.by_key
    if any(key in by_key and not by_key[key].active and key not in kept for key in keys):
        return _("This choice is no longer available.")
    return None


class DropdownType(FieldType):
    name = "dropdown"
    prints_alike = True
    label = _l("Dropdown")
    storage = Storage.TEXT
    uses_list = True
    operators = ("in", "not_in", "empty", "not_empty")

    def form_field(self, field, **kwargs) -> UnboundField:
        # Labels stay Localised objects: they print in the language of each request.
        choices = [NO_CHOICE] + [SelectChoice(i.key, i.label) for i in field.list.active_items]
        data_attrs = {"data-cascade-from": field.cascade_from} if field.cascade_from else {}
        return SelectField(choices=choices, validate_choice=False, validators=[Optional()],
                           render_kw=data_attrs, **kwargs)

    def dynamic_choices(self, field, context: ChoiceContext) -> list | None:
        choices = _item_choices(field, context.current)
        return None if choices is None else [NO_CHOICE, *choices]

    def json_schema(self, field) -> dict:
        return {"type": "string", "enum": [item.key for item in field.list.items]}

    def check(self, field, value, context: CheckContext) -> str | None:
        return _inactive_error(field, [value], context.previous) or _cascade_error(
            field, [value], context
        )

    def display_one(self, field, value, context: DisplayContext) -> str:
        item = field.list.by_key.get(value)
        return item.label.get(context.language) if item else value

    def from_text(self, field, text: str) -> Any:
        return _match_item(field, text) if text.strip() else None


class MultiSelectType(FieldType):
    name = "multi_select"
    prints_alike = True
    label = _l("Multi-select")
    storage = Storage.TEXT
    uses_list = True
    multiple = True
    sortable = False
    operators = ("any", "all", "empty", "not_empty")

    def form_field(self, field, **kwargs) -> UnboundField:
        choices = [SelectChoice(i.key, i.label) for i in field.list.active_items]
        return CheckboxListField(choices=choices, validate_choice=False, **kwargs)

    def dynamic_choices(self, field, context: ChoiceContext) -> list | None:
        return _item_choices(field, context.current)

    def form_to_json(self, field, data) -> Any:
        return self.ordered(field, data or [])

    def normalise(self, field, value) -> Any:
        return self.ordered(field, value or [])

    def ordered(self, field, keys: list[str]) -> list[str]:
        """Keys in the list's order, without repeats."""
        position = {item.key: n for n, item in enumerate(field.list.items)}
        return sorted(dict.fromkeys(keys), key=lambda key: position.get(key, len(position)))

    def json_schema(self, field) -> dict:
        return {"type": "array", "uniqueItems": True,
                "items": {"type": "string", "enum": [item.key for item in field.list.items]}}

    def check(self, field, value, context: CheckContext) -> str | None:
        return _inactive_error(field, value, context.previous) or _cascade_error(
            field, value, context
        )

    def display_one(self, field, value, context: DisplayContext) -> str:
        item = field.list.by_key.get(value)
        return item.label.get(context.language) if item else value

    def from_text(self, field, text: str) -> Any:
        parts = [part for part in text.replace(";", ",").split(",") if part.strip()]
        return self.ordered(field, [_match_item(field, part) for part in parts])

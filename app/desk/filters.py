"""The queue's filter form, built from the schema: one row per filterable field, with the
operators of its type, usable without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.accounts.directory import directory
from app.desk.queue import VALUELESS_OPS, QueueState, default_op
from app.desk.widgets import mark_selected, option_tags
from app.fields.schema import FieldDef, Schema

OPERATOR_LABELS = {
    "in": _l("is one of"),
    "not_in": _l("is none of"),
    "any": _l("has any of"),
    "all": _l("has all of"),
    "eq": _l("is"),
    "ne": _l("is not"),
    "lt": _l("before / less than"),
    "lte": _l("until / at most"),
    "gt": _l("after / more than"),
    "gte": _l("from / at least"),
    "contains": _l("contains"),
    "empty": _l("is empty"),
    "not_empty": _l("is not empty"),
    "is": _l("is"),
}
#: Widgets by field type; types not listed get the presence operators only.
_WIDGETS = {
    "dropdown": "choices", "multi_select": "choices", "status": "choices",
    "text": "text", "long_text": "text", "email": "text", "phone": "text", "url": "text",
    "integer": "number", "decimal": "number", "date": "date", "datetime": "date",
    "checkbox": "yesno", "company": "company", "agent": "assignee",
}
#: Filters shown above the others, always open.
MAIN_KEYS = ("status", "priority", "assignee", "company")


@dataclass
class FilterRow:
    field: FieldDef
    widget: str
    operators: list[tuple[str, str]]
    op: str = ""
    values: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    #: The options as HTML, for the long selects (companies, staff).
    rendered: str = ""
    #: More filters on the same field (from a link), kept as hidden inputs.
    hidden: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.field.key

    @property
    def active(self) -> bool:
        return bool(self.values) or self.op in VALUELESS_OPS

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""

    @property
    def options_html(self) -> Markup:
        return mark_selected(self.rendered, self.values)


def _operators(field_def: FieldDef, widget: str, labels: dict[str, str]) -> list[tuple[str, str]]:
    ops = field_def.type.operators
    if widget == "presence":
        ops = tuple(op for op in ops if op in VALUELESS_OPS)
    return [(op, labels.get(op, op)) for op in ops]


def _options(field_def: FieldDef, language: str) -> list[tuple[str, str]]:
    return [(item.key, item.label.get(language) + ("" if item.active else " *"))
            for item in field_def.list.items]


def _rendered(widget: str, language: str) -> str:
    """The options of the company and assignee selects, built once per directory
    revision (and language: "Me" and "Unassigned" are translated)."""
    names = directory()
    if widget == "company":
        return names.derive("desk.company_options", lambda: option_tags(
            [(str(ident), name) for ident, name in names.companies()]))
    return names.derive(f"desk.staff_options.{language}", lambda: option_tags(
        [("me", _("Me")), ("none", _("Unassigned"))]
        + [(str(member.id), member.name + ("" if member.active else " *"))
           for member in names.staff()]))


def filter_rows(schema: Schema, state: QueueState, language: str) -> list[FilterRow]:
    """Rows of the filter form for the fields staff may filter, main ones first."""
    chosen: dict[str, list[tuple[str, str]]] = {}
    for name, value in state.filters:
        chosen.setdefault(name.partition("__")[0], []).append((name, value))
    candidates = [f for f in schema.fields
                  if not f.archived and f.filterable and f.key not in ("title", "description")]
    candidates.sort(key=lambda f: (MAIN_KEYS.index(f.key) if f.key in MAIN_KEYS
                                   else len(MAIN_KEYS)))
    labels = {op: str(label) for op, label in OPERATOR_LABELS.items()}  # translated once
    rows = []
    for field_def in candidates:
        widget = _WIDGETS.get(field_def.type_name, "presence")
        if field_def.key == "priority" or field_def.list is not None:
            widget = "choices"
        row = FilterRow(field_def, widget, _operators(field_def, widget, labels),
                        op="" if widget == "presence" else default_op(field_def))
        if widget == "choices":
            row.options = _options(field_def, language)
        elif widget in ("company", "assignee"):
            row.rendered = _rendered(widget, language)
        mine = chosen.get(field_def.key, [])
        if mine:
            name, value = mine[0]
            row.op = name.partition("__")[2] or default_op(field_def)
            if row.op == "empty" and field_def.key == "assignee":
                row.op, row.values = "in", ["none"]
            elif row.op not in VALUELESS_OPS:
                row.values = value.split(",") if widget in ("choices",) else [value]
            row.hidden = mine[1:]
        rows.append(row)
    return rows


def texts() -> dict[str, str]:
    """Texts every filter row repeats, translated once per page (the labels with a
    ``%(field)s`` are formatted by the template)."""
    return {"any": _("Any"), "anyone": _("Anyone"), "yes": _("Yes"), "no": _("No"),
            "condition": _("Condition on %(field)s"), "value": _("Value of %(field)s")}


def is_main(row: FilterRow) -> bool:
    return row.field.key in MAIN_KEYS


def active_count(rows: list[FilterRow]) -> int:
    return sum(1 for row in rows if row.active and not is_main(row))

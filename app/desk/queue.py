"""The queue's state lives in its query string: filters, text, sort, columns, page.

Filters use the names ``parse_filters`` reads (``key=value`` with the field's
default operator, ``key__op=value`` otherwise, comma-separated lists); every
other parameter starts with ``_``, which no field key can, so a control never
shadows a field. The filter form, which works without JavaScript, sends an
operator per field as ``key.op`` and one parameter per checked item; the page
redirects such a query to its canonical form, which is what links, saved
views and the CSV export carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from flask_babel import gettext as _

from app.fields.schema import FieldDef, Schema
from app.tickets.queries import META_SORTS, Sort, TicketQuery, parse_filters

LIST_OPS = ("in", "not_in", "any", "all")
VALUELESS_OPS = ("empty", "not_empty")
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_SIZE = 25
DEFAULT_SORT = Sort("request_date", True)
MAX_TEXT = 200
#: Built-in columns shown when the view does not choose its own, after number and title.
DEFAULT_BUILTIN_COLUMNS = ("status", "priority", "company", "requester", "assignee",
                           "request_date")
#: Types whose values are too long or not printable in a table cell by default.
NOT_DEFAULT_COLUMN_TYPES = frozenset({"long_text", "attachment"})


def default_op(field_def: FieldDef) -> str:
    """The operator ``parse_filters`` assumes when the name gives none."""
    operators = field_def.type.operators
    for op in ("in", "any", "is"):
        if op in operators:
            return op
    return "eq"


def default_columns(schema: Schema) -> tuple[str, ...]:
    builtin = [key for key in DEFAULT_BUILTIN_COLUMNS
               if key in schema.by_key and not schema.by_key[key].archived]
    custom = [f.key for f in schema.active_fields
              if not f.builtin and f.type_name not in NOT_DEFAULT_COLUMN_TYPES]
    return tuple(builtin + custom)


def column_fields(schema: Schema) -> list[FieldDef]:
    """Fields a view may show as columns (the number and the title always come first):
    the active ones, then the archived ones, whose values staff still read and export."""
    fields = [f for f in schema.fields if f.key != "title"]
    return [f for f in fields if not f.archived] + [f for f in fields if f.archived]


@dataclass(frozen=True)
class ColumnChoice:
    """A column the view form offers, with the label it prints."""

    key: str
    label: str


def column_choices(schema: Schema) -> list[ColumnChoice]:
    """The columns the view form offers; an archived field's label says so."""
    return [
        ColumnChoice(f.key, _("%(label)s (archived)", label=str(f.label)) if f.archived
                     else str(f.label))
        for f in column_fields(schema)
    ]


@dataclass(frozen=True)
class QueueState:
    """What one queue page shows, read from (and written back to) its query string."""

    #: Canonical filter parameters, in the order they came.
    filters: tuple[tuple[str, str], ...] = ()
    text: str = ""
    sort: Sort = DEFAULT_SORT
    size: int = DEFAULT_SIZE
    #: Columns chosen by the view; empty means the default columns.
    columns: tuple[str, ...] = ()
    cursor: str | None = None

    def pairs(self, *, cursor: bool = True) -> list[tuple[str, str]]:
        """The canonical query as (name, value) pairs."""
        result = list(self.filters)
        if self.text:
            result.append(("_q", self.text))
        if self.sort != DEFAULT_SORT:
            result.append(("_sort", sort_param(self.sort)))
        if self.size != DEFAULT_SIZE:
            result.append(("_size", str(self.size)))
        if self.columns:
            result.append(("_cols", ",".join(self.columns)))
        if cursor and self.cursor:
            result.append(("_after", self.cursor))
        return result

    def query_string(self, *, cursor: bool = True) -> str:
        return encode(self.pairs(cursor=cursor))

    def at(self, cursor: str | None) -> QueueState:
        """The same view from the page after ``cursor`` (None: the first page)."""
        return replace(self, cursor=cursor)

    def with_filter(self, key: str, value: str | None) -> QueueState:
        """The same view with the filters on ``key`` replaced by ``key=value`` (or
        dropped when ``value`` is None), from its first page."""
        kept = tuple((n, v) for n, v in self.filters if n.partition("__")[0] != key)
        if value is not None:
            kept += ((key, value),)
        return replace(self, filters=kept, cursor=None)

    def sorted_by(self, key: str) -> QueueState:
        """Sorted by ``key``; the same key again flips the direction."""
        descending = not self.sort.descending if self.sort.key == key else key in (
            "request_date", "created", "updated")
        return replace(self, sort=Sort(key, descending), cursor=None)

    def to_query(self, user: Any) -> TicketQuery:
        """The ``TicketQuery`` for ``user`` ("me" in the assignee filter is the user)."""
        pairs = [(name, _me(name, value, user)) for name, value in self.filters]
        return TicketQuery(filters=parse_filters(pairs), text=self.text, sort=self.sort,
                           limit=self.size, cursor=self.cursor)


def _me(name: str, value: str, user: Any) -> str:
    if name.partition("__")[0] != "assignee":
        return value
    return ",".join(str(user.id) if part == "me" else part for part in value.split(","))


def encode(pairs: Iterable[tuple[str, str]]) -> str:
    return urlencode(list(pairs), safe=",")


def sort_param(sort: Sort) -> str:
    return ("-" if sort.descending else "") + sort.key


def _sort(raw: str, direction: str) -> Sort:
    raw = raw.strip()
    if not raw:
        return DEFAULT_SORT
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if direction in ("asc", "desc"):
        descending = direction == "desc"
    return Sort(key, descending)


def _size(raw: str) -> int:
    return int(raw) if raw in {str(size) for size in PAGE_SIZES} else DEFAULT_SIZE


def _filter_name(schema: Schema, key: str, op: str) -> str:
    field_def = schema.by_key.get(key)
    if not op or (field_def is not None and op == default_op(field_def)):
        return key
    return f"{key}__{op}"


def _group(schema: Schema, pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Filter parameters by canonical name, with the operators chosen in the form."""
    chosen = {name[:-3]: value for name, value in pairs if name.endswith(".op") and value}
    grouped: dict[str, list[str]] = {}
    for name, raw in pairs:
        if name.endswith(".op") and raw in VALUELESS_OPS:
            grouped.setdefault(f"{name[:-3]}__{raw}", [])
        if name.startswith("_") or name.endswith(".op"):
            continue
        key, _sep, op = name.partition("__")
        op = op or chosen.get(key, "")
        value = raw.strip()
        if key == "assignee" and value == "none" and op in ("", "in"):
            op, value = "empty", ""
        if op in VALUELESS_OPS:
            grouped.setdefault(f"{key}__{op}", [])
        elif value:
            grouped.setdefault(_filter_name(schema, key, op), []).append(value)
    return grouped


def _canonical_filters(schema: Schema, grouped: dict[str, list[str]]) -> list[tuple[str, str]]:
    result = []
    for name, values in grouped.items():
        key, _sep, op = name.partition("__")
        field_def = schema.by_key.get(key)
        op = op or (default_op(field_def) if field_def else "eq")
        if op in VALUELESS_OPS:
            result.append((name, ""))
        elif op in LIST_OPS:
            parts = (part.strip() for value in values for part in value.split(","))
            result.append((name, ",".join(dict.fromkeys(part for part in parts if part))))
        else:
            result.extend((name, value) for value in values)
    return result


def _columns(schema: Schema, raw: list[str]) -> tuple[str, ...]:
    allowed = {f.key for f in column_fields(schema)}
    chosen = [key for value in raw for key in value.split(",") if key in allowed]
    chosen = list(dict.fromkeys(chosen))
    return () if tuple(chosen) == default_columns(schema) else tuple(chosen)


def read_state(schema: Schema, args: Any) -> QueueState:
    """The queue state of a request's arguments (a MultiDict), in canonical form."""
    pairs = list(args.items(multi=True))
    filters = _canonical_filters(schema, _group(schema, pairs))
    return QueueState(
        filters=tuple(filters),
        text=args.get("_q", "").strip()[:MAX_TEXT],
        sort=_sort(args.get("_sort", ""), args.get("_dir", "")),
        size=_size(args.get("_size", "")),
        columns=_columns(schema, args.getlist("_cols")),
        cursor=args.get("_after") or None,
    )


def shown_columns(schema: Schema, state: QueueState) -> list[FieldDef]:
    keys = state.columns or default_columns(schema)
    return [schema.by_key[key] for key in keys if key in schema.by_key]


def sortable_keys(schema: Schema) -> list[str]:
    """Keys a view may sort by: the ticket's number, creation and update, sortable fields."""
    return [*META_SORTS, *(f.key for f in schema.fields if f.type.sortable and not f.archived)]


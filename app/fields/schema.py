"""An immutable snapshot of the Ticket Fields table, cached per schema revision.

Everything that renders or enforces fields (the gate, forms, the write path,
queries, the API, exports) reads this snapshot rather than the ORM rows, so a
page never sees half of a schema change and nothing is rebuilt per request.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.database import transaction_memo
from app.extensions import db

if TYPE_CHECKING:
    from app.fields.types.base import FieldType


#: The key of the pseudo-list the status field chooses from.
STATUS_LIST_KEY = "_statuses"


class Visibility(enum.StrEnum):
    HIDDEN = "hidden"
    READ = "read"
    WRITE = "write"


class Stage(enum.StrEnum):
    CREATE = "create"
    OPEN = "open"
    CLOSED = "closed"


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


@dataclass(frozen=True)
class Localised:
    """A text the owner wrote in English and Italian; Italian falls back to English."""

    en: str
    it: str = ""

    def get(self, language: str) -> str:
        return self.it if language == "it" and self.it else self.en

    def __str__(self) -> str:
        return self.get(current_language())

    def __bool__(self) -> bool:
        return bool(self.en or self.it)


def _member(value: Any, allowed: frozenset) -> bool:
    """``value in allowed``, false for values that cannot be in a set at all (a list
    or an object sent where one value belongs, not yet refused by validation)."""
    try:
        return value in allowed
    except TypeError:
        return False


@dataclass(frozen=True, eq=False)
class ItemDef:
    key: str
    label: Localised
    colour: str
    active: bool
    position: int
    parent_keys: frozenset[str]

    def offered_under(self, parent: Any) -> bool:
        """Whether a cascading item is offered when the parent field holds ``parent``."""
        return not self.parent_keys or _member(parent, self.parent_keys)


@dataclass(frozen=True, eq=False)
class ListDef:
    id: int
    key: str
    name: Localised
    items: tuple[ItemDef, ...]

    @property
    def by_key(self) -> Mapping[str, ItemDef]:
        return {item.key: item for item in self.items}

    @property
    def active_items(self) -> tuple[ItemDef, ...]:
        return tuple(item for item in self.items if item.active)


@dataclass(frozen=True)
class Condition:
    """Shown only while the field ``field`` holds one of ``values`` (JSON form)."""

    field: str
    values: frozenset

    def holds(self, values: Mapping[str, Any]) -> bool:
        current = values.get(self.field)
        if isinstance(current, list | tuple):
            return any(_member(item, self.values) for item in current)
        return _member(current, self.values)


@dataclass(frozen=True, eq=False)
class FieldDef:
    id: int
    key: str
    type: FieldType
    builtin: bool
    label: Localised
    help: Localised
    placeholder: Localised
    list: ListDef | None
    default: Any
    required: bool
    settings: Mapping[str, Any]
    customer_visibility: Visibility
    customer_edit: frozenset[Stage]
    required_to_close: bool
    show_in_customer_list: bool
    filterable: bool
    condition: Condition | None
    cascade_from: str | None
    position: int
    archived: bool

    @property
    def type_name(self) -> str:
        return self.type.name

    def setting(self, name: str, default: Any = None) -> Any:
        value = self.settings.get(name)
        return default if value in (None, "") else value


@dataclass(frozen=True, eq=False)
class StatusDef:
    id: int
    key: str
    name: Localised
    category: str
    colour: str
    position: int
    active: bool

    @property
    def is_closed(self) -> bool:
        return self.category == "closed"


@dataclass(frozen=True, eq=False)
class Schema:
    revision: str
    version: int
    fields: tuple[FieldDef, ...]
    lists: Mapping[str, ListDef]
    statuses: tuple[StatusDef, ...]
    by_key: Mapping[str, FieldDef] = field(init=False)
    by_id: Mapping[int, FieldDef] = field(init=False)
    _status_by_key: Mapping[str, StatusDef] = field(init=False, repr=False)
    _status_by_id: Mapping[int, StatusDef] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", MappingProxyType({f.key: f for f in self.fields}))
        object.__setattr__(self, "by_id", MappingProxyType({f.id: f for f in self.fields}))
        object.__setattr__(self, "_status_by_key", {s.key: s for s in self.statuses})
        object.__setattr__(self, "_status_by_id", {s.id: s for s in self.statuses})

    @property
    def active_fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if not f.archived)

    def status(self, key: str) -> StatusDef | None:
        return self._status_by_key.get(key)

    def status_by_id(self, status_id: int) -> StatusDef | None:
        return self._status_by_id.get(status_id)

    @property
    def initial_status(self) -> StatusDef:
        """The first active status of category "new" (else the first active one)."""
        active = [s for s in self.statuses if s.active]
        return next((s for s in active if s.category == "new"), active[0])


def _localised(row: Any, name: str) -> Localised:
    return Localised(getattr(row, f"{name}_en") or "", getattr(row, f"{name}_it") or "")


def build_schema(revision: str, version: int, types: Mapping[str, FieldType]) -> Schema:
    from app.fields.models import Field, FieldList
    from app.tickets.models import Status

    lists = {}
    for row in db.session.scalars(select(FieldList).options(selectinload(FieldList.items))):
        items = tuple(
            ItemDef(item.key, _localised(item, "label"), item.colour or "", item.active,
                    item.position, frozenset(item.parent_keys or ()))
            for item in row.items
        )
        lists[row.key] = ListDef(row.id, row.key, _localised(row, "name"), items)
    list_by_id = {entry.id: entry for entry in lists.values()}
    statuses = tuple(
        StatusDef(s.id, s.key, _localised(s, "name"), s.category, s.colour or "", s.position,
                  s.active)
        for s in db.session.scalars(select(Status).order_by(Status.position, Status.id))
    )
    # The status field chooses among statuses the way a dropdown chooses among items.
    status_list = ListDef(0, STATUS_LIST_KEY, Localised("Statuses", "Stati"), tuple(
        ItemDef(s.key, s.name, s.colour, s.active, s.position, frozenset()) for s in statuses
    ))
    fields = []
    for row in db.session.scalars(select(Field).order_by(Field.position, Field.id)):
        if row.type not in types:
            raise LookupError(
                f"Field {row.key!r} has type {row.type!r}, which no installed plugin provides."
            )
        condition = None
        if row.condition:
            condition = Condition(row.condition["field"], frozenset(row.condition["values"]))
        edit = {Stage.CREATE: row.customer_edit_create, Stage.OPEN: row.customer_edit_open,
                Stage.CLOSED: row.customer_edit_closed}
        fields.append(FieldDef(
            id=row.id, key=row.key, type=types[row.type], builtin=row.builtin,
            label=_localised(row, "label"), help=_localised(row, "help"),
            placeholder=_localised(row, "placeholder"),
            list=status_list if row.type == "status" else list_by_id.get(row.list_id),
            default=row.default, required=row.required,
            settings=MappingProxyType(dict(row.settings or {})),
            customer_visibility=Visibility(row.customer_visibility),
            customer_edit=frozenset(stage for stage, on in edit.items() if on),
            required_to_close=row.required_to_close,
            show_in_customer_list=row.show_in_customer_list, filterable=row.filterable,
            condition=condition, cascade_from=row.cascade_from, position=row.position,
            archived=row.archived_at is not None,
        ))
    return Schema(revision, version, tuple(fields), MappingProxyType(lists), statuses)


_REVISION_SQL = "SELECT revision, version FROM schema_state WHERE id = 1"
#: The transaction memo's key for the revision read (app.database.transaction_memo).
_SEEN_REVISION = "schema_revision"


def forget_revision() -> None:
    """Make the next :func:`current_schema` of this transaction read the revision again
    (the schema write path calls it when it gives the schema a new one)."""
    transaction_memo().pop(_SEEN_REVISION, None)


class SchemaCache:
    """Per-application cache of the snapshot, checked against the database revision.

    The revision lives in the database, so a change made by another process
    (another worker, another host) is seen on the next read.
    """

    def __init__(self) -> None:
        self._schema: Schema | None = None
        self._lock = threading.Lock()
        #: Values derived from a schema (form classes, validators), dropped with it.
        self.derived: dict[Any, Any] = {}

    def get(self) -> Schema:
        """The snapshot of the revision the database holds, read once per transaction:
        a request (or a write) works with one schema from start to end."""
        from app.fields.types.registry import get_registry

        session = db.session()
        memo = transaction_memo(session)
        schema = self._schema
        if schema is not None and memo.get(_SEEN_REVISION) == schema.revision:
            return schema
        # Plain SQL on the session's connection: every request asks this, so it skips
        # even SQLAlchemy's statement compilation.
        state = session.connection().exec_driver_sql(_REVISION_SQL).one()
        memo[_SEEN_REVISION] = state.revision
        if schema is not None and schema.revision == state.revision:
            return schema
        built = build_schema(state.revision, state.version, get_registry())
        with self._lock:
            self._schema = built
            self.derived = {}
        return built

    def derive(self, schema: Schema, key: Any, build) -> Any:
        """A value computed once per schema revision, e.g. a compiled form class."""
        cache_key = (schema.revision, key)
        try:
            return self.derived[cache_key]
        except KeyError:
            value = build()
            self.derived[cache_key] = value
            return value


def schema_cache() -> SchemaCache:
    return current_app.extensions["sportello.schema"]


def current_schema() -> Schema:
    """The schema as the database holds it now (one small query when cached)."""
    return schema_cache().get()

"""Finding tickets: who may see which, filters on any field, sorting, keyset pages.

Filters and sorts address fields by key, built-in and custom alike, with the
operators of each field's type. Custom values are matched through EXISTS on
the typed value table (indexed by field and value), so a filter or a sort on
any field stays fast at a million tickets. Pages are cut by keyset (the last
row's sort value and id), never by OFFSET.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import aliased

from app.extensions import db
from app.fields.gate import Viewer, permission
from app.fields.schema import FieldDef, Schema, Stage, current_schema
from app.fields.types.base import Storage
from app.kept import Kept
from app.tickets import search
from app.tickets.lookups import as_id
from app.tickets.models import Ticket, TicketValue
from app.tickets.values import BUILTIN_COLUMNS, load_values_many

#: Sort keys that are not fields.
META_SORTS = {"number": Ticket.id, "created": Ticket.created_at, "updated": Ticket.updated_at}
MAX_PAGE = 100


class QueryError(ValueError):
    """A filter or sort the caller may not use, or cannot be understood."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


@dataclass(frozen=True)
class Filter:
    key: str
    op: str
    #: The operand in JSON form: one value, or a list for in/not_in/any/all.
    value: Any = None


@dataclass(frozen=True)
class Sort:
    key: str = "request_date"
    descending: bool = True


@dataclass(frozen=True)
class TicketQuery:
    filters: tuple[Filter, ...] = ()
    text: str = ""
    sort: Sort = Sort()
    limit: int = 25
    cursor: str | None = None


@dataclass
class Page:
    """A page of tickets. The tickets are read-only rows with the ticket table's
    columns as attributes (``id``, ``number``, ``status_id``, ``company_id``...), not
    ORM objects: a page builds none."""

    tickets: list[Any]
    values: dict[int, dict[str, Any]]
    next_cursor: str | None
    schema: Schema = field(repr=False, default=None)


# -- who sees what ---------------------------------------------------------------

def visible_to(user: Any, schema: Schema) -> ColumnElement[bool]:
    """The tickets ``user`` may see: staff all; a customer their company's tickets
    they requested or are named on (in a field they may see), or all of them when a
    company manager."""
    if user.is_staff:
        return true()
    if user.company_id is None:
        return false()
    own = Ticket.company_id == user.company_id
    if user.is_company_manager:
        return own
    # Only a field the person may see names them: a staff-only one must not show them
    # a ticket they would otherwise not know of.
    viewer = Viewer.of(user)
    person_fields = [f.id for f in schema.fields if f.type_name == "person" and not f.builtin
                     and permission(viewer, f, Stage.OPEN).visible]
    named = [Ticket.requester_id == user.id, Ticket.notify_person_id == user.id]
    if person_fields:
        named.append(exists().where(
            TicketValue.ticket_id == Ticket.id,
            TicketValue.field_id.in_(person_fields),
            TicketValue.number == float(user.id),
        ))
    return and_(own, or_(*named))


def get_visible_ticket(user: Any, number: str) -> Ticket | None:
    """The ticket numbered ``number`` if ``user`` may see it (else None: a 404)."""
    schema = current_schema()
    return db.session.scalar(
        select(Ticket).where(Ticket.number == number, visible_to(user, schema))
    )


# -- filters ---------------------------------------------------------------------

def _field_for(schema: Schema, viewer: Viewer, key: str, purpose: str) -> FieldDef:
    field_def = schema.by_key.get(key)
    if field_def is None or not permission(viewer, field_def, Stage.OPEN).visible:
        raise QueryError(_("Unknown field: %(key)s.", key=key), {key: _("Unknown field.")})
    if purpose == "filter" and not (field_def.filterable or viewer.is_staff):
        raise QueryError(_("%(field)s cannot be filtered.", field=str(field_def.label)),
                         {key: _("This field cannot be filtered.")})
    return field_def


def _operand(field_def: FieldDef, value: Any) -> Any:
    """A JSON operand as stored (a date as a datetime, a number as a double...)."""
    if field_def.builtin:
        return value
    return field_def.type.to_scalar(field_def, value)


def _builtin_column(field_def: FieldDef):
    return getattr(Ticket, BUILTIN_COLUMNS[field_def.key][0])


#: Built-in fields whose column holds a row id.
_ID_COLUMNS = frozenset({"company", "requester", "notify_person", "assignee"})


def _builtin_operand(schema: Schema, field_def: FieldDef, value: Any) -> Any:
    if field_def.key in _ID_COLUMNS and as_id(value) is None:
        raise ValueError(value)  # a database would refuse it, or worse, overflow
    _column, to_column, _from = BUILTIN_COLUMNS[field_def.key]
    return to_column(schema, value)


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _compare(column, op: str, operand: Any):
    if op == "eq":
        return column == operand
    if op == "ne":
        return column != operand
    if op == "lt":
        return column < operand
    if op == "lte":
        return column <= operand
    if op == "gt":
        return column > operand
    if op == "gte":
        return column >= operand
    if op == "contains":
        escaped = str(operand).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return column.ilike(f"%{escaped}%", escape="\\")
    raise QueryError(_("Unknown operator: %(op)s.", op=op))


def _condition(schema: Schema, field_def: FieldDef, flt: Filter,
               unindexed: frozenset[str] = frozenset()) -> ColumnElement[bool]:
    op = flt.op
    if op not in field_def.type.operators:
        raise QueryError(
            _("%(field)s cannot be filtered with %(op)s.", field=str(field_def.label), op=op),
            {field_def.key: _("Operator not available for this field.")},
        )
    try:
        if field_def.builtin:
            return _builtin_condition(schema, field_def, op, flt.value,
                                      field_def.key in unindexed)
        return _custom_condition(field_def, op, flt.value)
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
        raise QueryError(
            _("%(field)s: the filter value is not valid.", field=str(field_def.label)),
            {field_def.key: _("Not a valid value for this field.")},
        ) from None


def _builtin_condition(schema, field_def, op, value, unindexed: bool) -> ColumnElement[bool]:
    column = _builtin_column(field_def)
    if unindexed:
        # "column + 0" keeps SQLite's planner off this column's index; see find_tickets.
        column = column + 0
    if op == "empty":
        return column.is_(None) if field_def.key != "description" else column == ""
    if op == "not_empty":
        return column.is_not(None) if field_def.key != "description" else column != ""
    if op in ("in", "not_in"):
        operands = [_builtin_operand(schema, field_def, v) for v in _as_list(value)]
        condition = column.in_(operands)
        return condition if op == "in" else or_(column.is_(None), not_(condition))
    if op == "contains":
        return _compare(column, op, value)
    return _compare(column, op, _builtin_operand(schema, field_def, value))


def _custom_condition(field_def: FieldDef, op: str, value: Any) -> ColumnElement[bool]:
    column = getattr(TicketValue, field_def.type.storage.value)
    has = exists().where(TicketValue.ticket_id == Ticket.id,
                         TicketValue.field_id == field_def.id)
    if op == "empty":
        return not_(has)
    if op in ("not_empty",):
        return has
    if op == "is":
        return has if value else not_(has)
    if op in ("in", "any"):
        return has.where(column.in_([_operand(field_def, v) for v in _as_list(value)]))
    if op == "not_in":
        return not_(has.where(column.in_([_operand(field_def, v) for v in _as_list(value)])))
    if op == "all":
        return and_(*[has.where(column == _operand(field_def, v)) for v in _as_list(value)])
    if op == "ne":
        return not_(has.where(column == _operand(field_def, value)))
    if op == "contains":
        return has.where(_compare(column, op, value))
    return has.where(_compare(column, op, _operand(field_def, value)))


# -- sorting and pages -------------------------------------------------------------

@dataclass(frozen=True)
class _SortPlan:
    expression: Any
    join_field: FieldDef | None
    nullable: bool
    descending: bool


def _sort_plan(schema: Schema, viewer: Viewer, sort: Sort) -> _SortPlan:
    if sort.key in META_SORTS:
        return _SortPlan(META_SORTS[sort.key], None, False, sort.descending)
    field_def = _field_for(schema, viewer, sort.key, "sort")
    if not field_def.type.sortable:
        raise QueryError(_("%(field)s cannot be sorted.", field=str(field_def.label)),
                         {sort.key: _("This field cannot be sorted.")})
    if field_def.builtin:
        column = _builtin_column(field_def)
        if field_def.list is not None:  # dropdowns and the status sort in list order
            column = case(_positions(schema, field_def), value=column, else_=literal(9999))
        nullable = field_def.key in ("priority", "assignee", "notify_person")
        return _SortPlan(column, None, nullable, sort.descending)
    return _SortPlan(None, field_def, True, sort.descending)


def _positions(schema: Schema, field_def: FieldDef) -> dict:
    if field_def.key == "status":
        return {s.id: s.position for s in schema.statuses}
    return {item.key: n for n, item in enumerate(field_def.list.items)}


def _encode(phase: int, value: Any, ticket_id: int) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps({"p": phase, "v": value, "id": ticket_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        value = data["v"]
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["dt"])
        return int(data["p"]), value, int(data["id"])
    except (ValueError, KeyError, TypeError):
        raise QueryError(_("This page link is not valid any more; start from the first page."),
                         {"cursor": _("Not a valid cursor.")}) from None


def _after(key_expression, ticket_id, descending: bool, value: Any, last_id: int):
    if descending:
        return tuple_(key_expression, ticket_id) < tuple_(value, last_id)
    return tuple_(key_expression, ticket_id) > tuple_(value, last_id)


def _phase_statement(base: Select, plan: _SortPlan, phase: int, cursor) -> tuple[Select, Any]:
    """Phase 1: tickets with a sort value, by (value, id); phase 2: the others, by id."""
    tie = Ticket.id
    if plan.join_field is not None:
        sort_value = aliased(TicketValue)
        column = getattr(sort_value, plan.join_field.type.storage.value)
        if phase == 1:
            # No "column IS NOT NULL": a value row of this field always fills its column,
            # and PostgreSQL, taking the two conditions as independent, would expect
            # a fraction of the rows and pick a plan that sorts them all.
            statement = base.add_columns(column.label("sort_value")).join(sort_value, and_(
                sort_value.ticket_id == Ticket.id, sort_value.field_id == plan.join_field.id,
            ))
            expression = column
            # The value index ends with ticket_id: ordering by it (equal to Ticket.id)
            # lets the index give the whole order, ties included.
            tie = sort_value.ticket_id
        else:
            statement = base.add_columns(literal(None).label("sort_value")).where(~exists().where(
                TicketValue.ticket_id == Ticket.id, TicketValue.field_id == plan.join_field.id
            ))
            expression = None
    else:
        expression = plan.expression
        if phase == 1:
            statement = base.add_columns(expression.label("sort_value"))
            if plan.nullable:
                statement = statement.where(expression.is_not(None))
        else:
            statement = base.add_columns(literal(None).label("sort_value")).where(
                expression.is_(None))
            expression = None
    order_tie = tie.desc() if plan.descending else tie.asc()
    if cursor is not None:
        _phase, value, last_id = cursor
        if expression is not None:
            statement = statement.where(_after(expression, tie, plan.descending,
                                               value, last_id))
        else:
            statement = statement.where(Ticket.id < last_id if plan.descending
                                        else Ticket.id > last_id)
    if expression is not None:
        statement = statement.order_by(
            expression.desc() if plan.descending else expression.asc(), order_tie
        )
    else:
        statement = statement.order_by(order_tie)
    return statement, expression


def base_statement(user: Any, schema: Schema, query: TicketQuery,
                   unindexed: frozenset[str] = frozenset()) -> Select:
    """Tickets ``user`` may see that match the query's filters and text (the ticket
    table's columns)."""
    viewer = Viewer.of(user)
    statement = select(*Ticket.__table__.c).where(visible_to(user, schema))
    for flt in query.filters:
        statement = statement.where(
            _condition(schema, _field_for(schema, viewer, flt.key, "filter"), flt, unindexed)
        )
    if query.text.strip():
        matching = search.matching_ticket_ids(db.session, query.text, viewer.is_staff)
        if matching is not None:
            statement = statement.where(Ticket.id.in_(matching))
    return statement


#: Built-in filters whose index SQLite may be kept from choosing (see below).
WALK_SORT_INDEX = frozenset({"status", "priority"})
#: Above this many tickets, a status or priority filter is cheaper checked per row.
MANY = 50_000


def _many_match_columns(schema: Schema, viewer: Viewer, query: TicketQuery) -> bool:
    """Whether SQLite should walk the sort value's index rather than the status index.

    Sorting by a custom value, a page is found fastest by walking that value's
    index and checking each ticket, unless the status or priority filter leaves
    few tickets: then reading those few and sorting them is cheaper. SQLite
    cannot tell the two apart (it keeps no statistics per value), so we count,
    stopping at ``MANY`` (an index-only count, well under a millisecond).
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return False
    conditions = [
        _condition(schema, schema.by_key[flt.key], flt)
        for flt in query.filters if flt.key in WALK_SORT_INDEX and flt.key in schema.by_key
    ]
    if not conditions:
        return False
    sample = select(Ticket.id).where(*conditions).limit(MANY).subquery()
    return db.session.scalar(select(func.count()).select_from(sample)) >= MANY


#: Statements of the first pages of staff's recent views: building one costs more than
#: running it, and agents ask for the same views again and again.
_STATEMENTS: Kept[list[tuple[int, Select]]] = Kept(256)


def _page_statements(user: Any, schema: Schema, query: TicketQuery, plan: _SortPlan,
                     unindexed: frozenset[str], cursor: tuple | None) -> list[tuple[int, Select]]:
    """The statement of each phase a page may need, by phase, with its ``page_limit``."""
    base = base_statement(user, schema, query, unindexed)
    statements = []
    for phase in (1, 2) if plan.nullable else (1,):
        if cursor is not None and cursor[0] > phase:
            continue
        statement, _expression = _phase_statement(
            base, plan, phase, cursor if cursor and cursor[0] == phase else None
        )
        statements.append((phase, statement.limit(bindparam("page_limit", type_=Integer))))
    return statements


def find_tickets(user: Any, query: TicketQuery) -> Page:
    """One page of tickets for ``user``, with their values (JSON form)."""
    schema = current_schema()
    viewer = Viewer.of(user)
    limit = max(1, min(int(query.limit), MAX_PAGE))
    plan = _sort_plan(schema, viewer, query.sort)
    unindexed: frozenset[str] = frozenset()
    if plan.join_field is not None and _many_match_columns(schema, viewer, query):
        unindexed = WALK_SORT_INDEX
    cursor = _decode(query.cursor) if query.cursor else None

    def build() -> list[tuple[int, Select]]:
        return _page_statements(user, schema, query, plan, unindexed, cursor)

    # First pages only: later ones are seldom asked twice (an export walks hundreds),
    # and a text search matches ids first.
    if viewer.is_staff and cursor is None and not query.text.strip():
        statements = _STATEMENTS.get((schema.revision, viewer.role, repr(query.filters),
                                      query.sort, unindexed), build)
    else:
        statements = build()
    connection = db.session.connection()
    rows: list[tuple[Any, int]] = []
    for phase, statement in statements:
        found = connection.execute(statement, {"page_limit": limit + 1 - len(rows)})
        rows.extend((row, phase) for row in found)
        if len(rows) > limit:
            break
    more = len(rows) > limit
    tickets = [row for row, _phase in rows[:limit]]
    next_cursor = None
    if more and tickets:
        last = tickets[-1]
        next_cursor = _encode(rows[limit - 1][1], last.sort_value, last.id)
    return Page(tickets, load_values_many(schema, tickets), next_cursor, schema)


def count_by_status(user: Any, query: TicketQuery) -> dict[str, int]:
    """How many tickets match per status (filters on the status itself ignored)."""
    schema = current_schema()
    without_status = TicketQuery(
        filters=tuple(f for f in query.filters if f.key != "status"), text=query.text
    )
    statement = base_statement(user, schema, without_status).with_only_columns(
        Ticket.status_id, func.count()
    ).group_by(Ticket.status_id)
    counts = dict(db.session.execute(statement).all())
    return {s.key: counts.get(s.id, 0) for s in schema.statuses}


def parse_filters(pairs: Sequence[tuple[str, str]]) -> tuple[Filter, ...]:
    """Filters from query-string pairs: ``key=value`` (``in`` for list fields, ``eq``
    otherwise), ``key__op=value``; comma-separated values for list operators."""
    schema = current_schema()
    filters = []
    for name, raw in pairs:
        key, _sep, op = name.partition("__")
        field_def = schema.by_key.get(key)
        if field_def is None:
            raise QueryError(_("Unknown field: %(key)s.", key=key), {key: _("Unknown field.")})
        operators = field_def.type.operators
        op = op or ("in" if "in" in operators else "any" if "any" in operators
                    else "is" if "is" in operators else "eq")
        value: Any = raw
        if op in ("in", "not_in", "any", "all"):
            value = [part for part in raw.split(",") if part]
            value = [_typed(field_def, part) for part in value]
        elif op == "is":
            value = raw.lower() in ("1", "true", "yes", "on")
        elif op not in ("empty", "not_empty"):
            value = _typed(field_def, raw)
        filters.append(Filter(key, op, value))
    return tuple(filters)


def _typed(field_def: FieldDef, raw: str) -> Any:
    """A query-string text as the field's JSON value (numbers and ids as numbers)."""
    if field_def.type.storage is Storage.NUMBER or field_def.type_name in ("company", "agent"):
        try:
            number = float(raw)
        except ValueError:
            raise QueryError(_("%(field)s: the filter value is not valid.",
                               field=str(field_def.label)),
                             {field_def.key: _("Not a valid value for this field.")}) from None
        return int(number) if number.is_integer() else number
    return raw

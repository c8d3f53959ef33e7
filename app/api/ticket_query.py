"""A ticket list's query string as a ``TicketQuery``.

``?status=new,in_progress&fields.product_family=software&fields.impact__in=team,company
&q=printer&sort=-created&limit=50&cursor=...``: built-in fields by key, custom
fields as ``fields.<key>``, an operator after ``__`` (the field type's
operators), comma-separated values for list operators. A customer cannot
filter or sort by a field they may not see: it is unknown to them.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from app.api.errors import invalid
from app.api.pagination import fingerprint, limit_arg, unsign
from app.api.ticket_json import ID_TYPES, id_fits, instant_fits
from app.fields.gate import Viewer, permission
from app.fields.schema import FieldDef, Schema, Stage
from app.tickets.queries import META_SORTS, Filter, Sort, TicketQuery, parse_filters

RESERVED_ARGS = frozenset({"q", "sort", "limit", "cursor"})
CUSTOM_PREFIX = "fields."
DEFAULT_SORT = "-created"


def _known(schema: Schema, viewer: Viewer, key: str, custom: bool) -> bool:
    field = schema.by_key.get(key)
    return (field is not None and field.builtin is not custom
            and any(permission(viewer, field, stage).visible for stage in Stage))


def _split(name: str) -> tuple[str, bool]:
    if name.startswith(CUSTOM_PREFIX):
        return name[len(CUSTOM_PREFIX):], True
    return name, False


def _operand_fits(field: FieldDef, value: Any) -> bool:
    if field.type_name in ID_TYPES:
        return id_fits(value)
    if field.type_name == "datetime" and isinstance(value, str):
        return instant_fits(value)
    return True


def check_operands(schema: Schema, filters: tuple[Filter, ...]) -> None:
    """Refuse operands the database cannot compare (an id beyond 32 bits, an instant
    before year 1 in UTC) with 422, before they reach a query."""
    errors = {}
    for flt in filters:
        field = schema.by_key[flt.key]
        operands = flt.value if isinstance(flt.value, list | tuple) else [flt.value]
        if flt.op not in ("empty", "not_empty", "is") and not all(
            _operand_fits(field, operand) for operand in operands
        ):
            errors[flt.key] = _("Not a valid value for this field.")
    if errors:
        raise invalid(errors)


def parse_sort(schema: Schema, viewer: Viewer, raw: str) -> Sort:
    descending = raw.startswith("-")
    key, custom = _split(raw.lstrip("-"))
    if not (key in META_SORTS and not custom) and not _known(schema, viewer, key, custom):
        raise invalid({"sort": _("Sort by created, updated, number, a built-in field or "
                                 "fields.<key>, with - for descending order.")})
    return Sort(key, descending)


def ticket_query(schema: Schema, viewer: Viewer) -> tuple[TicketQuery, str]:
    """The query of this request, and the fingerprint its cursors are bound to."""
    pairs, unknown = [], {}
    for name, raw in request.args.items(multi=True):
        if name in RESERVED_ARGS:
            continue
        key, custom = _split(name)
        if _known(schema, viewer, key.partition("__")[0], custom):
            pairs.append((key, raw))
        else:
            unknown[name] = _("Unknown filter.")
    if unknown:
        raise invalid(unknown, _("Filter by built-in fields or by fields.<key>."))
    filters = parse_filters(pairs)
    check_operands(schema, filters)
    sort = parse_sort(schema, viewer, request.args.get("sort") or DEFAULT_SORT)
    text = request.args.get("q", "")
    limit = limit_arg()
    query_id = fingerprint(sorted(pairs), sort.key, sort.descending, text)
    position = None
    if request.args.get("cursor"):
        position = unsign(request.args["cursor"], query_id)
        if not isinstance(position, str):
            raise invalid({"cursor": _("Not a valid cursor.")})
    return TicketQuery(filters, text, sort, limit, position), query_id

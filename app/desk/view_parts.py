"""The parts of a queue page that depend on the view, not on the tickets: the filter
form (filters, sort, page size, columns) and the table's head with its sort links.

They are most of what a queue page prints, and they depend only on the view, the
schema, the names of the directory (the company and staff selects) and the
language. So each process keeps the parts it rendered lately, and an agent going
back to a view, or on to its next page, gets them without rendering them again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import NamedTuple

from flask import render_template, request
from markupsafe import Markup

from app.accounts.directory import directory
from app.desk import filters
from app.desk.queue import PAGE_SIZES, QueueState, column_choices, shown_columns, sortable_keys
from app.fields.schema import Schema

#: How many views' parts each process keeps.
KEPT = 256


class ViewParts(NamedTuple):
    filter_form: Markup
    table_head: Markup


_PARTS: OrderedDict[tuple, ViewParts] = OrderedDict()
_LOCK = threading.Lock()


def _render(schema: Schema, state: QueueState, language: str) -> ViewParts:
    rows = filters.filter_rows(schema, state, language)
    columns = shown_columns(schema, state)
    sort_keys = sortable_keys(schema)
    form = render_template(
        "desk/_queue_filters.html", schema=schema, state=state, columns=columns,
        main_rows=[row for row in rows if filters.is_main(row)],
        more_rows=[row for row in rows if not filters.is_main(row)],
        more_active=filters.active_count(rows), texts=filters.texts(),
        column_choices=column_choices(schema), sort_keys=sort_keys, page_sizes=PAGE_SIZES,
    )
    head = render_template("desk/_queue_head.html", schema=schema, state=state,
                           columns=columns, sort_keys=sort_keys)
    return ViewParts(Markup(form), Markup(head))  # noqa: S704  (autoescaped templates)


def view_parts(schema: Schema, state: QueueState, language: str) -> ViewParts:
    """The filter form and the table head of the view ``state``."""
    key = (schema.revision, directory().revision, language, request.script_root,
           replace(state, cursor=None))
    with _LOCK:
        if key in _PARTS:
            _PARTS.move_to_end(key)
            return _PARTS[key]
    parts = _render(schema, state, language)
    with _LOCK:
        _PARTS[key] = parts
        while len(_PARTS) > KEPT:
            _PARTS.popitem(last=False)
    return parts

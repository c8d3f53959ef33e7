"""The parts of a queue page that depend on the view, not on the tickets: the filter
form (filters, sort, page size, columns), the table's head with its sort links, the
status tabs' links and the export form.

They are most of what a queue page prints, and they depend only on the view, the
schema, the names of the directory (the company and staff selects) and the
language. So each process keeps the parts it rendered lately, and an agent going
back to a view, or on to its next page, gets them without rendering them again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from flask import get_template_attribute, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.accounts.directory import directory
from app.desk import filters
from app.desk.queue import PAGE_SIZES, QueueState, column_choices, shown_columns, sortable_keys
from app.fields.schema import Schema
from app.kept import Kept

#: How many views' parts each process keeps.
KEPT = 256


class StatusTab(NamedTuple):
    """A tab above the queue: the view with another status filter ("" for all)."""

    key: str
    href: str
    label: Markup
    current: bool
    #: Shown even when no ticket has this status (every tab but inactive statuses').
    listed: bool


class ViewParts(NamedTuple):
    filter_form: Markup
    table_head: Markup
    status_tabs: list[StatusTab]
    export_form: Markup
    #: The view's query string without its page (for links and saved views).
    query: str


def _status_tabs(schema: Schema, state: QueueState) -> list[StatusTab]:
    badge = get_template_attribute("desk/_macros.html", "badge")
    current = next((value for name, value in state.filters if name == "status"), "")
    queue_url = url_for("desk.queue")
    everything = state.with_filter("status", None).query_string()
    tabs = [StatusTab("", queue_url + ("?" + everything if everything else ""),
                      escape(_("All")), not current, True)]
    for status in schema.statuses:
        query = state.with_filter("status", status.key).query_string()
        tabs.append(StatusTab(status.key, f"{queue_url}?{query}",
                              badge(status.name, status.colour), current == status.key,
                              status.active))
    return tabs


_PARTS: Kept[ViewParts] = Kept(KEPT)


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
    export = render_template("desk/_queue_export.html", state=state,
                             default_separator=";" if language == "it" else ",")
    return ViewParts(Markup(form), Markup(head),  # noqa: S704  (autoescaped templates)
                     _status_tabs(schema, state), Markup(export),  # noqa: S704
                     state.query_string(cursor=False))


def view_parts(schema: Schema, state: QueueState, language: str) -> ViewParts:
    """The parts of the view ``state`` that do not depend on its tickets."""
    # The queue's own URL stands for where the app is mounted (script root, URL prefix).
    key = (schema.revision, directory().revision, language, url_for("desk.queue"),
           replace(state, cursor=None))
    return _PARTS.get(key, lambda: _render(schema, state, language))

"""The queue: filters, counts per status, saved views, keyset pages, CSV export."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app.desk.counts import status_counts
from app.desk.export import SEPARATORS, export_csv
from app.desk.queue import QueueState, read_state, shown_columns
from app.desk.rows import build_rows, table_rows
from app.desk.saved_views import ViewError, delete_view, list_views, save_view
from app.desk.view_parts import view_parts
from app.desk.views import bp
from app.fields.schema import current_language, current_schema
from app.plugins.badges import ticket_badges
from app.tickets.queries import QueryError, find_tickets
from app.timeutil import utcnow


def _canonical_redirect(state: QueueState, endpoint: str):
    """Send a query written by the filter form to its canonical, shareable form."""
    canonical = state.query_string()
    if request.query_string.decode() != canonical:
        return redirect(url_for(endpoint) + ("?" + canonical if canonical else ""))
    return None


@bp.route("/")
def queue():
    schema = current_schema()
    state = read_state(schema, request.args)
    moved = _canonical_redirect(state, "desk.queue")
    if moved is not None:
        return moved
    language = current_language()
    columns = shown_columns(schema, state)
    error = None
    rows, next_cursor, counts = Markup(), None, {}
    try:
        query = state.to_query(current_user)
        counts = status_counts(current_user, query)
        page = find_tickets(current_user, query)
        next_cursor = page.next_cursor
        rows = table_rows(
            build_rows(current_user, schema, page.tickets, page.values, columns,
                       language=language),
            url_for("desk.ticket", number=""), ticket_badges(current_user, page.tickets))
    except QueryError as problem:
        error = problem.message
    page = render_template(
        "desk/queue.html", schema=schema, state=state, table_rows=rows, columns=columns,
        counts=counts, next_cursor=next_cursor, error=error,
        parts=view_parts(schema, state, language), views=list_views(current_user.id),
    )
    return page, 400 if error else 200


@bp.route("/export.csv")
def export():
    schema = current_schema()
    state = read_state(schema, request.args)
    separator = request.args.get("_sep", ",")
    if separator not in SEPARATORS:
        separator = ","
    try:
        query = state.to_query(current_user)
        lines = export_csv(current_user, schema, query, shown_columns(schema, state),
                           separator, current_language())
        first = next(lines)  # a bad filter fails here, before the response starts
    except QueryError as problem:
        flash(problem.message, "error")
        return redirect(url_for("desk.queue") + "?" + state.query_string(cursor=False))

    def body():
        yield first
        yield from lines

    filename = f"tickets-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(stream_with_context(body()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/views", methods=["POST"])
def save_saved_view():
    schema = current_schema()
    state = replace(read_state(schema, _args_of(request.form.get("query", ""))), cursor=None)
    query = state.query_string()
    try:
        save_view(current_user.id, request.form.get("name", ""), query)
    except ViewError as problem:
        flash(problem.message, "error")
    else:
        flash(_("View saved."), "success")
    return redirect(url_for("desk.queue") + ("?" + query if query else ""))


@bp.route("/views/<int:view_id>/delete", methods=["POST"])
def delete_saved_view(view_id: int):
    if delete_view(current_user.id, view_id):
        flash(_("View deleted."), "success")
    return redirect(url_for("desk.queue"))


def _args_of(query: str) -> MultiDict:
    return MultiDict(parse_qsl(query, keep_blank_values=True))

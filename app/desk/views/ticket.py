"""The staff ticket page: fields, timeline, replies and notes, assignment, status, merge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.accounts.models import User
from app.desk.forms import NOTE_LIMIT, AssignForm, MergeForm, ReplyForm, StatusForm
from app.desk.merge import merge_tickets
from app.desk.views import bp
from app.desk.widgets import fast_selects
from app.extensions import db
from app.fields.forms import build_ticket_form
from app.fields.gate import Viewer, stage_for
from app.fields.layout import cascade_parents, entries
from app.fields.schema import Schema, current_schema
from app.plugins.badges import ticket_badges
from app.reports.panel import panel_for
from app.tickets.display import Names, display_context
from app.tickets.errors import TicketError
from app.tickets.models import Attachment, Ticket
from app.tickets.queries import get_visible_ticket
from app.tickets.service import add_comment, merged_into, update_ticket
from app.tickets.storage import get_storage
from app.tickets.timeline import build_timeline
from app.tickets.values import load_values


@dataclass
class Page:
    """What the ticket page shows, loaded once per request."""

    ticket: Ticket
    schema: Schema
    values: dict[str, Any]
    closed: bool

    @property
    def stage(self):
        return stage_for(self.closed)

    @property
    def version(self) -> str:
        return self.ticket.updated_at.isoformat()


def _load(number: str) -> Page:
    ticket = get_visible_ticket(current_user, number)
    if ticket is None:
        abort(404)
    schema = current_schema()
    values = load_values(schema, ticket)
    return Page(ticket, schema, values, schema.status_by_id(ticket.status_id).is_closed)


def _fields_form(page: Page, *, submitted: bool = False):
    kwargs = {} if submitted else {"formdata": None}
    return fast_selects(build_ticket_form(
        page.schema, Viewer.of(current_user), page.stage, values=page.values,
        company_id=page.values.get("company"), **kwargs,
    ))


def _agent_choices() -> list[SelectChoice]:
    staff = db.session.execute(
        select(User.id, User.name, User.surname)
        .where(User.role.in_(("owner", "agent")), User.active.is_(True))
        .order_by(User.surname, User.name)
    )
    return [SelectChoice("", _("Nobody"))] + [
        SelectChoice(row.id, f"{row.name} {row.surname}".strip()) for row in staff
    ]


def _quick_forms(page: Page, *, assign=None, status=None, reply=None, merge=None) -> dict:
    submitted = {"formdata": None}
    assign = assign or AssignForm(prefix="assign", **submitted,
                                  data={"assignee": page.values.get("assignee")})
    status = status or StatusForm(prefix="status", **submitted,
                                  data={"status": page.values.get("status")})
    assign.assignee.choices = _agent_choices()
    status.status.choices = [SelectChoice(s.key, str(s.name)) for s in page.schema.statuses
                             if s.active or s.key == page.values.get("status")]
    return {
        "assign_form": assign,
        "status_form": status,
        "reply_form": reply or ReplyForm(prefix="reply", **submitted),
        "merge_form": merge or MergeForm(prefix="merge", **submitted),
    }


def _render(page: Page, *, fields_form=None, code: int = 200, **forms):
    schema, ticket = page.schema, page.ticket
    viewer = Viewer.of(current_user)
    fields_form = fields_form or _fields_form(page)
    names = Names(schema).prefetch([page.values])
    context = display_context(names)
    attachments = db.session.scalars(
        select(Attachment).where(Attachment.ticket_id == ticket.id).order_by(Attachment.id)
    ).all()
    requester = db.session.get(User, ticket.requester_id)
    html = render_template(
        "desk/ticket.html",
        page=page, ticket=ticket, schema=schema, values=page.values,
        status=schema.status_by_id(ticket.status_id),
        timeline=build_timeline(current_user, schema, ticket, page.values),
        entries=entries(schema, viewer, page.stage, fields_form, page.values, context),
        cascades=cascade_parents(schema), fields_form=fields_form, names=names,
        attachments=attachments, requester=requester, merged_into=merged_into(ticket),
        note_limit=NOTE_LIMIT, interventions=panel_for(ticket),
        badges=ticket_badges(current_user, [ticket])[ticket.id], **_quick_forms(page, **forms),
    )
    return html, code


def _back(page: Page, anchor: str = ""):
    return redirect(url_for("desk.ticket", number=page.ticket.number) + anchor)


def _saved(changes: dict) -> None:
    if changes:
        flash(_("Saved."), "success")
    else:
        flash(_("Nothing changed."), "info")


@bp.route("/tickets/<number>")
def ticket(number: str):
    return _render(_load(number))


@bp.route("/tickets/<number>/fields", methods=["POST"])
def save_fields(number: str):
    page = _load(number)
    form = _fields_form(page, submitted=True)
    note = request.form.get("note", "").strip()
    if not form.validate_on_submit():
        return _render(page, fields_form=form, code=422)
    if len(note) > NOTE_LIMIT:
        form.form_errors.append(_("The note is too long: at most %(n)s characters.",
                                  n=NOTE_LIMIT))
        return _render(page, fields_form=form, code=422)
    if request.form.get("version") != page.version:
        form.form_errors.append(_(
            "Someone changed this ticket while you were editing it, so nothing was saved. "
            "Check the history, then save your changes again."))
        return _render(page, fields_form=form, code=409)
    try:
        changes = update_ticket(current_user, page.ticket, form.submitted_values(page.schema),
                                form.uploaded_files(), note=note)
    except TicketError as error:
        form.apply_errors(error.fields)
        form.form_errors.append(error.message)
        return _render(page, fields_form=form, code=error.status_code)
    _saved(changes)
    return _back(page)


@bp.route("/tickets/<number>/reply", methods=["POST"])
def reply(number: str):
    page = _load(number)
    form = ReplyForm(prefix="reply")
    internal = request.form.get("visibility") == "internal"
    if not form.validate_on_submit():
        return _render(page, reply=form, code=422)
    try:
        add_comment(current_user, page.ticket, form.body.data or "", internal=internal,
                    files=request.files.getlist(form.attachments.name))
    except TicketError as error:
        for key, message in (error.fields or {"body": error.message}).items():
            target = form.attachments if key == "attachments" else form.body
            target.errors = [*target.errors, message]
        return _render(page, reply=form, code=error.status_code)
    flash(_("Internal note added.") if internal else _("Reply sent."), "success")
    return _back(page, "#reply")


@bp.route("/tickets/<number>/assign", methods=["POST"])
def assign(number: str):
    page = _load(number)
    form = AssignForm(prefix="assign")
    form.assignee.choices = _agent_choices()
    if request.form.get("take"):
        form.assignee.data = current_user.id
    if not form.validate_on_submit():
        return _render(page, assign=form, code=422)
    try:
        changes = update_ticket(current_user, page.ticket, {"assignee": form.assignee.data},
                                note=(form.note.data or "").strip())
    except TicketError as error:
        form.assignee.errors = [*form.assignee.errors, error.fields.get("assignee")
                                or error.message]
        return _render(page, assign=form, code=error.status_code)
    _saved(changes)
    return _back(page)


@bp.route("/tickets/<number>/status", methods=["POST"])
def change_status(number: str):
    page = _load(number)
    form = StatusForm(prefix="status")
    if not form.validate_on_submit():
        return _render(page, status=form, code=422)
    try:
        changes = update_ticket(current_user, page.ticket, {"status": form.status.data},
                                note=(form.note.data or "").strip())
    except TicketError as error:
        form.status.errors = [*form.status.errors, error.message]
        fields_form = _fields_form(page)
        fields_form.apply_errors({k: v for k, v in error.fields.items() if k != "status"})
        if "status" in error.fields:
            form.status.errors.append(error.fields["status"])
        return _render(page, status=form, fields_form=fields_form, code=error.status_code)
    _saved(changes)
    return _back(page)


@bp.route("/tickets/<number>/merge", methods=["POST"])
def merge(number: str):
    page = _load(number)
    form = MergeForm(prefix="merge")
    if not form.validate_on_submit():
        return _render(page, merge=form, code=422)
    try:
        kept = merge_tickets(current_user, page.ticket, form.target.data,
                             (form.note.data or "").strip())
    except TicketError as error:
        form.target.errors = [*form.target.errors, error.message]
        fields_form = _fields_form(page)
        fields_form.apply_errors({k: v for k, v in error.fields.items() if k != "target"})
        return _render(page, merge=form, fields_form=fields_form, code=error.status_code)
    flash(_("Ticket %(duplicate)s was merged into %(kept)s and closed; its requester was told.",
            duplicate=page.ticket.number, kept=kept.number), "success")
    return redirect(url_for("desk.ticket", number=kept.number))


@bp.route("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    row = db.session.get(Attachment, attachment_id)
    if row is None or row.ticket_id is None:
        abort(404)
    try:
        stream = get_storage().open(row.storage_key)
    except (FileNotFoundError, ValueError):
        abort(404)
    return send_file(stream, mimetype=row.content_type, as_attachment=True,
                     download_name=row.filename)

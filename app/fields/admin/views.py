"""The owner's Ticket Fields pages: the table, a field, lists, preview, history, import."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.decorators import owner_required
from app.extensions import db
from app.fields.admin import specs
from app.fields.admin.forms import ActionForm, FieldForm, ImportForm, ListForm
from app.fields.admin.mapping import (
    field_form_data,
    field_spec_from_form,
    list_form_data,
    list_spec_from_form,
    type_choices,
)
from app.fields.changes import SchemaRefused, apply_document, rename_field
from app.fields.document import export_document
from app.fields.forms import build_ticket_form, create_defaults
from app.fields.gate import Viewer
from app.fields.layout import cascade_parents, entries
from app.fields.models import SchemaChange
from app.fields.schema import Stage, current_schema
from app.fields.types.registry import get_registry
from app.tickets.display import Names, display_context

SETTING_NAMES = ("min_length", "max_length", "min_value", "max_value", "decimal_places", "regex",
                 "regex_message_en", "regex_message_it", "allowed_extensions", "max_size_mb",
                 "max_files")

bp = Blueprint("fields_admin", __name__, url_prefix="/admin", template_folder="../templates")


def _apply(document: dict, success: str) -> list[str]:
    """Apply ``document``; flash ``success`` or return the problems to show."""
    try:
        plan = apply_document(current_user.id, document)
    except SchemaRefused as refused:
        return refused.problems
    flash(success if not plan.empty else _("Nothing to change."), "success")
    return []


@bp.route("/fields")
@owner_required
def index():
    document = specs.current_document()
    schema = current_schema()
    rows = [(spec, schema.by_key[spec["key"]]) for spec in document["fields"]]
    return render_template(
        "fields_admin/index.html",
        active=[row for row in rows if not row[0]["archived"]],
        archived=[row for row in rows if row[0]["archived"]],
        action=ActionForm(), version=schema.version,
    )


def _field_page(form: FieldForm, document: dict, spec: dict | None, problems: list[str]):
    registry = get_registry()
    setting_types = {
        name: [t for t, field_type in registry.items() if name in field_type.settings_allowed]
        for name in SETTING_NAMES
    }
    return render_template(
        "fields_admin/field.html", form=form, spec=spec, problems=problems,
        builtin=spec is not None and specs.is_builtin(spec["key"]), lists=document["lists"],
        setting_types=setting_types,
        list_types=[t for t, field_type in registry.items() if field_type.uses_list]
        + (["dropdown"] if spec and spec["key"] == "priority" else []),
    )


@bp.route("/fields/new", methods=["GET", "POST"])
@owner_required
def new_field():
    document = specs.current_document()
    form = FieldForm(data={"type": request.args.get("type", "text")})
    type_choices(form, document, None)
    problems: list[str] = []
    if form.validate_on_submit():
        if specs.field_spec(document, form.key.data):
            form.key.errors.append(_("A field with this key exists already."))
        else:
            spec, errors = field_spec_from_form(form, document, None)
            for name, message in errors.items():
                form[name].errors.append(message)
            if not errors:
                problems = _apply(specs.with_field(document, spec),
                                  _("Field %(key)s added.", key=spec["key"]))
                if not problems:
                    return redirect(url_for(".index"))
    return _field_page(form, document, None, problems)


@bp.route("/fields/<key>", methods=["GET", "POST"])
@owner_required
def edit_field(key: str):
    document = specs.current_document()
    spec = specs.field_spec(document, key)
    if spec is None:
        abort(404)
    form = FieldForm(data=field_form_data(spec) if request.method == "GET" else None)
    type_choices(form, document, spec)
    if specs.is_builtin(key):  # a built-in field's key and type never change
        form.key.data, form.type.data = key, spec["type"]
    problems: list[str] = []
    if form.validate_on_submit():
        new_key = form.key.data
        if new_key != key and specs.field_spec(document, new_key):
            form.key.errors.append(_("A field with this key exists already."))
        else:
            problems = _rename(key, new_key) if new_key != key else []
            if not problems:
                document = specs.current_document()
                updated, errors = field_spec_from_form(form, document, specs.field_spec(
                    document, new_key))
                for name, message in errors.items():
                    form[name].errors.append(message)
                if not errors:
                    problems = _apply(specs.with_field(document, updated),
                                      _("Field %(key)s saved.", key=new_key))
                    if not problems:
                        return redirect(url_for(".index"))
    return _field_page(form, document, spec, problems)


def _rename(key: str, new_key: str) -> list[str]:
    try:
        rename_field(current_user.id, key, new_key)
    except SchemaRefused as refused:
        return refused.problems
    return []


@bp.post("/fields/<key>/move/<direction>")
@owner_required
def move_field(key: str, direction: str):
    if not ActionForm().validate_on_submit() or direction not in ("up", "down"):
        abort(400)
    document = specs.current_document()
    for problem in _apply(specs.moved(document, key, -1 if direction == "up" else 1),
                          _("Order saved.")):
        flash(problem, "error")
    return redirect(url_for(".index", _anchor=f"field-{key}"))


@bp.post("/fields/order")
@owner_required
def reorder_fields():
    """The order after a drag and drop: ``keys`` in their new order."""
    form = ActionForm()
    keys = request.form.getlist("keys")
    if not form.validate_on_submit() or not keys:
        abort(400)
    problems = _apply(specs.reordered(specs.current_document(), keys), _("Order saved."))
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"problems": problems}), 422 if problems else 200
    for problem in problems:
        flash(problem, "error")
    return redirect(url_for(".index"))


@bp.post("/fields/<key>/<any(archive, restore):action>")
@owner_required
def archive_field(key: str, action: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    document = specs.current_document()
    if specs.field_spec(document, key) is None:
        abort(404)
    message = (_("Field %(key)s archived: its values are kept.", key=key) if action == "archive"
               else _("Field %(key)s restored.", key=key))
    for problem in _apply(specs.archived(document, key, action == "archive"), message):
        flash(problem, "error")
    return redirect(url_for(".index"))


@bp.route("/fields/preview")
@owner_required
def preview():
    """The customer's form to open a ticket, exactly as customers get it."""
    schema = current_schema()
    viewer = Viewer("customer")
    form = build_ticket_form(schema, viewer, Stage.CREATE, values=create_defaults(schema),
                             meta={"csrf": False})
    context = display_context(Names(schema))
    return render_template(
        "fields_admin/preview.html",
        entries=entries(schema, viewer, Stage.CREATE, form, create_defaults(schema), context),
        cascades=cascade_parents(schema),
    )


@bp.route("/fields/history")
@owner_required
def history():
    changes = db.session.scalars(
        select(SchemaChange).order_by(SchemaChange.id.desc()).limit(200)
    ).all()
    return render_template("fields_admin/history.html", changes=changes)


@bp.route("/fields/history/<int:change_id>")
@owner_required
def history_entry(change_id: int):
    change = db.get_or_404(SchemaChange, change_id)
    return render_template(
        "fields_admin/history_entry.html", change=change,
        before=json.dumps(change.before, indent=2, ensure_ascii=False),
        after=json.dumps(change.after, indent=2, ensure_ascii=False),
    )


@bp.route("/fields/export")
@owner_required
def export():
    body = json.dumps(export_document(), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="ticket-fields.json"',
    })


def _read_document(form: ImportForm) -> tuple[Any, str | None]:
    raw = form.document.data or ""
    upload = form.document_file.data
    if upload and getattr(upload, "filename", ""):
        raw = upload.read(2 * 1024 * 1024).decode("utf-8", errors="replace")
    if not raw.strip():
        return None, _("Choose a file or paste a document.")
    try:
        return json.loads(raw), None
    except json.JSONDecodeError as error:
        return None, _("This is not a JSON document: %(error)s", error=error.msg)


@bp.route("/fields/import", methods=["GET", "POST"])
@owner_required
def import_document():
    """Upload a document, see the difference (dry run), then apply it."""
    form = ImportForm()
    plan = None
    problems: list[str] = []
    if form.validate_on_submit():
        document, error = _read_document(form)
        if error:
            form.document.errors.append(error)
        else:
            try:
                plan = apply_document(current_user.id, document,
                                      dry_run=form.confirm.data != "yes")
            except SchemaRefused as refused:
                problems = refused.problems
            else:
                if form.confirm.data == "yes":
                    flash(_("Schema imported."), "success")
                    return redirect(url_for(".index"))
                form.document.data = json.dumps(document, indent=2, ensure_ascii=False)
    return render_template("fields_admin/import.html", form=form, plan=plan,
                           problems=problems)


@bp.route("/lists")
@owner_required
def lists():
    document = specs.current_document()
    users = {}
    for spec in document["fields"]:
        if spec["list"]:
            users.setdefault(spec["list"], []).append(spec)
    return render_template("fields_admin/lists.html", lists=document["lists"], users=users)


@bp.route("/lists/new", methods=["GET", "POST"])
@bp.route("/lists/<key>", methods=["GET", "POST"])
@owner_required
def edit_list(key: str | None = None):
    document = specs.current_document()
    spec = specs.list_spec(document, key) if key else None
    if key and spec is None:
        abort(404)
    data = list_form_data(spec) if request.method == "GET" else None
    form = ListForm(data=data)
    if request.method == "GET":
        form.items.append_entry()  # an empty row to add an item
    problems: list[str] = []
    if form.validate_on_submit():
        if spec is None and specs.list_spec(document, form.key.data):
            form.key.errors.append(_("A list with this key exists already."))
        else:
            updated, errors = list_spec_from_form(form, spec)
            if errors:
                problems = errors
            else:
                problems = _apply(specs.with_list(document, updated),
                                  _("List %(key)s saved.", key=updated["key"]))
                if not problems:
                    return redirect(url_for(".edit_list", key=updated["key"]))
    return render_template("fields_admin/list.html", form=form, spec=spec, problems=problems)

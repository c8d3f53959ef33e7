"""The owner's statuses page: add, edit, order, deactivate (and delete unused ones)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.desk import statuses as service
from app.desk.forms import StatusEditForm
from app.desk.views import admin_bp


def _form(**kwargs) -> StatusEditForm:
    form = StatusEditForm(**kwargs)
    form.category.choices = [SelectChoice(key, str(label))
                             for key, label in service.CATEGORIES.items()]
    return form


def _row(key: str) -> service.StatusRow:
    row = next((r for r in service.status_rows() if r.key == key), None)
    if row is None:
        abort(404)
    return row


def _show_error(form: StatusEditForm, problem: service.StatusError) -> None:
    form.form_errors.append(problem.message)
    for name, message in problem.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]


def _values(form: StatusEditForm) -> dict:
    return {"name_en": form.name_en.data or "", "name_it": form.name_it.data or "",
            "category": form.category.data, "colour": form.colour.data or ""}


@admin_bp.route("/statuses", methods=["GET", "POST"])
def statuses():
    form = _form(data={"category": "open"})
    if form.validate_on_submit():
        try:
            service.add_status(current_user.id, **_values(form))
        except service.StatusError as problem:
            _show_error(form, problem)
        else:
            flash(_("Status added."), "success")
            return redirect(url_for("desk_admin.statuses"))
    code = 422 if request.method == "POST" else 200
    return render_template("desk/admin/statuses.html", rows=service.status_rows(), form=form,
                           categories=service.CATEGORIES), code


@admin_bp.route("/statuses/<key>", methods=["GET", "POST"])
def edit_status(key: str):
    row = _row(key)
    form = _form(data={"name_en": row.name_en, "name_it": row.name_it,
                       "category": row.category, "colour": row.colour or "#6b7280"})
    if form.validate_on_submit():
        try:
            service.edit_status(current_user.id, key, **_values(form))
        except service.StatusError as problem:
            _show_error(form, problem)
        else:
            flash(_("Status saved."), "success")
            return redirect(url_for("desk_admin.statuses"))
    code = 422 if request.method == "POST" else 200
    return render_template("desk/admin/status_edit.html", row=row, form=form), code


@admin_bp.route("/statuses/<key>/<action>", methods=["POST"])
def status_action(key: str, action: str):
    _row(key)
    actions = {
        "up": lambda: service.move_status(current_user.id, key, -1),
        "down": lambda: service.move_status(current_user.id, key, 1),
        "deactivate": lambda: service.set_active(current_user.id, key, False),
        "activate": lambda: service.set_active(current_user.id, key, True),
        "delete": lambda: service.delete_status(current_user.id, key),
    }
    if action not in actions:
        abort(404)
    try:
        actions[action]()
    except service.StatusError as problem:
        flash(problem.message, "error")
    else:
        flash(_("Statuses saved."), "success")
    return redirect(url_for("desk_admin.statuses"))

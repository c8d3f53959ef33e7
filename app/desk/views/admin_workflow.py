"""Automatic status transitions on replies, and the re-opening window."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.desk.forms import TransitionsForm
from app.desk.merge import merged_status
from app.desk.settings import Transitions, reopen_days, save_transitions, transitions
from app.desk.views import admin_bp
from app.fields.schema import current_schema
from app.tickets.workflow import target


def _effective(schema, chosen: str | None, category: str) -> str:
    if chosen == "":
        return ""
    status = target(schema, chosen, category)
    return status.key if status else ""


@admin_bp.route("/workflow", methods=["GET", "POST"])
def workflow():
    schema = current_schema()
    stored = transitions()
    current = {
        "staff_reply": _effective(schema, stored.staff_reply, "waiting"),
        "customer_reply": _effective(schema, stored.customer_reply, "open"),
        "reopen": _effective(schema, stored.reopen, "open"),
        "reopen_days": reopen_days(),
        "merged": merged_status(schema).key,
    }
    form = TransitionsForm(data=current)
    open_statuses = [SelectChoice(s.key, str(s.name)) for s in schema.statuses
                     if s.active and not s.is_closed]
    leave = [SelectChoice("", _("Leave the status as it is"))]
    form.staff_reply.choices = leave + open_statuses
    form.customer_reply.choices = leave + open_statuses
    form.reopen.choices = open_statuses
    form.merged.choices = [SelectChoice(s.key, str(s.name)) for s in schema.statuses
                           if s.active and s.is_closed]
    valid = form.validate_on_submit()
    if request.method == "POST":
        names = ("staff_reply", "customer_reply", "reopen", "merged")
        bad = [name for name in names
               if form[name].data not in {choice.value for choice in form[name].choices}]
        for name in bad:
            form[name].errors = [*form[name].errors, _("Choose one of the listed options.")]
        if valid and not bad:
            save_transitions(Transitions(
                staff_reply=form.staff_reply.data, customer_reply=form.customer_reply.data,
                reopen=form.reopen.data, reopen_days=form.reopen_days.data,
                merged=form.merged.data,
            ))
            flash(_("Automatic transitions saved."), "success")
            return redirect(url_for("desk_admin.workflow"))
    code = 422 if request.method == "POST" else 200
    return render_template("desk/admin/workflow.html", form=form), code

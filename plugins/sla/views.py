"""Pages: the staff's SLA overview (/desk/sla/) and the owner's targets (/admin/sla/)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.accounts.profile import get_profile
from app.fields.schema import current_schema
from app.timeutil import utcnow

from . import services
from .badges import local_time, state_badges
from .hours import WEEKDAYS

bp = Blueprint("sla", __name__, template_folder="templates")


@bp.before_request
@login_required
def _staff_only():
    if not current_user.is_staff:
        abort(403)


@bp.route("/desk/sla/")
def overview():
    schema = current_schema()
    table, now = services.targets_by_priority(), utcnow()
    rows = [
        (state, ticket, schema.status_by_id(ticket.status_id),
         state_badges(state, services.targets_of(table, state.priority), now))
        for state, ticket in services.open_states()
    ]
    return render_template("sla/overview.html", rows=rows, priorities=_priority_labels(),
                           breaches=services.recent_breaches(), local_time=local_time,
                           has_targets=bool(table))


def _priority_labels() -> dict[str, str]:
    field = current_schema().by_key.get("priority")
    items = field.list.items if field and field.list else ()
    return {item.key: str(item.label) for item in items} | {
        services.NO_PRIORITY: _("No priority")}


@bp.route("/admin/sla/", methods=["GET", "POST"])
def targets():
    if not current_user.is_owner:
        abort(403)
    form = FlaskForm()
    keys = services.priority_keys()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        entries = {
            key: tuple(request.form.get(services.input_name(kind, key), "")
                       for kind in (services.FIRST_RESPONSE, services.RESOLUTION))
            for key in keys
        }
        try:
            services.save_targets(entries)
        except services.TargetsRefused as refused:
            errors = refused.fields
        else:
            flash(_("Targets saved; due times of open tickets follow them."), "success")
            return redirect(url_for(".targets"))
    values = _shown_values(keys) if not errors else dict(request.form)
    profile = get_profile()
    page = render_template(
        "sla/targets.html", form=form, keys=keys, labels=_priority_labels(), values=values,
        errors=errors, input_name=services.input_name, kinds=(services.FIRST_RESPONSE,
                                                              services.RESOLUTION),
        weekdays=WEEKDAYS, office_hours=profile.office_hours or {},
        holidays=sorted(profile.holidays or []), timezone=profile.timezone,
        problem=services.office_hours_problem(),
    )
    return page, 422 if errors else 200


def _hours(minutes: int | None) -> str:
    if minutes is None:
        return ""
    hours = minutes / 60
    return f"{hours:g}" if minutes % 60 else str(minutes // 60)


def _shown_values(keys: list[str]) -> dict[str, str]:
    table = services.targets_table()
    values = {}
    for key in keys:
        row = table.get(key)
        values[services.input_name(services.FIRST_RESPONSE, key)] = _hours(
            row.first_response_minutes if row else None)
        values[services.input_name(services.RESOLUTION, key)] = _hours(
            row.resolution_minutes if row else None)
    return values

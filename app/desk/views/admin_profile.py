"""The owner's company profile page (name, e-mail, logo, office hours, holidays, zone,
language)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.accounts.profile import get_profile
from app.desk.forms import ProfileForm
from app.desk.profile_settings import (
    WEEKDAYS,
    Logo,
    ProfileError,
    format_hours,
    save_profile,
    time_zones,
)
from app.desk.views import admin_bp


def _form(**kwargs) -> ProfileForm:
    form = ProfileForm(**kwargs)
    form.timezone.choices = [SelectChoice(zone) for zone in time_zones()]
    return form


@admin_bp.route("/settings", methods=["GET", "POST"])
def profile():
    current = get_profile()
    hours = {day: format_hours(current.office_hours.get(day, [])) for day, _label in WEEKDAYS}
    form = _form(obj=current, data={"holidays": "\n".join(current.holidays or [])})
    hour_errors: dict[str, str] = {}
    if request.method == "POST":
        hours = {day: request.form.get(f"hours_{day}", "") for day, _label in WEEKDAYS}
    if form.validate_on_submit():
        upload = form.logo.data
        logo = None
        if upload is not None and getattr(upload, "filename", ""):
            logo = Logo(upload.filename, upload.read(1024 * 1024 + 1))
        values = {name: form[name].data for name in ("name", "email", "phone", "address",
                                                     "vat_number", "website", "timezone",
                                                     "default_language")}
        try:
            save_profile(values, hours, form.holidays.data or "", logo, form.remove_logo.data)
        except ProfileError as problem:
            for name, message in problem.fields.items():
                if name in form:
                    form[name].errors = [*form[name].errors, message]
                else:
                    hour_errors[name] = message
        else:
            flash(_("The company profile is saved."), "success")
            return redirect(url_for("desk_admin.profile"))
    code = 422 if request.method == "POST" else 200
    return render_template("desk/admin/profile.html", form=form, hours=hours,
                           hour_errors=hour_errors, weekdays=WEEKDAYS, profile=current), code

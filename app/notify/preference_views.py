"""The e-mail preferences page: each person chooses which ticket e-mails they receive."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.notify.forms import PreferencesForm
from app.notify.preferences import preferences_of, save_preferences
from app.notify.views import bp


@bp.route("/account/email-notifications", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm.for_user(current_user, preferences_of(current_user))
    if form.validate_on_submit():
        save_preferences(current_user, form.choices(current_user))
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notify.preferences"))
    return render_template("notify/preferences.html", form=form,
                           fields=form.shown(current_user))

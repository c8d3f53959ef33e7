"""Login and logout pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts.models import OwnerProfile
from app.auth.forms import LoginForm
from app.auth.services import LoginRefusal, authenticate
from app.extensions import db
from app.web import home_url, is_safe_next

bp = Blueprint("auth", __name__)


def _refusal_message(refusal: LoginRefusal, minutes_left: int) -> str:
    if refusal is LoginRefusal.LOCKED:
        return _(
            "Too many failed attempts: login is locked for %(minutes)s more minutes. "
            "Try again later or reset your password.",
            minutes=minutes_left,
        )
    if refusal is LoginRefusal.DISABLED:
        return _("This account is disabled. Contact the support team.")
    if refusal is LoginRefusal.TICKETING_OFF:
        profile = db.session.get(OwnerProfile, 1)
        contact = profile.email if profile and profile.email else ""
        if contact:
            return _(
                "Support through the portal is switched off for your company. "
                "Contact %(contact)s.",
                contact=contact,
            )
        return _("Support through the portal is switched off for your company.")
    return _("Wrong e-mail or password.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        result = authenticate(form.email.data, form.password.data, request.remote_addr)
        if result.user is not None:
            login_user(result.user, remember=form.remember.data)
            target = form.next.data
            return redirect(target if is_safe_next(target) else home_url(result.user))
        form.password.errors.append(_refusal_message(result.refusal, result.minutes_left))
        status = 429 if result.refusal is LoginRefusal.LOCKED else 200
        return render_template("auth/login.html", form=form), status
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


"""Forgot password, reset link and activation link pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.accounts.services import AccountError
from app.auth.reset import LinkError, choose_password, request_password_reset
from app.auth.reset_forms import ForgotPasswordForm, NewPasswordForm
from app.auth.tokens import Purpose, user_from_token

bp = Blueprint("password", __name__, template_folder="templates")


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        return render_template("password/forgot_sent.html", email=form.email.data)
    return render_template("password/forgot.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset(token: str):
    return _choose(token, Purpose.RESET)


@bp.route("/activate/<token>", methods=["GET", "POST"])
def activate(token: str):
    return _choose(token, Purpose.ACTIVATE)


def _choose(token: str, purpose: Purpose):
    if user_from_token(token, purpose) is None:
        return render_template("password/link_invalid.html", purpose=purpose.value), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            choose_password(token, purpose, form.password.data)
        except AccountError as error:
            form.password.errors.append(str(error))
        except LinkError:
            return render_template("password/link_invalid.html", purpose=purpose.value), 410
        else:
            if current_user.is_authenticated:
                logout_user()  # whoever was logged in here, the new password is someone's
            flash(_("Your password is set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("password/choose.html", form=form, purpose=purpose.value)

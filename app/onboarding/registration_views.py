"""Registration through an invite link, and e-mail confirmation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.services import AccountError
from app.onboarding.forms import NewCompanyRegistrationForm, RegistrationForm, show_error
from app.onboarding.registration import InviteRefused, register_from_invite, usable_invite
from app.onboarding.verification import confirm_email, resend_verification

bp = Blueprint("registration", __name__, template_folder="templates")


def _refused(error: InviteRefused):
    """A clear page for a link that cannot be used: 404 if we never made it, else 410."""
    status = 404 if error.state is None else 410
    state = error.state.value if error.state else "unknown"
    return render_template("onboarding/invite_refused.html", state=state), status


@bp.route("/register/<token>", methods=["GET", "POST"])
def register(token: str):
    try:
        invite = usable_invite(token)
    except InviteRefused as error:
        return _refused(error)
    new_company = invite.company is None
    form = NewCompanyRegistrationForm() if new_company else RegistrationForm()
    if form.validate_on_submit():
        company = (
            {"company_name": form.company_name.data, "vat_number": form.vat_number.data or ""}
            if new_company else {}
        )
        try:
            register_from_invite(
                token, password=form.password.data, **company, **form.person_details()
            )
        except InviteRefused as error:
            return _refused(error)
        except AccountError as error:
            show_error(form, error)
        else:
            return redirect(url_for("registration.registered"))
    return render_template(
        "onboarding/register.html", form=form, invite=invite, new_company=new_company
    )


@bp.route("/registered")
def registered():
    """The same page whether the person was created or the address was already known."""
    return render_template("onboarding/registered.html")


@bp.route("/verify-email/<token>")
def verify_email(token: str):
    user = confirm_email(token)
    if user is None:
        return render_template("onboarding/verify_invalid.html"), 410
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    return redirect(url_for("auth.login"))


@bp.route("/verify-email/resend", methods=["POST"])
@login_required
def resend():
    if resend_verification(current_user):
        flash(_("A new confirmation link is on its way to %(email)s.", email=current_user.email),
              "success")
    else:
        flash(_("No e-mail sent: your address is already confirmed, or you asked for too many "
                "e-mails in the last hour."), "warning")
    return redirect(url_for("main.index"))

"""Staff pages for invite links: list, create, show once, send by e-mail, revoke."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Company
from app.auth.decorators import staff_required
from app.extensions import db
from app.onboarding.forms import InviteForm, SendInviteForm
from app.onboarding.invites import (
    create_invite,
    invite_url,
    list_invites,
    revoke_invite,
    send_invite,
    token_matches,
)
from app.onboarding.models import InviteLink

bp = Blueprint("invites", __name__, template_folder="templates")

#: The new-company choice of the company menu.
NEW_COMPANY = 0
#: Fresh tokens kept in the creator's session, so the link can be copied and sent
#: right after creation; the database keeps only their hash.
_SESSION_KEY = "fresh_invite_tokens"
_KEPT = 5


def _invite(invite_id: int) -> InviteLink:
    return db.session.get(InviteLink, invite_id) or abort(404)


def _kept_tokens() -> dict[str, str]:
    """This user's fresh tokens (another user logging in on this browser sees none)."""
    kept = session.get(_SESSION_KEY) or {}
    return dict(kept.get("tokens", {})) if kept.get("user") == current_user.id else {}


def _fresh_token(invite: InviteLink) -> str | None:
    token = _kept_tokens().get(str(invite.id))
    return token if token_matches(invite, token) else None


def _keep_token(invite: InviteLink, token: str) -> None:
    tokens = _kept_tokens()
    tokens[str(invite.id)] = token
    session[_SESSION_KEY] = {"user": current_user.id, "tokens": dict(list(tokens.items())[-_KEPT:])}


@bp.route("/staff/invites")
@staff_required
def index():
    return render_template("onboarding/invites.html", invites=list_invites())


@bp.route("/staff/invites/new", methods=["GET", "POST"])
@staff_required
def create():
    form = InviteForm(data={
        "days": current_app.config["SPORTELLO_INVITE_DAYS"], "max_uses": 1,
        "company": request.args.get("company", NEW_COMPANY, type=int),
    })
    companies = db.session.scalars(select(Company).order_by(Company.name)).all()
    form.company.choices = [(NEW_COMPANY, _("A new company, created at registration"))] + [
        (company.id, company.name) for company in companies
    ]
    if form.validate_on_submit():
        company = db.session.get(Company, form.company.data) if form.company.data else None
        invite, token = create_invite(
            company=company, days=form.days.data, max_uses=form.max_uses.data,
            note=form.note.data or "", created_by=current_user,
        )
        _keep_token(invite, token)
        flash(_("Invite link created. Copy it or send it by e-mail now: for your safety it "
                "is shown only on this page."), "success")
        return redirect(url_for("invites.show", invite_id=invite.id))
    return render_template("onboarding/invite_form.html", form=form)


@bp.route("/staff/invites/<int:invite_id>")
@staff_required
def show(invite_id: int):
    invite = _invite(invite_id)
    token = _fresh_token(invite)
    return render_template(
        "onboarding/invite.html", invite=invite, url=invite_url(token) if token else None,
        form=SendInviteForm(data={"language": current_app.config["SPORTELLO_LANGUAGES"][0]}),
    )


@bp.route("/staff/invites/<int:invite_id>/send", methods=["POST"])
@staff_required
def send(invite_id: int):
    invite = _invite(invite_id)
    token = _fresh_token(invite)
    form = SendInviteForm()
    if token is None:
        flash(_("This link can no longer be sent from here: create a new one."), "error")
        return redirect(url_for("invites.show", invite_id=invite.id))
    if form.validate_on_submit():
        send_invite(invite, token, email=form.email.data, language=form.language.data)
        flash(_("The invite is on its way to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("invites.show", invite_id=invite.id))
    return render_template(
        "onboarding/invite.html", invite=invite, url=invite_url(token), form=form
    ), 400


@bp.route("/staff/invites/<int:invite_id>/revoke", methods=["POST"])
@staff_required
def revoke(invite_id: int):
    invite = _invite(invite_id)
    revoke_invite(invite)
    flash(_("The link is revoked: nobody can register with it any more."), "success")
    if request.form.get("back") == "list":
        return redirect(url_for("invites.index"))
    return redirect(url_for("invites.show", invite_id=invite.id))

"""The logged-in user's token page: ``/profile/tokens`` (make, list, revoke).

A new token is shown once, in the page that answers the form; it is never
put in the session or a flash message (the session cookie is signed, not
encrypted).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.api.forms import RevokeForm, TokenForm
from app.api.tokens import TokenError, create_token, revoke_token, tokens_of
from app.web import MenuItem, add_menu_item

bp = Blueprint("api_tokens", __name__, url_prefix="/profile", template_folder="templates")


def _signed_in(user) -> bool:
    return user.is_authenticated


bp.record_once(lambda state: add_menu_item(
    state.app, MenuItem("api_tokens.tokens", _l("API tokens"), _signed_in, order=90)
))


def _page(form: TokenForm, new_secret: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, tokens=tokens_of(current_user),
                           revoke_form=RevokeForm(), new_secret=new_secret), status


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.is_submitted() else 200)
    try:
        made = create_token(current_user, form.name.data, form.scope.data)
    except TokenError as error:
        getattr(form, error.field or "name").errors.append(error.message)
        return _page(form, status=422)
    return _page(TokenForm(formdata=None), new_secret=made.secret)


@bp.post("/tokens/<int(max=2147483647):token_id>/revoke")
@login_required
def revoke(token_id: int):
    if not RevokeForm().validate_on_submit():
        abort(400)
    if revoke_token(current_user, token_id) is None:
        abort(404)
    flash(_("The token was revoked: programs using it can no longer sign in."), "info")
    return redirect(url_for("api_tokens.tokens"))

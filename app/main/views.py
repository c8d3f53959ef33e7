"""The landing page, the owner's logo and the language switch."""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    request,
    send_from_directory,
    session,
)
from flask_login import current_user, login_required

from app.accounts.profile import get_profile
from app.web import home_url, is_safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    """Everyone has a home of their own: staff the queue, customers their tickets."""
    return redirect(home_url(current_user))


@bp.route("/logo")
def logo():
    profile = get_profile()
    if not profile.logo_path:
        abort(404)
    folder = os.path.join(current_app.instance_path, "branding")
    return send_from_directory(folder, os.path.basename(profile.logo_path), max_age=300)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Choose the interface language for this browser session."""
    if code not in current_app.config["SPORTELLO_LANGUAGES"]:
        abort(404)
    session["language"] = code
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else request.script_root + "/")

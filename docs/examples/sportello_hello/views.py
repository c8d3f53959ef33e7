"""The greetings page, for staff."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from . import services

bp = Blueprint("sportello_hello", __name__, url_prefix="/hello", template_folder="templates")


@bp.route("/")
@login_required
def index():
    if not current_user.is_staff:
        abort(403)
    return render_template("sportello_hello/index.html", greetings=services.latest_greetings())

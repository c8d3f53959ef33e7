"""The owner's "Mail problems" page: failed messages and stuck ticket mail batches,
each with a retry button."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.auth.decorators import owner_required
from app.notify.fanout import MAX_ATTEMPTS
from app.notify.problems import (
    failed_messages,
    requeue,
    retry_batch,
    retrying_messages,
    stuck_batches,
)

bp = Blueprint("notify", __name__, template_folder="templates")


@bp.route("/staff/mail-problems")
@owner_required
def problems():
    return render_template(
        "notify/problems.html", failed=failed_messages(), retrying=retrying_messages(),
        stuck=stuck_batches(), max_attempts=MAX_ATTEMPTS,
    )


@bp.route("/staff/mail-problems/<int:message_id>/retry", methods=["POST"])
@owner_required
def retry(message_id: int):
    """Requeue one failed message (CSRFProtect checks the token of every POST)."""
    if requeue(message_id):
        flash(_("The message is queued again and will be sent shortly."), "success")
    else:
        flash(_("This message is no longer failed: nothing to retry."), "info")
    return redirect(url_for("notify.problems"))


@bp.route("/staff/mail-problems/batches/<int:batch_id>/retry", methods=["POST"])
@owner_required
def retry_ticket_mail(batch_id: int):
    """Let the sender try again to prepare the e-mails of one ticket change."""
    if retry_batch(batch_id):
        flash(_("The sender will try again to prepare these e-mails shortly."), "success")
    else:
        flash(_("These e-mails are no longer waiting: nothing to retry."), "info")
    return redirect(url_for("notify.problems"))


# The e-mail preferences page lives on this blueprint too (imported for its routes).
from app.notify import preference_views  # noqa: E402, F401

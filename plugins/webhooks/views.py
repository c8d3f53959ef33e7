"""The owner's pages: endpoints, and the delivery log with its retry button."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_datetime
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.profile import owner_zone

from . import services
from .forms import EndpointForm
from .models import DeliveryStatus

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks",
               template_folder="templates")


@bp.before_request
@login_required
def _owner_only():
    if not current_user.is_owner:
        abort(403)


@bp.context_processor
def _helpers():
    return {"local_time": local_time, "statuses": list(DeliveryStatus)}


def local_time(moment: datetime | None) -> str:
    """A stored (naive UTC) time in the owner's time zone and the page's language."""
    if moment is None:
        return ""
    return format_datetime(moment.replace(tzinfo=UTC), "short", tzinfo=owner_zone(),
                           locale=get_locale() or "en")


@bp.route("/")
def endpoints():
    return render_template("webhooks/endpoints.html", endpoints=services.list_endpoints(),
                           failed=services.failed_counts())


def _save(form: EndpointForm, endpoint_id: int | None):
    """Create or update from a submitted form; the page again if it was refused."""
    values = {"name": form.name.data or "", "url": form.url.data or "",
              "topics": form.topics(), "active": form.active.data,
              "internal": form.internal.data}
    try:
        if endpoint_id is None:
            endpoint = services.create_endpoint(**values)
        else:
            endpoint = services.update_endpoint(endpoint_id, **values)
    except services.EndpointError as error:
        form.apply_errors(error.fields)
        return None
    if endpoint is None:
        abort(404)
    return endpoint


@bp.route("/new", methods=["GET", "POST"])
def new_endpoint():
    form = EndpointForm()
    if request.method == "GET":
        form.show_topics(list(services.TOPICS))
    if form.validate_on_submit():
        endpoint = _save(form, None)
        if endpoint is not None:
            flash(_("Endpoint saved. Configure its secret in the receiving system."), "success")
            return redirect(url_for(".edit_endpoint", endpoint_id=endpoint.id))
    status = 422 if form.errors or form.topic_errors else 200
    return render_template("webhooks/endpoint_form.html", form=form, endpoint=None), status


@bp.route("/<int:endpoint_id>", methods=["GET", "POST"])
def edit_endpoint(endpoint_id: int):
    endpoint = services.get_endpoint(endpoint_id) or abort(404)
    form = EndpointForm(obj=endpoint)
    if request.method == "GET":
        form.show_topics(endpoint.topics)
    if form.validate_on_submit() and _save(form, endpoint_id) is not None:
        flash(_("Endpoint saved."), "success")
        return redirect(url_for(".edit_endpoint", endpoint_id=endpoint_id))
    status = 422 if form.errors or form.topic_errors else 200
    return render_template("webhooks/endpoint_form.html", form=form, endpoint=endpoint), status


@bp.route("/<int:endpoint_id>/secret", methods=["POST"])
def new_secret(endpoint_id: int):
    if services.regenerate_secret(endpoint_id) is None:
        abort(404)
    flash(_("New secret made: configure it in the receiving system, the old one no longer "
            "signs requests."), "warning")
    return redirect(url_for(".edit_endpoint", endpoint_id=endpoint_id))


@bp.route("/<int:endpoint_id>/delete", methods=["POST"])
def delete_endpoint(endpoint_id: int):
    if not services.delete_endpoint(endpoint_id):
        abort(404)
    flash(_("Endpoint deleted, with its deliveries."), "success")
    return redirect(url_for(".endpoints"))


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/deliveries")
def deliveries():
    status = request.args.get("status", "")
    if status not in {s.value for s in DeliveryStatus}:
        status = ""
    endpoint_id = _int_arg("endpoint_id")
    rows = services.deliveries(status=status or None, endpoint_id=endpoint_id,
                               before=_int_arg("before"))
    more = len(rows) == services.PAGE_SIZE
    return render_template(
        "webhooks/deliveries.html", deliveries=rows, status=status, endpoint_id=endpoint_id,
        endpoints={e.id: e for e in services.list_endpoints()},
        next_before=rows[-1].id if more else None,
    )


@bp.route("/deliveries/<int:delivery_id>/retry", methods=["POST"])
def retry(delivery_id: int):
    if services.retry_delivery(delivery_id):
        flash(_("The delivery will be sent again within a few seconds."), "success")
    else:
        flash(_("This delivery cannot be sent again."), "error")
    status = request.form.get("status", "")
    return redirect(url_for(".deliveries", status=status or None))

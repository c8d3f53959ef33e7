"""Staff pages: a ticket's interventions, and adding, changing, deleting one.

The ticket is always read through ``get_visible_ticket``; the changes go
through ``app.reports.interventions``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.accounts.models import Role, User
from app.extensions import db
from app.reports import interventions as service
from app.reports.access import staff_required
from app.reports.errors import BillingError, Locked
from app.reports.forms import ConfirmForm, InterventionForm, apply_errors, check_unreadable
from app.reports.models import Report
from app.reports.panel import panel_for
from app.tickets.queries import get_visible_ticket

bp = Blueprint("interventions", __name__, url_prefix="/desk/tickets",
               template_folder="templates")


def _ticket(number: str):
    ticket = get_visible_ticket(current_user, number)
    if ticket is None:
        abort(404)
    return ticket


def _operators(form: InterventionForm, current: int | None = None) -> None:
    staff = db.session.scalars(
        select(User).where(User.role.in_([Role.OWNER.value, Role.AGENT.value]),
                           (User.active.is_(True)) | (User.id == (current or 0)))
        .order_by(User.name, User.surname)
    )
    form.operator_id.choices = [SelectChoice(str(user.id), user.full_name) for user in staff]


@bp.route("/<number>/interventions")
@staff_required
def index(number: str):
    ticket = _ticket(number)
    return render_template("reports/interventions.html", ticket=ticket, panel=panel_for(ticket))


def _save(form: InterventionForm, save, title: str, ticket, status_ok: int = 200):
    """Handle a submitted form: add a material line, or save through ``save``."""
    if form.add_line.data:
        form.materials.append_entry()
        return render_template("reports/intervention_form.html", form=form, ticket=ticket,
                               title=title)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            save(form.to_input())
        except Locked as error:
            return _locked(ticket, error.message)
        except BillingError as error:
            problems = [error.message, *apply_errors(form, error.fields)]
        else:
            flash(_("The intervention is saved."), "success")
            return redirect(url_for(".index", number=ticket.number))
    elif form.is_submitted():
        problems = [_("The intervention was not saved: check the highlighted fields."),
                    *check_unreadable(form, lambda: service.check_intervention(form.to_input()))]
    status = 422 if problems else status_ok
    return render_template("reports/intervention_form.html", form=form, ticket=ticket,
                           title=title, problems=problems), status


def _locked(ticket, message: str):
    return render_template("reports/intervention_locked.html", ticket=ticket,
                           message=message), 409


@bp.route("/<number>/interventions/new", methods=["GET", "POST"])
@staff_required
def new(number: str):
    ticket = _ticket(number)
    form = InterventionForm()
    _operators(form)
    if not form.is_submitted():
        form.work_date.data = service.local_today()
        form.operator_id.data = current_user.id
        form.materials.append_entry()
    return _save(form, lambda data: service.log_intervention(current_user, ticket, data),
                 _("Log an intervention"), ticket)


@bp.route("/<number>/interventions/<int:intervention_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(number: str, intervention_id: int):
    ticket = _ticket(number)
    intervention = service.get_intervention(ticket, intervention_id)
    if intervention is None:
        abort(404)
    if intervention.report_id is not None:
        return _locked(ticket, service.locked_message(db.session.get(Report,
                                                                     intervention.report_id)))
    form = InterventionForm()
    _operators(form, intervention.operator_id)
    if not form.is_submitted():
        form.fill(service.as_input(intervention))
    return _save(
        form,
        lambda data: service.update_intervention(current_user, ticket, intervention_id, data),
        _("Change the intervention"), ticket,
    )


@bp.route("/<number>/interventions/<int:intervention_id>/delete", methods=["GET", "POST"])
@staff_required
def delete(number: str, intervention_id: int):
    ticket = _ticket(number)
    intervention = service.get_intervention(ticket, intervention_id)
    if intervention is None:
        abort(404)
    if intervention.report_id is not None:
        return _locked(ticket, service.locked_message(db.session.get(Report,
                                                                     intervention.report_id)))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.delete_intervention(current_user, ticket, intervention_id)
        except Locked as error:
            return _locked(ticket, error.message)
        flash(_("The intervention is deleted."), "success")
        return redirect(url_for(".index", number=ticket.number))
    return render_template("reports/intervention_delete.html", ticket=ticket,
                           intervention=intervention, form=form)

"""Opening a ticket on a customer's behalf (a phone call): choose the company, then fill
the staff form with the company's persons to choose the requester from. Two steps, so
that it works without JavaScript."""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Company, User
from app.desk.forms import CompanyChoiceForm
from app.desk.views import bp
from app.desk.widgets import fast_selects
from app.extensions import db
from app.fields.forms import build_ticket_form, create_defaults
from app.fields.gate import Viewer
from app.fields.layout import cascade_parents, entries
from app.fields.schema import Stage, current_schema
from app.tickets.display import Names, display_context
from app.tickets.errors import TicketError
from app.tickets.service import create_ticket

#: On the phone, the company and the caller come before the request.
FIRST = {"company": 0, "requester": 1}


def _companies() -> list[tuple[int, str, int]]:
    """(id, name, number of active persons) of the companies that take tickets."""
    persons = (
        select(func.count(User.id))
        .where(User.company_id == Company.id, User.active.is_(True))
        .scalar_subquery()
    )
    return [tuple(row) for row in db.session.execute(
        select(Company.id, Company.name, persons)
        .where(Company.ticketing_enabled.is_(True)).order_by(Company.name)
    )]


def _chosen_company() -> Company | None:
    company_id = request.args.get("company", type=int)
    company = db.session.get(Company, company_id) if company_id else None
    return company if company is not None and company.ticketing_enabled else None


def _render(company, form, code: int = 200):
    schema = current_schema()
    viewer = Viewer.of(current_user)
    values = {**create_defaults(schema), "company": company.id}
    context = display_context(Names(schema).prefetch([values]))
    shown = []
    for entry in entries(schema, viewer, Stage.CREATE, form, values, context):
        if entry.field.key == "company":  # chosen in the first step
            entry = replace(entry, input=None, text=company.name)
        shown.append(entry)
    shown.sort(key=lambda e: FIRST.get(e.field.key, len(FIRST)))  # who called, first
    has_persons = any(person.active for person in company.persons)
    html = render_template("desk/new_ticket.html", company=company, form=form, entries=shown,
                           cascades=cascade_parents(schema), has_persons=has_persons)
    return html, code


@bp.route("/new", methods=["GET", "POST"])
def new_ticket():
    company = _chosen_company()
    if company is None:
        choice = CompanyChoiceForm(request.args)
        choice.company.choices = [SelectChoice("", "—")] + [
            SelectChoice(cid, f"{name} ({count})") for cid, name, count in _companies()
        ]
        if "company" in request.args:
            choice.company.errors = [_("Choose a company whose ticketing is switched on.")]
        return render_template("desk/new_ticket_company.html", form=choice)
    schema = current_schema()
    viewer = Viewer.of(current_user)
    values = {**create_defaults(schema), "company": company.id}
    form = fast_selects(build_ticket_form(schema, viewer, Stage.CREATE, values=values,
                                          company_id=company.id))
    if request.method == "POST" and form.validate_on_submit():
        data = form.submitted_values(schema)
        data["company"] = company.id
        if not data.get("request_date"):
            data.pop("request_date", None)  # taken now, unless staff date it earlier
        try:
            ticket = create_ticket(current_user, data, form.uploaded_files(), via="desk")
        except TicketError as error:
            form.apply_errors(error.fields)
            form.form_errors.append(error.message)
            return _render(company, form, error.status_code)
        flash(_("Ticket %(number)s opened for %(company)s.", number=ticket.number,
                company=company.name), "success")
        return redirect(url_for("desk.ticket", number=ticket.number))
    return _render(company, form, 422 if request.method == "POST" else 200)

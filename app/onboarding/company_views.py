"""Staff pages for customer companies and their persons."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.models import Company, User
from app.accounts.services import AccountError
from app.auth.decorators import staff_required
from app.extensions import db
from app.onboarding.companies import list_companies, save_company
from app.onboarding.forms import CompanyForm, PersonForm, show_error
from app.onboarding.invites import list_invites
from app.onboarding.persons import add_person, resend_activation, set_person_active, update_person

bp = Blueprint("companies", __name__, template_folder="templates")


def _company(company_id: int) -> Company:
    return db.session.get(Company, company_id) or abort(404)


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_customer:
        abort(404)
    return user


@bp.route("/staff/companies")
@staff_required
def index():
    search = request.args.get("q", "")[:100]
    return render_template("onboarding/companies.html", rows=list_companies(search), search=search)


@bp.route("/staff/companies/new", methods=["GET", "POST"])
@staff_required
def create():
    form = CompanyForm(data={"ticketing_enabled": True})
    if form.validate_on_submit():
        company = save_company(None, **_company_values(form))
        flash(_("Company %(name)s created. Now add its persons or send an invite link.",
                name=company.name), "success")
        return redirect(url_for("companies.edit", company_id=company.id))
    return render_template("onboarding/company_form.html", form=form, company=None)


@bp.route("/staff/companies/<int:company_id>", methods=["GET", "POST"])
@staff_required
def edit(company_id: int):
    company = _company(company_id)
    form = CompanyForm(obj=company)
    if form.validate_on_submit():
        save_company(company, **_company_values(form))
        flash(_("Company saved."), "success")
        return redirect(url_for("companies.edit", company_id=company.id))
    return render_template(
        "onboarding/company_form.html", form=form, company=company,
        invites=list_invites(company),
    )


def _company_values(form: CompanyForm) -> dict:
    return {
        "name": form.name.data, "vat_number": form.vat_number.data or "",
        "address": form.address.data or "", "ticketing_enabled": form.ticketing_enabled.data,
        "hourly_rate": form.hourly_rate.data,
    }


@bp.route("/staff/companies/<int:company_id>/persons/new", methods=["GET", "POST"])
@staff_required
def add_person_page(company_id: int):
    company = _company(company_id)
    form = PersonForm()
    if form.validate_on_submit():
        try:
            person = add_person(
                company, is_company_manager=form.is_company_manager.data, **form.person_details()
            )
        except AccountError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s added: an e-mail with a link to choose a password is on its way "
                    "to %(email)s.", name=person.full_name, email=person.email), "success")
            return redirect(url_for("companies.edit", company_id=company.id))
    return render_template("onboarding/person_form.html", form=form, company=company, person=None)


@bp.route("/staff/persons/<int:user_id>", methods=["GET", "POST"])
@staff_required
def edit_person(user_id: int):
    person = _person(user_id)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        try:
            update_person(
                person, is_company_manager=form.is_company_manager.data, **form.person_details()
            )
        except AccountError as error:
            show_error(form, error)
        else:
            flash(_("Person saved."), "success")
            return redirect(url_for("companies.edit", company_id=person.company_id))
    return render_template(
        "onboarding/person_form.html", form=form, company=person.company, person=person
    )


@bp.route("/staff/persons/<int:user_id>/deactivate", methods=["POST"])
@staff_required
def deactivate_person(user_id: int):
    person = _person(user_id)
    set_person_active(person, False)
    flash(_("%(name)s can no longer log in.", name=person.full_name), "success")
    return redirect(url_for("companies.edit", company_id=person.company_id))


@bp.route("/staff/persons/<int:user_id>/reactivate", methods=["POST"])
@staff_required
def reactivate_person(user_id: int):
    person = _person(user_id)
    set_person_active(person, True)
    flash(_("%(name)s is active again.", name=person.full_name), "success")
    return redirect(url_for("companies.edit", company_id=person.company_id))


@bp.route("/staff/persons/<int:user_id>/send-activation", methods=["POST"])
@staff_required
def send_activation_again(user_id: int):
    person = _person(user_id)
    if resend_activation(person):
        flash(_("A new activation e-mail is on its way to %(email)s.", email=person.email),
              "success")
    else:
        flash(_("No e-mail sent: the person already has a password, is deactivated, or "
                "received too many e-mails in the last hour."), "warning")
    return redirect(url_for("companies.edit", company_id=person.company_id))

"""The owner's pages: unbilled work, building, issuing and cancelling reports, rates."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from app.accounts.models import Company, Role, User
from app.extensions import db
from app.reports import building, rates
from app.reports.access import owner_required
from app.reports.document import build_document
from app.reports.errors import BillingError
from app.reports.formatting import FILTERS
from app.reports.forms import (
    CancelForm,
    ConfirmForm,
    IssueForm,
    RateForm,
    ReportScopeForm,
    SettingsForm,
    apply_errors,
    check_unreadable,
)
from app.reports.models import OperatorRate, Report, ReportStatus
from app.reports.rendering import (
    SEPARATORS,
    csv_filename,
    pdf_response,
    render_csv,
    report_context,
)
from app.reports.unbilled import unbilled_by_company

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates",
               static_folder="static", static_url_path="/static")

for _name, _function in FILTERS.items():
    bp.add_app_template_filter(_function, _name)

#: Reports listed per page of the index.
PAGE = 50


def _report(report_id: int) -> Report:
    report = db.session.scalar(
        select(Report).where(Report.id == report_id)
        .options(selectinload(Report.items), selectinload(Report.company))
    )
    if report is None:
        abort(404)
    return report


def _reports_page(status: str, before: int | None) -> tuple[list[Report], int | None]:
    """One page of reports in a status, newest first (keyset on the id)."""
    statement = select(Report).where(Report.status == status).options(
        selectinload(Report.company)
    )
    if before:
        statement = statement.where(Report.id < before)
    found = list(db.session.scalars(statement.order_by(Report.id.desc()).limit(PAGE + 1)))
    more = len(found) > PAGE
    found = found[:PAGE]
    return found, (found[-1].id if more else None)


@bp.route("/")
@owner_required
def index():
    before = request.args.get("before", type=int)
    issued, next_before = _reports_page(ReportStatus.ISSUED.value, before)
    drafts, _more = _reports_page(ReportStatus.DRAFT.value, None)
    cancelled, _more = _reports_page(ReportStatus.CANCELLED.value, None)
    return render_template(
        "reports/index.html", unbilled=unbilled_by_company(current_user), drafts=drafts,
        issued=issued, cancelled=cancelled, next_before=next_before,
    )


def _company_choices() -> list[SelectChoice]:
    companies = db.session.execute(select(Company.id, Company.name).order_by(Company.name))
    return [SelectChoice("", _("Choose a company"))] + [
        SelectChoice(str(cid), name) for cid, name in companies
    ]


@bp.route("/new", methods=["GET", "POST"])
@owner_required
def new():
    form = ReportScopeForm()
    form.company_id.choices = _company_choices()
    if not form.is_submitted():
        form.company_id.data = request.args.get("company", type=int)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            report = building.create_draft(current_user, form.to_scope())
        except BillingError as error:
            problems = [error.message, *apply_errors(form, error.fields)]
        else:
            return redirect(url_for(".show", report_id=report.id))
    elif form.is_submitted():
        problems = [_("The report was not built: check the highlighted fields."),
                    *check_unreadable(form, lambda: building.check_scope(current_user,
                                                                         form.to_scope()))]
    return render_template("reports/new.html", form=form, problems=problems), (
        422 if problems else 200
    )


@bp.route("/<int:report_id>")
@owner_required
def show(report_id: int):
    return _show(_report(report_id))


def _show(report: Report, status: int = 200, **forms):
    document = build_document(current_user, report)
    forms.setdefault("issue_form", IssueForm(fingerprint=document.fingerprint))
    forms.setdefault("cancel_form", CancelForm())
    forms.setdefault("delete_form", ConfirmForm())
    context = report_context(report, document, "html")
    return render_template("reports/show.html", **context, **forms), status


def _refused(report: Report, error: BillingError, **forms):
    flash(error.message, "error")
    return _show(report, error.status_code, **forms)


@bp.route("/<int:report_id>/issue", methods=["POST"])
@owner_required
def issue(report_id: int):
    report = _report(report_id)
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        building.issue_report(current_user, report.id, form.fingerprint.data or "")
    except BillingError as error:
        return _refused(_report(report_id), error)
    flash(_("Report %(number)s is issued.", number=report.number), "success")
    return redirect(url_for(".show", report_id=report.id))


@bp.route("/<int:report_id>/cancel", methods=["POST"])
@owner_required
def cancel(report_id: int):
    report = _report(report_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        building.cancel_report(current_user, report.id, form.reason.data or "")
    except BillingError as error:
        apply_errors(form, error.fields)
        return _refused(report, error, cancel_form=form)
    flash(_("Report %(number)s is cancelled; its interventions can be changed and reported "
            "again.", number=report.number), "success")
    return redirect(url_for(".show", report_id=report.id))


@bp.route("/<int:report_id>/delete", methods=["POST"])
@owner_required
def delete(report_id: int):
    report = _report(report_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        building.delete_draft(current_user, report.id)
    except BillingError as error:
        return _refused(report, error)
    flash(_("The draft is deleted."), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:report_id>/report.pdf")
@owner_required
def pdf(report_id: int):
    report = _report(report_id)
    return pdf_response(report, build_document(current_user, report))


@bp.route("/<int:report_id>/report.csv")
@owner_required
def csv(report_id: int):
    report = _report(report_id)
    default = "semicolon" if str(get_locale() or "en").startswith("it") else "comma"
    separator = SEPARATORS.get(request.args.get("sep", default))
    if separator is None:
        abort(404)
    body = render_csv(report, build_document(current_user, report), separator)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{csv_filename(report)}"',
    })


# -- rates -------------------------------------------------------------------------------

def _rates_page(settings_form: SettingsForm | None = None, failed: tuple | None = None,
                status: int = 200):
    """The rates page; ``failed`` is (kind, id, form) of a rate form sent with an error."""
    settings = rates.get_settings()
    if settings_form is None:
        settings_form = SettingsForm(obj=settings)
    operator_rates = dict(db.session.execute(
        select(OperatorRate.user_id, OperatorRate.hourly_rate)
    ).all())
    staff = db.session.scalars(
        select(User).where(User.role.in_([Role.OWNER.value, Role.AGENT.value]))
        .order_by(User.name, User.surname)
    )
    companies = db.session.scalars(select(Company).order_by(Company.name))

    def rate_form(kind: str, ident: int, rate):
        if failed and failed[0] == kind and failed[1] == ident:
            return failed[2]
        return RateForm(hourly_rate=rate, prefix=f"{kind}{ident}")

    operators = [(user, rate_form("operator", user.id, operator_rates.get(user.id)))
                 for user in staff]
    company_rows = [(company, rate_form("company", company.id, company.hourly_rate))
                    for company in companies]
    return render_template("reports/rates.html", form=settings_form, settings=settings,
                           operators=operators, companies=company_rows), status


def _settings_of(form: SettingsForm) -> dict:
    return {name: getattr(form, name).data for name in rates.SETTING_NAMES}


@bp.route("/rates", methods=["GET", "POST"])
@owner_required
def rates_page():
    form = SettingsForm()
    if not form.is_submitted():
        return _rates_page()
    if form.validate_on_submit():
        try:
            rates.update_settings(current_user, **_settings_of(form))
        except BillingError as error:
            apply_errors(form, error.fields)
            flash(error.message, "error")
            return _rates_page(form, status=error.status_code)
        flash(_("The billing rates are saved."), "success")
        return redirect(url_for(".rates_page"))
    check_unreadable(form, lambda: rates.check_settings(_settings_of(form)))
    flash(_("Check the highlighted settings."), "error")
    return _rates_page(form, status=422)


def _save_rate(kind: str, ident: int, setter):
    form = RateForm(prefix=f"{kind}{ident}")
    if form.validate_on_submit():
        try:
            setter(current_user, ident, form.hourly_rate.data)
        except BillingError as error:
            apply_errors(form, error.fields)
            flash(error.message, "error")
            return _rates_page(failed=(kind, ident, form), status=error.status_code)
        flash(_("The hourly rate is saved."), "success")
        return redirect(url_for(".rates_page") + f"#{kind}-{ident}")
    flash(_("Check the highlighted settings."), "error")
    return _rates_page(failed=(kind, ident, form), status=422)


@bp.route("/rates/operators/<int:user_id>", methods=["POST"])
@owner_required
def operator_rate(user_id: int):
    return _save_rate("operator", user_id, rates.set_operator_rate)


@bp.route("/rates/companies/<int:company_id>", methods=["POST"])
@owner_required
def company_rate(company_id: int):
    return _save_rate("company", company_id, rates.set_company_rate)

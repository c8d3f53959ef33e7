"""Portal pages for a customer company's managers: its issued reports, the PDF,
and acknowledging a report. Anyone else gets a 404, whatever the report."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.reports import building
from app.reports.access import manager_required
from app.reports.document import build_document
from app.reports.errors import BillingError
from app.reports.forms import AcknowledgeForm, apply_errors
from app.reports.models import Report, ReportStatus
from app.reports.rendering import pdf_response, report_context

bp = Blueprint("portal_reports", __name__, url_prefix="/portal/reports",
               template_folder="templates")

#: Reports listed per page.
PAGE = 50


def _report(report_id: int) -> Report:
    report = db.session.scalar(
        select(Report).where(Report.id == report_id).options(selectinload(Report.items))
    )
    if not building.may_read_in_portal(current_user, report):
        abort(404)
    return report


@bp.route("/")
@manager_required
def index():
    reports = db.session.scalars(
        select(Report)
        .where(Report.company_id == current_user.company_id,
               Report.status == ReportStatus.ISSUED.value)
        .order_by(Report.issued_at.desc(), Report.id.desc()).limit(PAGE)
    )
    return render_template("reports/portal_index.html", reports=list(reports))


def _page(report: Report, form: AcknowledgeForm, status: int = 200):
    context = report_context(report, build_document(current_user, report), "html")
    return render_template("reports/portal_show.html", **context, form=form), status


@bp.route("/<int:report_id>")
@manager_required
def show(report_id: int):
    report = _report(report_id)
    return _page(report, AcknowledgeForm(name=current_user.full_name))


@bp.route("/<int:report_id>/report.pdf")
@manager_required
def pdf(report_id: int):
    report = _report(report_id)
    return pdf_response(report, build_document(current_user, report))


@bp.route("/<int:report_id>/acknowledge", methods=["POST"])
@manager_required
def acknowledge(report_id: int):
    report = _report(report_id)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        building.acknowledge_report(current_user, report.id, form.name.data or "")
    except BillingError as error:
        apply_errors(form, error.fields)
        flash(error.message, "error")
        return _page(report, form, error.status_code)
    flash(_("Thank you: the report is acknowledged."), "success")
    return redirect(url_for(".show", report_id=report.id))

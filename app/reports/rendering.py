"""Rendering a report: one template for the HTML view and the PDF, and the CSV.

Every output builds its context here and hands it to plugins through the
``sportello_report_render`` hook before rendering.
"""

from __future__ import annotations

import base64
import csv
import io
import mimetypes
import os
from typing import Any

from flask import Response, current_app, render_template, url_for
from flask_babel import gettext as _

from app.accounts.profile import get_profile
from app.errors import render_error
from app.plugins.manager import get_plugin_manager
from app.reports.document import Document
from app.reports.formatting import hours, number, plain
from app.reports.models import Report
from app.reports.pdf import PdfUnavailable, html_to_pdf

STYLESHEET = os.path.join(os.path.dirname(__file__), "static", "report.css")


def _logo_data_uri() -> str:
    """The owner's logo inline, for the PDF (WeasyPrint opens no file itself)."""
    profile = get_profile()
    if not profile.logo_path:
        return ""
    path = os.path.join(current_app.instance_path, "branding", os.path.basename(profile.logo_path))
    kind = mimetypes.guess_type(path)[0]
    if not kind or not kind.startswith("image/") or not os.path.isfile(path):
        return ""
    with open(path, "rb") as handle:
        return f"data:{kind};base64,{base64.b64encode(handle.read()).decode()}"


def report_context(report: Report, document: Document, output: str) -> dict[str, Any]:
    """What the templates (and the CSV) get; plugins may add keys prefixed with their name."""
    profile = get_profile()
    if output == "pdf":
        logo = _logo_data_uri()
    else:
        logo = url_for("main.logo") if profile.logo_path else ""
    context: dict[str, Any] = {
        "report": report, "document": document, "owner": profile, "company": document.company,
        "logo_src": logo, "output": output,
    }
    get_plugin_manager().hook.sportello_report_render(report=report, context=context)
    return context


def stylesheet() -> str:
    with open(STYLESHEET, encoding="utf-8") as handle:
        return handle.read()


def render_pdf(report: Report, document: Document) -> bytes:
    context = report_context(report, document, "pdf")
    html = render_template("reports/document_standalone.html", stylesheet=stylesheet(), **context)
    return html_to_pdf(html)


def _file_label(report: Report) -> str:
    return report.number.replace("/", "-") if report.number else f"draft-{report.id}"


def pdf_filename(report: Report) -> str:
    return f"report-{_file_label(report)}.pdf"


def csv_filename(report: Report) -> str:
    return f"report-{_file_label(report)}.csv"


def pdf_response(report: Report, document: Document) -> Response | tuple[str, int]:
    """The report as a PDF download, or a clear page when WeasyPrint is missing."""
    try:
        body = render_pdf(report, document)
    except PdfUnavailable:
        return render_error(503, _("PDF output is not installed on this server: install "
                                   "Sportello with the pdf extra (WeasyPrint)."))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{pdf_filename(report)}"',
    })


# -- CSV -------------------------------------------------------------------------------

SEPARATORS = {"semicolon": ";", "comma": ","}


def _decimal(value, separator: str, places: int = 2) -> str:
    """A plain number for spreadsheets: a decimal comma with ";", a point with ","."""
    text = plain(value, places)
    return text.replace(".", ",") if separator == ";" else text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(report: Report, document: Document, separator: str) -> bytes:
    """The report as CSV: UTF-8 with a BOM (for spreadsheets), one row per intervention
    and per material, then the totals. Customer-facing text only."""
    context = report_context(report, document, "csv")
    document = context["document"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    num = lambda value: _decimal(value, separator)  # noqa: E731
    qty = lambda value: _decimal(value, separator, 0)  # noqa: E731
    writer.writerow([
        _("Row"), _("Report"), _("Ticket"), _("Title"), _("Date"), _("Start"), _("End"),
        _("Operator"), _("Where"), _("Billable"), _("Description"), _("Worked (h:mm)"),
        _("Billed (h:mm)"), _("Hourly rate"), _("Labour"), _("Travel time (h:mm)"),
        _("Travel time amount"), _("Kilometres"), _("Kilometres amount"), _("Material"),
        _("Quantity"), _("Unit"), _("Unit price"), _("Materials amount"), _("Amount"),
    ])
    label = report.number or _("Draft")
    for line in document.lines:
        priced = line.price
        writer.writerow([
            _("Intervention"), label, line.ticket_number, _cell(line.ticket_title),
            line.work_date, line.start or "", line.end or "", _cell(line.operator),
            _("On site") if line.on_site else _("Remote"),
            _("Yes") if line.billable else _("No"), _cell(line.description), hours(line.minutes),
            hours(priced.billed_minutes), num(line.hourly_rate), num(priced.labour),
            hours(priced.travel_minutes), num(priced.travel_time), qty(priced.travel_km_count),
            num(priced.travel_km), "", "", "", "", num(priced.materials_total), num(priced.total),
        ])
        for material in line.materials:
            writer.writerow([
                _("Material"), label, line.ticket_number, _cell(line.ticket_title),
                line.work_date, *[""] * 14, _cell(material.description),
                qty(material.quantity), _cell(material.unit),
                num(material.unit_price), num(material.amount), "",
            ])
    totals = document.totals
    for name, value in ((_("Net total"), totals.net),
                        (_("VAT %(rate)s%%", rate=number(totals.vat_rate)), totals.vat),
                        (_("Total due"), totals.gross)):
        writer.writerow([_("Total"), label, *[""] * 8, name, *[""] * 13, num(value)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

"""The report as HTML, PDF and CSV: totals exact, customer text only, the render hook."""

import csv
import io
from datetime import date, time
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from babel.numbers import format_currency
from pypdf import PdfReader

from app.plugins import hookimpl
from app.plugins.manager import get_plugin_manager

SECRET = "INTERNAL-ONLY-remember-the-alarm-code-1234"


@pytest.fixture
def issued(app, ticket, log, billing, issue, company, make_ticket, person):
    """An issued report: labour, travel, kilometres, materials, a non-billable line,
    work across midnight, and internal notes that must never be printed."""
    billing()
    log(ticket, start_time=time(9, 0), end_time=time(10, 1), internal_note=SECRET)
    # 75 min → 62.50
    log(ticket, on_site=True, start_time=time(22, 30), end_time=time(0, 50), travel_time=45,
        travel_km=Decimal("12.4"), internal_note=SECRET + " again",
        materials=[("Power supply", Decimal("2"), "pcs", Decimal("7.99"))])
    # 140 min → 150 min = 125.00 + 22.50 + 6.20 + 15.98 = 169.68
    other = make_ticket(actor=person, title="Slow network")
    log(other, billable=False, description="Checked the switch, free of charge.")
    return issue(company_id=company.id)
    # net 232.18, VAT 22% 51.08 (51.0796), gross 283.26


NET, VAT, GROSS = Decimal("232.18"), Decimal("51.08"), Decimal("283.26")


def test_issued_totals_are_exact(issued):
    assert (issued.net_total, issued.vat_total, issued.gross_total) == (NET, VAT, GROSS)


def test_html_view(login, owner, issued, ticket):
    html = login(owner).get(f"/reports/{issued.id}").get_data(as_text=True)
    for amount in (NET, VAT, GROSS, Decimal("169.68"), Decimal("15.98")):
        assert format_currency(amount, "EUR", locale="en") in html
    assert f"Intervention report {issued.number}" in html
    assert "Printer on fire" in html and "Slow network" in html and "Not charged" in html
    assert "(next day)" in html and "Rossi Impianti" in html
    assert SECRET not in html


class _TicketSections(HTMLParser):
    """Each ``section.report-ticket`` of a report: its heading and its lines' descriptions."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[dict] = []
        self._inside = False
        self._into: str | None = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "section" and "report-ticket" in classes:
            self.sections.append({"heading": "", "lines": []})
            self._inside = True
        elif self._inside and tag == "h2":
            self._into = "heading"
        elif self._inside and tag == "p" and "report-description" in classes:
            self.sections[-1]["lines"].append("")
            self._into = "line"

    def handle_data(self, data):
        if self._into == "heading":
            self.sections[-1]["heading"] += data
        elif self._into == "line":
            self.sections[-1]["lines"][-1] += data

    def handle_endtag(self, tag):
        if tag in ("h2", "p"):
            self._into = None
        elif tag == "section":
            self._inside = False


def _ticket_sections(html: str) -> list[dict]:
    reader = _TicketSections()
    reader.feed(html)
    return reader.sections


def test_lines_are_grouped_under_their_tickets_heading(app, login, owner, ticket, log, billing,
                                                       issue, company, make_ticket, person):
    """Work on two tickets, logged on alternate days: each ticket has one heading, and each
    intervention sits under its own ticket's heading, in date order."""
    billing()
    other = make_ticket(actor=person, title="Slow network")
    log(ticket, work_date=date(2026, 3, 10), description="Printer: first visit.")
    log(other, work_date=date(2026, 3, 11), description="Network: switch checked.")
    log(ticket, work_date=date(2026, 3, 12), description="Printer: second visit.")
    log(other, work_date=date(2026, 3, 9), description="Network: cables traced.")
    report = issue(company_id=company.id)
    html = login(owner).get(f"/reports/{report.id}").get_data(as_text=True)
    assert [(section["heading"], section["lines"]) for section in _ticket_sections(html)] == [
        (f"Ticket {ticket.number}: Printer on fire",
         ["Printer: first visit.", "Printer: second visit."]),
        (f"Ticket {other.number}: Slow network",
         ["Network: cables traced.", "Network: switch checked."]),
    ]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_the_totals_and_no_internal_note(login, owner, issued):
    response = login(owner).get(f"/reports/{issued.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert issued.number.replace("/", "-") in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    for amount in (NET, VAT, GROSS):
        assert format_currency(amount, "EUR", locale="en") in text
    assert issued.number in text and "Printer on fire" in text
    assert "INTERNAL-ONLY" not in text


def test_amounts_in_the_readers_language(login, make_user, issued):
    from app.accounts.models import Role

    italian = make_user(Role.OWNER, email="titolare@example.com", language="it")
    html = login(italian).get(f"/reports/{issued.id}").get_data(as_text=True)
    assert format_currency(GROSS, "EUR", locale="it") in html  # "283,26 €"
    assert f"Rapporto d'intervento {issued.number}" in html


def _csv_rows(data: bytes, separator: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for spreadsheets
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=separator))


def test_csv_with_semicolons_and_decimal_commas(login, owner, issued):
    response = login(owner).get(f"/reports/{issued.id}/report.csv?sep=semicolon")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _csv_rows(response.data, ";")
    assert len({len(row) for row in rows}) == 1  # every row has every column
    assert rows[-1][-1] == "283,26" and rows[-2][-1] == "51,08" and rows[-3][-1] == "232,18"
    kinds = [row[0] for row in rows[1:]]
    assert kinds.count("Intervention") == 3 and kinds.count("Material") == 1
    assert SECRET not in response.get_data(as_text=True)


def test_csv_with_commas_and_decimal_points(login, owner, issued):
    rows = _csv_rows(login(owner).get(f"/reports/{issued.id}/report.csv?sep=comma").data, ",")
    assert [row[-1] for row in rows[-3:]] == ["232.18", "51.08", "283.26"]
    material = next(row for row in rows if row[0] == "Material")
    assert material[19:24] == ["Power supply", "2", "pcs", "7.99", "15.98"]


def test_csv_cells_never_run_as_formulas(app, login, owner, ticket, log, billing, draft,
                                         company):
    billing()
    log(ticket, description="=HYPERLINK(\"http://evil\")")
    report = draft(company_id=company.id)
    body = login(owner).get(f"/reports/{report.id}/report.csv?sep=comma").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_unknown_csv_separator_is_404(login, owner, issued):
    assert login(owner).get(f"/reports/{issued.id}/report.csv?sep=tab").status_code == 404


def test_render_hook_gets_the_report_and_the_context(app, login, owner, issued):
    seen = []

    class Recorder:
        @hookimpl
        def sportello_report_render(self, report, context):
            seen.append((report.id, context["output"], "document" in context))

    manager = get_plugin_manager(app)
    manager.register(Recorder(), name="test-recorder")
    try:
        browser = login(owner)
        browser.get(f"/reports/{issued.id}")
        browser.get(f"/reports/{issued.id}/report.pdf")
        browser.get(f"/reports/{issued.id}/report.csv")
    finally:
        manager.unregister(name="test-recorder")
    assert seen == [(issued.id, "html", True), (issued.id, "pdf", True), (issued.id, "csv", True)]


def test_missing_weasyprint_gives_a_clear_page(login, owner, issued, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    response = login(owner).get(f"/reports/{issued.id}/report.pdf")
    assert response.status_code == 503
    assert "pdf extra" in response.get_data(as_text=True)


def test_draft_outputs_say_draft(login, owner, ticket, log, billing, draft, company):
    billing()
    log(ticket, internal_note=SECRET)
    report = draft(company_id=company.id)
    browser = login(owner)
    html = browser.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Draft: not issued yet" in html and SECRET not in html
    text = _pdf_text(browser.get(f"/reports/{report.id}/report.pdf").data)
    assert "draft" in text.lower() and "INTERNAL-ONLY" not in text


def _png() -> bytes:
    """A valid 2×2 red PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def branded(app):
    """The owner's profile with details and a logo in the instance folder."""
    import os

    from app.accounts.profile import update_profile

    folder = os.path.join(app.instance_path, "branding")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "test-logo.png")
    with open(path, "wb") as handle:
        handle.write(_png())
    with app.test_request_context():
        update_profile(name="Assistenza Bianchi S.r.l.", address="Via Verdi 2, Milano",
                       vat_number="IT99999999999", logo_path="test-logo.png")
    yield
    os.remove(path)


def test_pdf_carries_the_owners_logo_and_details(login, owner, issued, branded):
    browser = login(owner)
    data = browser.get(f"/reports/{issued.id}/report.pdf").data
    reader = PdfReader(io.BytesIO(data))
    text = _pdf_text(data)
    assert "Assistenza Bianchi S.r.l." in text and "IT99999999999" in text
    assert len(reader.pages[0].images) == 1
    html = browser.get(f"/reports/{issued.id}").get_data(as_text=True)
    assert 'src="/logo"' in html and "Assistenza Bianchi S.r.l." in html

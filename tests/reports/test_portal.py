"""The portal: a company's managers read its issued reports, download the PDF and
acknowledge them; everyone else gets a 404."""

import io
from datetime import datetime

import pytest
from babel.dates import format_datetime
from babel.numbers import format_currency
from pypdf import PdfReader

from app.accounts.models import Role
from app.extensions import db
from app.reports import building
from app.reports.models import Report

#: When the manager acknowledges: 14:05 UTC, 15:05 in the owner's zone (Europe/Rome).
ACKNOWLEDGED_AT = datetime(2026, 3, 12, 14, 5, 7)


@pytest.fixture
def report(ticket, log, billing, issue, company):
    billing()
    log(ticket, internal_note="INTERNAL-ONLY")
    return issue(company_id=company.id)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _spaced(text: str) -> str:
    """Plain spaces for the no-break ones dates and times are written with."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_managers_see_the_issued_reports_of_their_company(login, manager, report):
    browser = login(manager)
    listing = browser.get("/portal/reports/").get_data(as_text=True)
    assert report.number in listing and "Not yet" in listing
    page = browser.get(f"/portal/reports/{report.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"Intervention report {report.number}" in html
    assert "INTERNAL-ONLY" not in html
    assert "Cancel the report" not in html and "Issue the report" not in html
    pdf = browser.get(f"/portal/reports/{report.id}/report.pdf")
    assert pdf.status_code == 200 and report.number in _pdf_text(pdf.data)


def test_menu_shows_reports_to_managers_only(login, manager, person, report, browser):
    assert 'href="/portal/reports/"' in login(manager).home()
    browser.logout()
    assert 'href="/portal/reports/"' not in login(person).home()


@pytest.mark.parametrize("who", ["person", "stranger_manager", "agent"])
def test_everyone_else_gets_404(request, login, make_user, report, who):
    if who == "stranger_manager":
        user = make_user(Role.CUSTOMER, is_company_manager=True)
    else:
        user = request.getfixturevalue(who)
    browser = login(user)
    for url in ("/portal/reports/", f"/portal/reports/{report.id}",
                f"/portal/reports/{report.id}/report.pdf"):
        response = browser.get(url)
        if url == "/portal/reports/" and who == "stranger_manager":
            assert report.number not in response.get_data(as_text=True)
        else:
            assert response.status_code == 404, (who, url)
    response = browser.submit(f"/portal/reports/{report.id}/acknowledge", {"name": "X"},
                              form_url="/")
    assert response.status_code == 404


def test_drafts_and_cancelled_reports_are_not_in_the_portal(app, login, manager, owner, ticket,
                                                           log, billing, draft, report,
                                                           company):
    from app.accounts.models import User
    from app.reports import building

    log(ticket, description="Later work")
    pending = draft(company_id=company.id)
    browser = login(manager)
    assert browser.get(f"/portal/reports/{pending.id}").status_code == 404
    with app.app_context():
        building.cancel_report(db.session.get(User, owner.id), report.id, "Mistake")
    assert browser.get(f"/portal/reports/{report.id}").status_code == 404
    assert report.number not in browser.get("/portal/reports/").get_data(as_text=True)


def test_acknowledge_records_name_and_time_and_prints_them(app, login, manager, owner, report,
                                                           monkeypatch):
    monkeypatch.setattr(building, "utcnow", lambda: ACKNOWLEDGED_AT)
    browser = login(manager)
    url = f"/portal/reports/{report.id}"
    refused = browser.submit(url + "/acknowledge", {"name": "  "}, form_url=url)
    assert refused.status_code == 422 and 'id="name-error"' in refused.get_data(as_text=True)
    response = browser.submit(url + "/acknowledge", {"name": "Anna Rossi"}, form_url=url)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(Report, report.id)
        assert stored.acknowledged_name == "Anna Rossi"
        assert stored.acknowledged_at == ACKNOWLEDGED_AT
        assert stored.acknowledged_by_id == manager.id
    page = browser.get(url).get_data(as_text=True)
    assert "Acknowledged by Anna Rossi on" in page and 'name="name"' not in page
    text = _pdf_text(browser.get(url + "/report.pdf").data)
    # The date and the time in the owner's zone, as the reader's language writes them.
    when = format_datetime(datetime(2026, 3, 12, 15, 5, 7), format="medium", locale="en")
    assert "Mar 12, 2026" in when and "3:05:07" in when
    assert f"Acknowledged by Anna Rossi on {_spaced(when)}." in _spaced(text)
    again = browser.submit(url + "/acknowledge", {"name": "Anna Rossi"},
                           form_url="/portal/reports/")
    assert again.status_code == 409
    browser.logout()
    owner_page = login(owner).get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Acknowledged by Anna Rossi" in owner_page


def test_italian_manager_reads_italian_amounts(login, make_user, company, report):
    italian = make_user(Role.CUSTOMER, company=company, is_company_manager=True, language="it")
    text = _pdf_text(login(italian).get(f"/portal/reports/{report.id}/report.pdf").data)
    assert format_currency(report.gross_total, "EUR", locale="it") in text

"""Staff and owner pages: interventions on a ticket, building and issuing reports, rates."""

import re
from decimal import Decimal

from app.extensions import db
from app.reports.models import BillingSettings, Intervention, OperatorRate, Report

FORM = {
    "work_date": "2026-03-10", "start_time": "22:30", "end_time": "01:15", "duration": "",
    "mode": "on_site", "travel_time": "0:40", "travel_km": "12,5",
    "description": "Replaced the power supply.", "internal_note": "Customer was rude",
    "billable": "y",
    "materials-0-description": "Power supply", "materials-0-quantity": "1",
    "materials-0-unit": "pcs", "materials-0-unit_price": "45,90",
    "materials-1-description": "", "materials-1-quantity": "", "materials-1-unit": "",
    "materials-1-unit_price": "",
    "save": "Save",
}


def _interventions(app):
    with app.app_context():
        return db.session.query(Intervention).all()


def test_staff_log_an_intervention_from_the_form(app, login, agent, ticket):
    browser = login(agent)
    url = f"/desk/tickets/{ticket.number}/interventions/new"
    page = browser.get(url)
    assert page.status_code == 200
    response = browser.submit(url, FORM | {"operator_id": str(agent.id)})
    assert response.status_code == 302
    [stored] = _interventions(app)
    assert stored.minutes == 165 and stored.on_site and stored.travel_km == Decimal("12.5")
    assert stored.travel_minutes == 40
    with app.app_context():
        assert [m.unit_price for m in db.session.get(Intervention, stored.id).materials] == [
            Decimal("45.90")]
    listing = browser.get(f"/desk/tickets/{ticket.number}/interventions").get_data(as_text=True)
    assert "Replaced the power supply." in listing and "Customer was rude" in listing
    assert "(next day)" in listing


def test_errors_are_shown_next_to_their_fields(app, login, agent, ticket):
    browser = login(agent)
    url = f"/desk/tickets/{ticket.number}/interventions/new"
    response = browser.submit(url, FORM | {
        "operator_id": str(agent.id), "mode": "remote", "description": "",
        "materials-0-quantity": "two", "end_time": "25:00",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("description", "travel_time", "travel_km", "materials-0-quantity",
                 "end_time"):
        assert f'id="{name}-error"' in html, name
        tag = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{name}"[^>]*>', html)[0]
        assert re.search(rf'aria-describedby="[^"]*{name}-error', tag), name
    assert "Enter a number" in html and 'value="two"' in html
    assert _interventions(app) == []


def test_add_a_material_line_without_javascript(app, login, agent, ticket):
    browser = login(agent)
    url = f"/desk/tickets/{ticket.number}/interventions/new"
    data = FORM | {"operator_id": str(agent.id), "add_line": "Add a material line"}
    data.pop("save")
    html = browser.submit(url, data).get_data(as_text=True)
    assert 'name="materials-2-description"' in html and 'value="Power supply"' in html
    assert _interventions(app) == []


def test_edit_and_delete(app, login, agent, ticket, log):
    intervention = log(ticket, description="First words")
    browser = login(agent)
    base = f"/desk/tickets/{ticket.number}/interventions/{intervention.id}"
    page = browser.get(base + "/edit").get_data(as_text=True)
    assert "First words" in page and 'value="09:00"' in page
    response = browser.submit(base + "/edit", FORM | {"operator_id": str(agent.id),
                                                      "description": "Second words"})
    assert response.status_code == 302
    assert _interventions(app)[0].description == "Second words"
    assert browser.get(base + "/delete").status_code == 200
    assert browser.submit(base + "/delete", {"confirm": "Delete"}).status_code == 302
    assert _interventions(app) == []


def test_locked_interventions_name_their_report(app, login, agent, ticket, log, billing, issue,
                                                company):
    billing()
    intervention = log(ticket)
    report = issue(company_id=company.id)
    browser = login(agent)
    base = f"/desk/tickets/{ticket.number}/interventions/{intervention.id}"
    for url in (base + "/edit", base + "/delete"):
        response = browser.get(url)
        assert response.status_code == 409
        assert report.number in response.get_data(as_text=True)
    response = browser.submit(base + "/delete", {"confirm": "Delete"},
                              form_url=f"/desk/tickets/{ticket.number}/interventions")
    assert response.status_code == 409 and len(_interventions(app)) == 1
    listing = browser.get(f"/desk/tickets/{ticket.number}/interventions").get_data(as_text=True)
    assert f"In report {report.number}" in listing


def test_customers_never_reach_staff_pages(app, login, manager, ticket, log):
    intervention = log(ticket)
    browser = login(manager)
    for url in (f"/desk/tickets/{ticket.number}/interventions",
                f"/desk/tickets/{ticket.number}/interventions/new",
                f"/desk/tickets/{ticket.number}/interventions/{intervention.id}/edit",
                "/reports/", "/reports/rates", "/reports/new"):
        assert browser.get(url).status_code == 404, url


def test_unknown_ticket_is_404(login, agent):
    assert login(agent).get("/desk/tickets/1999-00001/interventions").status_code == 404


def test_agents_cannot_open_the_owner_pages(login, agent):
    browser = login(agent)
    for url in ("/reports/", "/reports/rates", "/reports/new"):
        assert browser.get(url).status_code == 403, url


def test_owner_builds_issues_and_cancels_from_the_pages(app, login, owner, ticket, log, billing,
                                                       company):
    billing()
    log(ticket)
    browser = login(owner)
    index = browser.get("/reports/").get_data(as_text=True)
    assert "Rossi Impianti" in index and f"/reports/new?company={company.id}" in index
    response = browser.submit("/reports/new", {"company_id": str(company.id),
                                               "period_start": "2026-03-01",
                                               "period_end": "2026-03-31", "tickets": "",
                                               "notes": "Thanks!"})
    assert response.status_code == 302
    show_url = response.headers["Location"]
    page = browser.get(show_url).get_data(as_text=True)
    assert "Intervention report (draft)" in page and "Issue the report" in page
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page)[1]
    issued = browser.submit(show_url + "/issue", {"fingerprint": fingerprint},
                            form_url=show_url)
    assert issued.status_code == 302
    with app.app_context():
        report = db.session.query(Report).one()
    page = browser.get(show_url).get_data(as_text=True)
    assert f"Intervention report {report.number}" in page and "Cancel the report" in page
    refused = browser.submit(show_url + "/cancel", {"reason": ""}, form_url=show_url)
    assert refused.status_code == 422 and 'id="reason-error"' in refused.get_data(as_text=True)
    cancelled = browser.submit(show_url + "/cancel", {"reason": "Wrong period"},
                               form_url=show_url)
    assert cancelled.status_code == 302
    page = browser.get(show_url).get_data(as_text=True)
    assert "Wrong period" in page and "Cancelled" in page


def test_stale_issue_is_refused_with_a_message(app, login, owner, ticket, log, billing, draft,
                                               company):
    billing()
    log(ticket)
    report = draft(company_id=company.id)
    browser = login(owner)
    url = f"/reports/{report.id}"
    response = browser.submit(url + "/issue", {"fingerprint": "stale"}, form_url=url)
    assert response.status_code == 409
    assert "check it again" in response.get_data(as_text=True)


def test_build_form_shows_errors_next_to_fields(login, owner):
    response = login(owner).submit("/reports/new", {"company_id": "", "tickets": "",
                                                    "period_start": "someday"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="company_id-error"' in html and 'id="period_start-error"' in html


def test_rates_page(app, login, owner, agent, company):
    browser = login(owner)
    assert browser.get("/reports/rates").status_code == 200
    settings = {"default_hourly_rate": "55", "travel_hourly_rate": "30,5",
                "travel_km_rate": "0,42", "increment_minutes": "30", "minimum_charge": "40",
                "vat_rate": "22"}
    assert browser.submit("/reports/rates", settings).status_code == 302
    bad = browser.submit("/reports/rates", settings | {"vat_rate": "150",
                                                       "increment_minutes": "a"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="increment_minutes-error"' in html
    bad = browser.submit("/reports/rates", settings | {"vat_rate": "150"})
    assert bad.status_code == 422 and 'id="vat_rate-error"' in bad.get_data(as_text=True)
    prefix = f"operator{agent.id}-"
    assert browser.submit(f"/reports/rates/operators/{agent.id}",
                          {prefix + "hourly_rate": "70"},
                          form_url="/reports/rates").status_code == 302
    prefix = f"company{company.id}-"
    bad = browser.submit(f"/reports/rates/companies/{company.id}",
                         {prefix + "hourly_rate": "1,234"}, form_url="/reports/rates")
    assert bad.status_code == 422 and f'id="{prefix}hourly_rate-error"' in bad.get_data(
        as_text=True)
    with app.app_context():
        settings_row = db.session.get(BillingSettings, 1)
        assert settings_row.travel_hourly_rate == Decimal("30.5")
        assert settings_row.increment_minutes == 30
        assert db.session.get(OperatorRate, agent.id).hourly_rate == Decimal("70")


def test_menu_entries(login, owner, make_user, company):

    html = login(owner).home()
    assert 'href="/reports/"' in html


def test_the_staff_ticket_page_lists_the_interventions(app, login, agent, ticket, log):
    log(ticket, description="Replaced the toner cartridge.")
    html = login(agent).get(f"/desk/tickets/{ticket.number}").get_data(as_text=True)
    assert 'id="interventions-title"' in html and "Replaced the toner cartridge." in html

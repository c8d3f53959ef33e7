"""No person reaches another company's ticket or report: every portal route (the
tickets' and the reports'), walked as a person (and as the company manager) of another
company, answers 404 and changes nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.extensions import db
from app.portal.links import make_token
from app.reports import building, rates
from app.reports.document import build_document
from app.reports.interventions import log_intervention
from app.reports.models import Report
from app.tickets.models import Attachment, Comment, Ticket, TicketEvent
from app.tickets.service import add_comment
from tests.reports.conftest import SETTINGS, work

SECRET_TITLE = "Acme merger plans"


def _file(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(b"confidential"), filename=name)


#: The blueprints of the customer portal: its tickets and its intervention reports.
PORTAL_BLUEPRINTS = ("portal", "portal_reports")


def portal_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.partition(".")[0] in PORTAL_BLUEPRINTS
            and not rule.endpoint.endswith(".static")}


def issued_report(app, people, ticket: Ticket) -> Report:
    """An intervention on ``ticket`` billed in an issued report of its company."""
    with app.app_context():
        owner = db.session.get(User, people.owner.id)
        rates.update_settings(owner, **SETTINGS)
        log_intervention(db.session.get(User, people.agent.id), db.session.get(Ticket, ticket.id),
                         work(operator_id=people.agent.id))
        draft = building.create_draft(owner, building.ReportScope(company_id=ticket.company_id))
        fingerprint = build_document(owner, db.session.get(Report, draft.id)).fingerprint
        return building.issue_report(owner, draft.id, fingerprint)


def footprint(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Ticket, Comment, TicketEvent, Attachment))


@pytest.fixture(params=["person", "manager"])
def outsider(request, people, make_user):
    """A person of Globex: a plain one, or the company manager (who sees all of Globex)."""
    if request.param == "person":
        return people.bob
    return make_user(company=people.bob.company, is_company_manager=True,
                     email_verified_at=people.bob.email_verified_at)


def test_every_portal_route_answers_404_to_another_company(
    app, people, outsider, as_user, open_ticket
):
    acme = open_ticket(people.alice, title=SECRET_TITLE,
                       files={"screenshots": [_file("acme-screen.png")]})
    with app.app_context():
        add_comment(db.session.get(User, people.alice.id), db.session.get(Ticket, acme.id),
                    "See the file", files=[_file("acme-contract.pdf")])
        acme_files = list(db.session.scalars(
            select(Attachment.id).where(Attachment.ticket_id == acme.id)))
    own = open_ticket(people.bob, title="Globex's own")
    report = issued_report(app, people, acme)
    browser = as_user(outsider)
    walked: set[str] = set()
    before = footprint(app)

    def expect_404(endpoint: str, response) -> None:
        walked.add(endpoint)
        assert response.status_code == 404, (endpoint, response.status_code)
        assert SECRET_TITLE not in response.get_data(as_text=True)

    base = f"/portal/tickets/{acme.number}"
    expect_404("portal.ticket", browser.get(base))
    expect_404("portal.created", browser.get(f"{base}/created"))
    expect_404("portal.reply", browser.submit(f"{base}/reply", {"body": "hi"},
                                              form_url="/portal/"))
    expect_404("portal.edit", browser.submit(f"{base}/edit", {"module": "vpn"},
                                             form_url="/portal/"))
    for attachment_id in acme_files:
        expect_404("portal.attachment", browser.get(f"{base}/files/{attachment_id}"))
        # Not through a ticket of their own either.
        expect_404("portal.attachment",
                   browser.get(f"/portal/tickets/{own.number}/files/{attachment_id}"))
    with app.app_context():
        # A link naming the outsider for Acme's ticket (as a buggy e-mail might make)...
        stray = f"/portal/t/{make_token(outsider.id, acme.id)}"
        # ...and the outsider's own valid link, aimed at Acme's files.
        own_link = f"/portal/t/{make_token(people.bob.id, own.id)}"
    expect_404("portal.link", browser.get(stray))
    expect_404("portal.link", browser.submit(stray, {"body": "hi"}, form_url="/portal/"))
    for attachment_id in acme_files:
        expect_404("portal.link_attachment", browser.get(f"{stray}/files/{attachment_id}"))
        expect_404("portal.link_attachment", browser.get(f"{own_link}/files/{attachment_id}"))
    expect_404("portal.links", browser.get("/portal/links"))

    # The pages that list or create show nothing of Acme's.
    for query in ("", "?q=merger", "?status=all-open", f"?q={acme.number}"):
        response = browser.get(f"/portal/{query}")
        walked.add("portal.tickets")
        assert response.status_code == 200 and SECRET_TITLE not in response.get_data(as_text=True)
    response = browser.get(f"/portal/tickets/new?follow_up={acme.number}")
    walked.add("portal.new_ticket")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert SECRET_TITLE not in html and "Alice Arden" not in html
    response = browser.submit("/portal/tickets/new", {
        "title": "Notify Alice", "request_type": "question", "product_family": "services",
        "description": "x", "notify_person": str(people.alice.id),
    })
    assert response.status_code == 422

    # Acme's intervention report: its page, its PDF and its acknowledgement.
    reports = f"/portal/reports/{report.id}"
    expect_404("portal_reports.show", browser.get(reports))
    expect_404("portal_reports.pdf", browser.get(f"{reports}/report.pdf"))
    expect_404("portal_reports.acknowledge",
               browser.submit(f"{reports}/acknowledge", {"name": "Bob Brown"},
                              form_url="/portal/"))
    response = browser.get("/portal/reports/")
    walked.add("portal_reports.index")
    if outsider.is_company_manager:  # Globex's managers have a list: without Acme's report
        assert response.status_code == 200
        assert report.number not in response.get_data(as_text=True)
    else:
        assert response.status_code == 404

    assert footprint(app) == before  # nothing was stored by any of it
    with app.app_context():
        assert db.session.get(Report, report.id).acknowledged_at is None
    assert walked == portal_endpoints(app), "walk every portal route"

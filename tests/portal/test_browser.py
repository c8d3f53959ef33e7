"""The portal in a real browser: a new ticket with an attachment and a conditional field,
a reply, a staff reply. Few and fast; each leaves a screenshot in artifacts/screenshots."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import create_company, create_user
from app.extensions import db
from app.fields.changes import apply_document
from app.fields.schema import current_schema
from app.tickets.models import Attachment, Ticket
from app.tickets.service import add_comment, create_ticket
from app.tickets.values import load_values
from app.timeutil import utcnow
from tests.fixtures.factories import PASSWORD
from tests.portal.conftest import helpdesk_document

pytestmark = pytest.mark.browser


def _seed() -> dict[str, str]:
    """The help-desk schema, a customer person and an agent, with unique e-mails."""
    apply_document(None, helpdesk_document())
    tag = uuid.uuid4().hex[:8]
    company = create_company(name=f"Acme {tag}")
    customer = create_user(email=f"alice-{tag}@example.com", name="Alice", surname="Arden",
                           role=Role.CUSTOMER, company=company, password=PASSWORD,
                           language="en", email_verified_at=utcnow())
    agent = create_user(email=f"agent-{tag}@example.com", name="Giulia", surname="Agent",
                        role=Role.AGENT, password=PASSWORD, language="en",
                        email_verified_at=utcnow())
    return {"customer": customer.email, "customer_id": customer.id, "agent_id": agent.id}


def _ticket_values(number: str) -> tuple[dict, list[str]]:
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    files = db.session.scalars(select(Attachment.filename)
                               .where(Attachment.ticket_id == ticket.id)).all()
    return load_values(current_schema(), ticket), sorted(files)


def test_open_a_ticket_with_an_attachment_and_a_conditional_field(
    live_server, chromium_page, tmp_path
):
    page = chromium_page
    people = live_server.run(_seed)
    live_server.login(page, people["customer"], PASSWORD)
    assert page.url.endswith("/portal/tickets")
    page.get_by_role("link", name="New ticket", exact=True).click()

    version = page.locator("#product_version")
    expect(version).to_be_hidden()  # applies only to software: hidden until chosen
    page.get_by_label("Title").fill("Registers do not print")
    page.get_by_label("Request type").select_option("incident")
    page.get_by_label("Product family").select_option("hardware")
    expect(version).to_be_hidden()
    page.get_by_label("Product family").select_option("software")
    expect(version).to_be_visible()
    version.fill("4.2.1")
    page.get_by_label("Module").select_option("accounting")
    page.get_by_label("Description").fill("Printing stops at 50%.")

    log = tmp_path / "error.log"
    log.write_text("spooler: out of paper\n")
    page.locator("#attachments").set_input_files(str(log))
    # A file dropped on the zone joins the one chosen.
    page.evaluate("""() => {
        const zone = document.querySelector("[data-dropzone]");
        const dropped = new DataTransfer();
        dropped.items.add(new File(["%PDF-1.4"], "invoice.pdf", {type: "application/pdf"}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dropped, bubbles: true,
                                                  cancelable: true}));
    }""")
    assert page.locator(".dropzone-files li").all_inner_texts() == ["error.log", "invoice.pdf"]
    page.get_by_role("button", name="Send the ticket").click()

    page.get_by_text("your ticket is open").wait_for()
    number = page.locator(".ticket-number-big").inner_text()
    assert re.fullmatch(r"\d{4}-\d{5}", number)
    values, files = live_server.run(_ticket_values, number)
    assert values["product_version"] == "4.2.1" and values["module"] == "accounting"
    assert files == ["error.log", "invoice.pdf"]
    page.get_by_role("link", name="See the ticket").click()
    expect(page.get_by_role("link", name="invoice.pdf")).to_be_visible()
    # The module may still change, among the modules of the family chosen at creation.
    module = page.locator("#module")
    assert module.input_value() == "accounting"
    assert module.locator('option[value="payroll"]').is_enabled()
    assert module.locator('option[value="vpn"]').is_disabled()


def _ticket_with_staff_reply(people: dict) -> str:
    customer = db.session.get(User, people["customer_id"])
    agent = db.session.get(User, people["agent_id"])
    ticket = create_ticket(customer, {
        "title": "Scanner offline", "request_type": "incident", "product_family": "hardware",
        "description": "The scanner does not answer.",
    })
    add_comment(agent, ticket, "Please **restart** the scanner and tell us.")
    return ticket.number


def test_reply_and_see_the_staff_reply(live_server, chromium_page, tmp_path):
    page = chromium_page
    people = live_server.run(_seed)
    number = live_server.run(_ticket_with_staff_reply, people)
    live_server.login(page, people["customer"], PASSWORD)
    page.get_by_role("link", name=number).click()

    staff = page.locator(".timeline-comment.by-staff")
    assert "Please restart the scanner and tell us." in staff.inner_text()
    assert "Waiting for your reply" in page.locator(".ticket-status").inner_text()

    photo = tmp_path / "scanner.png"
    photo.write_bytes(b"\x89PNG\r\n")
    page.get_by_label("Your reply").fill("Restarted, it works *again*.")
    page.locator("#reply input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="Send reply").click()

    page.get_by_text("Your reply was sent.").wait_for()
    mine = page.locator(".timeline-comment").last
    assert "Restarted, it works again." in mine.inner_text()
    expect(mine.get_by_role("link", name="scanner.png")).to_be_visible()
    assert "In progress" in page.locator(".ticket-status").inner_text()

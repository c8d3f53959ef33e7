"""In a real browser: register from an invite link, confirm the e-mail, open a ticket."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import create_company, create_user
from app.extensions import db
from app.fields.changes import apply_document
from app.notify.models import MailMessage
from app.onboarding.invites import create_invite, invite_url
from app.tickets.models import Ticket
from tests.portal.conftest import helpdesk_document

pytestmark = pytest.mark.browser
PASSWORD = "a long and unusual passphrase"


def _seed_invite() -> dict:
    apply_document(None, helpdesk_document())
    tag = uuid.uuid4().hex[:8]
    owner = create_user(email=f"owner-{tag}@example.com", name="Olivia", role=Role.OWNER,
                        password=PASSWORD)
    company = create_company(name=f"Invited {tag}")
    _invite, token = create_invite(company=company, days=14, max_uses=1, note="",
                                   created_by=owner)
    assert invite_url(token).endswith(f"/register/{token}")
    return {"token": token, "email": f"new.person-{tag}@example.com",
            "company_id": company.id}


def _verification_link(email: str) -> str:
    body = db.session.scalar(
        select(MailMessage.text_body).where(MailMessage.to_email == email,
                                            MailMessage.template == "verify_email")
    )
    return re.search(r"https?://\S+/verify-email/\S+", body).group(0)


def test_register_from_an_invite_and_open_a_ticket(live_server, chromium_page):
    page = chromium_page
    seed = live_server.run(_seed_invite)
    # The link as the invite e-mail carries it (built for the configured host).
    page.goto(f"{live_server.url}/register/{seed['token']}")
    page.fill("#name", "Nadia")
    page.fill("#surname", "Nuova")
    page.fill("#email", seed["email"])
    page.fill("#phone", "+39 051 654321")
    page.fill("#job_role", "Office manager")
    page.select_option("#language", "en")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    person = live_server.run(lambda: db.session.scalar(
        select(User).where(User.email == seed["email"])))
    assert person is not None and person.company_id == seed["company_id"]
    assert person.email_verified_at is None

    link = live_server.run(_verification_link, seed["email"])
    page.goto(f"{live_server.url}/verify-email/{link.rsplit('/verify-email/', 1)[1]}")
    assert "confirmed" in page.content()

    live_server.login(page, seed["email"], PASSWORD)
    page.get_by_role("link", name="New ticket", exact=True).click()
    page.fill("#title", "My first ticket")
    page.select_option("#request_type", "question")
    page.select_option("#product_family", "services")
    page.fill("#description", "Hello from a new customer.")
    page.get_by_role("button", name="Send the ticket").click()
    page.wait_for_load_state()
    assert "/created" in page.url
    ticket = live_server.run(lambda: db.session.scalar(
        select(Ticket).where(Ticket.requester_id == person.id)))
    assert ticket is not None and ticket.title == "My first ticket"

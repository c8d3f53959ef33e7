"""Demo data for ``flask sportello demo``: idempotent, keyed by e-mail and name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.accounts.models import Company, OwnerProfile, Role, User
from app.accounts.profile import PROFILE_ID, update_profile
from app.accounts.services import create_company, create_user
from app.extensions import db
from app.fields.changes import apply_document
from app.fields.models import Field
from app.tickets.models import Ticket
from app.tickets.service import add_comment, create_ticket, update_ticket
from app.timeutil import utcnow

DEMO_PASSWORD = "sportello-demo"  # noqa: S105  (printed for the demo on purpose)
OWNER_EMAIL = "owner@example.com"
DEMO_SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "examples" / "it-helpdesk.json"

_AGENTS = [
    ("giulia.bianchi@example.com", "Giulia", "Bianchi", "it"),
    ("marco.verdi@example.com", "Marco", "Verdi", "en"),
]
_COMPANIES = [
    {
        "name": "Studio Rossi & Associati",
        "vat_number": "IT01234567890",
        "address": "Via Roma 1, 40121 Bologna",
        "hourly_rate": Decimal("45.00"),
        "persons": [
            ("anna.rossi@studiorossi.example", "Anna", "Rossi", "Titolare", True, "it"),
            ("luca.neri@studiorossi.example", "Luca", "Neri", "Contabile", False, "it"),
            ("sara.gallo@studiorossi.example", "Sara", "Gallo", "Segreteria", False, "it"),
        ],
    },
    {
        "name": "Agricola Colli Verdi",
        "vat_number": "IT09876543210",
        "address": "Strada dei Colli 12, 53100 Siena",
        "hourly_rate": Decimal("40.00"),
        "persons": [
            ("paolo.conti@colliverdi.example", "Paolo", "Conti", "Responsabile IT", True, "it"),
            ("emma.ricci@colliverdi.example", "Emma", "Ricci", "Amministrazione", False, "en"),
        ],
    },
]


def _user_exists(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def load_demo() -> Iterator[str]:
    """Create what is missing of the demo and say what was done."""
    if db.session.get(OwnerProfile, PROFILE_ID) is None:
        update_profile(
            name="Sportello Demo S.r.l.",
            email="assistenza@example.com",
            phone="+39 051 000000",
            address="Via dell'Assistenza 7, 40100 Bologna",
            vat_number="IT00000000000",
            timezone="Europe/Rome",
            default_language="it",
            office_hours={day: [["08:30", "17:30"]] for day in ("mon", "tue", "wed", "thu", "fri")},
            holidays=[],
        )
        yield "Owner profile created."
    now = utcnow()
    if not _user_exists(OWNER_EMAIL):
        create_user(
            email=OWNER_EMAIL, name="Olivia", surname="Owner", role=Role.OWNER,
            password=DEMO_PASSWORD, language="en", email_verified_at=now,
        )
        yield "Owner created."
    for email, name, surname, language in _AGENTS:
        if not _user_exists(email):
            create_user(
                email=email, name=name, surname=surname, role=Role.AGENT,
                password=DEMO_PASSWORD, language=language, email_verified_at=now,
            )
            yield f"Agent {email} created."
    for spec in _COMPANIES:
        company = db.session.scalar(select(Company).where(Company.name == spec["name"]))
        if company is None:
            company = create_company(
                name=spec["name"], vat_number=spec["vat_number"], address=spec["address"],
                hourly_rate=spec["hourly_rate"],
            )
            yield f"Company {company.name} created."
        for email, name, surname, job, manager, language in spec["persons"]:
            if not _user_exists(email):
                create_user(
                    email=email, name=name, surname=surname, role=Role.CUSTOMER,
                    company=company, password=DEMO_PASSWORD, job_role=job,
                    is_company_manager=manager, language=language, email_verified_at=now,
                    phone="+39 051 123456",
                )
                yield f"Person {email} created."
    yield from _demo_schema()
    yield from _demo_tickets()
    yield f"Log in as {OWNER_EMAIL} with password {DEMO_PASSWORD}"


def _demo_schema() -> Iterator[str]:
    if db.session.scalar(select(Field.id).where(Field.builtin.is_(False)).limit(1)):
        return
    document = json.loads(DEMO_SCHEMA.read_text(encoding="utf-8"))
    apply_document(None, document)
    yield f"Ticket fields loaded from {DEMO_SCHEMA.name}."


_TICKETS = [
    ("anna.rossi@studiorossi.example", {
        "title": "La contabilità non stampa i registri IVA",
        "description": "Da stamattina la stampa dei registri IVA si blocca al 50%.",
        "request_type": "incident", "product_family": "software", "module": "accounting",
        "product_version": "4.2.1", "impact": "team", "priority": "high",
    }),
    ("luca.neri@studiorossi.example", {
        "title": "Richiesta nuova postazione",
        "description": "Serve una postazione per la nuova collega da lunedì.",
        "request_type": "change", "product_family": "hardware", "module": "workstation",
        "impact": "one_person",
    }),
    ("paolo.conti@colliverdi.example", {
        "title": "VPN lenta dalla cantina",
        "description": "La VPN dalla sede della cantina cade ogni mezz'ora.",
        "request_type": "incident", "product_family": "network", "module": "vpn",
        "impact": "company", "priority": "urgent",
    }),
    ("emma.ricci@colliverdi.example", {
        "title": "Invoice for October",
        "description": "Could you send the invoice for October again? It did not arrive.",
        "request_type": "billing", "product_family": "services",
    }),
]


def _demo_tickets() -> Iterator[str]:
    if db.session.scalar(select(Ticket.id).limit(1)):
        return
    agent = db.session.scalar(select(User).where(User.email == _AGENTS[0][0]))
    for email, values in _TICKETS:
        customer = db.session.scalar(select(User).where(User.email == email))
        ticket = create_ticket(customer, values, via="demo")
        yield f"Ticket {ticket.number} opened by {customer.full_name}."
    first = db.session.scalar(select(Ticket).order_by(Ticket.id).limit(1))
    update_ticket(agent, first, {"assignee": agent.id, "status": "in_progress"}, via="demo")
    add_comment(agent, first, "Buongiorno, ci può indicare quale stampante usa?", via="demo")
    add_comment(agent, first, "Probabile problema del driver PDF.", internal=True, via="demo")

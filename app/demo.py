"""Demo data for ``flask sportello demo``: idempotent, keyed by e-mail and name."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import Company, OwnerProfile, Role, User
from app.accounts.profile import PROFILE_ID, update_profile
from app.accounts.services import create_company, create_user
from app.extensions import db
from app.timeutil import utcnow

DEMO_PASSWORD = "sportello-demo"  # noqa: S105  (printed for the demo on purpose)
OWNER_EMAIL = "owner@example.com"

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
    yield f"Log in as {OWNER_EMAIL} with password {DEMO_PASSWORD}"

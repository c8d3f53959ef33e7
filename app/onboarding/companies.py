"""Customer companies as staff see and edit them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from app.accounts.models import Company, User
from app.accounts.services import create_company
from app.database import atomic
from app.extensions import db


@dataclass(frozen=True)
class CompanyRow:
    company: Company
    persons: int


def list_companies(search: str = "") -> list[CompanyRow]:
    """Companies by name with their number of persons; ``search`` filters by name or VAT."""
    persons = (
        select(User.company_id, func.count(User.id).label("n"))
        .group_by(User.company_id).subquery()
    )
    query = (
        select(Company, func.coalesce(persons.c.n, 0))
        .outerjoin(persons, persons.c.company_id == Company.id)
        .order_by(func.lower(Company.name), Company.id)
    )
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Company.name).like(pattern) | func.lower(Company.vat_number).like(pattern)
        )
    return [CompanyRow(company, count) for company, count in db.session.execute(query)]


def save_company(
    company: Company | None,
    *,
    name: str,
    vat_number: str,
    address: str,
    ticketing_enabled: bool,
    hourly_rate: Decimal | None,
) -> Company:
    """Create a company (``company`` None) or change one."""
    values = {
        "name": name.strip(), "vat_number": vat_number.strip(), "address": address.strip(),
        "ticketing_enabled": ticketing_enabled, "hourly_rate": hourly_rate,
    }
    if company is None:
        return create_company(**values)
    with atomic():
        for key, value in values.items():
            setattr(company, key, value)
    return company

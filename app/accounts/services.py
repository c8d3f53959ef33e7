"""Creating and changing accounts and companies: the only writers of these tables."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Company, Role, User
from app.database import atomic
from app.extensions import db

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A change to an account was refused; ``field`` names the input concerned."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def email_taken(email: str) -> bool:
    return db.session.scalar(
        select(User.id).where(User.email == User.normalise_email(email))
    ) is not None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must be at least %(n)s characters long.", n=MIN_PASSWORD_LENGTH),
            "password",
        )


def create_user(
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str | None = None,
    surname: str = "",
    company: Company | None = None,
    **details,
) -> User:
    """Create a user; a duplicate e-mail (in any case) is refused."""
    role = Role(role)
    if role is Role.CUSTOMER and company is None:
        raise AccountError(_("A customer person belongs to a company."), "company")
    if role is not Role.CUSTOMER and company is not None:
        raise AccountError(_("Staff do not belong to a customer company."), "company")
    with atomic() as session:
        if email_taken(email):
            raise AccountError(_("This e-mail address is already registered."), "email")
        user = User(
            email=User.normalise_email(email),
            name=name.strip(),
            surname=surname.strip(),
            role=role.value,
            company=company,
            **details,
        )
        if password is not None:
            check_password_strength(password)
            user.set_password(password)
        session.add(user)
    return user


def create_company(*, name: str, hourly_rate: Decimal | None = None, **details) -> Company:
    with atomic() as session:
        company = Company(name=name.strip(), hourly_rate=hourly_rate, **details)
        session.add(company)
    return company

"""Interim services for companies, their persons and invites (see the package docstring).

Creating a company or a person uses ``app.accounts.services``, which main has;
what main lacks (changing, deactivating, inviting) is here, with the same
habits: one ``atomic()`` per change, a translated message naming the input.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from app.accounts.models import Company, Role, User
from app.accounts.services import email_taken
from app.api.interim.models import InterimInvite
from app.database import atomic
from app.extensions import db
from app.timeutil import utcnow

INVITE_DAYS = 14
COMPANY_ATTRIBUTES = frozenset({"name", "vat_number", "address", "ticketing_enabled",
                                "hourly_rate"})
PERSON_ATTRIBUTES = frozenset({"email", "name", "surname", "phone", "mobile", "job_role",
                               "language", "is_company_manager", "active"})


class PeopleError(ValueError):
    """A change was refused: ``status`` 404 (no such record), 409 or 422 (``field``)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


# -- companies ---------------------------------------------------------------------

def companies() -> Select:
    """Every customer company, by id (a statement, for keyset pages)."""
    return select(Company)


def get_company(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        raise PeopleError(404, _("There is no such company."))
    return company


def update_company(company_id: int, changes: Mapping[str, Any]) -> Company:
    """Change a company's details; switching ticketing off stops its persons' access."""
    with atomic():
        company = get_company(company_id)
        for name, value in changes.items():
            if name not in COMPANY_ATTRIBUTES:
                raise AttributeError(f"Company has no attribute {name!r} to change")
            setattr(company, name, value.strip() if isinstance(value, str) else value)
    return company


# -- persons -----------------------------------------------------------------------

def persons_of(company_id: int) -> Select:
    get_company(company_id)
    return select(User).where(User.company_id == company_id, User.role == Role.CUSTOMER.value)


def get_person(company_id: int, person_id: int) -> User:
    person = db.session.get(User, person_id)
    if person is None or person.company_id != company_id or not person.is_customer:
        raise PeopleError(404, _("There is no such person in this company."))
    return person


def update_person(company_id: int, person_id: int, changes: Mapping[str, Any]) -> User:
    """Change a person's details; ``active`` False deactivates them (and their tokens)."""
    with atomic():
        person = get_person(company_id, person_id)
        for name, value in changes.items():
            if name not in PERSON_ATTRIBUTES:
                raise AttributeError(f"User has no attribute {name!r} to change")
            if name == "email":
                value = User.normalise_email(value)
                if value != person.email and email_taken(value):
                    raise PeopleError(422, _("This e-mail address is already registered."),
                                      "email")
            elif isinstance(value, str):
                value = value.strip()
            setattr(person, name, value)
    return person


def deactivate_person(company_id: int, person_id: int) -> User:
    return update_person(company_id, person_id, {"active": False})


# -- invites -----------------------------------------------------------------------

def invites(company_id: int | None = None, status: str | None = None) -> Select:
    """Invites, optionally of one company and in one status (a statement, for pages)."""
    statement = select(InterimInvite)
    if company_id is not None:
        statement = statement.where(InterimInvite.company_id == company_id)
    now = utcnow()
    if status == "pending":
        statement = statement.where(InterimInvite.revoked_at.is_(None),
                                    InterimInvite.accepted_at.is_(None),
                                    InterimInvite.expires_at > now)
    elif status == "accepted":
        statement = statement.where(InterimInvite.accepted_at.is_not(None),
                                    InterimInvite.revoked_at.is_(None))
    elif status == "revoked":
        statement = statement.where(InterimInvite.revoked_at.is_not(None))
    elif status == "expired":
        statement = statement.where(InterimInvite.revoked_at.is_(None),
                                    InterimInvite.accepted_at.is_(None),
                                    InterimInvite.expires_at <= now)
    return statement


def create_invite(actor: Any, company_id: int, email: str, **details: Any) -> InterimInvite:
    """Invite ``email`` to join the company; refused if registered or already invited."""
    email = User.normalise_email(email)
    with atomic() as session:
        get_company(company_id)
        if email_taken(email):
            raise PeopleError(422, _("This e-mail address is already registered."), "email")
        pending = session.scalar(invites(status="pending").where(InterimInvite.email == email))
        if pending is not None:
            raise PeopleError(422, _("This address already has a pending invite."), "email")
        now = utcnow()
        invite = InterimInvite(
            company_id=company_id, email=email, created_by_id=actor.id, created_at=now,
            expires_at=now + timedelta(days=INVITE_DAYS),
            token_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
            **{name: value.strip() if isinstance(value, str) else value
               for name, value in details.items()},
        )
        session.add(invite)
    return invite


def revoke_invite(invite_id: int) -> InterimInvite:
    with atomic():
        invite = db.session.get(InterimInvite, invite_id)
        if invite is None:
            raise PeopleError(404, _("There is no such invite."))
        if invite.accepted_at is not None:
            raise PeopleError(409, _("This invite was already used: deactivate the person "
                                     "instead."))
        if invite.revoked_at is None:
            invite.revoked_at = utcnow()
    return invite

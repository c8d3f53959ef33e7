"""Stand-ins with onboarding's names and signatures (see the package docstring)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Company, Role, User
from app.accounts.services import AccountError, create_company, create_user, email_taken
from app.api.interim.models import InterimInvite
from app.database import atomic
from app.extensions import db
from app.timeutil import utcnow

#: Fields of a person that staff edit.
PERSON_FIELDS = (
    "name", "surname", "email", "phone", "mobile", "job_role", "language", "is_company_manager",
)


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


def add_person(company: Company, **details) -> User:
    """Add a person without a password (onboarding also e-mails the activation link)."""
    if not details.get("email"):
        raise AccountError(_("An e-mail address is required."), "email")
    return create_user(role=Role.CUSTOMER, company=company, password=None, **details)


def update_person(user: User, **details) -> User:
    unknown = set(details) - set(PERSON_FIELDS)
    if unknown:
        raise AttributeError(f"not a person field: {sorted(unknown)}")
    with atomic():
        new_email = User.normalise_email(details.pop("email", user.email))
        if new_email != user.email and email_taken(new_email):
            raise AccountError(_("This e-mail address is already registered."), "email")
        for key, value in details.items():
            setattr(user, key, value.strip() if isinstance(value, str) else value)
        user.email = new_email
    return user


def set_person_active(user: User, active: bool) -> None:
    """Deactivate (ending every session) or reactivate a person."""
    with atomic():
        user.active = active
        if not active:
            user.session_version += 1


def create_invite(
    *, company: Company | None, days: int, max_uses: int, note: str, created_by: User
) -> tuple[InterimInvite, str]:
    """A new link and its token; the token is not stored and cannot be shown again."""
    token = secrets.token_urlsafe(32)
    with atomic() as session:
        invite = InterimInvite(
            token_hash=hashlib.sha256(token.encode()).hexdigest(), company=company,
            created_by_id=created_by.id, note=note.strip(), max_uses=max_uses, uses=0,
            expires_at=utcnow() + timedelta(days=days),
        )
        session.add(invite)
    return invite, token


def list_invites(company: Company | None = None) -> list[InterimInvite]:
    """Newest first."""
    query = select(InterimInvite).order_by(InterimInvite.created_at.desc(),
                                           InterimInvite.id.desc())
    if company is not None:
        query = query.where(InterimInvite.company_id == company.id)
    return list(db.session.scalars(query))


def revoke_invite(invite: InterimInvite) -> None:
    with atomic():
        if invite.revoked_at is None:
            invite.revoked_at = utcnow()

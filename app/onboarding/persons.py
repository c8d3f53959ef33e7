"""The persons of a customer company, added and managed by staff."""

from __future__ import annotations

from flask_babel import gettext as _

from app.accounts.models import Company, Role, User
from app.accounts.services import AccountError, create_user, email_taken
from app.auth.reset import send_activation
from app.database import atomic
from app.onboarding.verification import send_verification

#: Fields of a person that staff edit.
PERSON_FIELDS = (
    "name", "surname", "email", "phone", "mobile", "job_role", "language", "is_company_manager",
)


def add_person(company: Company, **details) -> User:
    """Add a person without a password and queue the activation e-mail, in one transaction.

    The person chooses a password through the link, which also confirms the address.
    """
    if not details.get("email"):
        raise AccountError(_("An e-mail address is required."), "email")
    with atomic():
        user = create_user(role=Role.CUSTOMER, company=company, password=None, **details)
        send_activation(user)
    return user


def update_person(user: User, **details) -> User:
    """Change a person's details. A new address must be confirmed again (a link is sent)."""
    unknown = set(details) - set(PERSON_FIELDS)
    if unknown:
        raise AttributeError(f"not a person field: {sorted(unknown)}")
    with atomic():
        new_email = User.normalise_email(details.pop("email", user.email))
        changed = new_email != user.email
        if changed and email_taken(new_email):
            raise AccountError(_("This e-mail address is already registered."), "email")
        for key, value in details.items():
            setattr(user, key, value.strip() if isinstance(value, str) else value)
        if changed:
            user.email = new_email
            if user.password_hash:
                user.email_verified_at = None
                send_verification(user)
            else:  # not activated yet: the activation link goes to the new address
                send_activation(user)
    return user


def set_person_active(user: User, active: bool) -> None:
    """Deactivate (ending every session and pending link) or reactivate a person."""
    with atomic():
        user.active = active
        if not active:
            user.session_version += 1


def resend_activation(user: User) -> bool:
    """Send the activation e-mail again to a person who has no password yet."""
    if user.password_hash or not user.active:
        return False
    with atomic():
        return send_activation(user)

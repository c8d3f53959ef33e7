"""Registering through an invite link: a person (and maybe their company) in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.accounts.models import Role, User
from app.accounts.services import AccountError, create_company, create_user
from app.auth.account_mail import send_account_mail
from app.auth.passwords import check_new_password
from app.auth.services import find_user_by_email
from app.database import atomic
from app.extensions import db
from app.notify.urls import external_url
from app.onboarding.invites import find_invite
from app.onboarding.models import InviteLink, InviteRegistration, InviteState
from app.onboarding.verification import send_verification


class InviteRefused(Exception):
    """The link cannot be used; ``state`` is None for a token we never made (forged)."""

    def __init__(self, state: InviteState | None) -> None:
        super().__init__(state.value if state else "unknown")
        self.state = state


@dataclass(frozen=True)
class Registration:
    #: None when the address was already registered: nothing was created, the owner of
    #: the address was told by e-mail, and the page says the same as for a new person.
    user: User | None


def usable_invite(token: str) -> InviteLink:
    invite = find_invite(token)
    if invite is None:
        raise InviteRefused(None)
    state = invite.state()
    if state is not InviteState.ACTIVE:
        raise InviteRefused(state)
    return invite


def register_from_invite(
    token: str,
    *,
    email: str,
    password: str,
    company_name: str = "",
    vat_number: str = "",
    **details,
) -> Registration:
    """Create the person (and the company, for a new-company link) and queue the
    confirmation e-mail; or, for an address already registered, only warn its owner.

    Raises :class:`InviteRefused` or :class:`AccountError` (nothing stored).
    """
    check_new_password(password)
    with atomic():
        invite = usable_invite(token)
        db.session.refresh(invite, with_for_update=True)  # concurrent uses: one at a time
        if invite.state() is not InviteState.ACTIVE:
            raise InviteRefused(invite.state())
        existing = find_user_by_email(email)
        if existing is not None:
            send_account_mail(user=existing, template="registration_attempt", context={
                "login_url": external_url("auth.login"),
                "forgot_url": external_url("password.forgot"),
            })
            return Registration(None)
        company = invite.company
        creates_company = company is None
        if creates_company:
            if not company_name.strip():
                raise AccountError(_("The company name is required."), "company_name")
            company = create_company(name=company_name, vat_number=vat_number.strip())
            invite.company = company
        user = create_user(
            email=email, password=password, role=Role.CUSTOMER, company=company,
            is_company_manager=creates_company, **details,
        )
        invite.uses += 1
        db.session.add(InviteRegistration(invite=invite, user=user))
        send_verification(user)
    return Registration(user)

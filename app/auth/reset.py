"""Password reset and activation: asking for a link, and choosing a password with it."""

from __future__ import annotations

from app.accounts.models import User
from app.auth.account_mail import send_account_mail
from app.auth.passwords import check_new_password
from app.auth.services import find_user_by_email
from app.auth.tokens import Purpose, link_validity, make_token, user_from_token
from app.database import atomic
from app.notify.urls import external_url
from app.timeutil import utcnow


class LinkError(ValueError):
    """The link is forged, expired or already used."""


def request_password_reset(email: str) -> None:
    """Queue a reset link when ``email`` belongs to an active account; silent otherwise.

    The caller shows the same answer whatever happens here, so the form does
    not tell who has an account.
    """
    with atomic():
        user = find_user_by_email(email)
        if user is None or not user.active:
            return
        send_account_mail(user=user, template="password_reset", context={
            "link": external_url("password.reset", token=make_token(user, Purpose.RESET)),
            "minutes": link_validity(Purpose.RESET),
        })


def send_activation(user: User) -> bool:
    """Queue the activation e-mail of a person added by staff; call inside ``atomic()``."""
    return send_account_mail(user=user, template="activation", context={
        "link": external_url("password.activate", token=make_token(user, Purpose.ACTIVATE)),
        "days": link_validity(Purpose.ACTIVATE),
    })


def choose_password(token: str, purpose: Purpose, password: str) -> User:
    """Set the password through a reset or activation link, which then stops working.

    Receiving the link proves the address, so it counts as confirmed.
    """
    with atomic():
        user = user_from_token(token, purpose)
        if user is None:
            raise LinkError(token)
        check_new_password(password)
        user.set_password(password)  # bumps session_version: this link is now used
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
    return user

"""Confirming a person's e-mail address with a signed link."""

from __future__ import annotations

from app.accounts.models import User
from app.auth.account_mail import send_account_mail
from app.auth.tokens import Purpose, link_validity, make_token, user_from_token
from app.database import atomic
from app.notify.urls import external_url
from app.timeutil import utcnow


def send_verification(user: User) -> bool:
    """Queue the confirmation link for ``user``'s address; call inside ``atomic()``."""
    return send_account_mail(user=user, template="verify_email", context={
        "link": external_url(
            "registration.verify_email", token=make_token(user, Purpose.VERIFY_EMAIL)
        ),
        "days": link_validity(Purpose.VERIFY_EMAIL),
    })


def resend_verification(user: User) -> bool:
    """Send a new link to a person who has not confirmed yet; False if throttled or done."""
    if user.email_verified_at is not None:
        return False
    with atomic():
        return send_verification(user)


def confirm_email(token: str) -> User | None:
    """Mark the address confirmed; None when the link is forged, expired or out of date."""
    with atomic():
        user = user_from_token(token, Purpose.VERIFY_EMAIL)
        if user is not None and user.email_verified_at is None:
            user.email_verified_at = utcnow()
    return user

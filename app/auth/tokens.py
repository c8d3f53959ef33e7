"""Signed, expiring links for accounts: password reset, activation, e-mail confirmation.

Reset and activation links carry the user's ``session_version``, which
``User.set_password`` bumps: once a password is chosen the link is dead
(single use), and so is any other link sent before. Confirmation links carry
the address they confirm, so they stop working if the address changes.
"""

from __future__ import annotations

import enum

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.models import User
from app.extensions import db


class Purpose(enum.StrEnum):
    RESET = "password-reset"
    ACTIVATE = "activation"
    VERIFY_EMAIL = "verify-email"


def _max_age(purpose: Purpose) -> int:
    config = current_app.config
    if purpose is Purpose.RESET:
        return int(config["SPORTELLO_PASSWORD_RESET_MINUTES"]) * 60
    if purpose is Purpose.ACTIVATE:
        return int(config["SPORTELLO_ACTIVATION_DAYS"]) * 86400
    return int(config["SPORTELLO_VERIFY_EMAIL_DAYS"]) * 86400


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"sportello.{purpose.value}")


def _claims(user: User, purpose: Purpose) -> dict:
    if purpose is Purpose.VERIFY_EMAIL:
        return {"u": user.id, "e": user.email}
    return {"u": user.id, "v": user.session_version}


def make_token(user: User, purpose: Purpose) -> str:
    if user.id is None or user.session_version is None:
        db.session.flush()  # a user added in this transaction gets its id and defaults here
    return _serializer(purpose).dumps(_claims(user, purpose))


def user_from_token(token: str, purpose: Purpose) -> User | None:
    """The user the link was made for, or None: forged, expired, used or out of date."""
    try:
        claims = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("u"), int):
        return None
    user = db.session.get(User, claims["u"])
    if user is None or not user.active or claims != _claims(user, purpose):
        return None
    return user


def link_validity(purpose: Purpose) -> int:
    """How long a link lasts, in the unit the e-mail states (minutes for resets, else days)."""
    seconds = _max_age(purpose)
    return seconds // 60 if purpose is Purpose.RESET else seconds // 86400

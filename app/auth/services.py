"""Authentication: who is logging in, and whether they may."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import User
from app.auth import throttle
from app.database import atomic
from app.extensions import db
from app.timeutil import utcnow


class LoginRefusal(enum.Enum):
    LOCKED = "locked"
    WRONG_CREDENTIALS = "wrong"
    DISABLED = "disabled"
    TICKETING_OFF = "ticketing_off"


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    refusal: LoginRefusal | None = None
    minutes_left: int = 0


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))


def authenticate(email: str, password: str, address: str | None) -> LoginResult:
    """Check a login attempt, counting failures towards lock-outs.

    A locked account is refused before the password is even checked, so that
    guessing cannot go on during the lock-out.
    """
    email = User.normalise_email(email)
    lockout = throttle.current_lockout(email, address)
    if lockout:
        return LoginResult(None, LoginRefusal.LOCKED, lockout.minutes_left)
    user = find_user_by_email(email)
    if user is None or not user.check_password(password):
        throttle.record_failure(email, address)
        return LoginResult(None, LoginRefusal.WRONG_CREDENTIALS)
    if not user.active:
        return LoginResult(None, LoginRefusal.DISABLED)
    if not user.may_use_portal:
        return LoginResult(None, LoginRefusal.TICKETING_OFF)
    throttle.clear_failures(email)
    with atomic():
        user.last_login_at = utcnow()
    return LoginResult(user)


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: ``"<id>.<session_version>"`` of an active user."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user

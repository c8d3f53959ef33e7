"""Personal access tokens: make, list, revoke, and recognise a presented token.

A token is ``spt_`` followed by 43 URL-safe random characters (256 bits). Only
its SHA-256 is stored, so a leaked database does not leak usable tokens; the
token itself is shown once, to the person who made it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api.models import ApiToken, Scope
from app.database import atomic
from app.extensions import db
from app.timeutil import utcnow

TOKEN_PREFIX = "spt_"  # noqa: S105  (a recognisable prefix, not a secret)
#: Characters of the token kept in clear to recognise it in a list.
SHOWN_CHARACTERS = 10
NAME_LENGTH = 100
#: Longer Authorization values are refused without a database query.
_MAX_TOKEN_LENGTH = 200


class TokenError(ValueError):
    """A token could not be made or changed; ``field`` names the input concerned."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is the only copy of the token in clear."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user, name: str, scope: Scope | str = Scope.READ) -> NewToken:
    """Make a token acting as ``user``; the returned secret is shown once, never stored."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. the program that will use it."), "name")
    if len(name) > NAME_LENGTH:
        raise TokenError(_("At most %(n)s characters.", n=NAME_LENGTH), "name")
    try:
        scope = Scope(scope)
    except ValueError:
        raise TokenError(_("The scope is read or read-write."), "scope") from None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with atomic() as session:
        token = ApiToken(user_id=user.id, name=name, token_hash=digest(secret),
                         prefix=secret[:SHOWN_CHARACTERS], scope=scope.value,
                         created_at=utcnow())
        session.add(token)
    return NewToken(token, secret)


def tokens_of(user) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def revoke_token(user, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s tokens; None when the user has no such token."""
    with atomic() as session:
        token = session.scalar(
            select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
        )
        if token is not None and token.revoked_at is None:
            token.revoked_at = utcnow()
    return token


def find_token(secret: str) -> ApiToken | None:
    """The active token ``secret`` is, if its user may still work (else None).

    A revoked token, or the token of a deactivated user (or of a customer whose
    company no longer takes tickets), stops working at once.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > _MAX_TOKEN_LENGTH:
        return None
    token = db.session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == digest(secret))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token

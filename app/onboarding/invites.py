"""Invite links: made with a random token, stored as its SHA-256, expiring, limited, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Company, User
from app.database import atomic
from app.extensions import db
from app.notify.outbox import enqueue_mail
from app.notify.urls import external_url
from app.onboarding.models import InviteLink, InviteRegistration
from app.timeutil import utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_url(token: str) -> str:
    return external_url("registration.register", token=token)


def create_invite(
    *, company: Company | None, days: int, max_uses: int, note: str, created_by: User
) -> tuple[InviteLink, str]:
    """A new link and its token; the token is not stored and cannot be shown again."""
    token = secrets.token_urlsafe(32)
    with atomic() as session:
        invite = InviteLink(
            token_hash=hash_token(token), company=company, created_by=created_by,
            note=note.strip(), max_uses=max_uses, uses=0,
            expires_at=utcnow() + timedelta(days=days),
        )
        session.add(invite)
    return invite, token


def find_invite(token: str) -> InviteLink | None:
    """The link of ``token`` in whatever state, or None for a token we never made."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(InviteLink).where(InviteLink.token_hash == hash_token(token)))


def token_matches(invite: InviteLink, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(invite.token_hash, hash_token(token))


def list_invites(company: Company | None = None) -> list[InviteLink]:
    """Newest first, with their registrations loaded for the list of uses."""
    query = select(InviteLink).options(
        selectinload(InviteLink.registrations).selectinload(InviteRegistration.user),
        selectinload(InviteLink.company),
    ).order_by(InviteLink.created_at.desc(), InviteLink.id.desc())
    if company is not None:
        query = query.where(InviteLink.company_id == company.id)
    return list(db.session.scalars(query))


def revoke_invite(invite: InviteLink) -> None:
    with atomic():
        if invite.revoked_at is None:
            invite.revoked_at = utcnow()


def send_invite(invite: InviteLink, token: str, *, email: str, language: str) -> None:
    """Queue the invite e-mail to ``email``; ``token`` must be the link's own."""
    if not token_matches(invite, token):
        raise ValueError("the token is not this link's")
    with atomic():
        enqueue_mail(
            to_email=email, template="invite", language=language, context={
                "link": invite_url(token), "company": invite.company,
                "expires_at": invite.expires_at,
            },
        )

"""Signed links that open one ticket for one person, without a password.

E-mails about a ticket carry such a link. It allows reading the ticket and
replying to it, nothing else, and never logs anyone in. A link holds the
ticket, the person and the moment it was signed, signed with the secret key:

- it expires ``SPORTELLO_TICKET_LINK_DAYS`` days after signing;
- it works only while the person is active, their company takes tickets and
  the person may still see the ticket (``visible_to``);
- the owner revokes links by scope (a ticket, a person, both, or all): a
  revocation kills every link of its scope signed before it (``LinkRevocation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select

from app.accounts.models import Role, User
from app.database import atomic
from app.extensions import db
from app.fields.schema import current_schema
from app.notify.urls import external_url
from app.portal.models import LinkRevocation
from app.tickets.models import Ticket
from app.tickets.queries import visible_to
from app.timeutil import utcnow

_SALT = "sportello.portal.ticket-link"


class RevocationRefused(ValueError):
    """Only the owner revokes links; the message is for the user."""


@dataclass(frozen=True)
class LinkAccess:
    """What a valid link opens: this ticket, as this person."""

    person: User
    ticket: Ticket
    token: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _millis(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def make_token(person_id: int, ticket_id: int, signed_at: datetime | None = None) -> str:
    """The token of a link; ``signed_at`` (naive UTC) defaults to now."""
    return _serializer().dumps([ticket_id, person_id, _millis(signed_at or utcnow())])


def signed_ticket_url(person: User, ticket: Ticket, base: str = "") -> str:
    """The link an e-mail gives ``person`` to open ``ticket`` without logging in
    (absolute, under ``SPORTELLO_BASE_URL`` or ``base``; it works outside a request too)."""
    return external_url("portal.link", base=base, token=make_token(person.id, ticket.id))


def _read(token: str) -> tuple[int, int, datetime] | None:
    try:
        ticket_id, person_id, millis = _serializer().loads(token)
        signed_at = datetime.fromtimestamp(int(millis) / 1000, UTC).replace(tzinfo=None)
        return int(ticket_id), int(person_id), signed_at
    except (BadSignature, TypeError, ValueError, OverflowError, OSError):
        return None


def _revoked(ticket_id: int, person_id: int, signed_at: datetime) -> bool:
    return db.session.scalar(
        select(LinkRevocation.id).where(
            LinkRevocation.revoked_at >= signed_at,
            or_(LinkRevocation.ticket_id.is_(None), LinkRevocation.ticket_id == ticket_id),
            or_(LinkRevocation.user_id.is_(None), LinkRevocation.user_id == person_id),
        ).limit(1)
    ) is not None


def resolve(token: str) -> LinkAccess | None:
    """The ticket and person a link opens, or None when it is forged, expired,
    revoked, or the person may no longer see the ticket (all answered with a 404)."""
    read = _read(token)
    if read is None:
        return None
    ticket_id, person_id, signed_at = read
    days = current_app.config["SPORTELLO_TICKET_LINK_DAYS"]
    now = utcnow()
    if signed_at > now + timedelta(minutes=5) or now - signed_at > timedelta(days=days):
        return None
    person = db.session.get(User, person_id)
    if person is None or not person.is_customer or not person.is_active:
        return None
    ticket = db.session.scalar(
        select(Ticket).where(Ticket.id == ticket_id, visible_to(person, current_schema()))
    )
    if ticket is None or _revoked(ticket_id, person_id, signed_at):
        return None
    return LinkAccess(person, ticket, token)


def revoke_links(
    actor: User, *, ticket: Ticket | None = None, person: User | None = None
) -> LinkRevocation:
    """Kill every link signed until now for ``ticket`` and/or ``person`` (both None:
    every link). Only the owner may."""
    if not actor.is_owner:
        raise RevocationRefused(_("Only the owner can revoke access links."))
    with atomic() as session:
        revocation = LinkRevocation(
            ticket_id=ticket.id if ticket else None, user_id=person.id if person else None,
            revoked_at=utcnow(), revoked_by_id=actor.id,
        )
        session.add(revocation)
    return revocation


def recent_revocations(limit: int = 50) -> list[LinkRevocation]:
    return list(db.session.scalars(
        select(LinkRevocation).order_by(LinkRevocation.id.desc()).limit(limit)
    ))


@dataclass(frozen=True)
class Scope:
    """What a revocation covers, read from the owner's form."""

    ticket: Ticket | None
    person: User | None
    errors: dict[str, str]


def find_scope(number: str | None, email: str | None) -> Scope:
    """The ticket and the customer person named in the form (either may be empty)."""
    errors = {}
    ticket = person = None
    if number and number.strip():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number.strip()))
        if ticket is None:
            errors["number"] = _("No ticket has this number.")
    if email and email.strip():
        person = db.session.scalar(select(User).where(
            User.email == User.normalise_email(email), User.role == Role.CUSTOMER.value
        ))
        if person is None:
            errors["email"] = _("No customer person has this e-mail address.")
    return Scope(ticket, person, errors)

"""Agents: invite them, and deactivate them once their open tickets are reassigned.

An invited agent gets an account without a password and a signed, single-use
link to choose one, by e-mail; the owner is also shown the link, to pass it on
if the message goes astray. ``activation_link`` is the one place that makes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.services import AccountError, check_password_strength, create_user
from app.database import atomic
from app.extensions import db
from app.notify.outbox import enqueue_mail
from app.tickets.models import Status, Ticket
from app.tickets.service import update_ticket
from app.timeutil import utcnow

_SALT = "sportello.desk.agent-activation"


class AgentError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class StaffRow:
    user: User
    open_tickets: int


@dataclass(frozen=True)
class AgentInvitation:
    user: User
    link: str


def _open() -> Any:
    return Status.category != "closed"


def list_staff() -> list[StaffRow]:
    counts = dict(db.session.execute(
        select(Ticket.assignee_id, func.count(Ticket.id))
        .join(Status, Status.id == Ticket.status_id)
        .where(Ticket.assignee_id.is_not(None), _open())
        .group_by(Ticket.assignee_id)
    ).all())
    staff = db.session.scalars(
        select(User).where(User.role.in_([Role.OWNER.value, Role.AGENT.value]))
        .order_by(User.active.desc(), User.surname, User.name)
    )
    return [StaffRow(user, counts.get(user.id, 0)) for user in staff]


def open_tickets_of(agent_id: int) -> list[Ticket]:
    return list(db.session.scalars(
        select(Ticket).join(Status, Status.id == Ticket.status_id)
        .where(Ticket.assignee_id == agent_id, _open()).order_by(Ticket.id)
    ))


# -- invitations and activation ------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(user: User) -> str:
    """Changes when the password is set, so that a link works once."""
    raw = f"{user.id}:{user.password_hash}:{user.session_version}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def activation_link(user: User) -> str:
    """The link with which ``user`` chooses a password (to be e-mailed to them)."""
    token = _serializer().dumps({"u": user.id, "f": _fingerprint(user)})
    return url_for("desk.activate", token=token, _external=True)


def invite_agent(*, email: str, name: str, surname: str = "",
                 language: str = "it") -> AgentInvitation:
    """Create an agent account without a password and e-mail it its activation link,
    in one transaction."""
    with atomic():
        user = create_user(email=email, name=name, surname=surname, role=Role.AGENT,
                           language=language)
        db.session.flush()  # the link carries the new account's id
        link = activation_link(user)
        enqueue_mail(to_email=user.email, template="agent_invite", language=user.language,
                     recipient=user, context={
                         "user": user, "link": link,
                         "days": current_app.config["SPORTELLO_AGENT_ACTIVATION_DAYS"]})
    return AgentInvitation(user, link)


def user_for_token(token: str) -> User | None:
    """The staff member a valid, unused, unexpired activation link belongs to."""
    max_age = current_app.config["SPORTELLO_AGENT_ACTIVATION_DAYS"] * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_staff or not user.active:
        return None
    return user if data.get("f") == _fingerprint(user) else None


def activate(token: str, password: str, confirm: str) -> User:
    """Set the password of the link's agent; the link stops working."""
    user = user_for_token(token)
    if user is None:
        raise AgentError(_("This link is not valid any more. Ask the owner for a new one."))
    if password != confirm:
        raise AgentError(_("The two passwords differ."), "confirm")
    try:
        check_password_strength(password)
    except AccountError as error:
        raise AgentError(str(error), "password") from None
    with atomic():
        user.set_password(password)
        user.email_verified_at = user.email_verified_at or utcnow()
    return user


# -- leaving -----------------------------------------------------------------------

def reassign_open_tickets(actor: Any, agent: User, assignee_id: int | None,
                          note: str = "") -> int:
    """Give every open ticket of ``agent`` to another agent (or to nobody), through the
    write path, all or none; returns how many tickets moved."""
    if assignee_id == agent.id:
        raise AgentError(_("Choose another agent."), "assignee")
    tickets = open_tickets_of(agent.id)
    with atomic():
        for ticket in tickets:
            update_ticket(actor, ticket, {"assignee": assignee_id}, note=note)
    return len(tickets)


def set_agent_active(actor: Any, agent: User, active: bool) -> None:
    """Deactivate an agent (once no open ticket is theirs) or bring one back."""
    if agent.role != Role.AGENT.value:
        raise AgentError(_("Only agents can be deactivated; the owner stays."))
    if not active and open_tickets_of(agent.id):
        raise AgentError(_("Reassign this agent's open tickets first."))
    with atomic():
        agent.active = active
        if not active:
            agent.session_version += 1  # ends every session of theirs at once

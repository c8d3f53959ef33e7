"""Who receives an e-mail about what happened to a ticket, and why.

The rules, per event (the actor never hears about their own change, except
the requester's confirmation of the ticket they opened):

- opened: a confirmation to the requester and the person to notify; an alert
  to the assignee, or to all active staff when nobody (active) is assigned;
- public staff reply: the requester and the person to notify;
- customer reply: the assignee, or all active staff when nobody (active) is
  assigned;
- any staff reply or internal note: the assignee (a colleague wrote on
  their ticket);
- status changed, closed: the requester;
- assigned: the new assignee.

Company managers who chose "every ticket of my company" receive what the
requester and the person to notify receive. Nobody inactive gets anything,
nor a customer outside the ticket's company or of a company with ticketing
off; each person's preferences are honoured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Boolean, Select, and_, bindparam, exists, select, union
from sqlalchemy.orm import aliased

from app.accounts.models import Company, Role, User
from app.extensions import db
from app.notify.models import MailPreference
from app.notify.preferences import COMPANY_TICKETS, wants
from app.tickets.models import Ticket

#: Why a person receives a message, and the preference that may turn it off.
PREFERENCE_OF_REASON = {
    "created": "ticket_created",  # the customer's confirmation
    "new": "ticket_created",  # the staff's alert
    "reply": "ticket_replied",
    "status": "ticket_status_changed",
    "closed": "ticket_closed",
    "assigned": "ticket_assigned",
}

#: Audiences that are not one person.
ALL_STAFF = "all-staff"
WATCHERS = "watchers"  # managers following every ticket of their company


@dataclass(frozen=True)
class Happening:
    """One ticket event as e-mail sees it."""

    topic: str
    actor_id: int | None
    payload: dict


class Person(NamedTuple):
    """What mail needs of a user, read as plain columns (no ORM objects on the
    write path, which builds these for every change)."""

    id: int
    email: str
    role: str
    active: bool
    company_id: int | None
    language: str

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.OWNER.value, Role.AGENT.value)


class TicketFacts(NamedTuple):
    """What deciding the recipients needs of a ticket, as a change left it (kept
    with the change's mail batch: the sender decides later, from these)."""

    id: int
    number: str
    company_id: int | None
    requester_id: int | None
    notify_person_id: int | None
    assignee_id: int | None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketFacts:
        return cls(ticket.id, ticket.number, ticket.company_id, ticket.requester_id,
                   ticket.notify_person_id, ticket.assignee_id)


@dataclass
class Delivery:
    """One person's message about one ticket: why, and which replies it carries."""

    person: Person
    reasons: list[str] = field(default_factory=list)
    reply_ids: list[int] = field(default_factory=list)

    def add(self, reason: str, reply_id: int | None) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if reply_id is not None and reply_id not in self.reply_ids:
            self.reply_ids.append(reply_id)


@dataclass(frozen=True)
class _Wanted:
    audience: int | str  # a user id, ALL_STAFF or WATCHERS
    reason: str
    actor_id: int | None
    reply_id: int | None = None
    #: The requester's confirmation reaches them even when they opened the ticket.
    receipt: bool = False


def _named(ticket: TicketFacts) -> list[int]:
    return [i for i in (ticket.requester_id, ticket.notify_person_id) if i is not None]


def _staff_or_all(ticket: TicketFacts) -> int | str:
    """The assignee, or every member of staff when nobody (active) is assigned."""
    if ticket.assignee_id is not None:
        assignee = db.session.get(User, ticket.assignee_id)
        if assignee is not None and assignee.active:
            return ticket.assignee_id
    return ALL_STAFF


def _wanted(ticket: TicketFacts, happening: Happening) -> list[_Wanted]:
    """What ``happening`` asks for, before looking at the people themselves."""
    actor_id, topic, payload = happening.actor_id, happening.topic, happening.payload
    if topic == "ticket.created":
        return [
            *(_Wanted(i, "created", actor_id, receipt=i == ticket.requester_id)
              for i in _named(ticket)),
            _Wanted(WATCHERS, "created", actor_id),
            _Wanted(_staff_or_all(ticket), "new", actor_id),
        ]
    if topic == "ticket.replied":
        reply_id = payload.get("reply_id")
        actor = db.session.get(User, actor_id) if actor_id is not None else None
        if actor is None or not actor.is_staff:
            return [_Wanted(_staff_or_all(ticket), "reply", actor_id, reply_id)]
        found = [_Wanted(ticket.assignee_id, "reply", actor_id, reply_id)] \
            if ticket.assignee_id is not None else []
        if payload.get("public"):
            found += [_Wanted(i, "reply", actor_id, reply_id) for i in _named(ticket)]
            found.append(_Wanted(WATCHERS, "reply", actor_id, reply_id))
        return found
    if topic in ("ticket.status_changed", "ticket.closed"):
        reason = "closed" if topic == "ticket.closed" else "status"
        return [_Wanted(ticket.requester_id, reason, actor_id),
                _Wanted(WATCHERS, reason, actor_id)]
    if topic == "ticket.assigned":
        new = (payload.get("changes", {}).get("assignee") or [None, None])[1]
        return [_Wanted(new, "assigned", actor_id)] if new is not None else []
    return []


def _people_statement() -> Select:
    """Persons by id, managers watching a company, all active staff: with their choices.

    Built once with parameters: building such a statement costs more than
    running it, and this runs in every write transaction that mails someone.
    The three kinds of people are found by a union of index lookups (an OR of
    them would read every user).
    """
    choice = aliased(MailPreference)
    watches = exists().where(choice.user_id == User.id, choice.key == COMPANY_TICKETS,
                             choice.enabled)
    watching = and_(bindparam("watchers", type_=Boolean),
                    User.company_id == bindparam("company_id"), User.is_company_manager,
                    watches)
    candidates = union(
        select(User.id).where(User.id.in_(bindparam("ids", expanding=True))),
        select(User.id).where(watching),
        # staff are the users without a company: the company index finds them
        select(User.id).where(bindparam("all_staff", type_=Boolean),
                              User.company_id.is_(None), User.active),
    ).subquery()
    takes_tickets = (select(Company.ticketing_enabled)
                     .where(Company.id == bindparam("company_id")).scalar_subquery())
    return (
        select(User.id, User.email, User.role, User.active, User.company_id, User.language,
               watching.label("watching"), takes_tickets.label("takes_tickets"),
               MailPreference.key, MailPreference.enabled)
        .outerjoin(MailPreference, MailPreference.user_id == User.id)
        .where(User.id.in_(select(candidates.c.id)))
    )


_PEOPLE = _people_statement()


def _people(
    ticket: TicketFacts, wanted: Sequence[_Wanted]
) -> tuple[list[Person], set[int], dict[int, dict[str, bool]]]:
    """Everyone ``wanted`` may reach (and may receive mail about ``ticket``), which of
    them watch the company's tickets, and their choices (one query)."""
    audiences = {w.audience for w in wanted}
    rows = db.session.execute(_PEOPLE, {
        "ids": sorted(a for a in audiences if isinstance(a, int)),
        "watchers": WATCHERS in audiences,
        "company_id": ticket.company_id,
        "all_staff": ALL_STAFF in audiences,
    })
    people: dict[int, Person] = {}
    watchers: set[int] = set()
    choices: dict[int, dict[str, bool]] = {}
    for row in rows:
        person = Person(*row[:6])
        is_watching, takes_tickets, key, enabled = row[6:]
        if not may_receive(person, ticket.company_id, bool(takes_tickets)):
            continue
        people[person.id] = person
        if is_watching:
            watchers.add(person.id)
        if key is not None:
            choices.setdefault(person.id, {})[key] = enabled
    return list(people.values()), watchers, choices


def may_receive(person: Person | User, company_id: int, takes_tickets: bool) -> bool:
    """Whether ``person`` may get e-mail about a ticket of the company ``company_id``
    (which has ticketing on or off) at all."""
    if not person.active or not person.email:
        return False
    return person.is_staff or (person.company_id == company_id and takes_tickets)


def _members(audience: int | str, people: Iterable[Person],
             watchers: set[int]) -> list[Person]:
    if audience == ALL_STAFF:
        return [p for p in people if p.is_staff]
    if audience == WATCHERS:
        return [p for p in people if p.id in watchers]
    return [p for p in people if p.id == audience]


def deliveries(ticket: TicketFacts, happenings: Sequence[Happening]) -> list[Delivery]:
    """One delivery per person to e-mail about ``happenings`` of ``ticket``."""
    wanted = [w for h in happenings for w in _wanted(ticket, h) if w.audience is not None]
    if not wanted:
        return []
    people, watchers, choices = _people(ticket, wanted)
    found: dict[int, Delivery] = {}
    for want in wanted:
        for person in _members(want.audience, people, watchers):
            if person.id == want.actor_id and not want.receipt:
                continue
            if not wants(choices.get(person.id), PREFERENCE_OF_REASON[want.reason]):
                continue
            found.setdefault(person.id, Delivery(person)).add(want.reason, want.reply_id)
    return [found[key] for key in sorted(found)]


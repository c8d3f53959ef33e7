"""SLA targets, each ticket's clocks from ticket events, and breaches.

The one place that writes the plugin's tables. Event handlers run in the
outbox dispatcher's transaction (they are called by the lifecycle hooks); the
breach check runs from ``flask sportello sla check``. Due times are computed
here, when something changes, and stored: pages only read them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, func, or_, select

from app.accounts.models import Role, User
from app.accounts.profile import get_profile
from app.database import atomic
from app.extensions import db
from app.fields.schema import current_schema
from app.notify.links import desk_ticket_url
from app.notify.outbox import enqueue_mail
from app.notify.rendering import mail_language
from app.plugins.events import TicketEvent
from app.tickets.models import Ticket
from app.timeutil import utcnow

from .clock import Targets, Tracker
from .hours import OfficeHours
from .models import SlaBreach, SlaState, SlaTarget

log = logging.getLogger(__name__)

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
#: The targets of tickets without a priority are stored under this key.
NO_PRIORITY = ""
#: Largest target accepted, in hours.
MAX_HOURS = 10_000


# -- the policy: office hours and targets --------------------------------------------


def _minutes(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(minutes=value)


def targets_of(table: Mapping[str, Targets], priority: str | None) -> Targets:
    """The targets of ``priority`` in ``table`` (none set: no targets)."""
    return table.get(priority or NO_PRIORITY, Targets())


@dataclass(frozen=True)
class Policy:
    """The office hours and every priority's targets, read once per operation."""

    hours: OfficeHours
    calendar_key: str
    targets_by_priority: Mapping[str, Targets]

    def targets(self, priority: str | None) -> Targets:
        return targets_of(self.targets_by_priority, priority)

    def basis(self, priority: str | None) -> str:
        """A fingerprint of what the due times of a ``priority`` ticket depend on."""
        targets = self.targets(priority)
        text = json.dumps([self.calendar_key, str(targets.first_response),
                           str(targets.resolution)])
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def office_hours_problem() -> str | None:
    """Why the owner's office hours cannot be used, or None."""
    profile = get_profile()
    try:
        OfficeHours.parse(profile.timezone, profile.office_hours, profile.holidays)
    except (ValueError, TypeError) as error:
        return str(error)
    return None


def office_hours() -> OfficeHours:
    """The owner's office hours; around the clock (and a warning) if they cannot be read."""
    profile = get_profile()
    try:
        return OfficeHours.parse(profile.timezone, profile.office_hours, profile.holidays)
    except (ValueError, TypeError) as error:
        log.warning("SLA: the owner's office hours cannot be read (%s); counting every "
                    "hour until they are fixed.", error)
        return OfficeHours.parse("UTC", {}, ())


def targets_by_priority() -> dict[str, Targets]:
    return {
        row.priority: Targets(_minutes(row.first_response_minutes),
                              _minutes(row.resolution_minutes))
        for row in db.session.scalars(select(SlaTarget))
    }


def current_policy() -> Policy:
    profile = get_profile()
    calendar_key = json.dumps([profile.timezone, profile.office_hours or {},
                               sorted(profile.holidays or [])], sort_keys=True)
    return Policy(office_hours(), calendar_key, targets_by_priority())


# -- a ticket's state ------------------------------------------------------------------


def _tracker(row: SlaState) -> Tracker:
    return Tracker(
        started_at=row.started_at, changed_at=row.changed_at, priority=row.priority,
        counted=timedelta(seconds=row.counted_seconds), running_since=row.running_since,
        first_response_at=row.first_response_at, resolved_at=row.resolved_at,
        first_response_breached=row.first_response_breached,
        resolution_breached=row.resolution_breached,
    )


def _save(row: SlaState, after: Tracker, policy: Policy, now: datetime) -> list[SlaBreach]:
    """Store ``after`` in ``row`` with its due times; record (and return) new breaches."""
    missed = {FIRST_RESPONSE: row.first_response_due_at, RESOLUTION: row.resolution_due_at}
    new = [kind for kind, was, breached in (
        (FIRST_RESPONSE, row.first_response_breached, after.first_response_breached),
        (RESOLUTION, row.resolution_breached, after.resolution_breached),
    ) if breached and not was]
    row.priority = after.priority
    row.started_at, row.changed_at = after.started_at, after.changed_at
    row.counted_seconds = int(after.counted.total_seconds())
    row.running_since = after.running_since
    row.first_response_at, row.resolved_at = after.first_response_at, after.resolved_at
    row.first_response_breached = after.first_response_breached
    row.resolution_breached = after.resolution_breached
    row.first_response_due_at, row.resolution_due_at = after.due_times(
        policy.hours, policy.targets(after.priority)
    )
    row.basis = policy.basis(after.priority)
    recorded = (_record_breach(row.ticket_id, kind, missed[kind], now) for kind in new)
    return [breach for breach in recorded if breach is not None]


def _record_breach(
    ticket_id: int, kind: str, due_at: datetime | None, now: datetime
) -> SlaBreach | None:
    session = db.session
    exists = session.scalar(select(SlaBreach.id).where(SlaBreach.ticket_id == ticket_id,
                                                       SlaBreach.kind == kind))
    if exists is not None:  # a re-opened ticket missing its target again
        return None
    breach = SlaBreach(ticket_id=ticket_id, kind=kind, due_at=due_at, detected_at=now)
    session.add(breach)
    notify_breach(ticket_id, kind, due_at)
    return breach


def notify_breach(ticket_id: int, kind: str, due_at: datetime | None) -> None:
    """Tell staff a target was missed: a warning in the log, and an e-mail (queued in
    the outbox with the breach row) to the assignee, or to all active staff when the
    ticket has no active assignee."""
    ticket = db.session.get(Ticket, ticket_id)
    log.warning("SLA breached: ticket %s missed its %s target (due %s UTC)",
                ticket.number, kind.replace("_", " "), due_at or "while paused")
    assignee = db.session.get(User, ticket.assignee_id) if ticket.assignee_id else None
    if assignee is not None and assignee.active:
        staff = [assignee]
    else:
        staff = db.session.scalars(select(User).where(
            User.role.in_([Role.OWNER.value, Role.AGENT.value]), User.active.is_(True))).all()
    link = desk_ticket_url(ticket)
    for person in staff:
        language = mail_language(person.language)
        with force_locale(language):
            due = format_datetime(due_at, "short") if due_at else ""
        enqueue_mail(
            to_email=person.email, template="sla_breach", language=language, recipient=person,
            thread_key=f"ticket-{ticket.id}", ticket_id=ticket.id,
            context={"number": ticket.number, "title": ticket.title, "kind": kind,
                     "due": due, "link": link},
        )


def _for_update(statement, *, skip_locked: bool = False):
    """Lock the rows read on PostgreSQL (SQLite writers are serialised already), so that
    an event and the check never write over each other's change."""
    if db.session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=skip_locked)
    return statement


def _locked(ticket_id: int) -> SlaState | None:
    return db.session.scalar(_for_update(select(SlaState).where(SlaState.ticket_id == ticket_id)))


def _category(status_key: str | None) -> str:
    status = current_schema().status(status_key) if status_key else None
    return status.category if status is not None else "open"


def ticket_created(event: TicketEvent) -> None:
    """Start the clocks of a new ticket (once, however often the event comes)."""
    with atomic() as session:
        if session.get(SlaState, event.ticket_id) is not None:
            return
        if session.get(Ticket, event.ticket_id) is None:
            return
        priority = (event.changes.get("priority") or (None, None))[1]
        status = (event.changes.get("status") or (None, None))[1]
        tracker = Tracker.opened(event.occurred_at, priority, _category(status))
        row = SlaState(ticket_id=event.ticket_id, started_at=event.occurred_at,
                       changed_at=event.occurred_at)
        session.add(row)
        _save(row, tracker, current_policy(), utcnow())


def _change(event: TicketEvent, change: Callable[[Tracker, Policy], Tracker]) -> None:
    with atomic():
        row = _locked(event.ticket_id)
        if row is None:  # opened before the plugin was enabled: no SLA
            return
        policy = current_policy()
        _save(row, change(_tracker(row), policy), policy, utcnow())


def ticket_updated(event: TicketEvent) -> None:
    if "priority" in event.changes:
        priority = event.changes["priority"][1]
        _change(event, lambda tracker, _policy: tracker.priority_changed(
            event.occurred_at, priority))


def status_changed(event: TicketEvent) -> None:
    """A status change (``ticket.status_changed`` and ``ticket.closed``)."""
    old, new = event.changes["status"]
    old_category, new_category = _category(old), _category(new)
    _change(event, lambda tracker, policy: tracker.status_changed(
        policy.hours, policy.targets(tracker.priority), event.occurred_at,
        old_category, new_category))


def ticket_replied(event: TicketEvent) -> None:
    """A public reply by staff is the first response (if it is the first)."""
    if not event.payload.get("public") or event.actor_id is None:
        return
    actor = db.session.get(User, event.actor_id)
    if actor is None or not actor.is_staff:
        return
    _change(event, lambda tracker, policy: tracker.responded(
        policy.hours, policy.targets(tracker.priority), event.occurred_at))


# -- keeping due times right, and catching breaches -----------------------------------


def refresh_due_times(now: datetime | None = None) -> int:
    """Compute again the due times of open tickets whose office hours or targets changed
    since; returns how many changed."""
    now = now or utcnow()
    policy = current_policy()
    changed = 0
    with atomic() as session:
        priorities = session.scalars(
            select(SlaState.priority).where(SlaState.resolved_at.is_(None)).distinct()
        ).all()
        for priority in priorities:
            same = (SlaState.priority.is_(None) if priority is None
                    else SlaState.priority == priority)
            stale = session.scalars(_for_update(select(SlaState).where(
                same, SlaState.resolved_at.is_(None), SlaState.basis != policy.basis(priority),
            ), skip_locked=True))  # a locked row is being updated: the next pass gets it
            for row in stale:
                _save(row, _tracker(row), policy, now)
                changed += 1
    return changed


def check_breaches(now: datetime | None = None) -> list[SlaBreach]:
    """Mark the clocks that ran past their due time; returns the breaches recorded."""
    now = now or utcnow()
    refresh_due_times(now)
    policy = current_policy()
    recorded: list[SlaBreach] = []
    with atomic() as session:
        statement = select(SlaState).where(or_(
            and_(SlaState.first_response_breached.is_(False),
                 SlaState.first_response_due_at < now),
            and_(SlaState.resolution_breached.is_(False), SlaState.resolution_due_at < now),
        ))
        for row in session.scalars(_for_update(statement, skip_locked=True)).all():
            tracker = _tracker(row).breaches(policy.hours, policy.targets(row.priority), now)
            recorded += _save(row, tracker, policy, now)
    return recorded


# -- targets, for the owner ---------------------------------------------------------------


class TargetsRefused(ValueError):
    """Some targets cannot be read; ``fields`` maps input names to messages."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


_NUMBER = re.compile(r"\d+([.,]\d+)?")


def parse_hours(text: str) -> int | None:
    """Hours as written (``4``, ``1.5``, ``1,5``) to minutes; empty means no target."""
    text = (text or "").strip()
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        raise ValueError(_("Write a number of hours, e.g. 4 or 1.5."))
    hours = Decimal(text.replace(",", "."))
    if hours > MAX_HOURS:
        raise ValueError(_("At most %(n)s hours.", n=MAX_HOURS))
    minutes = int((hours * 60).to_integral_value())
    if minutes == 0:
        raise ValueError(_("A target takes at least one minute; leave it empty for none."))
    return minutes


def input_name(kind: str, priority: str) -> str:
    return f"{kind}-{priority or 'none'}"


def priority_keys() -> list[str]:
    """The priorities targets may be set for: the priority list's items, and none."""
    field = current_schema().by_key.get("priority")
    items = [item.key for item in field.list.items] if field and field.list else []
    return [*items, NO_PRIORITY]


def save_targets(entries: Mapping[str, tuple[str, str]]) -> None:
    """Set every priority's targets from ``{priority: (first response, resolution)}``
    written in hours; open tickets get their due times again."""
    known = set(priority_keys())
    errors, parsed = {}, {}
    for priority, texts in entries.items():
        if priority not in known:
            continue
        values = []
        for kind, text in zip((FIRST_RESPONSE, RESOLUTION), texts, strict=True):
            try:
                values.append(parse_hours(text))
            except ValueError as error:
                errors[input_name(kind, priority)] = str(error)
        parsed[priority] = values
    if errors:
        raise TargetsRefused(errors)
    with atomic() as session:
        rows = {row.priority: row for row in session.scalars(select(SlaTarget))}
        for priority, (first, resolution) in parsed.items():
            row = rows.get(priority) or SlaTarget(priority=priority)
            row.first_response_minutes, row.resolution_minutes = first, resolution
            row.updated_at = utcnow()
            session.add(row)
        session.flush()
        refresh_due_times()


def targets_table() -> dict[str, SlaTarget]:
    return {row.priority: row for row in db.session.scalars(select(SlaTarget))}


# -- reading, for pages and badges ----------------------------------------------------------


#: The states of some tickets, built once: a queue page asks for every page it shows.
_STATES_OF = select(*SlaState.__table__.c).where(
    SlaState.ticket_id.in_(bindparam("ids", expanding=True)))


def states_for(ticket_ids: Iterable[int]) -> dict[int, Any]:
    """The SLA states of tickets, read-only: rows with ``SlaState``'s attributes."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    rows = db.session.connection().execute(_STATES_OF, {"ids": ids})
    return {row.ticket_id: row for row in rows}


def open_states(limit: int = 100) -> list[tuple[SlaState, Ticket]]:
    """Unresolved tickets, the next due first; paused ones last."""
    due = func.coalesce(SlaState.first_response_due_at, SlaState.resolution_due_at)
    statement = (
        select(SlaState, Ticket).join(Ticket, Ticket.id == SlaState.ticket_id)
        .where(SlaState.resolved_at.is_(None))
        .order_by(case((due.is_(None), 1), else_=0), due, SlaState.ticket_id)
        .limit(limit)
    )
    return [(state, ticket) for state, ticket in db.session.execute(statement).all()]


def recent_breaches(limit: int = 50) -> list[tuple[SlaBreach, Ticket]]:
    statement = (
        select(SlaBreach, Ticket).join(Ticket, Ticket.id == SlaBreach.ticket_id)
        .order_by(SlaBreach.detected_at.desc(), SlaBreach.id.desc()).limit(limit)
    )
    return [(breach, ticket) for breach, ticket in db.session.execute(statement).all()]

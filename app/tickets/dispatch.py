"""Hand committed ticket events and schema changes from the outbox to plugins, at
least once.

Each event is dispatched in a savepoint: what a plugin writes in its hook
(a webhook delivery row, say) is stored together with the mark that the
event was dispatched, or neither is. A failing plugin leaves the event for a
later pass, up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from app.database import atomic
from app.plugins.events import SCHEMA_CHANGED, TICKET_HOOKS, SchemaChange, TicketEvent
from app.plugins.manager import get_plugin_manager
from app.tickets.models import OutboxEvent
from app.timeutil import utcnow

MAX_ATTEMPTS = 10
log = logging.getLogger(__name__)


def as_ticket_event(row: OutboxEvent) -> TicketEvent:
    payload = dict(row.payload or {})
    changes = payload.pop("changes", {}) or {}
    number = payload.pop("number", "")
    return TicketEvent(
        topic=row.topic, ticket_id=row.ticket_id, ticket_number=number,
        actor_id=row.actor_id, occurred_at=row.created_at,
        changes={key: (old, new) for key, (old, new) in changes.items()}, payload=payload,
    )


def as_schema_change(row: OutboxEvent) -> SchemaChange:
    payload = row.payload or {}
    return SchemaChange(version=payload["version"], actor_id=row.actor_id,
                        occurred_at=row.created_at, keys=tuple(payload.get("keys", ())))


def dispatch_pending(limit: int = 200) -> int:
    """Dispatch up to ``limit`` waiting events; returns how many were dispatched."""
    manager = get_plugin_manager()
    done = 0
    with atomic() as session:
        statement = (
            select(OutboxEvent)
            .where(OutboxEvent.dispatched_at.is_(None), OutboxEvent.attempts < MAX_ATTEMPTS)
            .order_by(OutboxEvent.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        for row in session.scalars(statement).all():
            try:
                with session.begin_nested():
                    if row.topic in TICKET_HOOKS:
                        manager.dispatch_ticket_event(as_ticket_event(row))
                    elif row.topic == SCHEMA_CHANGED:
                        manager.hook.sportello_schema_changed(change=as_schema_change(row))
            except Exception:
                log.exception("Dispatching outbox event %s (%s) failed", row.id, row.topic)
                row.attempts += 1
                continue
            row.dispatched_at = utcnow()
            done += 1
    return done

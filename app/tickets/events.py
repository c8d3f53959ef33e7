"""Ticket events: stored in the outbox with the change, handed to in-transaction
subscribers (e-mail builds its messages there), dispatched to plugins after commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import insert

from app.extensions import db
from app.tickets.models import OutboxEvent, Ticket
from app.timeutil import utcnow

#: Called inside the write transaction with (event, ticket); what they add is
#: stored, or rolled back, together with the change.
Subscriber = Callable[[OutboxEvent, Ticket], None]


def subscribe(app: Flask, subscriber: Subscriber) -> None:
    app.extensions.setdefault("sportello.ticket_subscribers", []).append(subscriber)


def emit(
    topic: str,
    ticket: Ticket,
    actor_id: int | None,
    *,
    changes: dict[str, list[Any]] | None = None,
    **payload: Any,
) -> OutboxEvent:
    """Record ``topic`` (e.g. ``ticket.created``) for ``ticket`` in the outbox.

    The row is inserted at once, without an ORM object to flush (every write
    emits events); subscribers get it as a transient ``OutboxEvent``.
    """
    event = OutboxEvent(
        topic=topic, ticket_id=ticket.id, actor_id=actor_id,
        payload={"number": ticket.number, "changes": changes or {}, **payload},
        created_at=utcnow(), attempts=0,
    )
    db.session.execute(insert(OutboxEvent.__table__).values(
        topic=event.topic, ticket_id=event.ticket_id, actor_id=event.actor_id,
        payload=event.payload, created_at=event.created_at, attempts=0,
    ))
    for subscriber in current_app.extensions.get("sportello.ticket_subscribers", []):
        subscriber(event, ticket)
    return event

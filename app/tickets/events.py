"""Ticket events: stored in the outbox with the change, handed to in-transaction
subscribers (e-mail builds its messages there), dispatched to plugins after commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from app.extensions import db
from app.tickets.models import OutboxEvent, Ticket

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
    """Record ``topic`` (e.g. ``ticket.created``) for ``ticket`` in the outbox."""
    event = OutboxEvent(
        topic=topic, ticket_id=ticket.id, actor_id=actor_id,
        payload={"number": ticket.number, "changes": changes or {}, **payload},
    )
    db.session.add(event)
    for subscriber in current_app.extensions.get("sportello.ticket_subscribers", []):
        subscriber(event, ticket)
    return event

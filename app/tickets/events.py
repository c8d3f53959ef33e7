"""Ticket events: stored in the outbox with the change, handed to in-transaction
subscribers (``sportello_write_subscribers``: the core's e-mail builds its
messages there), dispatched to plugins' lifecycle hooks after commit."""

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


_INSERT_EVENT = insert(OutboxEvent.__table__)
#: Where the app keeps its write subscribers, gathered once at start-up.
SUBSCRIBERS = "sportello.ticket_subscribers"


def init_app(app: Flask) -> None:
    """Gather the write subscribers of the core and of every enabled plugin."""
    from app.plugins.discovery import PluginError
    from app.plugins.manager import get_plugin_manager

    found: list[Subscriber] = []
    for name, subscribers in get_plugin_manager(app).collect("sportello_write_subscribers"):
        if not all(callable(subscriber) for subscriber in subscribers):
            raise PluginError(f"Plugin {name!r}: sportello_write_subscribers must return "
                              "callables taking (event, ticket).")
        found.extend(subscribers)
    app.extensions[SUBSCRIBERS] = found


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
    row = {"topic": topic, "ticket_id": ticket.id, "actor_id": actor_id,
           "payload": {"number": ticket.number, "changes": changes or {}, **payload},
           "created_at": utcnow(), "attempts": 0}
    db.session.execute(_INSERT_EVENT, row)
    event = OutboxEvent(**row)
    for subscriber in current_app.extensions.get(SUBSCRIBERS, ()):
        subscriber(event, ticket)
    return event

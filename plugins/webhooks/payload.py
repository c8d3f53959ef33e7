"""What an endpoint receives for a ticket event: the JSON body, cut for its reader.

An endpoint that is not marked internal reads as a customer would: only
fields visible to customers (``app.fields.gate``), in the changes as in the
ticket's values, and no internal notes at all. The body is built when the
event is dispatched and stored, so every retry sends the same bytes. The
format is documented in README.md beside this module.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from app.accounts.models import User
from app.extensions import db
from app.fields.gate import Viewer, permission, redact, stage_for
from app.fields.schema import Schema, current_schema
from app.fields.types.scalar import format_instant
from app.plugins.events import TicketEvent
from app.tickets.models import Comment, Ticket
from app.tickets.values import load_values

#: Version of the body's format, sent in every body.
FORMAT = 1
_CUSTOMER = Viewer(role="customer")
_STAFF = Viewer(role="owner")


def event_id(event: TicketEvent) -> str:
    """A stable id for the event: the same however often the dispatcher delivers it."""
    key = f"{event.topic}|{event.ticket_id}|{event.occurred_at.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class EventFacts:
    """What every endpoint's body is cut from, loaded once per event."""

    schema: Schema
    ticket: Ticket
    values: dict[str, Any]
    actor: User | None
    reply: Comment | None


def load_facts(event: TicketEvent) -> EventFacts | None:
    """The ticket as it is now, its actor and reply; None if the ticket is gone."""
    ticket = db.session.get(Ticket, event.ticket_id)
    if ticket is None:
        return None
    schema = current_schema()
    actor = db.session.get(User, event.actor_id) if event.actor_id else None
    reply_id = event.payload.get("reply_id")
    reply = db.session.get(Comment, reply_id) if reply_id else None
    return EventFacts(schema, ticket, load_values(schema, ticket), actor, reply)


def build_payload(event: TicketEvent, facts: EventFacts, *, internal: bool) -> dict | None:
    """The body for an endpoint (``internal`` or customer-level); None when that
    reader would learn nothing (an internal note, a change of hidden fields only)."""
    viewer = _STAFF if internal else _CUSTOMER
    reply = facts.reply
    if reply is not None and reply.internal and not internal:
        return None
    stage = stage_for(facts.ticket.closed_at is not None)
    by_key = facts.schema.by_key
    changes = {
        key: [old, new] for key, (old, new) in event.changes.items()
        if key in by_key and permission(viewer, by_key[key], stage, facts.values).visible
    }
    if event.changes and not changes:
        return None
    body: dict[str, Any] = {
        "format": FORMAT,
        "id": event_id(event),
        "topic": event.topic,
        "occurred_at": format_instant(event.occurred_at),
        "ticket": {
            "number": event.ticket_number,
            "fields": redact(viewer, facts.schema, stage, facts.values),
        },
        "changes": changes,
        "actor": None if facts.actor is None else {
            "name": facts.actor.full_name, "role": facts.actor.role,
        },
    }
    if reply is not None:
        body["reply"] = {
            "id": reply.id, "public": not reply.internal, "body": reply.body,
            "created_at": format_instant(reply.created_at),
        }
    return body


def encode(body: dict) -> str:
    """The JSON text sent (compact, keys sorted, UTF-8 kept readable)."""
    return json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False)

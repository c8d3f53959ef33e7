"""What lifecycle hooks receive: plain, frozen records of a committed change.

They travel through the outbox (a database row) between the transaction that
made the change and the dispatcher that calls the hooks, hence ``to_dict`` and
``from_dict``: the dictionary is JSON-safe when the values in ``changes`` and
``payload`` are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: The outbox topic of a schema change (see ``sportello_schema_changed``).
SCHEMA_CHANGED = "schema.changed"

#: Each ticket topic and the hook that is called for it.
TICKET_HOOKS: Mapping[str, str] = {
    "ticket.created": "sportello_ticket_created",
    "ticket.updated": "sportello_ticket_updated",
    "ticket.status_changed": "sportello_ticket_status_changed",
    "ticket.replied": "sportello_ticket_replied",
    "ticket.closed": "sportello_ticket_closed",
}


@dataclass(frozen=True)
class TicketEvent:
    """Something that happened to a ticket and is already committed.

    ``changes`` maps a field key to its ``(old, new)`` values; ``payload``
    carries what the topic adds (e.g. a reply's id and whether it is public).
    Times are naive UTC.
    """

    topic: str
    ticket_id: int
    ticket_number: str
    actor_id: int | None
    occurred_at: datetime
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "ticket_id": self.ticket_id,
            "ticket_number": self.ticket_number,
            "actor_id": self.actor_id,
            "occurred_at": self.occurred_at.isoformat(),
            "changes": {key: [old, new] for key, (old, new) in self.changes.items()},
            "payload": dict(self.payload),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketEvent:
        return cls(
            topic=data["topic"],
            ticket_id=data["ticket_id"],
            ticket_number=data["ticket_number"],
            actor_id=data["actor_id"],
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            changes={key: (old, new) for key, (old, new) in data["changes"].items()},
            payload=dict(data["payload"]),
        )


@dataclass(frozen=True)
class SchemaChange:
    """The Ticket Fields table changed and the change is committed.

    ``version`` is the schema's new version; ``keys`` are the field keys that
    were added, changed or archived.
    """

    version: int
    actor_id: int | None
    occurred_at: datetime
    keys: tuple[str, ...] = ()

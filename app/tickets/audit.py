"""The audit log of refused writes, kept even though the write stored nothing."""

from __future__ import annotations

from app.database import atomic
from app.fields.gate import Refusal
from app.tickets.models import AuditEntry


def record_refusal(actor_id: int | None, ticket_id: int | None, refusal: Refusal,
                   via: str) -> None:
    """Store the refusal in its own transaction (the refused one was rolled back)."""
    with atomic() as session:
        session.add(AuditEntry(
            actor_id=actor_id, ticket_id=ticket_id, action="write_refused",
            detail={"fields": dict(refusal.reasons), "via": via},
        ))

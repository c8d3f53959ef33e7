"""A ticket's timeline as a given person may see it.

Replies, internal notes (staff only), changes of fields (only the fields the
viewer may see), attachments and the ticket's opening, in order. Changes made
together are grouped. List values print with the labels stored with the
change, so relabelling an item never rewrites history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.fields.gate import Viewer, permission, stage_for
from app.fields.schema import FieldDef, Schema
from app.fields.types.base import DisplayContext
from app.tickets.display import Names, display_context
from app.tickets.models import Comment, Ticket, TicketEvent


@dataclass(frozen=True)
class Change:
    field: FieldDef
    old: str
    new: str


@dataclass
class Entry:
    kind: str  # created, comment, change, merged
    at: datetime
    actor: Any
    comment: Comment | None = None
    changes: list[Change] = field(default_factory=list)
    note: str = ""

    @property
    def internal(self) -> bool:
        return self.comment is not None and self.comment.internal


def _printed(field_def: FieldDef, value: Any, labels: dict | None,
             context: DisplayContext) -> str:
    if labels and field_def.list is not None and value not in (None, []):
        keys = value if isinstance(value, list) else [value]
        return ", ".join(
            (labels.get(k, {}).get(context.language) or labels.get(k, {}).get("en") or k)
            for k in keys
        )
    return field_def.type.display(field_def, value, context)


def build_timeline(user: Any, schema: Schema, ticket: Ticket,
                   values: dict[str, Any]) -> list[Entry]:
    viewer = Viewer.of(user)
    stage = stage_for(schema.status_by_id(ticket.status_id).is_closed)
    events = db.session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id)
        .options(
            selectinload(TicketEvent.actor),
            selectinload(TicketEvent.comment).selectinload(Comment.attachments),
        )
        .order_by(TicketEvent.id)
    ).all()
    names = Names(schema).prefetch(
        [{e.field_key: e.old} for e in events if e.field_key]
        + [{e.field_key: e.new} for e in events if e.field_key]
    )
    context = display_context(names)
    entries: list[Entry] = []
    for event in events:
        if event.kind == "comment":
            if event.comment is None or (event.comment.internal and not viewer.is_staff):
                continue
            entries.append(Entry("comment", event.at, event.actor, comment=event.comment))
        elif event.kind == "change":
            field_def = schema.by_key.get(event.field_key)
            if field_def is None or not permission(viewer, field_def, stage, values).visible:
                continue
            change = Change(field_def, _printed(field_def, event.old, event.labels, context),
                            _printed(field_def, event.new, event.labels, context))
            previous = entries[-1] if entries else None
            if (previous is not None and previous.kind == "change"
                    and previous.actor is event.actor and previous.at == event.at):
                previous.changes.append(change)
            else:
                entries.append(Entry("change", event.at, event.actor, changes=[change],
                                     note=event.note))
        else:
            entries.append(Entry(event.kind, event.at, event.actor, note=event.note))
    return entries

"""Comments, attachments and history of a ticket, as the caller may see them.

Customers never get internal notes (nor their files), nor changes of fields
they may not see; the filtering happens in SQL so that pages stay full.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import url_for
from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import selectinload

from app.api.ticket_json import ticket_stage
from app.extensions import db
from app.fields.gate import Viewer, permission
from app.fields.schema import Schema
from app.fields.types.scalar import format_instant
from app.tickets.models import Attachment, Comment, Ticket, TicketEvent

COMMENT_MAX = 50_000
COMMENT_CREATE = {
    "type": "object",
    "properties": {
        "body": {"type": "string", "maxLength": COMMENT_MAX},
        "internal": {"type": "boolean"},
    },
    "required": ["body"],
    "additionalProperties": False,
}


def person_json(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "name": user.full_name}


def attachment_json(ticket: Ticket, attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "created": format_instant(attachment.created_at),
        "url": url_for("api.download_attachment", number=ticket.number,
                       attachment_id=attachment.id, _external=True),
    }


def comment_json(ticket: Ticket, comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "author": person_json(comment.author),
        "internal": comment.internal,
        "body": comment.body,
        "body_html": comment.body_html,
        "created": format_instant(comment.created_at),
        "attachments": [attachment_json(ticket, a) for a in comment.attachments],
    }


def comments_of(viewer: Viewer, ticket: Ticket) -> Select:
    statement = select(Comment).where(Comment.ticket_id == ticket.id).options(
        selectinload(Comment.author), selectinload(Comment.attachments)
    )
    if not viewer.is_staff:
        statement = statement.where(Comment.internal.is_(False))
    return statement


def visible_keys(viewer: Viewer, schema: Schema, ticket: Ticket,
                 values: Mapping[str, Any]) -> set[str]:
    stage = ticket_stage(schema, ticket)
    return {f.key for f in schema.fields if permission(viewer, f, stage, values).visible}


def events_of(viewer: Viewer, ticket: Ticket, keys: set[str]) -> Select:
    """The ticket's history entries ``viewer`` may see; ``keys`` are the fields they see."""
    statement = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).options(
        selectinload(TicketEvent.actor), selectinload(TicketEvent.comment)
    )
    if viewer.is_staff:
        return statement
    public_comment = select(Comment.id).where(Comment.internal.is_(False))
    return statement.where(
        or_(TicketEvent.kind != "change",
            TicketEvent.field_key.in_(keys) if keys else false()),
        or_(TicketEvent.kind != "comment",
            and_(TicketEvent.comment_id.is_not(None), TicketEvent.comment_id.in_(public_comment))),
    )


def event_json(event: TicketEvent, keys: set[str]) -> dict[str, Any]:
    values = None
    if event.kind == "created" and isinstance(event.new, dict):
        values = {key: value for key, value in event.new.items() if key in keys}
    change = event.kind == "change"
    return {
        "id": event.id,
        "kind": event.kind,
        "at": format_instant(event.at),
        "actor": person_json(event.actor),
        "field": event.field_key if change else None,
        "old": event.old if change else None,
        "new": event.new if change else None,
        "labels": (event.labels or {}) if change else {},
        "values": values,
        "comment": event.comment_id,
        "note": event.note or "",
    }


def attachments_by_id(ids: list[int]) -> list[Attachment]:
    if not ids:
        return []
    return list(db.session.scalars(
        select(Attachment).where(Attachment.id.in_(ids)).order_by(Attachment.id)
    ))


def attachment_of(viewer: Viewer, schema: Schema, ticket: Ticket, values: Mapping[str, Any],
                  attachment_id: int) -> Attachment | None:
    """The ticket's attachment if ``viewer`` may see it: not of an internal note,
    not of a field hidden from them."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.ticket_id != ticket.id:
        return None
    if attachment.comment_id is not None:
        comment = db.session.get(Comment, attachment.comment_id)
        if comment is None or (comment.internal and not viewer.is_staff):
            return None
    if attachment.field_id is not None:
        field = schema.by_id.get(attachment.field_id)
        stage = ticket_stage(schema, ticket)
        if field is None or not permission(viewer, field, stage, values).visible:
            return None
    return attachment

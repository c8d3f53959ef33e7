"""Which files of a ticket a person may download, and how they are served."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, send_file
from sqlalchemy import select

from app.extensions import db
from app.fields.gate import Viewer, permission, stage_for
from app.fields.schema import Schema
from app.tickets.models import Attachment, Comment, Ticket
from app.tickets.storage import get_storage


def general_attachments(ticket: Ticket) -> list[Attachment]:
    """Files given with the ticket itself, in no field and no reply."""
    return list(db.session.scalars(
        select(Attachment).where(
            Attachment.ticket_id == ticket.id, Attachment.comment_id.is_(None),
            Attachment.field_id.is_(None),
        ).order_by(Attachment.id)
    ))


def field_attachments(ticket: Ticket, ids: Iterable[int]) -> list[Attachment]:
    """The attachment rows of a field's value (ids of this ticket only)."""
    wanted = [int(i) for i in ids or []]
    if not wanted:
        return []
    rows = db.session.scalars(
        select(Attachment).where(Attachment.ticket_id == ticket.id, Attachment.id.in_(wanted))
    )
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in wanted if i in by_id]


def may_download(user: Any, schema: Schema, ticket: Ticket, values: dict,
                 attachment: Attachment) -> bool:
    """Whether ``user`` (who may see ``ticket``) may download ``attachment`` of it.

    A reply's file follows the reply (never an internal note's for a customer);
    a field's file follows the field's visibility; the ticket's own files
    follow the ticket.
    """
    if attachment.ticket_id != ticket.id:
        return False
    viewer = Viewer.of(user)
    if attachment.comment_id is not None:
        comment = db.session.get(Comment, attachment.comment_id)
        return comment is not None and (viewer.is_staff or not comment.internal)
    if attachment.field_id is not None:
        field = schema.by_id.get(attachment.field_id)
        stage = stage_for(schema.status_by_id(ticket.status_id).is_closed)
        return field is not None and permission(viewer, field, stage, values).visible
    return True


def attachment_response(attachment: Attachment) -> Response:
    """The file as a download: never shown inline, never sniffed, never cached by others."""
    stream = get_storage().open(attachment.storage_key)
    response = send_file(
        stream, mimetype=attachment.content_type, as_attachment=True,
        download_name=attachment.filename, conditional=False, max_age=0,
        etag=False, last_modified=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.content_length = attachment.size
    return response

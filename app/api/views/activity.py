"""A ticket's comments, attachments and history."""

from __future__ import annotations

from flask import current_app, request, send_file
from flask_babel import gettext as _

from app.api import activity
from app.api.activity import COMMENT_CREATE
from app.api.auth import caller
from app.api.blueprint import ID, bp
from app.api.body import check_body, json_object
from app.api.errors import ApiError, invalid, not_found
from app.api.pagination import fingerprint, id_page, page_response
from app.api.views.tickets import field_files, refuse_internal_for_customers, visible_ticket
from app.fields.gate import Viewer
from app.fields.schema import current_schema
from app.tickets.models import Comment, TicketEvent
from app.tickets.service import add_comment, update_ticket
from app.tickets.storage import get_storage
from app.tickets.uploads import real_files
from app.tickets.values import load_values

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@bp.get("/tickets/<number>/comments")
def list_comments(number: str):
    ticket = visible_ticket(number)
    statement = activity.comments_of(Viewer.of(caller()), ticket)
    rows, next_cursor = id_page(statement, Comment.id, fingerprint(number))
    return page_response([activity.comment_json(ticket, c) for c in rows], next_cursor)


@bp.post("/tickets/<number>/comments")
def post_comment(number: str):
    ticket = visible_ticket(number)
    body = json_object()
    check_body(body, COMMENT_CREATE)
    refuse_internal_for_customers(body.get("internal", False))
    comment = add_comment(caller(), ticket, body["body"], internal=body.get("internal", False),
                          via="api")
    return activity.comment_json(ticket, comment), 201


def _flag(name: str) -> bool:
    raw = request.form.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise invalid({name: _("Enter true or false.")})


@bp.post("/tickets/<number>/attachments")
def upload_attachments(number: str):
    """Files as a reply (with an optional ``body``; staff may mark it ``internal``), or
    into an attachment field with ``field=<key>``."""
    user, schema = caller(), current_schema()
    ticket = visible_ticket(number)
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, _("Send the files as multipart/form-data."))
    files = real_files(request.files.getlist("files"))
    if not files:
        raise invalid({"files": _("Attach at least one file, in parts named files.")})
    unknown = {str(key) for key in request.form if key not in ("body", "internal", "field")}
    unknown |= {str(key) for key in request.files if key != "files"}
    if unknown:
        raise invalid({key: _("Unknown property.") for key in unknown})
    key = request.form.get("field", "").strip()
    internal = _flag("internal")
    if not key:
        refuse_internal_for_customers(internal)
        comment = add_comment(user, ticket, request.form.get("body", ""), internal=internal,
                              files=files, via="api")
        return {"comment": activity.comment_json(ticket, comment),
                "attachments": [activity.attachment_json(ticket, a)
                                for a in comment.attachments]}, 201
    if request.form.get("body") or internal:
        raise invalid({"field": _("Files for a field come without a message.")})
    field_files(schema, Viewer.of(user), [key])
    before = set(load_values(schema, ticket).get(key) or []) if key in schema.by_key else set()
    changes = update_ticket(user, ticket, {}, {key: files}, via="api")
    new_ids = [i for i in changes.get(key, [None, []])[1] if i not in before]
    return {"comment": None,
            "attachments": [activity.attachment_json(ticket, a)
                            for a in activity.attachments_by_id(new_ids)]}, 201


@bp.get(f"/tickets/<number>/attachments/<{ID}:attachment_id>")
def download_attachment(number: str, attachment_id: int):
    schema = current_schema()
    ticket = visible_ticket(number)
    attachment = activity.attachment_of(Viewer.of(caller()), schema, ticket,
                                        load_values(schema, ticket), attachment_id)
    if attachment is None:
        raise not_found()
    try:
        stream = get_storage().open(attachment.storage_key)
    except FileNotFoundError:
        current_app.logger.warning("Attachment %s has no stored file", attachment.id)
        raise not_found() from None
    return send_file(stream, mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.filename)


@bp.get("/tickets/<number>/events")
def list_events(number: str):
    schema = current_schema()
    ticket = visible_ticket(number)
    viewer = Viewer.of(caller())
    keys = activity.visible_keys(viewer, schema, ticket, load_values(schema, ticket))
    statement = activity.events_of(viewer, ticket, keys)
    rows, next_cursor = id_page(statement, TicketEvent.id, fingerprint(number))
    return page_response([activity.event_json(e, keys) for e in rows], next_cursor)

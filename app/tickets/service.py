"""The one write path for tickets.

Every change of a ticket goes through these functions, inside one database
transaction: check the caller against the gate, validate against the schema,
write the values, record history, and put the events in the outbox (where
e-mails and plugin events come from). A refused or invalid write stores
nothing and raises a ``TicketError``; refusals are audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select

from app.database import atomic
from app.extensions import db
from app.fields.gate import (
    Viewer,
    check_write,
    missing_to_close,
    permission,
    required_missing,
    stage_for,
)
from app.fields.schema import FieldDef, Schema, Stage, current_schema
from app.fields.types.base import CheckContext
from app.fields.types.scalar import format_instant
from app.fields.validation import validate_values
from app.tickets import audit, events, search, workflow
from app.tickets.errors import OpeningRefused, TicketError, ValidationFailed, WriteRefused
from app.tickets.lookups import DatabaseLookups
from app.tickets.markdown import render
from app.tickets.models import Comment, Ticket, TicketEvent
from app.tickets.numbering import next_number
from app.tickets.uploads import UploadRefused, discard, real_files, store_files
from app.tickets.values import (
    insert_custom_values,
    load_values,
    write_builtin_values,
    write_value,
)
from app.timeutil import utcnow

Files = Mapping[str, Sequence[Any]]


def _labels(viewer: Viewer, schema: Schema, stage: Stage) -> dict[str, str]:
    """Labels of the fields the viewer may see (conditions aside: a field hidden by one
    is on their form): a refusal names any other by the key the caller sent."""
    return {f.key: str(f.label) for f in schema.fields
            if permission(viewer, f, stage).visible}


def _list_labels(field: FieldDef, *values: Any) -> dict | None:
    """The labels of the items involved, as they are now (history keeps them)."""
    if field.list is None:
        return None
    keys = set()
    for value in values:
        keys.update(value if isinstance(value, list) else [value] if value else [])
    by_key = field.list.by_key
    return {k: {"en": by_key[k].label.en, "it": by_key[k].label.it} for k in keys if k in by_key}


def _refuse_unknown(schema: Schema, keys) -> None:
    unknown = [key for key in keys if key not in schema.by_key]
    if unknown:
        raise ValidationFailed({key: _("There is no field with this key.") for key in unknown})


@contextmanager
def _write(viewer: Viewer, ticket_id: int | None, via: str):
    """The write transaction, with the audit of refusals and removal of stored files."""
    stored_keys: list[str] = []
    try:
        with atomic():
            yield stored_keys
    except WriteRefused as refused:
        discard(stored_keys)
        audit.record_refusal(viewer.user_id, ticket_id, refused.refusal, via)
        raise
    except BaseException:
        discard(stored_keys)
        raise


def _check(
    viewer: Viewer, schema: Schema, stage: Stage, before: dict, incoming: dict
) -> dict[str, Any]:
    accepted, refusal = check_write(viewer, schema, stage, before, incoming)
    if refusal is not None:
        raise WriteRefused(refusal, _labels(viewer, schema, stage))
    return accepted


def _validate(schema: Schema, before: dict, values: dict, changed: dict, lookups) -> None:
    """Validate ``changed`` and put the canonical form of each value in place."""
    errors = validate_values(
        schema, changed,
        lambda key: CheckContext(values=values, lookups=lookups, previous=before.get(key)),
    )
    if errors:
        raise ValidationFailed(errors)
    for key, value in changed.items():
        field = schema.by_key[key]
        canonical = field.type.normalise(field, value)
        changed[key] = values[key] = canonical


def _store_field_files(
    schema: Schema, viewer: Viewer, files: Files, stored_keys: list[str]
) -> dict[str, list]:
    """Store the files of attachment fields; their value becomes the attachment rows."""
    stored = {}
    for key, uploads in files.items():
        if not real_files(uploads):
            continue
        try:
            stored[key] = store_files(uploads, field=schema.by_key[key],
                                      uploaded_by_id=viewer.user_id, stored_keys=stored_keys)
        except UploadRefused as refused:
            raise ValidationFailed({key: str(refused)}) from None
    return stored


def _file_placeholders(files: Files) -> dict[str, list]:
    """Attachment keys as the gate sees them: written when a file is present."""
    return {key: [0] for key, uploads in files.items() if real_files(uploads)}


_INSERT_HISTORY = insert(TicketEvent.__table__)


def _refuse_opening(actor: Any) -> None:
    from app.onboarding.eligibility import can_open_tickets

    if can_open_tickets(actor):
        return
    if not actor.is_staff and actor.active and actor.email_verified_at is None:
        raise OpeningRefused(_("Confirm your e-mail address before opening a ticket: "
                               "follow the link we sent you."))
    raise OpeningRefused(_("This account may not open tickets."))


def create_ticket(
    actor: Any,
    data: Mapping[str, Any],
    files: Files | None = None,
    *,
    attachments: Sequence[Any] = (),
    via: str = "web",
) -> Ticket:
    """Open a ticket as ``actor`` with ``data`` (JSON values by field key).

    A customer's ticket belongs to their company and names them as requester;
    staff opening a ticket on a customer's behalf give both. ``files`` go into
    attachment fields (by key); ``attachments`` are files of the ticket itself,
    in no field (stored with ``ticket_id`` only, checked against the general limits).
    Every channel (portal, API, e-mail links) meets the same rule of who may open one.
    """
    _refuse_opening(actor)
    files = files or {}
    viewer = Viewer.of(actor)
    incoming = dict(data)
    with _write(viewer, None, via) as stored_keys:
        schema = current_schema()  # as the write transaction sees it
        _refuse_unknown(schema, [*incoming, *files])
        automatic = {}
        if not viewer.is_staff:
            automatic = {"company": actor.company_id, "requester": actor.id}
        automatic["request_date"] = format_instant(utcnow())
        automatic["status"] = schema.initial_status.key
        defaults = {
            f.key: f.default for f in schema.active_fields
            if f.default is not None and f.key not in incoming
        }
        checked = _check(viewer, schema, Stage.CREATE, {**defaults, **automatic},
                         {**incoming, **_file_placeholders(files)})
        checked = {key: value for key, value in checked.items() if key not in files}
        values = {**defaults, **automatic, **checked}
        lookups = DatabaseLookups(values.get("company"))
        _validate(schema, {}, values, {**checked, **defaults}, lookups)
        attachments_of = _store_field_files(schema, viewer, files, stored_keys)
        values.update({key: [0] * len(rows) for key, rows in attachments_of.items()})
        try:
            general = store_files(attachments, field=None, uploaded_by_id=actor.id,
                                  stored_keys=stored_keys)
        except UploadRefused as refused:
            raise ValidationFailed({"attachments": str(refused)}) from None
        missing = required_missing(viewer, schema, Stage.CREATE, values, None)
        if missing:
            raise ValidationFailed({key: _("This field is required.") for key in missing})
        if schema.status(values["status"]).is_closed:
            raise ValidationFailed({"status": _("A new ticket cannot start closed.")})
        if values.get("assignee") is None:  # the owner's routing rules choose one
            from app.desk.routing import assignee_for

            if (routed := assignee_for(schema, values)) is not None:
                values["assignee"] = routed
        ticket = Ticket(created_by_id=actor.id)
        ticket.number = next_number(db.session, utcnow().year)
        write_builtin_values(schema, ticket, values)
        db.session.add(ticket)
        db.session.flush()
        for row in general:
            row.ticket_id = ticket.id
        for key, rows in attachments_of.items():
            for row in rows:
                row.ticket_id = ticket.id
            db.session.flush()
            values[key] = [row.id for row in rows]
        insert_custom_values(schema, ticket.id, values)
        initial = {key: value for key, value in values.items()
                   if not schema.by_key[key].type.is_empty(value)}
        db.session.execute(_INSERT_HISTORY, {  # no ORM object to flush
            "ticket_id": ticket.id, "kind": "created", "actor_id": actor.id, "new": initial,
            "at": utcnow()})
        search.index_ticket(db.session, ticket, new=True)
        events.emit("ticket.created", ticket, actor.id, via=via,
                    changes={key: [None, value] for key, value in initial.items()})
    return ticket


def update_ticket(
    actor: Any,
    ticket: Ticket,
    data: Mapping[str, Any],
    files: Files | None = None,
    *,
    note: str = "",
    via: str = "web",
) -> dict[str, list]:
    """Change fields of ``ticket``; returns the changes as {key: [old, new]}."""
    files = files or {}
    viewer = Viewer.of(actor)
    with _write(viewer, ticket.id, via) as stored_keys:
        schema = current_schema()  # as the write transaction sees it
        _refuse_unknown(schema, [*data, *files])
        before = load_values(schema, ticket)
        stage = stage_for(schema.status_by_id(ticket.status_id).is_closed)
        checked = _check(viewer, schema, stage, before,
                         {**data, **_file_placeholders(files)})
        changed = {
            key: value for key, value in checked.items()
            if key not in files and value != before.get(key)
            and not (schema.by_key[key].type.is_empty(value)
                     and schema.by_key[key].type.is_empty(before.get(key)))
        }
        after = {**before, **changed}
        lookups = DatabaseLookups(after.get("company"))
        _validate(schema, before, after, changed, lookups)
        for key in [k for k, value in changed.items() if value == before.get(k)]:
            del changed[key]  # the same value written another way (e.g. items reordered)
        attachments = _store_field_files(schema, viewer, files, stored_keys)
        for key, rows in attachments.items():
            for row in rows:
                row.ticket_id = ticket.id
            db.session.flush()
            changed[key] = list(before.get(key) or []) + [row.id for row in rows]
            after[key] = changed[key]
        missing = required_missing(viewer, schema, stage, after, changed)
        if missing:
            raise ValidationFailed({key: _("This field is required.") for key in missing})
        closing = "status" in changed and schema.status(changed["status"]).is_closed
        if closing:
            missing = missing_to_close(schema, after)
            if missing:
                raise ValidationFailed(
                    {key: _("Fill this field before closing the ticket.") for key in missing},
                    _("The ticket cannot be closed while required fields are empty."),
                )
        if not changed:
            return {}
        _apply(schema, ticket, actor, before, changed, note, via)
    return {key: [before.get(key), value] for key, value in changed.items()}


def _apply(schema: Schema, ticket: Ticket, actor: Any, before: dict, changed: dict,
           note: str, via: str) -> None:
    now = utcnow()
    for key, value in changed.items():
        field = schema.by_key[key]
        write_value(schema, ticket, field, value)
        db.session.add(TicketEvent(
            ticket_id=ticket.id, kind="change", actor_id=actor.id, at=now, field_id=field.id,
            field_key=key, old=before.get(key), new=value,
            labels=_list_labels(field, before.get(key), value), note=note,
        ))
    ticket.updated_at = now
    diff = {key: [before.get(key), value] for key, value in changed.items()}
    if "status" in changed:
        was_closed = schema.status(before["status"]).is_closed
        now_closed = schema.status(changed["status"]).is_closed
        if now_closed and not was_closed:
            ticket.closed_at = now
        elif was_closed and not now_closed:
            ticket.closed_at = None
    if {"title", "description"} & changed.keys():
        search.index_ticket(db.session, ticket)
    events.emit("ticket.updated", ticket, actor.id, changes=diff, note=note, via=via)
    if "status" in changed:
        topic = "ticket.closed" if ticket.closed_at == now else "ticket.status_changed"
        events.emit(topic, ticket, actor.id, changes={"status": diff["status"]}, via=via)
    if "assignee" in changed:
        events.emit("ticket.assigned", ticket, actor.id, changes={"assignee": diff["assignee"]},
                    note=note, via=via)


def add_comment(
    actor: Any,
    ticket: Ticket,
    body: str,
    *,
    internal: bool = False,
    files: Sequence[Any] = (),
    via: str = "web",
) -> Comment:
    """A public reply or (staff only) an internal note, with attachments.

    A reply can move the ticket's status (see ``workflow``); a customer's reply
    to a ticket closed too long ago is refused with an invitation to open a new one.
    """
    viewer = Viewer.of(actor)
    body = (body or "").strip()
    if internal and not viewer.is_staff:
        raise TicketError(_("Only staff can write internal notes."))
    if not body and not real_files(files):
        raise ValidationFailed({"body": _("Write a message or attach a file.")})
    if len(body) > 50_000:
        raise ValidationFailed({"body": _("At most %(n)s characters.", n=50_000)})
    if "\x00" in body:
        raise ValidationFailed(
            {"body": _("The text contains a character that cannot be stored (NUL).")}
        )
    with _write(viewer, ticket.id, via) as stored_keys:
        schema = current_schema()  # as the write transaction sees it
        current = schema.status_by_id(ticket.status_id)
        now = utcnow()
        if not viewer.is_staff and (kept := merged_into(ticket)) is not None:
            raise TicketError(_(
                "This ticket was merged into %(number)s: the conversation goes on there.",
                number=kept,
            ))
        if current.is_closed and not viewer.is_staff and not workflow.may_reopen(
            ticket.closed_at, now
        ):
            raise TicketError(_(
                "This ticket was closed too long ago to be re-opened. "
                "Please open a new ticket; you can mention %(number)s in it.",
                number=ticket.number,
            ))
        comment = Comment(ticket_id=ticket.id, author_id=actor.id, internal=internal,
                          body=body, body_html=render(body), created_at=now)
        db.session.add(comment)
        try:
            stored = store_files(files, field=None, uploaded_by_id=actor.id,
                                 stored_keys=stored_keys)
        except UploadRefused as refused:
            raise ValidationFailed({"attachments": str(refused)}) from None
        db.session.flush()
        for attachment in stored:
            attachment.ticket_id = ticket.id
            attachment.comment_id = comment.id
        db.session.add(TicketEvent(ticket_id=ticket.id, kind="comment", actor_id=actor.id,
                                   at=now, comment_id=comment.id))
        ticket.updated_at = now
        search.index_comment(db.session, comment)
        events.emit("ticket.replied", ticket, actor.id, reply_id=comment.id,
                    public=not internal, via=via)
        target = workflow.status_after_comment(schema, current, by_staff=viewer.is_staff,
                                               internal=internal)
        if target is not None and target.key != current.key:
            _apply(schema, ticket, actor, {"status": current.key}, {"status": target.key},
                   "", via)
    return comment


def merged_into(ticket: Ticket) -> str | None:
    """The number of the ticket ``ticket`` was merged into, if it was."""
    for detail in db.session.scalars(
        select(TicketEvent.new).where(TicketEvent.ticket_id == ticket.id,
                                      TicketEvent.kind == "merged")
    ):
        if isinstance(detail, dict) and detail.get("duplicate") == ticket.number:
            return detail.get("target")
    return None


#: History kinds written by ``record_event`` (changes and comments have their own writers).
EVENT_KINDS = frozenset({"merged"})


def record_event(actor: Any, ticket: Ticket, kind: str, *, note: str = "",
                 detail: dict | None = None) -> TicketEvent:
    """A history entry that is neither a field change nor a comment, e.g. "merged"."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown history kind {kind!r}")
    with atomic():
        event = TicketEvent(ticket_id=ticket.id, kind=kind, actor_id=actor.id, at=utcnow(),
                            note=note, new=detail)
        db.session.add(event)
        ticket.updated_at = event.at
    return event

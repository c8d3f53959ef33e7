"""Merging a duplicate into the ticket that stays: both timelines are kept, the duplicate
is closed with a pointer to the other ticket, and its requester is told in a public reply
(which the mail module sends like any other)."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.accounts.profile import get_profile
from app.database import atomic
from app.desk.settings import transitions
from app.extensions import db
from app.fields.schema import Schema, StatusDef, current_schema
from app.tickets.errors import TicketError
from app.tickets.models import Ticket
from app.tickets.queries import get_visible_ticket
from app.tickets.service import add_comment, merged_into, record_event, update_ticket
from app.tickets.workflow import target


class MergeRefused(TicketError):
    status_code = 409


def merged_status(schema: Schema) -> StatusDef:
    """The owner's choice, else the last active closed status (usually "Closed")."""
    chosen = transitions().merged
    closed = [s for s in schema.statuses if s.active and s.is_closed]
    status = target(schema, chosen, "closed") if chosen else None
    return status if status is not None and status.is_closed else closed[-1]


def _message_for_requester(duplicate: Ticket, kept: Ticket) -> str:
    requester = db.session.get(User, duplicate.requester_id)
    language = (requester.language if requester else "") or get_profile().default_language
    with force_locale(language or "en"):
        return _(
            "We are handling this request together with ticket %(number)s, which is about "
            "the same matter: you will find every update there. This ticket is now closed.",
            number=kept.number,
        )


def merge_tickets(actor: Any, duplicate: Ticket, target_number: str, note: str = "") -> Ticket:
    """Merge ``duplicate`` into the ticket numbered ``target_number``; returns that ticket."""
    kept = get_visible_ticket(actor, target_number.strip())
    if kept is None:
        raise MergeRefused(_("There is no ticket %(number)s.", number=target_number.strip()),
                           {"target": _("Check the number.")})
    if kept.id == duplicate.id:
        raise MergeRefused(_("A ticket cannot be merged into itself."),
                           {"target": _("Choose another ticket.")})
    if kept.company_id != duplicate.company_id:
        raise MergeRefused(_("Only tickets of the same customer company can be merged."),
                           {"target": _("This ticket belongs to another company.")})
    if (earlier := merged_into(duplicate)) is not None:
        raise MergeRefused(_("This ticket was already merged into %(number)s.",
                             number=earlier))
    if merged_into(kept):
        raise MergeRefused(_("Ticket %(number)s was itself merged into another one.",
                             number=kept.number), {"target": _("Choose the ticket that stays.")})
    schema = current_schema()
    detail = {"duplicate": duplicate.number, "target": kept.number}
    pointer = f"{duplicate.number} → {kept.number}"
    with atomic():
        record_event(actor, duplicate, "merged", note=pointer, detail=detail)
        record_event(actor, kept, "merged", note=pointer, detail=detail)
        if not schema.status_by_id(duplicate.status_id).is_closed:
            update_ticket(actor, duplicate, {"status": merged_status(schema).key},
                          note=note.strip())
        add_comment(actor, duplicate, _message_for_requester(duplicate, kept))
    return kept

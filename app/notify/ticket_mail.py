"""The e-mails about one ticket change: one outbox row per person, rendered later.

The write transaction stores one batch per change (:func:`batch_row`): the
ticket's people and values as the change left them and what happened. The
sender splits it (:mod:`app.notify.fanout`) into rows saying who receives what
and why (the recipients, their reasons, the replies, their links), and
renders each row just before its first attempt (:mod:`app.notify.ticket_render`)
from those values: a message shows the ticket as the change left it, even
when the mail server was down for an hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.accounts.models import User
from app.extensions import db
from app.fields.gate import Viewer, permission, stage_for
from app.fields.schema import Schema, current_schema
from app.notify.links import desk_ticket_url, preferences_url, ticket_url
from app.notify.outbox import outbox_row
from app.notify.recipients import Happening, TicketFacts, deliveries
from app.notify.rendering import mail_language
from app.notify.urls import request_base_url
from app.tickets.models import Ticket
from app.tickets.values import load_values

#: The template of each reason, most important first: a message with several
#: reasons (a reply that also moved the status) is mainly about the first one.
TEMPLATES = {
    "created": "ticket_created",
    "new": "ticket_new",
    "closed": "ticket_closed",
    "reply": "ticket_reply",
    "assigned": "ticket_assigned",
    "status": "ticket_status",
}
PRIORITY = tuple(TEMPLATES)
#: The ``render_context["kind"]`` of ticket e-mails.
KIND = "ticket"


def main_reason(reasons: Sequence[str]) -> str:
    return min(reasons, key=PRIORITY.index)


def thread_key(ticket: Ticket | TicketFacts) -> str:
    """One thread per ticket in the recipients' mail clients."""
    return f"ticket-{ticket.id}"


def _assignment(happenings: Sequence[Happening]) -> dict[str, str]:
    """Who assigned the ticket and their note, for the new assignee's message."""
    for happening in happenings:
        if happening.topic == "ticket.assigned":
            actor = db.session.get(User, happening.actor_id) if happening.actor_id else None
            return {"assigned_by": actor.full_name if actor is not None else "",
                    "note": happening.payload.get("note") or ""}
    return {}


def _sees_status(person: User, schema: Schema, values: dict) -> bool:
    """A status change says nothing to a reader the status is hidden from."""
    status = schema.by_key.get("status")
    stage = stage_for(schema.status(values["status"]).is_closed)
    return status is not None and permission(Viewer.of(person), status, stage, values).visible


def _values(schema: Schema, ticket: Ticket, happenings: Sequence[Happening]) -> dict:
    """The ticket's values now. A new ticket's event carries them all (every value
    as a change from nothing), which spares a query on the busiest path."""
    if len(happenings) == 1 and happenings[0].topic == "ticket.created":
        created = happenings[0].payload.get("changes") or {}
        return {
            field.key: created[field.key][1] if field.key in created
            else field.type.from_rows(field, [])
            for field in schema.fields
        }
    return load_values(schema, ticket)


def batch_row(ticket: Ticket, happenings: Sequence[Happening]) -> dict[str, Any]:
    """The :class:`~app.notify.models.TicketMailBatch` columns of one change of
    ``ticket``, inside its transaction: all that the sender needs later."""
    return {
        "ticket_id": ticket.id,
        "facts": TicketFacts.of(ticket)._asdict(),
        # As they are (asdict would deep-copy every value of a new ticket's payload).
        "happenings": [{"topic": h.topic, "actor_id": h.actor_id, "payload": h.payload}
                       for h in happenings],
        "ticket_values": _values(current_schema(), ticket, happenings),
        "base_url": request_base_url(),
        "attempts": 0,
    }


def ticket_mail_rows(
    ticket: TicketFacts, happenings: Sequence[Happening], values: dict[str, Any], base: str = ""
) -> list[dict]:
    """The outbox rows of the messages ``happenings`` of ``ticket`` call for, showing
    ``values``, with links under ``base`` (see :func:`~app.notify.urls.external_url`)."""
    found = deliveries(ticket, happenings)
    if not found:
        return []
    assignment = _assignment(happenings)
    preferences = preferences_url(base)
    desk = desk_ticket_url(ticket, base)  # the same for all staff
    schema = current_schema()
    rows = []
    for delivery in found:
        person = delivery.person
        reasons = [r for r in delivery.reasons
                   if r != "status" or _sees_status(person, schema, values)]
        if not reasons:
            continue
        context = {
            "kind": KIND,
            "ticket_id": ticket.id,
            "values": values,
            "reasons": reasons,
            "reply_ids": delivery.reply_ids,
            "link": desk if person.is_staff else ticket_url(person, ticket, base),
            "preferences_url": preferences,
            **(assignment if "assigned" in reasons else {}),
        }
        rows.append(outbox_row(
            to_email=person.email, template=TEMPLATES[main_reason(reasons)],
            rendered=None, render_context=context, language=mail_language(person.language),
            recipient_id=person.id, thread_key=thread_key(ticket), ticket_id=ticket.id,
        ))
    return rows

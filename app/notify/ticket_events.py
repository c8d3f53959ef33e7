"""Ticket events to e-mails, inside the write transaction.

The write path hands every event to :func:`collect` while its transaction is
open. Just before that transaction commits (SQLAlchemy's ``before_commit``),
still inside it, each changed ticket gets one mail batch row: a change is
stored with its mail and a refused change leaves none (the transactional
outbox). Waiting for the commit lets one change that raises several events (a
staff reply that also moves the status) give each person one message, showing
the ticket as the change left it. Who receives what is decided by the sender
when it splits the batch (:mod:`app.notify.fanout`): a new ticket that alerts
every agent costs the write path one row, not one per agent. Nothing here
touches the network.
"""

from __future__ import annotations

from sqlalchemy import event, insert
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db
from app.notify.models import TicketMailBatch
from app.notify.recipients import Happening
from app.notify.ticket_mail import batch_row
from app.plugins import hookimpl
from app.tickets.models import OutboxEvent, Ticket

#: The topics that can cause e-mails (``ticket.updated`` alone causes none).
TOPICS = frozenset({
    "ticket.created", "ticket.replied", "ticket.status_changed", "ticket.closed",
    "ticket.assigned",
})
#: Where the session keeps the events of its open transaction: {ticket id: (ticket, [...])}.
PENDING = "sportello.ticket_mail"


def collect(outbox_event: OutboxEvent, ticket: Ticket) -> None:
    """The ticket events subscriber: remember the event for the commit."""
    if outbox_event.topic not in TOPICS:
        return
    session = Session.object_session(ticket) or db.session()
    pending = session.info.setdefault(PENDING, {})
    _ticket, happenings = pending.setdefault(ticket.id, (ticket, []))
    happenings.append(
        Happening(outbox_event.topic, outbox_event.actor_id, dict(outbox_event.payload or {}))
    )


@hookimpl
def sportello_write_subscribers() -> list:
    """The core's e-mails listen to ticket events like any plugin."""
    return [collect]


@event.listens_for(Session, "before_commit")
def _build_before_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        session.execute(insert(TicketMailBatch.__table__),
                        [batch_row(ticket, happenings) for ticket, happenings in pending.values()])


@event.listens_for(Session, "after_transaction_end")
def _forget_after_end(session: Session, transaction: SessionTransaction) -> None:
    """A rolled-back transaction's events cause nothing."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)

"""Greeting tickets: the one place that writes the plugin's table."""

from sqlalchemy import select

from app.database import atomic
from app.extensions import db
from app.plugins.events import TicketEvent

from .models import Greeting


def greet(event: TicketEvent) -> None:
    """Record the greeting once: hooks are delivered at least once."""
    with atomic() as session:
        greeted = session.scalar(select(Greeting.id).where(Greeting.ticket_id == event.ticket_id))
        if greeted is None:
            session.add(Greeting(
                ticket_id=event.ticket_id, ticket_number=event.ticket_number,
                greeted_by_id=event.actor_id, created_at=event.occurred_at,
            ))


def latest_greetings(limit: int = 50) -> list[Greeting]:
    return list(db.session.scalars(
        select(Greeting).order_by(Greeting.created_at.desc(), Greeting.id.desc()).limit(limit)
    ))

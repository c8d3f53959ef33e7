"""Human ticket numbers, unique even when two creations race on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.tickets.models import TicketCounter


def _insert_year(session: Session, year: int) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(TicketCounter).values(year=year, last=0).on_conflict_do_nothing()
    )


def next_number(session: Session, year: int) -> str:
    """Draw the next number of ``year``, e.g. ``2026-00042``.

    The UPDATE takes the counter row's lock until the transaction ends, so a
    concurrent creation waits and then draws the following number.
    """
    counter = TicketCounter.__table__
    bump = (
        update(counter)
        .where(counter.c.year == year)
        .values(last=counter.c.last + 1)
        .returning(counter.c.last)
    )
    connection = session.connection()  # plain SQL: this runs for every new ticket
    drawn = connection.execute(bump).scalar()
    if drawn is None:
        _insert_year(session, year)
        drawn = connection.execute(bump).scalar_one()
    return f"{year}-{drawn:05d}"

"""Yearly counters for human numbers (tickets, reports), unique under concurrency.

A counter table has one row per year (``year``, ``last``). Drawing bumps the
row with UPDATE ... RETURNING: the row lock is held until the transaction
ends, so a concurrent draw waits and takes the following number, and a draw
in a transaction that fails is rolled back with it.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def draw_next(session: Session, counter_model, year: int) -> int:
    """The next number of ``year`` in ``counter_model``'s table."""
    counter = counter_model.__table__
    bump = (
        update(counter)
        .where(counter.c.year == year)
        .values(last=counter.c.last + 1)
        .returning(counter.c.last)
    )
    connection = session.connection()  # plain SQL: this runs for every new ticket
    drawn = connection.execute(bump).scalar()
    if drawn is None:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(counter).values(year=year, last=0).on_conflict_do_nothing()
        )
        drawn = connection.execute(bump).scalar_one()
    return drawn

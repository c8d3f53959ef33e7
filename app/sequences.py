"""Yearly counters for human numbers (tickets, reports), unique under concurrency.

A counter table has one row per year (``year``, ``last``). Drawing bumps the
row with UPDATE ... RETURNING: the row lock is held until the transaction
ends, so a concurrent draw waits and takes the following number, and a draw
in a transaction that fails is rolled back with it.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Table, Update, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


@cache
def _bump(counter: Table) -> Update:
    """UPDATE ... RETURNING of one counter table, built once (every new ticket runs it)."""
    return (
        update(counter)
        .where(counter.c.year == bindparam("counter_year"))
        .values(last=counter.c.last + 1)
        .returning(counter.c.last)
    )


def draw_next(session: Session, counter_model, year: int) -> int:
    """The next number of ``year`` in ``counter_model``'s table."""
    counter = counter_model.__table__
    params = {"counter_year": year}
    connection = session.connection()
    drawn = connection.execute(_bump(counter), params).scalar()
    if drawn is None:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(counter).values(year=year, last=0).on_conflict_do_nothing()
        )
        drawn = connection.execute(_bump(counter), params).scalar_one()
    return drawn

"""Report numbers per year ("2026/0001"), never two alike and never reused.

A number is drawn only when a report is issued, in the issuing transaction:
if the issue fails, the draw is rolled back with it, so there are no gaps;
once issued, the report keeps its number even when cancelled.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.reports.models import ReportCounter


def _insert_year(session: Session, year: int) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(ReportCounter).values(year=year, last=0).on_conflict_do_nothing()
    )


def next_number(session: Session, year: int) -> str:
    """Draw the next report number of ``year``.

    The UPDATE takes the counter row's lock until the transaction ends, so a
    concurrent issue waits and then draws the following number (on SQLite
    the write transaction itself is exclusive).
    """
    bump = (
        update(ReportCounter)
        .where(ReportCounter.year == year)
        .values(last=ReportCounter.last + 1)
        .returning(ReportCounter.last)
    )
    drawn = session.execute(bump).scalar()
    if drawn is None:
        _insert_year(session, year)
        drawn = session.execute(bump).scalar_one()
    return f"{year}/{drawn:04d}"

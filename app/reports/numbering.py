"""Report numbers per year ("2026/0001"), never two alike and never reused.

A number is drawn only when a report is issued, in the issuing transaction:
if the issue fails, the draw is rolled back with it, so there are no gaps;
once issued, the report keeps its number even when cancelled.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reports.models import ReportCounter
from app.sequences import draw_next


def next_number(session: Session, year: int) -> str:
    """Draw the next report number of ``year``."""
    return f"{year}/{draw_next(session, ReportCounter, year):04d}"

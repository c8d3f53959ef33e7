"""Human ticket numbers, unique even when two creations race on PostgreSQL."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.sequences import draw_next
from app.tickets.models import TicketCounter


def next_number(session: Session, year: int) -> str:
    """Draw the next number of ``year``, e.g. ``2026-00042``."""
    return f"{year}-{draw_next(session, TicketCounter, year):05d}"

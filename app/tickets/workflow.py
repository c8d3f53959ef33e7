"""Automatic status transitions on replies.

Defaults follow the Italian portals our users know: a public staff reply
moves the ticket to "Waiting for your reply", a customer reply moves it back
to "In progress", and a customer reply to a closed ticket re-opens it within
``SPORTELLO_REOPEN_DAYS`` days (after that the customer opens a new ticket
linked to the old one).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from app.fields.schema import Schema, StatusDef


def first_of(schema: Schema, category: str) -> StatusDef | None:
    return next((s for s in schema.statuses if s.active and s.category == category), None)


def may_reopen(closed_at: datetime | None, now: datetime) -> bool:
    days = current_app.config["SPORTELLO_REOPEN_DAYS"]
    return closed_at is None or now - closed_at <= timedelta(days=days)


def status_after_comment(
    schema: Schema, current: StatusDef, *, by_staff: bool, internal: bool
) -> StatusDef | None:
    """The status a comment moves the ticket to, or None to leave it."""
    if internal:
        return None
    if by_staff:
        if current.category in ("new", "open"):
            return first_of(schema, "waiting")
        return None
    if current.category in ("waiting", "closed"):
        return first_of(schema, "open")
    return None

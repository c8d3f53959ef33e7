"""Automatic status transitions on replies.

Defaults follow the Italian portals our users know: a public staff reply
moves the ticket to "Waiting for your reply", a customer reply moves it back
to "In progress", and a customer reply to a closed ticket re-opens it within
``SPORTELLO_REOPEN_DAYS`` days (after that the customer opens a new ticket
linked to the old one). The owner chooses the target statuses and the number
of days on the desk's settings page (``app.desk.settings``); a target left
unset is the first active status of the default category.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.fields.schema import Schema, StatusDef


def first_of(schema: Schema, category: str) -> StatusDef | None:
    return next((s for s in schema.statuses if s.active and s.category == category), None)


def may_reopen(closed_at: datetime | None, now: datetime) -> bool:
    from app.desk.settings import reopen_days

    days = reopen_days()
    return closed_at is None or (days > 0 and now - closed_at <= timedelta(days=days))


def target(schema: Schema, chosen: str | None, category: str) -> StatusDef | None:
    """The status a transition goes to: the owner's choice while it is an active status
    (``""`` means "do not move"), else the first active one of ``category``."""
    if chosen == "":
        return None
    status = schema.status(chosen) if chosen else None
    if status is not None and status.active:
        return status
    return first_of(schema, category)


def status_after_comment(
    schema: Schema, current: StatusDef, *, by_staff: bool, internal: bool
) -> StatusDef | None:
    """The status a comment moves the ticket to, or None to leave it."""
    from app.desk.settings import transitions

    if internal:
        return None
    chosen = transitions()
    if by_staff:
        if current.category in ("new", "open"):
            return target(schema, chosen.staff_reply, "waiting")
        return None
    if current.category == "waiting":
        return target(schema, chosen.customer_reply, "open")
    if current.category == "closed":
        return target(schema, chosen.reopen, "open")
    return None

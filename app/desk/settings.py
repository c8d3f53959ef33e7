"""Owner settings of the desk, stored in the database so every worker and host sees them.

Each setting is one row of ``desk_setting`` (a name and a JSON value), read
once per request. Today: the automatic status transitions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask import current_app, g, has_app_context

from app.database import atomic
from app.desk.models import DeskSetting
from app.extensions import db

WORKFLOW = "workflow"
#: Longest re-open window the owner may choose, in days.
MAX_REOPEN_DAYS = 3650


@dataclass(frozen=True)
class Transitions:
    """Where replies move a ticket, by status key.

    ``None`` means "the default for the category" (the first active status of
    it); ``""`` means "leave the status as it is".
    """

    #: A public staff reply to a new or open ticket.
    staff_reply: str | None = None
    #: A customer's reply to a ticket waiting for them.
    customer_reply: str | None = None
    #: A customer's reply to a closed ticket, within ``reopen_days`` of closing.
    reopen: str | None = None
    #: Days after closing during which a customer's reply re-opens the ticket;
    #: None means the ``SPORTELLO_REOPEN_DAYS`` setting.
    reopen_days: int | None = None
    #: The closed status a merged duplicate gets.
    merged: str | None = None


def _read(key: str) -> Any:
    cache = g.setdefault("desk_settings", {}) if has_app_context() else {}
    if key not in cache:
        row = db.session.get(DeskSetting, key)
        cache[key] = row.value if row is not None else None
    return cache[key]


def _write(key: str, value: Any) -> None:
    with atomic() as session:
        row = session.get(DeskSetting, key)
        if row is None:
            session.add(DeskSetting(key=key, value=value))
        else:
            row.value = value
    g.pop("desk_settings", None)


def transitions() -> Transitions:
    stored = _read(WORKFLOW) or {}
    known = Transitions.__dataclass_fields__
    return Transitions(**{name: value for name, value in stored.items() if name in known})


def reopen_days() -> int:
    days = transitions().reopen_days
    return current_app.config["SPORTELLO_REOPEN_DAYS"] if days is None else int(days)


def save_transitions(settings: Transitions) -> None:
    if settings.reopen_days is not None and not 0 <= settings.reopen_days <= MAX_REOPEN_DAYS:
        raise ValueError(f"reopen_days must be between 0 and {MAX_REOPEN_DAYS}")
    _write(WORKFLOW, asdict(settings))

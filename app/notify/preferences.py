"""Which ticket e-mails each person receives.

Every kind of ticket e-mail is on until the person turns it off on their
preferences page. Company managers may also choose to receive the e-mails of
every ticket of their company, as if they were named on each one; that one
is off until chosen. Only choices are stored (``MailPreference``); a key
without a row has its default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.database import atomic
from app.extensions import db
from app.notify.models import MailPreference

#: Managers receive the e-mails of every ticket of their company.
COMPANY_TICKETS = "company_tickets"


@dataclass(frozen=True)
class Preference:
    key: str
    default: bool
    #: What the choice means to a customer; None when customers are not offered it.
    customer_label: Any = None
    #: What the choice means to staff; None when staff are not offered it.
    staff_label: Any = None
    #: Offered only to company managers.
    managers_only: bool = False

    def label_for(self, user: Any) -> str:
        return str(self.staff_label if user.is_staff else self.customer_label)


PREFERENCES: tuple[Preference, ...] = (
    Preference("ticket_created", True,
               _l("Confirmation when a ticket is opened"),
               _l("New tickets: assigned to me, or not assigned yet")),
    Preference("ticket_replied", True,
               _l("Replies from support"),
               _l("Replies and internal notes on tickets assigned to me, customers' replies "
                  "to tickets not assigned yet")),
    Preference("ticket_status_changed", True, _l("Changes of status")),
    Preference("ticket_closed", True, _l("Closure, with a summary of the ticket")),
    Preference("ticket_assigned", True, staff_label=_l("A ticket is assigned to me")),
    Preference(COMPANY_TICKETS, False,
               _l("Receive these e-mails for every ticket of my company, not only for those "
                  "where I am named"),
               managers_only=True),
)
BY_KEY: Mapping[str, Preference] = {p.key: p for p in PREFERENCES}


def offered_to(user: Any) -> list[Preference]:
    """The choices ``user``'s preferences page shows, in order."""
    if user.is_staff:
        return [p for p in PREFERENCES if p.staff_label is not None]
    return [
        p for p in PREFERENCES
        if p.customer_label is not None and (user.is_company_manager or not p.managers_only)
    ]


def choices_of(user_ids: Iterable[int]) -> dict[int, dict[str, bool]]:
    """The stored choices of these persons, by person (one query)."""
    ids = set(user_ids)
    found: dict[int, dict[str, bool]] = {}
    if ids:
        rows = db.session.execute(
            select(MailPreference.user_id, MailPreference.key, MailPreference.enabled)
            .where(MailPreference.user_id.in_(ids))
        )
        for user_id, key, enabled in rows:
            found.setdefault(user_id, {})[key] = enabled
    return found


def wants(choices: Mapping[str, bool] | None, key: str) -> bool:
    """Whether a person with ``choices`` receives e-mails of ``key``."""
    return (choices or {}).get(key, BY_KEY[key].default)


def preferences_of(user: Any) -> dict[str, bool]:
    """Every choice offered to ``user`` with its current value."""
    choices = choices_of([user.id]).get(user.id)
    return {p.key: wants(choices, p.key) for p in offered_to(user)}


def save_preferences(user: Any, values: Mapping[str, bool]) -> dict[str, bool]:
    """Store ``user``'s choices for the keys offered to them; other keys are ignored."""
    with atomic() as session:
        stored = {
            row.key: row for row in session.scalars(
                select(MailPreference).where(MailPreference.user_id == user.id)
            )
        }
        for preference in offered_to(user):
            enabled = bool(values.get(preference.key, False))
            row = stored.get(preference.key)
            if row is None:
                session.add(MailPreference(user_id=user.id, key=preference.key, enabled=enabled))
            else:
                row.enabled = enabled
    return preferences_of(user)

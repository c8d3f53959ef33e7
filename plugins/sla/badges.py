"""What staff see of a ticket's SLA: badges for lists and ticket pages, from stored state.

Nothing here replays history: each badge comes from the due times the event
handlers stored, compared with the current time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.dates import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _

from app.accounts.profile import owner_zone
from app.plugins.badges import Badge
from app.timeutil import utcnow

from . import services
from .clock import Targets

#: A running clock this close to its due time is shown as a warning.
SOON = timedelta(hours=1)


def local_time(moment: datetime | None) -> str:
    """A stored (naive UTC) time in the owner's time zone and the page's language."""
    if moment is None:
        return ""
    return format_datetime(moment.replace(tzinfo=UTC), "short", tzinfo=owner_zone(),
                           locale=get_locale() or "en")


def duration(span: timedelta) -> str:
    """Open time as hours and minutes, e.g. "3 h 05 min"."""
    minutes = max(int(span.total_seconds() // 60), 0)
    return _("%(hours)s h %(minutes)02d min", hours=minutes // 60, minutes=minutes % 60)


def _clock_badge(label_due: str, label_late: str, due: datetime | None, breached: bool,
                 now: datetime) -> Badge | None:
    """A pending clock's badge: late, due soon, due later; None while it is paused."""
    if breached or (due is not None and due <= now):
        title = _("It was due %(when)s.", when=local_time(due)) if due else ""
        return Badge(label_late, "danger", title)
    if due is None:
        return None
    level = "warning" if due - now <= SOON else "info"
    return Badge(label_due % {"when": local_time(due)}, level, _("Counted in office hours."))


def state_badges(state: Any, targets: Targets, now: datetime) -> list[Badge]:
    """The badges of one ticket's SLA state (an ``SlaState`` or a row of its table),
    given its priority's targets."""
    awaiting = state.first_response_at is None and state.resolved_at is None
    pending = []
    if awaiting and targets.first_response is not None:
        pending.append(_clock_badge(_("Reply by %(when)s"), _("Reply overdue"),
                                    state.first_response_due_at,
                                    state.first_response_breached, now))
    elif state.first_response_breached:
        pending.append(Badge(_("Replied late"), "warning"))
    if state.resolved_at is None and targets.resolution is not None:
        pending.append(_clock_badge(_("Resolve by %(when)s"), _("Resolution overdue"),
                                    state.resolution_due_at, state.resolution_breached, now))
    elif state.resolution_breached:
        pending.append(Badge(_("Resolved late"), "danger"))
    badges = [badge for badge in pending if badge is not None]
    target = (targets.first_response if awaiting else None) or targets.resolution
    if state.running_since is None and state.resolved_at is None and target is not None:
        left = target - timedelta(seconds=state.counted_seconds)
        badges.append(Badge(_("SLA paused"), "info", _(
            "Waiting on the customer; %(left)s of office time left.", left=duration(left))))
    return badges


def ticket_badges(user: Any, tickets: Sequence[Any]) -> dict[int, list[Badge]] | None:
    """The ``sportello_ticket_badges`` hook: staff only, two queries whatever the count."""
    if not getattr(user, "is_staff", False):
        return None
    states = services.states_for(ticket.id for ticket in tickets)
    if not states:
        return {}
    table, now = services.targets_by_priority(), utcnow()
    return {
        ticket_id: state_badges(state, services.targets_of(table, state.priority), now)
        for ticket_id, state in states.items()
    }

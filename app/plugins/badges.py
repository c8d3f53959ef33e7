"""Badges: short notes plugins add beside tickets in lists and on ticket pages.

A page that shows tickets asks once for all of them::

    badges = ticket_badges(current_user, page.tickets)

and its template prints each ticket's with the macro of ``_badges.html``::

    {% from "_badges.html" import ticket_badges as show_badges %}
    {{ show_badges(badges[ticket.id]) }}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.plugins.manager import get_plugin_manager

LEVELS = ("info", "ok", "warning", "danger")


@dataclass(frozen=True)
class Badge:
    """One note: ``text`` is shown, ``title`` explains it (a tooltip), ``level`` colours it."""

    text: str
    level: str = "info"
    title: str = ""

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"Badge level {self.level!r} is not one of {', '.join(LEVELS)}")


def ticket_badges(user: Any, tickets: Sequence[Any]) -> dict[int, list[Badge]]:
    """Every plugin's badges for ``tickets`` as ``user`` may see them, by ticket id."""
    found: dict[int, list[Badge]] = {ticket.id: [] for ticket in tickets}
    if not found:
        return found
    results = get_plugin_manager().hook.sportello_ticket_badges(user=user, tickets=list(tickets))
    for result in results:
        for ticket_id, badges in result.items():
            if ticket_id in found:
                found[ticket_id].extend(badges)
    return found

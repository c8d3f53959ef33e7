"""Links to a ticket in e-mails: the portal for customers, the desk for staff."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from app.notify.urls import external_url


def _absolute(path: str, base: str = "") -> str:
    """``path`` under the portal's public address (and its URL prefix)."""
    return external_url("main.index", base=base).rstrip("/") + path


def ticket_url(person: Any, ticket: Any, base: str = "") -> str:
    """The signed, expiring link that opens ``ticket`` for the customer ``person``
    without a password (reading and replying only; the owner can revoke it)."""
    from app.portal.links import signed_ticket_url

    return signed_ticket_url(person, ticket, base)


def desk_ticket_url(ticket: Any, base: str = "") -> str:
    """The staff's link to ``ticket`` (after logging in)."""
    return _absolute(f"/desk/tickets/{quote(ticket.number)}", base)


def preferences_url(base: str = "") -> str:
    return external_url("notify.preferences", base=base)

"""Links to a ticket in e-mails: the portal for customers, the desk for staff."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from app.notify.urls import external_url


def _absolute(path: str) -> str:
    """``path`` under the portal's public address (and its URL prefix)."""
    return external_url("main.index").rstrip("/") + path


def ticket_url(person: Any, ticket: Any) -> str:
    """The link that opens ``ticket`` for the customer ``person``.

    Every customer's link comes from here, so that it can become a signed,
    expiring link for that one person without touching the e-mails.
    """
    return _absolute(f"/portal/tickets/{quote(ticket.number)}")


def desk_ticket_url(ticket: Any) -> str:
    """The staff's link to ``ticket`` (after logging in)."""
    return _absolute(f"/desk/tickets/{quote(ticket.number)}")


def preferences_url() -> str:
    return external_url("notify.preferences")

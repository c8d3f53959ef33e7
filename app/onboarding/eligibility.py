"""Whether a person may open tickets: the portal asks before the first one."""

from __future__ import annotations

from app.accounts.models import User


def can_open_tickets(user: User) -> bool:
    """A customer needs a confirmed address, an active account and a company whose
    ticketing is on; staff (opening tickets on a customer's behalf) need to be active."""
    if not user.active:
        return False
    if user.is_staff:
        return True
    return (
        user.is_customer
        and user.email_verified_at is not None
        and user.company is not None
        and user.company.ticketing_enabled
    )

"""Who may use which portal page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect
from flask_login import current_user

from app.extensions import login_manager
from app.onboarding.eligibility import can_open_tickets
from app.web import home_url


def may_open_tickets(user: Any) -> bool:
    """Whether the customer ``user`` may open a ticket now, to explain it on the page
    before a form is filled (the write path enforces the same rule on every channel)."""
    return user.is_customer and can_open_tickets(user)


def customer_required(view: Callable) -> Callable:
    """Portal pages are for customer persons; staff are sent to their own home."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_customer:
            return redirect(home_url(current_user))
        return view(*args, **kwargs)

    return wrapped


def owner_required(view: Callable) -> Callable:
    """Owner-only pages answer 404 to anyone else (their existence is not revealed)."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_owner:
            abort(404)
        return view(*args, **kwargs)

    return wrapped

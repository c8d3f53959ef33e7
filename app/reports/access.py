"""Who may open which page of the reports package."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def staff_required(view: Callable) -> Callable:
    """Staff pages: customers get a 404 (they need not know the page exists)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_staff:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def owner_required(view: Callable) -> Callable:
    """The owner's pages: agents get a 403, customers a 404."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_staff:
            abort(404)
        if not current_user.is_owner:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def manager_required(view: Callable) -> Callable:
    """Portal report pages: only a customer company's managers; anyone else gets a 404."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not (current_user.is_customer and current_user.is_company_manager):
            abort(404)
        return view(*args, **kwargs)

    return wrapper

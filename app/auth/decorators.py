"""View decorators for pages reserved to staff or to the owner."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager


def _requires(allowed: Callable[[object], bool]):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


#: The owner and agents.
staff_required = _requires(lambda user: user.is_staff)
#: The owner only.
owner_required = _requires(lambda user: user.is_owner)

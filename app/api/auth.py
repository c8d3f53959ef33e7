"""Who is calling: the bearer token, its scope, its rate limit, and role checks.

The token's user becomes Flask-Login's current user for this request only
(nothing is written to the session), so the language, the gate and every
service see the same person a browser login would give. Session cookies are
ignored under the API: only the token counts, so there is no CSRF to guard.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask_babel import gettext as _

from app.api import ratelimit, tokens
from app.api.errors import ApiError
from app.extensions import login_manager

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _act_as(user: Any) -> None:
    # Flask-Login's per-request slot for the current user: set here, the session
    # (and its cookie) stay untouched.
    login_manager._update_request_context_with_user(user)


def authenticate() -> None:
    """Before every API request: a valid token, within its rate limit and scope."""
    _act_as(None)  # anonymous until the token is checked, whatever cookie came along
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, _("Send a personal access token: Authorization: Bearer <token>."),
                       headers={"WWW-Authenticate": 'Bearer realm="sportello"'})
    token = tokens.find_token(secret.strip())
    if token is None:
        raise ApiError(401, _("This token is not valid: it is unknown or revoked, or its "
                              "user may no longer sign in."),
                       headers={"WWW-Authenticate": 'Bearer realm="sportello", '
                                                    'error="invalid_token"'})
    _act_as(token.user)
    g.api_token = token
    g.api_allowance = allowance = ratelimit.count_request(token.id)
    if not allowance.allowed:
        raise ApiError(429, _("Too many requests with this token. Try again in %(n)s seconds.",
                              n=allowance.reset_in),
                       headers={"Retry-After": str(allowance.reset_in)})
    if request.method not in SAFE_METHODS and not token.may_write:
        raise ApiError(403, _("This token may only read. Make a read-write token to "
                              "change data."))


def rate_headers(response):
    """After every API request: tell the client where it stands in its window."""
    allowance = g.get("api_allowance")
    if allowance is not None and allowance.limit:
        response.headers["X-RateLimit-Limit"] = str(allowance.limit)
        response.headers["X-RateLimit-Remaining"] = str(allowance.remaining)
        response.headers["X-RateLimit-Reset"] = str(allowance.reset_in)
    return response


def caller() -> Any:
    """The user the request's token acts as."""
    return g.api_token.user


def staff_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not caller().is_staff:
            raise ApiError(403, _("Only staff may use this resource."))
        return view(*args, **kwargs)

    return wrapped


def owner_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not caller().is_owner:
            raise ApiError(403, _("Only the owner may use this resource."))
        return view(*args, **kwargs)

    return wrapped

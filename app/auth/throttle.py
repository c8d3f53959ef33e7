"""Lock-outs after repeated failed logins, counted in the database.

Counters live in the database so that every worker and every host behind a
load balancer sees the same failures (DESIGN.md, invariant 5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from app.accounts.models import LoginFailure
from app.database import atomic
from app.extensions import db
from app.timeutil import utcnow


@dataclass(frozen=True)
class Lockout:
    minutes_left: int


def _keys(email: str, address: str | None) -> list[tuple[str, int]]:
    config = current_app.config
    keys = [(f"email:{email}", config["SPORTELLO_LOGIN_MAX_FAILURES"])]
    if address:
        keys.append((f"ip:{address}", config["SPORTELLO_LOGIN_MAX_FAILURES_PER_ADDRESS"]))
    return keys


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["SPORTELLO_LOGIN_LOCKOUT_MINUTES"])


def current_lockout(email: str, address: str | None) -> Lockout | None:
    """The lock-out in force for this account or address, if any."""
    now = utcnow()
    since = now - _window()
    for key, limit in _keys(email, address):
        recent = db.session.scalars(
            select(LoginFailure.at)
            .where(LoginFailure.key == key, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc())
            .limit(limit)
        ).all()
        if len(recent) >= limit:
            until = recent[-1] + _window()
            return Lockout(minutes_left=max(1, math.ceil((until - now).total_seconds() / 60)))
    return None


def record_failure(email: str, address: str | None) -> None:
    with atomic() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - _window()))
        for key, _limit in _keys(email, address):
            session.add(LoginFailure(key=key))


def clear_failures(email: str) -> None:
    with atomic() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.key == f"email:{email}"))

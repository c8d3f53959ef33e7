"""Requests per token in a fixed window, counted in the database.

The counter lives on the token's row and is bumped by one UPDATE ... RETURNING,
so every worker and every host sees the same count and two concurrent
requests never both take the last slot. The same statement records the
token's last use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, update

from app.api.models import ApiToken
from app.database import atomic
from app.timeutil import utcnow

_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Allowance:
    limit: int  # 0: no limit
    used: int
    reset_in: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return not self.limit or self.used <= self.limit

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


def window_start(now: datetime, seconds: int) -> datetime:
    elapsed = (now - _EPOCH).total_seconds()
    return _EPOCH + timedelta(seconds=math.floor(elapsed / seconds) * seconds)


def count_request(token_id: int, now: datetime | None = None) -> Allowance:
    """Count one request of the token in the current window, and note its use."""
    now = now or utcnow()
    limit = int(current_app.config["SPORTELLO_API_RATE_LIMIT"])
    seconds = max(int(current_app.config["SPORTELLO_API_RATE_WINDOW_SECONDS"]), 1)
    start = window_start(now, seconds)
    with atomic() as session:
        used = session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(
                window_count=case(
                    (ApiToken.window_start == start, ApiToken.window_count + 1), else_=1
                ),
                window_start=start,
                last_used_at=now,
            ).returning(ApiToken.window_count),
            execution_options={"synchronize_session": False},
        ).scalar_one()
    reset_in = max(math.ceil((start + timedelta(seconds=seconds) - now).total_seconds()), 1)
    return Allowance(limit, used, reset_in)

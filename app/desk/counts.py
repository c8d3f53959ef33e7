"""Counts per status for the queue's tabs, cached in the database.

Counting a filter over a million tickets takes a while; a page asks for the
same counts again and again. The counts of each query are kept with the
*stamp* of the ticket table they were taken at (its latest update and highest
id, two index look-ups): while the stamp is unchanged the counts are exact.
Costly counts are also reused for ``SPORTELLO_DESK_COUNTS_MAX_AGE`` seconds
after a change, so a busy desk does not recount at every page.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from app.database import atomic, is_sqlite
from app.desk.models import StatusCountCache
from app.extensions import db
from app.fields.schema import current_schema
from app.tickets.models import Ticket
from app.tickets.queries import TicketQuery, count_by_status
from app.timeutil import utcnow

#: Counts that took at least this long may be reused after the tickets changed.
COSTLY_MS = 50
#: Cached counts unused for this long are removed.
KEEP = timedelta(days=1)


def _key(user: Any, query: TicketQuery, revision: str) -> str:
    scope = "staff" if user.is_staff else f"user:{user.id}"
    filters = [[f.key, f.op, f.value] for f in query.filters if f.key != "status"]
    raw = json.dumps([revision, scope, filters, query.text.strip()], sort_keys=True,
                     default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


_CACHE = StatusCountCache.__table__
#: The ticket table's stamp (its latest update and highest id, two index look-ups) with
#: the cached counts of one key, if any, in one statement: a queue page asks at every visit.
_LOOKUP = select(
    select(func.max(Ticket.updated_at)).scalar_subquery(),
    select(func.max(Ticket.id)).scalar_subquery(),
    _CACHE.c.stamp, _CACHE.c.counts, _CACHE.c.computed_at, _CACHE.c.cost_ms,
).select_from(
    select(literal(1).label("one")).subquery().outerjoin(
        _CACHE, _CACHE.c.key == bindparam("key"))
)


def _stamp(updated: datetime | None, top: int | None) -> str:
    return f"{updated.isoformat() if updated else '-'}/{top or 0}"


def _fresh_enough(cached: Any, stamp: str) -> bool:
    if cached.stamp == stamp:
        return True
    max_age = current_app.config["SPORTELLO_DESK_COUNTS_MAX_AGE"]
    return (cached.cost_ms >= COSTLY_MS
            and utcnow() - cached.computed_at < timedelta(seconds=max_age))


def _store(key: str, stamp: str, counts: dict[str, int], cost_ms: int) -> None:
    values = {"key": key, "stamp": stamp, "counts": counts, "computed_at": utcnow(),
              "cost_ms": cost_ms}
    dialect = sqlite if is_sqlite() else postgresql
    upsert = dialect.insert(StatusCountCache).values(**values)
    upsert = upsert.on_conflict_do_update(
        index_elements=["key"], set_={k: v for k, v in values.items() if k != "key"}
    )
    with atomic() as session:
        session.execute(upsert)
        session.execute(delete(StatusCountCache).where(
            StatusCountCache.computed_at < utcnow() - KEEP
        ))


def status_counts(user: Any, query: TicketQuery) -> dict[str, int]:
    """Tickets per status key matching ``query`` (its status filter aside)."""
    key = _key(user, query, current_schema().revision)
    found = db.session.connection().execute(_LOOKUP, {"key": key}).one()
    stamp = _stamp(found[0], found[1])
    if found.stamp is not None and _fresh_enough(found, stamp):
        return dict(found.counts)
    started = time.perf_counter()
    counts = count_by_status(user, query)
    _store(key, stamp, counts, int((time.perf_counter() - started) * 1000))
    return counts

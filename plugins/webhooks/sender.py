"""Sending deliveries: claim the due ones, POST each, record how it went.

Claims are short transactions that lease rows (``locked_until``), so several
senders can run and none holds the database while it waits on a receiver.
A failed attempt is retried with exponential backoff (the first after
``SPORTELLO_WEBHOOKS_RETRY_SECONDS``, then twice as long each time, up to six
hours) until ``SPORTELLO_WEBHOOKS_MAX_ATTEMPTS``; then the delivery is
failed and waits for the owner's retry. Redirects are not followed.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from app.database import atomic
from app.plugins.discovery import describe
from app.timeutil import utcnow

from .models import Delivery, DeliveryStatus, Endpoint
from .signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
    unix_time,
)

log = logging.getLogger(__name__)
#: Longest wait between two attempts.
MAX_BACKOFF = timedelta(hours=6)
#: How much of a failed response's body the log keeps.
ERROR_SNIPPET = 300
USER_AGENT = "Sportello-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    """A claimed delivery, with what sending it needs."""

    delivery_id: int
    url: str
    secret: str
    body: str
    event_id: str
    topic: str


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class SendReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.failed


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    base = current_app.config["SPORTELLO_WEBHOOKS_RETRY_SECONDS"]
    return min(timedelta(seconds=base * 2 ** min(attempts - 1, 20)), MAX_BACKOFF)


def claim(now: datetime, limit: int) -> list[Attempt]:
    """Lease up to ``limit`` due deliveries of active endpoints to this sender."""
    timeout = current_app.config["SPORTELLO_WEBHOOKS_TIMEOUT"]
    lease = timedelta(seconds=limit * timeout + 60)
    with atomic() as session:
        statement = (
            select(Delivery, Endpoint)
            .join(Endpoint, Delivery.endpoint_id == Endpoint.id)
            .where(
                Delivery.status == DeliveryStatus.PENDING.value,
                Delivery.next_attempt_at <= now,
                or_(Delivery.locked_until.is_(None), Delivery.locked_until < now),
                Endpoint.active.is_(True),
            )
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(of=Delivery, skip_locked=True)
        claimed = []
        for delivery, endpoint in session.execute(statement).all():
            delivery.locked_until = now + lease
            claimed.append(Attempt(delivery.id, endpoint.url, endpoint.secret, delivery.body,
                                   delivery.event_id, delivery.topic))
    return claimed


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer is reported as it is: a signed POST is not re-sent elsewhere."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(attempt: Attempt, timeout: float) -> Outcome:
    """POST the body, signed now; what the receiver answered, or why it could not."""
    body = attempt.body.encode()
    timestamp = unix_time(utcnow())
    request = urllib.request.Request(  # noqa: S310  (the scheme is http or https: url_problem)
        attempt.url, data=body, method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: signature(attempt.secret, timestamp, body),
            TIMESTAMP_HEADER: str(timestamp),
            EVENT_HEADER: attempt.topic,
            DELIVERY_HEADER: attempt.event_id,
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Outcome(response.status)
    except urllib.error.HTTPError as error:
        snippet = error.read(ERROR_SNIPPET).decode("utf-8", "replace").strip()
        return Outcome(error.code, f"HTTP {error.code} {error.reason}: {snippet}".rstrip(": "))
    except urllib.error.URLError as error:
        return Outcome(None, describe(error.reason) if isinstance(error.reason, BaseException)
                       else str(error.reason))
    except (OSError, ValueError) as error:  # a timeout while reading, a malformed address
        return Outcome(None, describe(error))


def record(delivery_id: int, outcome: Outcome, now: datetime) -> DeliveryStatus | None:
    """Store an attempt's outcome; schedule the next one or give up. None when the
    delivery went with its endpoint meanwhile."""
    limit = current_app.config["SPORTELLO_WEBHOOKS_MAX_ATTEMPTS"]
    with atomic() as session:
        delivery = session.get(Delivery, delivery_id)
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status_code = outcome.status_code
        delivery.locked_until = None
        if outcome.ok:
            delivery.status = DeliveryStatus.DELIVERED.value
            delivery.delivered_at = now
            delivery.last_error = ""
        else:
            delivery.last_error = outcome.error
            if delivery.attempts >= limit:
                delivery.status = DeliveryStatus.FAILED.value
                log.warning("Webhook delivery %s to endpoint %s failed for good: %s",
                            delivery.id, delivery.endpoint_id, outcome.error)
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
        return DeliveryStatus(delivery.status)


def send_due(now: datetime | None = None, limit: int = 20) -> SendReport:
    """One pass: send what is due now; returns what became of each attempt."""
    now = now or utcnow()
    timeout = current_app.config["SPORTELLO_WEBHOOKS_TIMEOUT"]
    report = SendReport()
    for attempt in claim(now, limit):
        status = record(attempt.delivery_id, post(attempt, timeout), now)
        if status is DeliveryStatus.DELIVERED:
            report.delivered += 1
        elif status is DeliveryStatus.FAILED:
            report.failed += 1
        elif status is DeliveryStatus.PENDING:
            report.retrying += 1
    return report


def prune(now: datetime | None = None) -> int:
    """Forget deliveries that succeeded more than ``SPORTELLO_WEBHOOKS_KEEP_DAYS`` ago."""
    days = current_app.config["SPORTELLO_WEBHOOKS_KEEP_DAYS"]
    cutoff = (now or utcnow()) - timedelta(days=days)
    with atomic() as session:
        # A delivered row's next_attempt_at is when its last attempt was due: indexed,
        # and never later than its delivery.
        result = session.execute(delete(Delivery).where(
            Delivery.status == DeliveryStatus.DELIVERED.value, Delivery.next_attempt_at < cutoff,
        ))
    return result.rowcount

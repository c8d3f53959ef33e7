"""Signing requests, and checking a signature as a receiver should.

The signature is HMAC-SHA256, keyed with the endpoint's secret, over the
timestamp, a dot, and the raw body: ``f"{timestamp}.".encode() + body``.
Signing the timestamp with the body is what makes it worth checking: a
replayed request cannot carry a fresh timestamp without a new signature.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

SIGNATURE_HEADER = "X-Sportello-Signature"
TIMESTAMP_HEADER = "X-Sportello-Timestamp"
EVENT_HEADER = "X-Sportello-Event"
DELIVERY_HEADER = "X-Sportello-Delivery"
#: How old a request a receiver should accept, in seconds.
TOLERANCE_SECONDS = 300


def unix_time(moment: datetime) -> int:
    """Seconds since the epoch of a naive UTC time."""
    return int(moment.replace(tzinfo=UTC).timestamp())


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the signature header: ``sha256=<hex>``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(
    secret: str, body: bytes, timestamp: str, signed: str, now: datetime,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the signature matches and the request is recent."""
    try:
        moment = int(timestamp)
    except ValueError:
        return False
    if abs(unix_time(now) - moment) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, moment, body), signed)

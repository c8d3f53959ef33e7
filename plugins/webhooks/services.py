"""Endpoints and deliveries: the one place that writes the plugin's tables.

Ticket events become deliveries inside the outbox dispatcher's transaction
(:func:`record_event`), so an event is marked dispatched exactly when its
deliveries are stored. Sending them is :mod:`.sender`'s job.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from app.database import atomic
from app.extensions import db
from app.plugins.events import TICKET_HOOKS, TicketEvent
from app.timeutil import utcnow

from .models import Delivery, DeliveryStatus, Endpoint
from .payload import build_payload, encode, event_id, load_facts

#: Every topic an endpoint may subscribe to.
TOPICS = tuple(TICKET_HOOKS)
#: Deliveries per page of the log.
PAGE_SIZE = 50


class EndpointError(ValueError):
    """An endpoint cannot be saved as given; ``fields`` says why, by form field."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        return _("Write a full web address, starting with https:// (or http://).")
    if parts.username or parts.password:
        return _("Leave user name and password out of the address: requests are signed.")
    return None


def _checked(name: str, url: str, topics: Iterable[str]) -> tuple[str, str, list[str]]:
    errors = {}
    name, url = name.strip(), url.strip()
    chosen = [topic for topic in TOPICS if topic in set(topics)]
    if not name:
        errors["name"] = _("Give the endpoint a name.")
    problem = url_problem(url)
    if problem:
        errors["url"] = problem
    if not chosen:
        errors["topics"] = _("Choose at least one event.")
    if errors:
        raise EndpointError(errors)
    return name, url, chosen


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_endpoint(
    name: str, url: str, topics: Iterable[str], *, active: bool = True, internal: bool = False
) -> Endpoint:
    name, url, chosen = _checked(name, url, topics)
    with atomic() as session:
        endpoint = Endpoint(name=name, url=url, topics=chosen, active=active,
                            internal=internal, secret=new_secret())
        session.add(endpoint)
    return endpoint


def update_endpoint(
    endpoint_id: int, name: str, url: str, topics: Iterable[str], *, active: bool,
    internal: bool,
) -> Endpoint | None:
    name, url, chosen = _checked(name, url, topics)
    with atomic() as session:
        endpoint = session.get(Endpoint, endpoint_id)
        if endpoint is not None:
            endpoint.name, endpoint.url, endpoint.topics = name, url, chosen
            endpoint.active, endpoint.internal = active, internal
            endpoint.updated_at = utcnow()
    return endpoint


def regenerate_secret(endpoint_id: int) -> Endpoint | None:
    with atomic() as session:
        endpoint = session.get(Endpoint, endpoint_id)
        if endpoint is not None:
            endpoint.secret = new_secret()
            endpoint.updated_at = utcnow()
    return endpoint


def delete_endpoint(endpoint_id: int) -> bool:
    """Remove an endpoint and its deliveries."""
    with atomic() as session:
        endpoint = session.get(Endpoint, endpoint_id)
        if endpoint is None:
            return False
        session.execute(delete(Delivery).where(Delivery.endpoint_id == endpoint_id))
        session.delete(endpoint)
    return True


def record_event(event: TicketEvent) -> int:
    """One delivery per active endpoint subscribed to ``event.topic``; returns how many
    were added. Idempotent: an event delivered twice adds nothing the second time."""
    with atomic() as session:
        endpoints = [
            endpoint for endpoint in session.scalars(
                select(Endpoint).where(Endpoint.active.is_(True)).order_by(Endpoint.id)
            )
            if event.topic in endpoint.topics
        ]
        if not endpoints:
            return 0
        identifier = event_id(event)
        done = set(session.scalars(
            select(Delivery.endpoint_id).where(Delivery.event_id == identifier)
        ))
        facts = load_facts(event)
        if facts is None:
            return 0
        added = 0
        now = utcnow()
        for endpoint in endpoints:
            body = None if endpoint.id in done else build_payload(
                event, facts, internal=endpoint.internal
            )
            if body is None:
                continue
            session.add(Delivery(
                endpoint_id=endpoint.id, event_id=identifier, topic=event.topic,
                ticket_number=event.ticket_number, body=encode(body),
                status=DeliveryStatus.PENDING.value, next_attempt_at=now, created_at=now,
            ))
            added += 1
    return added


def retry_delivery(delivery_id: int, now: datetime | None = None) -> bool:
    """Send a delivery again at the next pass of the sender (an owner's retry)."""
    with atomic() as session:
        delivery = session.get(Delivery, delivery_id)
        if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
            return False
        delivery.status = DeliveryStatus.PENDING.value
        delivery.next_attempt_at = now or utcnow()
        delivery.locked_until = None
    return True


# -- reading, for the owner's pages -------------------------------------------------


def list_endpoints() -> list[Endpoint]:
    return list(db.session.scalars(select(Endpoint).order_by(Endpoint.name, Endpoint.id)))


def get_endpoint(endpoint_id: int) -> Endpoint | None:
    return db.session.get(Endpoint, endpoint_id)


def failed_counts() -> dict[int, int]:
    """Failed deliveries by endpoint id."""
    rows = db.session.execute(
        select(Delivery.endpoint_id, func.count())
        .where(Delivery.status == DeliveryStatus.FAILED.value)
        .group_by(Delivery.endpoint_id)
    )
    return dict(rows.all())


def deliveries(
    *, status: str | None = None, endpoint_id: int | None = None, before: int | None = None,
    limit: int = PAGE_SIZE,
) -> list[Delivery]:
    """The log, newest first, ``limit`` rows older than the delivery ``before``."""
    statement = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if status:
        statement = statement.where(Delivery.status == status)
    if endpoint_id:
        statement = statement.where(Delivery.endpoint_id == endpoint_id)
    if before:
        statement = statement.where(Delivery.id < before)
    return list(db.session.scalars(statement))

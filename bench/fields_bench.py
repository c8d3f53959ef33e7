"""Issue 3's measurements, from the service layer: queue queries on a million
tickets, creating tickets through the write path, and the cached create form."""

from __future__ import annotations

import random
import time

from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.forms import build_ticket_form, create_defaults
from app.fields.gate import Viewer
from app.fields.schema import Stage, current_schema
from app.tickets.queries import Filter, Sort, TicketQuery, find_tickets
from app.tickets.service import create_ticket
from bench.measure import time_runs
from bench.schema import FAMILIES


def _queue_query(rng: random.Random, statuses: list[str], sort: str) -> TicketQuery:
    return TicketQuery(
        filters=(Filter("product_family", "in", [rng.choice(FAMILIES)]),
                 Filter("status", "in", [rng.choice(statuses)])),
        sort=Sort(sort, True), limit=25,
    )


def run(app, creations: int = 1000, query_runs: int = 200) -> dict:
    """Measure (a) to (d); returns the figures by name."""
    results = {}
    with app.test_request_context():
        staff = db.session.scalar(select(User).where(User.role == Role.AGENT.value))
        customer = db.session.scalar(select(User).where(User.role == Role.CUSTOMER.value))
        schema = current_schema()
        statuses = [s.key for s in schema.statuses if s.active and s.category != "closed"]
        rng = random.Random(7)

        def query(sort: str):
            def action(_i: int) -> None:
                page = find_tickets(staff, _queue_query(rng, statuses, sort))
                assert len(page.tickets) == 25, "the benchmark needs matching tickets"
                db.session.expunge_all()
                db.session.commit()
            return action

        for key, sort, label in (
            ("a", "request_date", "(a) dropdown + status, by request date, first 25"),
            ("b", "due_date", "(b) dropdown + status, by a custom date, first 25"),
        ):
            timing = time_runs(label, query_runs, query(sort))
            print(timing.line("p95 <= 50 ms"))
            results[key] = timing.__dict__

        values = {
            "title": "Benchmark ticket", "description": "Created through the write path.",
            "priority": "high", "product_family": "software", "request_type": "incident",
            "severity": "normal", "tags": ["vpn", "email"], "due_date": "2026-12-01",
            "visit_at": "2026-12-02T09:00:00Z", "hours": 2.5, "seats": 12,
            "contract_code": "C12345", "urgent": True,
        }
        actor = db.session.get(User, customer.id)
        start = time.perf_counter()
        for _ in range(creations):
            create_ticket(actor, values, via="bench")
        elapsed = time.perf_counter() - start
        rate = creations / elapsed
        print(f"{'(c) tickets created through the write path, one process':<58} "
              f"{rate:8.0f} tickets/s ({creations} in {elapsed:.1f} s)  target >= 300/s")
        results["c"] = {"tickets_per_second": rate, "tickets": creations}

        viewer = Viewer.of(actor)
        defaults = create_defaults(current_schema())

        def form(_i: int) -> None:
            build_ticket_form(current_schema(), viewer, Stage.CREATE, values=defaults,
                              company_id=actor.company_id)

        timing = time_runs("(d) the customer's create form, schema cached", 2000, form)
        print(timing.line("<= 1 ms"))
        results["d"] = timing.__dict__
    return results

"""Issue 3's measurements, from the service layer, on the benchmark database:

(a) filter by one dropdown value plus status, sorted by request date, first 25;
(b) the same sorted by a custom date field;
(c) creating a ticket with every field through the write path, in one process;
(d) obtaining the customer's create form for a cached schema.
"""

from __future__ import annotations

import random
import time

from sqlalchemy import func, select, text

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.forms import build_ticket_form, create_defaults
from app.fields.gate import Viewer
from app.fields.schema import Stage, current_schema
from app.tickets.models import Ticket
from app.tickets.queries import Filter, Sort, TicketQuery, find_tickets
from app.tickets.service import create_ticket
from bench.measure import time_runs
from bench.schema import LISTS, TICKET_VALUES


def forget_tickets_after(last_id: int) -> None:
    """Delete the tickets (c) created, and what they caused: each run measures the
    database as it was generated (the new tickets, all due on the same day and not
    yet vacuumed, would sit first in (b)'s walk on the next run)."""
    for table in ("ticket_mail_batch", "mail_message", "outbox_event", "ticket_fts"):
        db.session.execute(text(f"DELETE FROM {table} WHERE ticket_id > :id"), {"id": last_id})
    db.session.execute(text("DELETE FROM ticket WHERE id > :id"), {"id": last_id})
    db.session.commit()


def run(app, creations: int = 1000, query_runs: int = 200) -> dict:
    """Measure (a) to (d) in ``app`` (the benchmark database); returns the figures."""
    results = {}
    with app.test_request_context():
        staff = db.session.scalar(select(User).where(User.role == Role.AGENT.value))
        schema = current_schema()
        statuses = [s.key for s in schema.statuses if s.active and s.category != "closed"]
        rng = random.Random(7)

        def query(sort: str):
            def action(_i: int) -> None:
                find_tickets(staff, TicketQuery(
                    filters=(Filter("area", "in", [rng.choice(LISTS["area"])]),
                             Filter("status", "in", [rng.choice(statuses)])),
                    sort=Sort(sort, True), limit=25,
                ))
                db.session.expunge_all()
                db.session.commit()
            return action

        for key, sort, label in (
            ("a", "request_date", "(a) dropdown + status, by request date, first 25"),
            ("b", "due", "(b) dropdown + status, by a custom date, first 25"),
        ):
            timing = time_runs(label, query_runs, query(sort))
            print(timing.line("p95 <= 50 ms"), flush=True)
            results[key] = timing.__dict__

        customer = db.session.scalar(
            select(User).where(User.role == Role.CUSTOMER.value).order_by(User.id)
        )
        last_id = db.session.scalar(select(func.max(Ticket.id)))
        db.session.commit()
        start = time.perf_counter()
        for _ in range(creations):
            create_ticket(customer, TICKET_VALUES, via="bench")
        elapsed = time.perf_counter() - start
        forget_tickets_after(last_id)
        rate = creations / elapsed
        print(f"{'(c) tickets created through the write path, one process':<58} "
              f"{rate:8.0f} tickets/s ({creations} in {elapsed:.1f} s)  target >= 300/s",
              flush=True)
        results["c"] = {"tickets_per_second": rate, "tickets": creations}

        viewer = Viewer.of(customer)
        defaults = create_defaults(current_schema())

        def form(_i: int) -> None:
            build_ticket_form(current_schema(), viewer, Stage.CREATE, values=defaults,
                              company_id=customer.company_id)

        timing = time_runs("(d) the customer's create form, schema cached", 2000, form)
        print(timing.line("<= 1 ms"), flush=True)
        results["d"] = timing.__dict__
    return results

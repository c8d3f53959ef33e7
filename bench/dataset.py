"""Fill a benchmark database with a million tickets, fast.

The product writes only through the service layer; this loader bypasses it on
purpose (bulk inserts, COPY on PostgreSQL) so that a million tickets take
minutes, not hours. Values follow the schema's storage rules exactly.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import func, select, text

from app.accounts.models import Company, Role, User
from app.accounts.services import create_company, create_user
from app.extensions import db
from app.fields.changes import apply_document
from app.fields.schema import current_schema
from app.tickets.models import Ticket
from bench.schema import FAMILIES, REQUEST_TYPES, SEVERITIES, TAGS, bench_document

COMPANIES = 50
PERSONS_PER_COMPANY = 4
AGENTS = 8
START = datetime(2025, 1, 1)
SPAN_SECONDS = 2 * 365 * 24 * 3600


def prepare_people() -> tuple[list[tuple[int, list[int]]], list[int]]:
    """Companies with their persons, and agents (created once)."""
    if db.session.scalar(select(func.count()).select_from(Company)) < COMPANIES:
        for n in range(COMPANIES):
            company = create_company(name=f"Bench company {n:02d}")
            for p in range(PERSONS_PER_COMPANY):
                create_user(email=f"p{p}.c{n}@bench.example", name=f"P{p}", surname=f"C{n}",
                            role=Role.CUSTOMER, company=company, password=None)
        for n in range(AGENTS):
            create_user(email=f"agent{n}@bench.example", name=f"Agent{n}", role=Role.AGENT)
    companies = []
    for company in db.session.scalars(select(Company).order_by(Company.id)):
        persons = db.session.scalars(select(User.id).where(User.company_id == company.id)).all()
        companies.append((company.id, list(persons)))
    agents = db.session.scalars(select(User.id).where(User.role == Role.AGENT.value)).all()
    return companies, list(agents)


def prepare_schema() -> None:
    if "urgent" not in current_schema().by_key:
        apply_document(None, bench_document())


def _rows(count: int, first_id: int, companies, agents, schema) -> Iterator[tuple]:
    """(ticket row, value rows) for ``count`` tickets starting at ``first_id``."""
    rng = random.Random(first_id)
    statuses = [s.id for s in schema.statuses if s.active]
    priorities = ["low", "medium", "high", "urgent"]
    ids = {key: schema.by_key[key].id for key in ("product_family", "request_type", "severity",
                                                    "tags", "due_date", "visit_at", "hours",
                                                    "seats", "contract_code", "urgent")}
    for ticket_id in range(first_id, first_id + count):
        company_id, persons = companies[rng.randrange(len(companies))]
        requested = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        status_id = statuses[rng.randrange(len(statuses))]
        ticket = (
            ticket_id, f"{requested.year}-{ticket_id:07d}", f"Bench ticket {ticket_id}",
            "Generated for the benchmark.", status_id, rng.choice(priorities), company_id,
            persons[rng.randrange(len(persons))], requested,
            agents[rng.randrange(len(agents))] if rng.random() < 0.7 else None,
            requested, requested,
        )
        values = [
            (ticket_id, ids["product_family"], 0, rng.choice(FAMILIES), None, None),
            (ticket_id, ids["request_type"], 0, rng.choice(REQUEST_TYPES), None, None),
            (ticket_id, ids["severity"], 0, rng.choice(SEVERITIES), None, None),
        ]
        for seq, tag in enumerate(rng.sample(TAGS, rng.randrange(3))):
            values.append((ticket_id, ids["tags"], seq, tag, None, None))
        if rng.random() < 0.8:
            due = (requested + timedelta(days=rng.randrange(1, 60))).replace(
                hour=0, minute=0, second=0, microsecond=0)
            values.append((ticket_id, ids["due_date"], 0, None, None, due))
        if rng.random() < 0.3:
            values.append((ticket_id, ids["visit_at"], 0, None, None,
                           requested + timedelta(days=rng.randrange(1, 20), hours=9)))
        values.append((ticket_id, ids["hours"], 0, None, round(rng.random() * 20, 2), None))
        values.append((ticket_id, ids["seats"], 0, None, float(rng.randrange(1, 500)), None))
        values.append((ticket_id, ids["contract_code"], 0, f"C{rng.randrange(10**5):05d}",
                       None, None))
        if rng.random() < 0.1:
            values.append((ticket_id, ids["urgent"], 0, None, 1.0, None))
        yield ticket, values


_TICKET_COLUMNS = ("id", "number", "title", "description", "status_id", "priority", "company_id",
                   "requester_id", "request_date", "assignee_id", "created_at", "updated_at")
_VALUE_COLUMNS = ("ticket_id", "field_id", "seq", "text", "number", "moment")


def _copy(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_sqlite(raw, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    marks = ", ".join("?" for _ in columns)
    raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def load_tickets(target: int, batch: int = 20_000, progress=print) -> int:
    """Add tickets until ``target`` exist; returns how many were added."""
    existing = db.session.scalar(select(func.count()).select_from(Ticket)) or 0
    if existing >= target:
        return 0
    companies, agents = prepare_people()
    schema = current_schema()
    db.session.commit()
    first = (db.session.scalar(select(func.max(Ticket.id))) or 0) + 1
    remaining = target - existing
    engine = db.engine
    postgres = engine.dialect.name == "postgresql"
    added = 0
    while remaining > 0:
        count = min(batch, remaining)
        tickets, values = [], []
        for ticket, ticket_values in _rows(count, first, companies, agents, schema):
            tickets.append(ticket)
            values.extend(ticket_values)
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            if postgres:
                _copy(cursor, "ticket", _TICKET_COLUMNS, tickets)
                _copy(cursor, "ticket_value", _VALUE_COLUMNS, values)
            else:
                cursor.execute("BEGIN")
                _insert_sqlite(cursor, "ticket", _TICKET_COLUMNS, tickets)
                _insert_sqlite(cursor, "ticket_value", _VALUE_COLUMNS, values)
            raw.commit()
        finally:
            raw.close()
        first += count
        remaining -= count
        added += count
        progress(f"  {existing + added:>9,} tickets")
    with engine.begin() as connection:
        if postgres:
            connection.execute(text("SELECT setval('ticket_id_seq', (SELECT max(id) FROM ticket))"))
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
    return added

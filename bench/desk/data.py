"""A million tickets with ten custom fields, bulk-inserted with SQL.

Accounts, the schema and the one ticket with a 50-entry timeline go through
the product's services; the bulk of the tickets, their values and the
full-text rows are loaded with the driver's fastest path (``executemany`` on
SQLite, ``COPY`` on PostgreSQL), with the secondary indexes dropped during the
load and rebuilt after it.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import flask_migrate
from sqlalchemy import Index, create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.accounts.models import Role, User
from app.accounts.services import create_user
from app.extensions import db
from app.fields.changes import apply_document
from app.fields.schema import current_schema
from app.tickets.models import Ticket, TicketValue
from app.tickets.service import add_comment, create_ticket
from app.tickets.timeline import build_timeline
from app.tickets.values import load_values
from bench.schema import LISTS, bench_document

PASSWORD = "bench-password-1"  # noqa: S105  (a throw-away benchmark database)
AGENT_EMAIL = "agent0@bench.example"
INFO_FILE = "bench-info.json"
COMPANIES, PERSONS_PER_COMPANY, AGENTS = 500, 4, 10
BATCH = 20_000

#: Status keys and how often tickets have them.
STATUS_WEIGHTS = {"new": 4, "in_progress": 10, "waiting": 8, "suspended": 3,
                  "reschedule": 2, "done": 30, "closed": 43}
PRIORITY_WEIGHTS = {"low": 20, "medium": 50, "high": 22, "urgent": 8}
WORDS = ("printer", "network", "invoice", "access", "error", "slow", "report", "backup",
         "mail", "password", "update", "license", "server", "disk", "screen", "keyboard",
         "payroll", "warehouse", "order", "label", "vpn", "wifi")


def bench_app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url,
                       "SPORTELLO_PASSWORD_METHOD": "pbkdf2:sha256:1000"})


def reset_database(url: str) -> None:
    """An empty database at ``url`` (the SQLite file removed, the PostgreSQL one recreated)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = f"{parsed.database}{suffix}"
            if os.path.exists(path):
                os.remove(path)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


# -- bulk loading --------------------------------------------------------------------

def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _load(connection, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` with the driver's fastest path; returns how many."""
    raw = connection.connection.driver_connection
    count = 0
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    statement = (f"INSERT INTO {table} ({', '.join(columns)}) "
                 f"VALUES ({', '.join('?' for _ in columns)})")
    cursor = raw.cursor()
    cursor.execute("PRAGMA cache_size=-262144")  # 256 MB: the load spills less
    batch: list[tuple] = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= BATCH:
            cursor.executemany(statement, batch)
            count += len(batch)
            batch = []
            if count % (BATCH * 25) == 0:  # keep the write-ahead log short
                cursor.execute("COMMIT")
                cursor.execute("BEGIN")
    if batch:
        cursor.executemany(statement, batch)
        count += len(batch)
    return count


def _secondary_indexes() -> list[Index]:
    return [*Ticket.__table__.indexes, *TicketValue.__table__.indexes]


def _people(rng: random.Random) -> tuple[list[int], list[tuple[int, list[int]]]]:
    """Agents (through the service) and customer companies with their persons (bulk)."""
    create_user(email="owner@bench.example", name="Olivia", surname="Owner", role=Role.OWNER,
                password=PASSWORD)
    agents = [create_user(email=f"agent{n}@bench.example", name=f"Agent{n}", surname="Bench",
                          role=Role.AGENT, password=PASSWORD, language="en").id
              for n in range(AGENTS)]
    password_hash = db.session.get(User, agents[0]).password_hash
    connection = db.session.connection()
    now = datetime.now()
    _load(connection, "company", ("id", "name", "vat_number", "address", "ticketing_enabled",
                                  "created_at"),
          ((n, f"Customer {n:04d} S.r.l.", "", "", True, now) for n in range(1, COMPANIES + 1)))
    first_id = 1000
    persons = []
    rows = []
    for company in range(1, COMPANIES + 1):
        ids = []
        for p in range(PERSONS_PER_COMPANY):
            person_id = first_id + company * PERSONS_PER_COMPANY + p
            ids.append(person_id)
            rows.append((person_id, f"p{person_id}@customer{company}.example", password_hash,
                         f"Person{p}", f"Surname{person_id}", "", "", "", "it", "customer",
                         True, company, p == 0, now, 1, now, None))
        persons.append((company, ids))
    _load(connection, "user_account", (
        "id", "email", "password_hash", "name", "surname", "phone", "mobile", "job_role",
        "language", "role", "active", "company_id", "is_company_manager", "email_verified_at",
        "session_version", "created_at", "last_login_at"), rows)
    rng.shuffle(persons)
    return agents, persons


def _weighted(rng: random.Random, weights: dict[str, int], n: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=n)


def _tickets(rng, count, status_ids, agents, persons, start, span) -> Iterator[tuple]:
    statuses = _weighted(rng, STATUS_WEIGHTS, count)
    priorities = _weighted(rng, PRIORITY_WEIGHTS, count)
    per_year: dict[int, int] = {}
    for n in range(1, count + 1):
        moment = start + span * (n / count)
        per_year[moment.year] = per_year.get(moment.year, 0) + 1
        company, people = persons[n % len(persons)]
        status = statuses[n - 1]
        closed = status in ("done", "closed")
        updated = moment + timedelta(hours=rng.randint(0, 96))
        words = rng.sample(WORDS, 4)
        yield (n, f"{moment.year}-{per_year[moment.year]:05d}",
               f"{words[0].title()} {words[1]} {words[2]}",
               f"The {words[0]} shows a problem with the {words[3]} since this morning.",
               status_ids[status], priorities[n - 1], company, people[n % len(people)], None,
               moment, None if rng.random() < 0.2 else agents[n % len(agents)], agents[0],
               moment, updated, updated if closed else None)


def _values(rng, count, fields) -> Iterator[tuple]:
    row_id = 0
    for ticket in range(1, count + 1):
        produced = []
        for key in ("area", "product", "impact", "channel"):
            share = {"area": 1.0, "product": 0.9, "impact": 0.8, "channel": 0.95}[key]
            if rng.random() < share:
                produced.append((fields[key], 0, rng.choice(LISTS[key]), None, None))
        for seq, tag in enumerate(sorted(rng.sample(LISTS["tags"], rng.randint(0, 3)),
                                         key=LISTS["tags"].index)):
            produced.append((fields["tags"], seq, tag, None, None))
        if rng.random() < 0.7:
            produced.append((fields["units"], 0, None, float(rng.randint(1, 200)), None))
        if rng.random() < 0.5:
            produced.append((fields["amount"], 0, None, round(rng.uniform(10, 5000), 2), None))
        if rng.random() < 0.4:
            day = datetime(2024, 1, 1) + timedelta(days=rng.randint(0, 1000))
            produced.append((fields["due"], 0, None, None, day))
        if rng.random() < 0.6:
            produced.append((fields["code"], 0, f"PRJ-{rng.randint(1000, 9999)}", None, None))
        if rng.random() < 0.3:
            produced.append((fields["onsite"], 0, None, 1.0, None))
        for field_id, seq, text_value, number, moment in produced:
            row_id += 1
            yield (row_id, ticket, field_id, seq, text_value, None, number, moment)


def _full_text(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP INDEX IF EXISTS ix_ticket_search_document"))
        connection.execute(text(
            "INSERT INTO ticket_fts (id, ticket_id, internal, document) SELECT id, id, false, "
            "to_tsvector('simple', number || E'\\n' || title || E'\\n' || description) "
            "FROM ticket"))
        connection.execute(text(
            "CREATE INDEX ix_ticket_search_document ON ticket_fts USING gin (document)"))
    else:
        connection.execute(text(
            "INSERT INTO ticket_fts (rowid, body, ticket_id, internal) SELECT id, "
            "number || char(10) || title || char(10) || description, id, 0 FROM ticket"))


def _timeline_ticket(agent_id: int, requester_id: int) -> str:
    """One ticket with 50 timeline entries, made through the write path."""
    agent = db.session.get(User, agent_id)
    customer = db.session.get(User, requester_id)
    ticket = create_ticket(customer, {"title": "Benchmark: 50 timeline entries",
                                      "description": "A long conversation.", "area": "network"})
    schema = current_schema()
    n = 0
    while len(build_timeline(agent, schema, ticket, load_values(schema, ticket))) < 50:
        n += 1
        add_comment(agent, ticket, f"Staff reply {n}: please try **this** and tell us.")
        add_comment(agent, ticket, f"Internal note {n}", internal=True)
        add_comment(customer, ticket, f"Customer reply {n}: it still fails.")
    return ticket.number


def _analyze() -> None:
    """Fresh planner statistics, as a database that has been running a while has."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
            raw.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def generate(url: str, count: int, info_path: Path, seed: int = 1) -> dict:
    """Build the benchmark database at ``url`` and describe it in ``info_path``."""
    rng = random.Random(seed)
    reset_database(url)
    app = bench_app(url)
    timings = {}
    with app.app_context():
        started = time.perf_counter()
        flask_migrate.upgrade(revision="heads")
        apply_document(None, bench_document())
        agents, persons = _people(rng)
        db.session.commit()
        schema = current_schema()
        fields = {f.key: f.id for f in schema.fields}
        status_ids = {s.key: s.id for s in schema.statuses}
        timings["setup"] = time.perf_counter() - started
        connection = db.session.connection()
        for index in _secondary_indexes():
            index.drop(connection)
        started = time.perf_counter()
        end = datetime.now().replace(microsecond=0) - timedelta(days=2)
        span = timedelta(days=3 * 365)
        loaded = _load(connection, "ticket", (
            "id", "number", "title", "description", "status_id", "priority", "company_id",
            "requester_id", "notify_person_id", "request_date", "assignee_id", "created_by_id",
            "created_at", "updated_at", "closed_at"),
            _tickets(rng, count, status_ids, agents, persons, end - span, span))
        timings["tickets"] = time.perf_counter() - started
        started = time.perf_counter()
        values = _load(connection, "ticket_value", (
            "id", "ticket_id", "field_id", "seq", "text", "long", "number", "moment"),
            _values(rng, count, fields))
        timings["values"] = time.perf_counter() - started
        started = time.perf_counter()
        for index in _secondary_indexes():
            index.create(connection)
        _full_text(connection)
        years = connection.execute(text(
            "SELECT substr(number, 1, 4), count(*) FROM ticket GROUP BY substr(number, 1, 4)"
        )).all()
        for year, last in years:
            connection.execute(text("INSERT INTO ticket_counter (year, last) VALUES (:y, :n)"),
                               {"y": int(year), "n": last})
        if connection.dialect.name == "postgresql":
            for table in ("ticket", "ticket_value", "company", "user_account"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        timings["indexes and search"] = time.perf_counter() - started
        started = time.perf_counter()
        number = _timeline_ticket(agents[0], persons[0][1][0])
        timings["timeline ticket"] = time.perf_counter() - started
        started = time.perf_counter()
        db.session.commit()
        _analyze()
        timings["analyze"] = time.perf_counter() - started
        db.engine.dispose()
    info = {"database_url": url, "tickets": loaded, "values": values,
            "timeline_ticket": number, "agent": AGENT_EMAIL, "password": PASSWORD,
            "areas": LISTS["area"], "timings_s": {k: round(v, 1) for k, v in timings.items()}}
    info_path.write_text(json.dumps(info, indent=2))
    return info

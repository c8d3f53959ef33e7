"""The schema comes from migrations only, and matches the models on both engines."""

import sqlite3
import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db
from app.migration_filters import include_object
from tests.fixtures.databases import engine_name


def test_models_match_migrations(app_ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": include_object,
                  "render_as_batch": True},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ on {engine_name()}: {differences}"


def test_app_never_creates_tables(tmp_path):
    url = f"sqlite:///{tmp_path}/empty.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with pytest.raises(OperationalError):  # no table: nothing was created behind our back
        app.test_client().get("/login")
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_sqlite_pragmas(app_ctx):
    if engine_name() != "sqlite":
        return
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


def test_postgresql_sessions_plan_without_parallel_workers(app_ctx):
    if engine_name() != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with db.engine.connect() as connection:
        assert connection.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"


def test_postgresql_checks_queue_filters_in_an_index_on_the_id(app_ctx):
    if engine_name() != "postgresql":
        pytest.skip("a PostgreSQL-only index")
    indexes = {index["name"]: index for index in inspect(db.engine).get_indexes("ticket")}
    index = indexes["ix_ticket_pg_filters"]
    assert index["column_names"] == ["id"]
    assert index["dialect_options"]["postgresql_include"] == [
        "status_id", "priority", "assignee_id", "company_id"]


def test_a_sqlite_writer_waits_for_the_write_lock_then_takes_it(tmp_path):
    from app.database import _begin_immediate

    path = tmp_path / "locks.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    waiter = sqlite3.connect(path, isolation_level=None)
    waiter.execute("PRAGMA busy_timeout=2000")
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.05, holder.execute, ["COMMIT"]).start()
    started = time.monotonic()
    _begin_immediate(waiter, 2000)
    assert 0.04 < time.monotonic() - started < 1
    waiter.execute("COMMIT")
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 2000  # restored
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _begin_immediate(waiter, 50)  # gives up after the busy timeout
    holder.execute("COMMIT")
    for connection in (holder, waiter):
        connection.close()

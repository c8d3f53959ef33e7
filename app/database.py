"""Engine set-up and the one way to run a write transaction.

SQLite runs in WAL mode with a busy timeout and foreign keys on. Python's
sqlite3 module opens transactions lazily and hides BEGIN from SQLAlchemy, so
we take BEGIN over ourselves: read transactions start with a plain BEGIN,
write transactions (inside :func:`atomic`) with BEGIN IMMEDIATE, which takes
the write lock up front. Without it two workers that both read before writing
deadlock, and SQLite answers the second with "database is locked" at once.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

_write_depth: ContextVar[int] = ContextVar("sportello_write_depth", default=0)
#: Where a pooled SQLite connection keeps its busy timeout (ms).
_BUSY_TIMEOUT = "sportello_busy_timeout_ms"
#: Waits between tries to take SQLite's write lock: from 0.2 ms, growing to 5 ms.
_FIRST_RETRY_S, _LAST_RETRY_S = 0.0002, 0.005
#: Where a session keeps what its open transaction has noted (see transaction_memo).
_MEMO = "sportello.transaction_memo"


def configure_engine(app: Flask) -> None:
    """Add the engine options the chosen database needs."""
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        connect_args.setdefault("check_same_thread", False)
        options["connect_args"] = connect_args
        options.pop("pool_pre_ping", None)
    elif uri.startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        workers = int(app.config["SPORTELLO_PG_PARALLEL_WORKERS"])
        connect_args["options"] = " ".join(filter(None, [
            connect_args.get("options", ""), f"-c max_parallel_workers_per_gather={workers}"]))
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module doc
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    timeout, checkpoint = 10_000, 10_000
    with suppress(RuntimeError):  # connected outside an app context (a bare script)
        timeout = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
        checkpoint = int(current_app.config["SQLITE_WAL_AUTOCHECKPOINT"])
    cursor.execute(f"PRAGMA busy_timeout={timeout}")
    cursor.execute(f"PRAGMA wal_autocheckpoint={checkpoint}")
    cursor.close()
    _record.info[_BUSY_TIMEOUT] = timeout


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    if not _write_depth.get():
        conn.exec_driver_sql("BEGIN")
        return
    fairy = conn.connection
    _begin_immediate(fairy.driver_connection, fairy.info.get(_BUSY_TIMEOUT, 10_000))


def _begin_immediate(raw: sqlite3.Connection, timeout_ms: int) -> None:
    """BEGIN IMMEDIATE, trying again every fraction of a millisecond while another
    writer holds the lock, up to the busy timeout.

    SQLite's own busy handler sleeps 1, 2, 5, 10... ms between tries; a write
    holds the lock for a couple of milliseconds, so a waiting worker would
    sleep longer than the write it waits for lasts.
    """
    raw.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + timeout_ms / 1000
        delay = _FIRST_RETRY_S
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 1.5, _LAST_RETRY_S)
    finally:
        raw.execute(f"PRAGMA busy_timeout={timeout_ms}")


def transaction_memo(session: Session | None = None) -> dict[str, Any]:
    """What the session's open transaction has noted: the revisions it has read (one
    query per transaction, not per use), whether it changed names. Emptied when the
    transaction ends, committed or rolled back."""
    return (session or db.session()).info.setdefault(_MEMO, {})


@event.listens_for(Session, "after_transaction_end")
def _forget_memo(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_MEMO, None)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


@contextmanager
def atomic() -> Iterator[Session]:
    """Run the block as one write transaction: all of it is stored, or none.

    Nested calls join the outer transaction. On SQLite a read transaction
    already open in the request is ended first, so that the write starts with
    BEGIN IMMEDIATE on a fresh snapshot.
    """
    session = db.session()
    depth = _write_depth.get()
    if depth:
        token = _write_depth.set(depth + 1)
        try:
            yield session
        finally:
            _write_depth.reset(token)
        return
    clean = not (session.new or session.dirty or session.deleted)
    if clean and session.in_transaction() and is_sqlite():
        session.commit()
    token = _write_depth.set(1)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _write_depth.reset(token)

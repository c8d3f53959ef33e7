"""``make bench``: build the benchmark databases (once) and measure.

    python -m bench [--engine sqlite|postgresql|both] [--tickets 1000000]

SQLite lives in ``bench/data/bench.sqlite``; PostgreSQL in the database named by
``BENCH_DATABASE_URL`` (default: ``sportello_bench`` on 127.0.0.1, created when
missing). Results go to ``bench/results/<engine>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import flask_migrate
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from bench import dataset, fields_bench

HERE = Path(__file__).resolve().parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/sportello_bench"


def database_url(engine: str) -> str:
    if engine == "sqlite":
        (HERE / "data").mkdir(exist_ok=True)
        return f"sqlite:///{HERE / 'data' / 'bench.sqlite'}"
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES)
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": parsed.database}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def bench_app(engine: str):
    os.environ.setdefault("SPORTELLO_INSTANCE_PATH", str(HERE / "data" / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(engine),
                      "SPORTELLO_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        dataset.prepare_schema()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--creations", type=int, default=1000)
    args = parser.parse_args()
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    (HERE / "results").mkdir(exist_ok=True)
    for engine in engines:
        print(f"== {engine}: {args.tickets:,} tickets")
        app = bench_app(engine)
        with app.app_context():
            start = time.perf_counter()
            added = dataset.load_tickets(args.tickets)
            if added:
                print(f"  loaded {added:,} tickets in {time.perf_counter() - start:.0f} s")
        results = fields_bench.run(app, creations=args.creations)
        (HERE / "results" / f"{engine}.json").write_text(json.dumps(results, indent=2))
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()

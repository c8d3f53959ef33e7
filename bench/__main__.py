"""``make bench``: every benchmark, on SQLite and on PostgreSQL.

    python -m bench [--engine sqlite|postgresql|both] [--tickets 1000000]
                    [--only fields,desk,portal] [--regenerate]

A database of a million tickets with ten custom fields is built once per engine
(``bench/desk/data.py``) in ``bench/data/`` (SQLite) or ``sportello_bench`` on the
local PostgreSQL (``BENCH_DATABASE_URL``), then measured:

- ``fields``: issue 3, from the service layer (``bench/fields_bench.py``);
- ``desk``: issue 5, the queue and ticket pages through the test client and under
  gunicorn (``bench/desk``);
- ``portal``: issue 4, tickets created through the portal form under gunicorn on a
  fresh SQLite database (``bench/portal_create.py``; SQLite only, as the issue asks).

Figures are printed and written to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/sportello_bench"


def _database(engine: str, instance: Path, tickets: int, regenerate: bool) -> dict:
    """The benchmark database of ``engine``, built when missing or of another size."""
    from bench.desk.data import INFO_FILE, generate

    info_path = instance / INFO_FILE
    if info_path.exists() and not regenerate:
        info = json.loads(info_path.read_text())
        if info["tickets"] == tickets:
            _upgrade(info["database_url"])  # a database built by an older version
            return info
    url = (f"sqlite:///{instance / 'bench.db'}" if engine == "sqlite"
           else os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES))
    print(f"== building the {engine} database: {tickets:,} tickets", flush=True)
    return generate(url, tickets, info_path)


def _upgrade(url: str) -> None:
    import flask_migrate

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--creations", type=int, default=1000)
    parser.add_argument("--only", default="fields,desk,portal")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    (HERE / "results").mkdir(exist_ok=True)
    for engine in engines:
        instance = HERE / "data" / engine
        instance.mkdir(parents=True, exist_ok=True)
        os.environ["SPORTELLO_INSTANCE_PATH"] = str(instance)
        info = _database(engine, instance, args.tickets, args.regenerate)
        if "fields" in parts:
            from app import create_app
            from app.extensions import db
            from bench import fields_bench

            print(f"== {engine}: Ticket Fields (issue 3), {info['tickets']:,} tickets",
                  flush=True)
            app = create_app({"SQLALCHEMY_DATABASE_URI": info["database_url"],
                              "SPORTELLO_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
            results = fields_bench.run(app, creations=args.creations)
            (HERE / "results" / f"fields-{engine}.json").write_text(json.dumps(results, indent=2))
            with app.app_context():
                db.engine.dispose()
        if "desk" in parts:
            print(f"== {engine}: staff desk (issue 5)", flush=True)
            subprocess.run([sys.executable, "-m", "bench.desk", "measure", "--instance",
                            str(instance)], check=True)
            subprocess.run([sys.executable, "-m", "bench.desk", "load", "--instance",
                            str(instance)], check=True)
        if "portal" in parts and engine == "sqlite":
            print("== sqlite: tickets through the portal form (issue 4)", flush=True)
            subprocess.run([sys.executable, "-m", "bench.portal_create"], check=False)


if __name__ == "__main__":
    main()

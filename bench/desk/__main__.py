"""Command line of the desk benchmark: ``python -m bench.desk --help``."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

DEFAULT_INSTANCE = os.path.join(tempfile.gettempdir(), "sportello-bench")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.desk", description=__doc__)
    parser.add_argument("step", nargs="?", default="all",
                        choices=("generate", "measure", "load", "all"))
    parser.add_argument("--database-url", default=None,
                        help="for generate; default: SQLite in the instance folder. "
                             "PostgreSQL: postgresql+psycopg://postgres@127.0.0.1/"
                             "sportello_desk_bench (dropped and recreated by generate); "
                             "measure and load use the database generate described")
    parser.add_argument("--instance", default=DEFAULT_INSTANCE,
                        help=f"instance folder of the benchmark (default {DEFAULT_INSTANCE})")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    return parser


def main() -> None:
    args = _parser().parse_args()
    args.instance = os.path.abspath(args.instance)  # Flask wants an absolute path
    os.makedirs(args.instance, exist_ok=True)
    os.environ["SPORTELLO_INSTANCE_PATH"] = args.instance
    os.environ.setdefault("SPORTELLO_CONFIG", "development")
    from bench.desk.data import INFO_FILE, generate
    from bench.desk.load import run_load
    from bench.desk.timing import measure

    info_path = Path(args.instance) / INFO_FILE
    if args.step in ("generate", "all"):
        url = args.database_url or f"sqlite:///{os.path.join(args.instance, 'bench.db')}"
        info = generate(url, args.tickets, info_path)
        print(json.dumps({"generated": info}, indent=2), flush=True)
    if not info_path.exists():
        raise SystemExit(f"No benchmark database described in {info_path}: run generate first.")
    info = json.loads(info_path.read_text())
    engine = "postgresql" if info["database_url"].startswith("postgres") else "sqlite"
    if args.step in ("measure", "all"):
        print(json.dumps({"engine": engine, "test_client": measure(info)}, indent=2), flush=True)
    if args.step in ("load", "all"):
        result = run_load(info, args.instance, args.workers, args.clients, args.seconds)
        print(json.dumps({"engine": engine, "gunicorn": result}, indent=2), flush=True)


if __name__ == "__main__":
    main()

"""The benchmark scripts keep working as the product changes: a small benchmark database
is built the way ``python -m bench`` builds the million-ticket one, and its pages are
measured. Nothing here is timed; the figures come from ``python -m bench``."""

from __future__ import annotations

from bench.desk.data import generate
from bench.desk.timing import measure
from tests.fixtures.databases import fresh_database


def test_a_small_benchmark_database_is_built_and_measured(tmp_path):
    with fresh_database(str(tmp_path), migrate=False) as url:
        info = generate(url, 400, tmp_path / "info.json")
        result = measure(info, rounds=1, ticket_requests=2)

    assert info["tickets"] == 400
    assert result["queue"]["rows"] > 0
    assert result["queue"]["columns"] >= 12  # number, title and every default column
    assert result["ticket_page"]["timeline_entries"] >= 50

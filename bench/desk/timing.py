"""Page timings through Flask's test client: the queue and the ticket page."""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Sequence

from sqlalchemy import delete, event

from app.desk.models import StatusCountCache
from app.extensions import db
from bench.desk.data import bench_app

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def login(client, email: str, password: str) -> None:
    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"cannot log in as {email}")


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(samples: Sequence[float]) -> dict:
    return {"n": len(samples), "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
            "max_ms": round(max(samples), 1)}


def queue_urls(areas: Sequence[str]) -> list[str]:
    """The measured page: 25 rows, every custom field a column, filtered by a custom
    dropdown and a status (two statuses times every area, visited in turn)."""
    return [f"/desk/?status={status}&area={area}"
            for status in ("in_progress", "waiting") for area in areas]


def _timed(client, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed, response.get_data(as_text=True)


def _statements(app, client, url: str) -> int:
    seen = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def measure(info: dict, rounds: int = 12, ticket_requests: int = 200) -> dict:
    app = bench_app(info["database_url"])
    with app.app_context():  # the first visits below count afresh
        db.session.execute(delete(StatusCountCache))
        db.session.commit()
    client = app.test_client()
    login(client, info["agent"], info["password"])
    urls = queue_urls(info["areas"])
    cold = [_timed(client, url)[0] for url in urls]  # counts per status computed and cached
    _elapsed, html = _timed(client, urls[0])
    rows = html.count('<td class="nowrap"><a href="/desk/tickets/')
    columns = html[html.index("<thead>"):html.index("</thead>")].count('<th scope="col">')
    warm = [_timed(client, url)[0] for _round in range(rounds) for url in urls]
    ticket_url = f"/desk/tickets/{info['timeline_ticket']}"
    _timed(client, ticket_url)
    entries = _timed(client, ticket_url)[1].count('<li class="entry ')
    ticket = [_timed(client, ticket_url)[0] for _n in range(ticket_requests)]
    result = {
        "load_average": os.getloadavg()[0],
        "queue": {**summary(warm), "rows": rows, "columns": columns,
                  "statements": _statements(app, client, urls[1])},
        "queue_first_visit_with_counting": summary(cold),
        "ticket_page": {**summary(ticket), "timeline_entries": entries,
                        "statements": _statements(app, client, ticket_url)},
    }
    with app.app_context():
        db.engine.dispose()
    return result

"""Tickets created through the portal's form, per second, under gunicorn on SQLite.

    python -m bench.portal_create [--creations 3000] [--clients 4] [--workers 2]

What it does, every step as a customer's browser would:

1. a new SQLite database in a temporary instance folder, migrated with
   ``flask db upgrade``; a Ticket Fields table with 10 custom fields of mixed types
   (all written by the customer at creation); a company with one verified person
   per client;
2. ``gunicorn --workers 2`` (sync workers) serving ``wsgi:app`` on 127.0.0.1;
3. each client logs in through the login form, opens the new-ticket page once for
   its CSRF token, then posts the form (multipart/form-data, CSRF token, the
   10 custom fields and the built-ins) again and again; every answer must be the
   303 to the confirmation page. ``--form-each-time`` also fetches the form page
   before each post;
4. it counts the tickets stored, reads each worker's resident memory (VmRSS) after
   the run, and writes ``bench/results/portal_create.json``.

Targets (issue 4, item 11): at least 300 tickets/s, at most 120 MB per worker.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.schema import FORM_VALUES

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench-password-1234"  # noqa: S105  (a throw-away account of the bench)
TARGET_PER_SECOND = 300
TARGET_RSS_MB = 120

_CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def prepare(instance: Path, clients: int) -> str:
    """Migrate a new database, load the schema, make the people; returns the database URL."""
    os.environ["SPORTELLO_INSTANCE_PATH"] = str(instance)
    import flask_migrate

    from app import create_app
    from app.accounts.models import Role
    from app.accounts.services import create_company, create_user
    from app.extensions import db
    from app.fields.changes import apply_document
    from app.timeutil import utcnow
    from bench.schema import bench_document

    url = f"sqlite:///{instance / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url,
                      "SPORTELLO_PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        apply_document(None, bench_document())
        company = create_company(name="Acme")
        for n in range(clients):
            create_user(email=f"client{n}@acme.example", name="Client", surname=str(n),
                        role=Role.CUSTOMER, company=company, password=PASSWORD,
                        language="en", email_verified_at=utcnow())
        db.engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(url: str, instance: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, SPORTELLO_CONFIG="development", DATABASE_URL=url,
               SPORTELLO_INSTANCE_PATH=str(instance), SECRET_KEY=uuid.uuid4().hex)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def workers(master: int) -> list[str]:
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def worker_rss_mb(master: int) -> list[float]:
    """Resident memory of the master's worker processes, in MB."""
    sizes = []
    for pid in workers(master):
        status = Path(f"/proc/{pid}/status").read_text()
        kilobytes = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        sizes.append(round(kilobytes / 1024, 1))
    return sizes


def workers_cpu(master: int) -> tuple[float, float]:
    """Seconds the workers have run on a CPU, and waited for one (the machine was busy)."""
    running = waiting = 0
    for pid in workers(master):
        run_ns, wait_ns, _slices = Path(f"/proc/{pid}/schedstat").read_text().split()
        running += int(run_ns)
        waiting += int(wait_ns)
    return running / 1e9, waiting / 1e9


# -- the clients: raw HTTP/1.1 over asyncio, one connection per request ------------

class Client:
    def __init__(self, port: int, email: str) -> None:
        self.port = port
        self.email = email
        self.cookie = b""
        self.token = ""

    async def request(self, method: str, path: str, body: bytes = b"",
                      content_type: str = "") -> tuple[int, dict, bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                "Connection: close", "Accept-Language: en"]
        if self.cookie:
            head.append("Cookie: " + self.cookie.decode())
        if body:
            head += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await reader.read()
        writer.close()
        header_block, _sep, payload = raw.partition(b"\r\n\r\n")
        lines = header_block.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers: dict = {}
        for line in lines[1:]:
            name, _colon, value = line.partition(b":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        for cookie in headers.get(b"set-cookie", []):
            if cookie.startswith(b"session="):
                self.cookie = cookie.split(b";")[0]
        return status, headers, payload

    async def form_token(self, path: str) -> str:
        status, _headers, page = await self.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status}")
        return _CSRF.search(page).group(1).decode()

    async def login(self) -> None:
        token = await self.form_token("/login")
        body = (f"csrf_token={token}&email={self.email}&password={PASSWORD}").encode()
        status, _h, _p = await self.request("POST", "/login", body,
                                            "application/x-www-form-urlencoded")
        if status != 302:
            raise SystemExit(f"login of {self.email} refused: {status}")
        self.token = await self.form_token("/portal/tickets/new")

    def ticket_body(self) -> tuple[bytes, str]:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in [("csrf_token", self.token), *FORM_VALUES]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n")
        # The general attachments input and the attachment-free form post empty file parts.
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                     f'filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n')
        parts.append(f"--{boundary}--\r\n")
        return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"

    async def create(self, form_each_time: bool) -> int:
        if form_each_time:
            self.token = await self.form_token("/portal/tickets/new")
        body, content_type = self.ticket_body()
        status, headers, _p = await self.request("POST", "/portal/tickets/new", body,
                                                 content_type)
        if status != 303 or not headers[b"location"][0].endswith(b"/created"):
            raise SystemExit(f"creation refused: {status} {_p[:300]!r}")
        return status


async def run_clients(port: int, clients: int, creations: int, form_each_time: bool) -> float:
    people = [Client(port, f"client{n}@acme.example") for n in range(clients)]
    await asyncio.gather(*(person.login() for person in people))
    remaining = iter(range(creations))

    async def work(person: Client) -> None:
        for _n in remaining:
            await person.create(form_each_time)

    start = time.perf_counter()
    await asyncio.gather(*(work(person) for person in people))
    return time.perf_counter() - start


def count_tickets(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM ticket")).scalar()
        values = connection.execute(text(
            "SELECT count(*) FROM ticket_value WHERE ticket_id = (SELECT max(id) FROM ticket)"
        )).scalar()
    engine.dispose()
    if values < 10:
        raise SystemExit(f"the last ticket holds {values} custom values, not 10 or more")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.portal_create")
    parser.add_argument("--creations", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--form-each-time", action="store_true",
                        help="GET the form page before every POST")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sportello-bench-") as folder:
        instance = Path(folder)
        url = prepare(instance, args.clients)
        port = free_port()
        server = start_gunicorn(url, instance, port, args.workers)
        try:
            asyncio.run(run_clients(port, args.clients, 20, args.form_each_time))  # warm-up
            (cpu_before, wait_before), client_before = (workers_cpu(server.pid),
                                                        time.process_time())
            seconds = asyncio.run(run_clients(port, args.clients, args.creations,
                                              args.form_each_time))
            cpu_after, wait_after = workers_cpu(server.pid)
            client_cpu = time.process_time() - client_before
            rss = worker_rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        stored = count_tickets(url)
    rate = args.creations / seconds
    result = {
        "creations": args.creations, "clients": args.clients, "workers": args.workers,
        "form_each_time": args.form_each_time, "seconds": round(seconds, 2),
        "tickets_per_second": round(rate, 1), "worker_rss_mb": rss,
        "worker_cpu_ms_per_ticket": round(1000 * (cpu_after - cpu_before) / args.creations, 2),
        "worker_wait_for_cpu_ms_per_ticket": round(
            1000 * (wait_after - wait_before) / args.creations, 2),
        "client_cpu_ms_per_ticket": round(1000 * client_cpu / args.creations, 2),
        "cpus": os.cpu_count(),
        "stored": stored, "target_per_second": TARGET_PER_SECOND,
        "target_rss_mb": TARGET_RSS_MB,
        "load_average": os.getloadavg(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "portal_create.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{args.creations} tickets through the portal form in {seconds:.2f} s: "
          f"{rate:.0f} tickets/s (target >= {TARGET_PER_SECOND}); "
          f"worker RSS {rss} MB (target <= {TARGET_RSS_MB}); {stored} stored "
          f"(with the warm-up)\n"
          f"CPU per ticket: workers {result['worker_cpu_ms_per_ticket']} ms on a CPU and "
          f"{result['worker_wait_for_cpu_ms_per_ticket']} ms waiting for one, clients "
          f"{result['client_cpu_ms_per_ticket']} ms; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    if rate < TARGET_PER_SECOND or max(rss) > TARGET_RSS_MB:
        sys.exit(1)


if __name__ == "__main__":
    main()

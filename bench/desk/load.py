"""Throughput of the queue page under gunicorn, measured by client processes."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.desk.timing import queue_urls, summary

ROOT = Path(__file__).resolve().parents[2]
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _request(port: int, method: str, path: str, cookie: str = "", body: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def _session_cookie(response) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    return ""


def log_in(port: int, email: str, password: str) -> str:
    response, data = _request(port, "GET", "/login")
    cookie = _session_cookie(response)
    token = _CSRF.search(data.decode()).group(1)
    response, _data = _request(port, "POST", "/login", cookie, urlencode(
        {"email": email, "password": password, "csrf_token": token}))
    if response.status != 302:
        raise SystemExit("cannot log in to the gunicorn server")
    return _session_cookie(response)


def _client(port: int, cookie: str, urls: list[str], until: float, offset: int, results):
    done, latencies, errors = 0, [], 0
    n = offset
    while time.perf_counter() < until:
        started = time.perf_counter()
        response, _data = _request(port, "GET", urls[n % len(urls)], cookie)
        latencies.append((time.perf_counter() - started) * 1000)
        n += 1
        if response.status == 200:
            done += 1
        else:
            errors += 1
    results.put((done, errors, latencies))


def _workers_cpu_seconds(master: int) -> float:
    """CPU time (user and system) the gunicorn workers of ``master`` have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _attempt in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped at start-up")
        try:
            _request(port, "GET", "/login")
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def run_load(info: dict, instance: str, workers: int = 2, clients: int = 4,
             seconds: float = 20.0) -> dict:
    """Serve the benchmark database with gunicorn and count queue pages per second."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # an ephemeral port, handed to gunicorn
    listener.listen(1024)
    port = listener.getsockname()[1]
    env = {**os.environ, "SPORTELLO_CONFIG": "production", "SECRET_KEY": "bench-" + "x" * 40,
           "DATABASE_URL": info["database_url"], "SPORTELLO_INSTANCE_PATH": instance}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    if not os.path.exists(gunicorn):
        raise SystemExit("gunicorn is not installed here: .venv/bin/pip install gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--workers", str(workers), "--bind", f"fd://{listener.fileno()}",
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, pass_fds=(listener.fileno(),),
    )
    try:
        _wait_until_up(port, server)
        cookie = log_in(port, info["agent"], info["password"])
        urls = queue_urls(info["areas"])
        for url in urls * 2:  # warm both workers: schema, form classes, cached counts
            _request(port, "GET", url, cookie)
        results = multiprocessing.Queue()
        until = time.perf_counter() + seconds
        processes = [multiprocessing.Process(target=_client,
                                             args=(port, cookie, urls, until, n * 3, results))
                     for n in range(clients)]
        cpu_before = _workers_cpu_seconds(server.pid)
        started = time.perf_counter()
        for process in processes:
            process.start()
        collected = [results.get() for _process in processes]
        elapsed = time.perf_counter() - started
        cpu = _workers_cpu_seconds(server.pid) - cpu_before
        for process in processes:
            process.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        listener.close()
    done = sum(c[0] for c in collected)
    latencies = [ms for c in collected for ms in c[2]]
    cpu_per_page = cpu / max(done, 1)
    return {"workers": workers, "clients": clients, "seconds": round(elapsed, 1),
            "pages": done, "errors": sum(c[1] for c in collected),
            "pages_per_s": round(done / elapsed, 1), **summary(latencies),
            # what the workers themselves spent: the ceiling with one idle core per worker
            "worker_cpu_ms_per_page": round(cpu_per_page * 1000, 1),
            "pages_per_s_if_cores_were_idle": round(workers / cpu_per_page, 1)
            if cpu_per_page else None,
            "load_average": os.getloadavg()[0]}

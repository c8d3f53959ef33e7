"""An optional sender thread inside each web process, for small installs.

Off by default (``SPORTELLO_MAIL_BACKGROUND_SENDER``). It starts with the
first request, so CLI commands (``flask db upgrade``...) never start it.
Several processes may run one each: claims and the SQLite lock keep every
message sent once.
"""

from __future__ import annotations

import threading

from flask import Flask

from app.notify.sender import send_pending

_KEY = "sportello.mail_sender"


class BackgroundSender:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sportello-mail", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        self.thread.join(timeout)

    def _run(self) -> None:
        interval = float(self.app.config["SPORTELLO_MAIL_SEND_INTERVAL"])
        while not self.stopping.is_set():
            try:
                with self.app.app_context():
                    drain(self.stopping)
            except Exception:  # keep running: the database or server may come back
                self.app.logger.exception("The background mail sender failed; retrying")
            self.stopping.wait(interval)


def drain(stopping: threading.Event | None = None, limit: int = 50) -> list:
    """Send batches until nothing is due (or the lock is taken); the reports of each."""
    reports = []
    while not (stopping and stopping.is_set()):
        report = send_pending(limit)
        reports.append(report)
        if report.locked or report.claimed < limit:
            break
    return reports


def start_background_sender(app: Flask) -> BackgroundSender:
    """Start this process's sender once; later calls return the running one."""
    sender = app.extensions.get(_KEY)
    if sender is None:
        sender = app.extensions[_KEY] = BackgroundSender(app)
        sender.start()
    return sender


def stop_background_sender(app: Flask) -> None:
    sender = app.extensions.pop(_KEY, None)
    if sender is not None:
        sender.stop()


def init_app(app: Flask) -> None:
    if not app.config["SPORTELLO_MAIL_BACKGROUND_SENDER"]:
        return

    @app.before_request
    def _start_mail_sender() -> None:
        if _KEY not in app.extensions:
            start_background_sender(app)

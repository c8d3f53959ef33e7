"""A local SMTP server that keeps every message it receives (``flask sportello mail-sink``).

``make run`` starts it so that a developer or an owner trying Sportello can
read what users would receive: each message is written to a ``.eml`` file
(open it with any mail client) and announced on one line.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from app.timeutil import utcnow


@dataclass(frozen=True)
class SunkMessage:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    path: str | None

    def parsed(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


class SinkHandler:
    """aiosmtpd handler: accept everything, keep it in memory and optionally in a folder."""

    def __init__(self, folder: str | None = None, announce: Callable[[str], None] | None = None):
        self.folder = folder
        self.announce = announce
        self.messages: list[SunkMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        data = envelope.original_content or envelope.content
        with self._lock:
            path = self._write(data, len(self.messages) + 1)
            message = SunkMessage(envelope.mail_from, tuple(envelope.rcpt_tos), data, path)
            self.messages.append(message)
        if self.announce:
            subject = message.parsed()["Subject"] or ""
            self.announce(f"{', '.join(message.rcpt_tos)} | {subject} | {path or '-'}")
        return "250 Message accepted for delivery"

    def _write(self, data: bytes, number: int) -> str | None:
        if not self.folder:
            return None
        os.makedirs(self.folder, exist_ok=True)
        name = f"{utcnow():%Y%m%d-%H%M%S}-{os.getpid()}-{number:04d}.eml"
        path = os.path.join(self.folder, name)
        with open(path, "wb") as handle:
            handle.write(data)
        return path


class SinkController(Controller):
    """aiosmtpd's threaded controller, also on port 0 (the system picks a free port)."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def start_sink(handler: SinkHandler, host: str = "127.0.0.1", port: int = 0) -> SinkController:
    controller = SinkController(handler, hostname=host, port=port)
    controller.start()
    return controller

"""The point where plugins will see each message just before it is sent.

Until the plugin framework routes this through pluggy, a hook is a plain
callable appended to :data:`BEFORE_SEND`::

    def add_header(row, email):
        email.extra_headers["X-Customer"] = "..."

    BEFORE_SEND.append(add_header)

It receives the outbox row (:class:`~app.notify.models.MailMessage`, read
only) and the outgoing :class:`~app.notify.delivery.OutboxEmail`, which it may
change. An exception counts as a temporary failure of that message.
"""

from __future__ import annotations

from collections.abc import Callable

from app.notify.delivery import OutboxEmail
from app.notify.models import MailMessage

BeforeSend = Callable[[MailMessage, OutboxEmail], None]

BEFORE_SEND: list[BeforeSend] = []


def call_before_send(row: MailMessage, email: OutboxEmail) -> None:
    for hook in list(BEFORE_SEND):
        hook(row, email)

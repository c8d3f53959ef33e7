"""The point where plugins see each message just before it is sent.

It mirrors the plugin framework's ``sportello_mail_before_send(message)`` hook
(change the message in place and return None, or return ``False`` to veto), so
that routing it through pluggy is one line in :func:`allow_send`. Until then a
hook is a plain callable appended to :data:`BEFORE_SEND`::

    def tag(message):
        message.extra_headers["X-Ticket"] = str(message.ticket_id or "")

    BEFORE_SEND.append(tag)

``message`` is the outgoing :class:`~app.notify.delivery.OutboxEmail` (a
``flask_mail.Message``; ``outbox_id``, ``template`` and ``ticket_id`` say
where it comes from). Every hook runs even after a veto. An exception counts
as a temporary failure of that message; a veto marks it ``dropped``.
"""

from __future__ import annotations

from collections.abc import Callable

from app.notify.delivery import OutboxEmail

BeforeSend = Callable[[OutboxEmail], "bool | None"]

BEFORE_SEND: list[BeforeSend] = []


def allow_send(message: OutboxEmail) -> bool:
    """Let the hooks change ``message``; False when one of them vetoed it."""
    results = [hook(message) for hook in list(BEFORE_SEND)]
    return False not in results

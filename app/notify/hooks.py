"""The point where plugins see each message just before it is sent.

Plugins implement ``sportello_mail_before_send(message)`` (see
``app/plugins/hookspecs.py``): change the message in place and return None,
or return ``False`` to veto it. ``message`` is the outgoing
:class:`~app.notify.delivery.OutboxEmail` (a ``flask_mail.Message``;
``outbox_id``, ``template`` and ``ticket_id`` say where it comes from). Every
plugin runs even after a veto. An exception counts as a temporary failure of
that message; a veto marks it ``dropped``.
"""

from __future__ import annotations

from app.notify.delivery import OutboxEmail
from app.plugins.manager import get_plugin_manager


def allow_send(message: OutboxEmail) -> bool:
    """Let plugins change ``message``; False when one of them vetoed it."""
    return get_plugin_manager().allow_mail(message)

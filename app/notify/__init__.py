"""E-mail: the transactional outbox, its sender, and the owner's "Mail problems" page.

Write paths call :func:`app.notify.outbox.enqueue_mail` inside their own
``atomic()`` block; ``flask sportello send-mail`` (or the optional background
sender) delivers the rows. Ticket e-mails come from the ticket events
(:mod:`app.notify.ticket_events`), built in the transaction of the change.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Add the mail commands to ``flask sportello``, add the preferences page to the
    menu and start the optional sender. Ticket events reach e-mail through the
    core plugin :mod:`app.notify.ticket_events` (``sportello_write_subscribers``)."""
    from app.notify import background, cli  # noqa: F401  (cli registers commands)
    from app.web import MenuItem, add_menu_item

    add_menu_item(app, MenuItem("notify.preferences", _l("E-mail notifications"),
                                lambda user: user.is_authenticated, order=95))
    background.init_app(app)

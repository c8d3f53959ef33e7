"""E-mail: the transactional outbox, its sender, and the owner's "Mail problems" page.

Write paths call :func:`app.notify.outbox.enqueue_mail` inside their own
``atomic()`` block; ``flask sportello send-mail`` (or the optional background
sender) delivers the rows.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the mail commands to ``flask sportello`` and start the optional sender."""
    from app.notify import background, cli  # noqa: F401  (cli: the commands register themselves)

    background.init_app(app)

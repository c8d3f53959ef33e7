"""``flask sportello send-mail`` and ``flask sportello mail-sink``."""

from __future__ import annotations

import os
import threading
import time

import click
from flask import current_app

from app.cli import sportello


@sportello.command("send-mail")
@click.option("--limit", default=50, show_default=True, help="Messages per batch.")
@click.option("--loop", is_flag=True, help="Keep running, sending new mail as it is queued.")
@click.option("--interval", type=float, default=None,
              help="Seconds between passes with --loop (default SPORTELLO_MAIL_SEND_INTERVAL).")
def send_mail(limit: int, loop: bool, interval: float | None) -> None:
    """Send the queued e-mails that are due (one pass, or --loop)."""
    from app.notify.background import drain

    interval = interval if interval is not None else current_app.config[
        "SPORTELLO_MAIL_SEND_INTERVAL"]
    try:
        while True:
            for report in drain(limit=limit):
                if report.claimed or report.locked or not loop:
                    click.echo(report.summary())
                for error in report.errors:
                    click.echo(f"  not sent: {error}", err=True)
            if not loop:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@sportello.command("send-test-mail")
@click.argument("email")
@click.option("--language", default=None, help="en or it (default: the owner's language).")
def send_test_mail(email: str, language: str | None) -> None:
    """Queue a test e-mail to EMAIL; `send-mail` (or the background sender) delivers it."""
    from app.database import atomic
    from app.notify.outbox import enqueue_mail

    with atomic():
        message = enqueue_mail(
            to_email=email, template="test_message", context={}, language=language
        )
    click.echo(f"Queued {message.message_id} to {email}.")


@sportello.command("mail-sink")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8025, show_default=True, type=int)
@click.option("--folder", default=None, help="Where .eml files go (default instance/mail-sink).")
def mail_sink(host: str, port: int, folder: str | None) -> None:
    """Run a local SMTP server that saves every message to a .eml file (development)."""
    from app.notify.sink import SinkHandler, start_sink

    folder = folder or os.path.join(current_app.instance_path, "mail-sink")
    controller = start_sink(SinkHandler(folder, announce=lambda line: click.echo(line)), host, port)
    click.echo(f"Mail sink on {host}:{controller.port}, saving messages to {folder}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()

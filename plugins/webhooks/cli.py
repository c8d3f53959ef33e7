"""``flask sportello webhooks send [--loop]``: the sender, as a command."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from .sender import prune, send_due

webhooks_cli = AppGroup("webhooks", help="Webhooks: deliver ticket events to endpoints.")


@webhooks_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending; stop with Ctrl-C.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def send_command(loop: bool, interval: float) -> None:
    """Send the deliveries that are due (run `flask sportello dispatch` to create them)."""
    while True:
        report = send_due()
        pruned = prune()
        if report.attempted or not loop:
            click.echo(f"{report.delivered} delivered, {report.retrying} to retry, "
                       f"{report.failed} failed.")
        if pruned:
            click.echo(f"{pruned} old deliveries removed from the log.")
        if not loop:
            return
        time.sleep(interval)

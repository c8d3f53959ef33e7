"""``flask sportello sla check [--loop]``: catch the clocks that ran past their due time."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from .services import check_breaches

sla_cli = AppGroup("sla", help="SLA: due times and breaches.")


@sla_cli.command("check")
@click.option("--loop", is_flag=True, help="Keep checking; stop with Ctrl-C.")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between passes.")
def check_command(loop: bool, interval: float) -> None:
    """Record and notify the breaches that happened since the last check."""
    while True:
        breaches = check_breaches()
        if breaches or not loop:
            click.echo(f"New SLA breaches: {len(breaches)}.")
        if not loop:
            return
        time.sleep(interval)

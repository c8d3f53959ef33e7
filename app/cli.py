"""The ``flask sportello`` command group: set-up, demo data and health checks."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

sportello = AppGroup("sportello", help="Sportello administration.")


@sportello.command("create-owner")
@click.option("--email", prompt=True, help="The owner's e-mail, used to log in.")
@click.option("--name", prompt=True, help="The owner's name (first name, or full name).")
@click.option("--surname", default="", help="The owner's surname.")
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True,
    help="At least 10 characters.",
)
def create_owner(email: str, name: str, surname: str, password: str) -> None:
    """Create the owner account (the administrator)."""
    from app.accounts.models import Role
    from app.accounts.services import AccountError, create_user

    if not surname and " " in name.strip():
        name, surname = name.strip().split(" ", 1)
    try:
        user = create_user(
            email=email, name=name, surname=surname, password=password, role=Role.OWNER,
            email_verified_at=None,
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Owner {user.email} created.")


@sportello.command("demo")
def demo() -> None:
    """Load demo data (safe to run again: what exists is kept)."""
    from app.demo import load_demo

    for line in load_demo():
        click.echo(line)


@sportello.command("check")
def check() -> None:
    """Check the installation; each line is OK or says what to fix."""
    from app.health import run_checks

    failed = False
    for result in run_checks():
        click.echo(f"{result.status:<4} {result.name}: {result.detail}")
        failed = failed or result.status == "FAIL"
    if failed:
        raise SystemExit(1)


@sportello.command("dispatch")
@click.option("--loop", is_flag=True, help="Keep dispatching; stop with Ctrl-C.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between passes.")
def dispatch(loop: bool, interval: float) -> None:
    """Hand committed ticket events to plugins (webhooks, SLA...)."""
    import time

    from app.tickets.dispatch import dispatch_pending

    while True:
        done = dispatch_pending()
        if done:
            click.echo(f"{done} events dispatched.")
        if not loop:
            return
        time.sleep(interval)


class _SportelloGroup(AppGroup):
    """``flask sportello`` of one app: the core's commands, looked up when used (a core
    module may add its own after this app was made), then the app's plugins' commands."""

    def __init__(self, core: click.Group, plugin_commands: dict[str, click.Command]) -> None:
        super().__init__(core.name, help=core.help)
        self.core, self.plugin_commands = core, plugin_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.core.list_commands(ctx), *self.plugin_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self.core.get_command(ctx, name) or self.plugin_commands.get(name)


def init_app(app: Flask) -> None:
    """Add ``flask sportello``: the core's commands and those of the enabled plugins.

    Each app gets its own group, so a plugin's commands exist only where the
    plugin is enabled.
    """
    from app.api.cli import token_cli
    from app.fields.cli import fields_cli
    from app.plugins.discovery import PluginError
    from app.plugins.manager import get_plugin_manager

    sportello.add_command(fields_cli)
    sportello.add_command(token_cli)
    commands: dict[str, click.Command] = {}
    for plugin, provided in get_plugin_manager(app).collect("sportello_cli_commands"):
        for command in provided:
            if command.name in sportello.commands or command.name in commands:
                raise PluginError(
                    f"Plugin {plugin!r}: the command 'flask sportello {command.name}' exists "
                    "already; give yours another name."
                )
            commands[command.name] = command
    app.cli.add_command(_SportelloGroup(sportello, commands))

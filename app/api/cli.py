"""``flask sportello token create EMAIL``: make a token from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.api.models import Scope

token_cli = AppGroup("token", help="Personal access tokens of the JSON API.")


@token_cli.command("create")
@click.argument("email")
@click.option("--scope", type=click.Choice([s.value for s in Scope]), default=Scope.READ.value,
              show_default=True, help="read, or read-write to change data too.")
@click.option("--name", default="Command line", show_default=True,
              help="What will use the token.")
def create_command(email: str, scope: str, name: str) -> None:
    """Make a token acting as the user EMAIL; the token is printed once."""
    from app.api.tokens import TokenError, create_token
    from app.auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the e-mail {email}.")
    if not user.is_active:
        raise click.ClickException(f"{user.email} may not sign in: a token would not work.")
    try:
        made = create_token(user, name, scope)
    except TokenError as error:
        raise click.ClickException(error.message) from None
    click.echo(made.secret)
    click.echo(f"Token {made.token.prefix}... ({scope}) for {user.email}; copy it now, it is "
               "not stored and will not be shown again.", err=True)

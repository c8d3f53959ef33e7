"""``flask sportello fields export|import``: the schema as code."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from app.fields.changes import SchemaRefused, apply_document
from app.fields.document import export_document

fields_cli = AppGroup("fields", help="Export and import the Ticket Fields table.")


@fields_cli.command("export")
def export_command() -> None:
    """Print the schema as a JSON document."""
    click.echo(json.dumps(export_document(), indent=2, ensure_ascii=False))


@fields_cli.command("import")
@click.argument("document", type=click.File("r", encoding="utf-8"))
@click.option("--dry-run", is_flag=True, help="Show the difference and change nothing.")
def import_command(document, dry_run: bool) -> None:
    """Make the schema what DOCUMENT says (validated against the shipped JSON Schema)."""
    try:
        data = json.load(document)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:  # the file must be UTF-8 JSON
        raise click.ClickException(f"{document.name} is not JSON: {error}") from None
    try:
        plan = apply_document(None, data, dry_run=dry_run)
    except SchemaRefused as refused:
        click.echo("Refused, nothing changed:", err=True)
        for problem in refused.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    if plan.empty:
        click.echo("No difference: the schema already matches.")
        return
    click.echo("Difference (dry run, nothing changed):" if dry_run else "Applied:")
    for line in plan.lines:
        click.echo(f"  {line}")

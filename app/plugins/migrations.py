"""Plugins' tables: each enabled plugin's Alembic branch joins the core's revisions.

Every plugin with tables keeps its own branch (its own base and branch
label) in the folder its ``sportello_plugin_migrations`` hook returns. Those
folders join Alembic's ``version_locations`` while the plugin is enabled, and
Sportello's ``flask db upgrade`` goes to every head by default, since with
several branches Alembic's ``head`` is ambiguous and refused.
"""

from __future__ import annotations

import copy
import os

import click
import flask_migrate
from alembic.config import Config
from flask import Flask, g
from flask.cli import with_appcontext
from flask_migrate.cli import db as flask_migrate_db

from app.extensions import migrate
from app.plugins.discovery import PluginError
from app.plugins.manager import get_plugin_manager


@migrate.configure
def add_plugin_versions(config: Config) -> Config:
    """Add the enabled plugins' revision folders to the core's ``versions``."""
    folders = []
    for name, folder in get_plugin_manager().collect("sportello_plugin_migrations"):
        if not os.path.isdir(folder):
            raise PluginError(f"Plugin {name!r}: its migrations folder {folder} does not exist.")
        folders.append(os.path.abspath(folder))
    if folders:
        core = os.path.join(config.get_main_option("script_location"), "versions")
        config.set_main_option("path_separator", "os")
        locations = os.pathsep.join([core, *folders])
        config.set_main_option("version_locations", locations.replace("%", "%%"))
    return config


@click.command("upgrade")
@click.option("-d", "--directory", default=None,
              help='Migration script directory (default is "migrations")')
@click.option("--sql", is_flag=True,
              help="Don't emit SQL to database - dump to standard output instead")
@click.option("--tag", default=None,
              help='Arbitrary "tag" name - can be used by custom env.py scripts')
@click.option("-x", "--x-arg", multiple=True,
              help="Additional arguments consumed by custom env.py scripts")
@click.argument("revision", default="heads")
@with_appcontext
def upgrade(directory, sql, tag, x_arg, revision):
    """Upgrade to a later version (default: every head, the core's and each plugin's)."""
    flask_migrate.upgrade(directory or g.directory, revision, sql, tag, x_arg or g.x_arg)


def _db_group() -> click.Group:
    """Flask-Migrate's ``db`` group with our ``upgrade``, leaving the original alone."""
    group = copy.copy(flask_migrate_db)
    group.commands = {**flask_migrate_db.commands, "upgrade": upgrade}
    return group


db_group = _db_group()


def init_app(app: Flask) -> None:
    app.cli.add_command(db_group, name="db")

"""Installation checks behind ``flask sportello check``."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from app.extensions import db, migrate
from app.fields.models import Field
from app.fields.types.registry import get_registry
from app.plugins.manager import CORE_PLUGINS, get_plugin_manager
from config import DEFAULT_SECRET_KEY


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # OK, WARN or FAIL
    detail: str


def run_checks() -> Iterator[CheckResult]:
    yield from _database()
    yield _secret()
    yield _mail()
    yield _uploads()
    yield _plugins()


def _database() -> Iterator[CheckResult]:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    shown = url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_heads()
    except Exception as error:  # any driver error means "not reachable"
        yield CheckResult(
            "database", "FAIL",
            f"cannot connect to {shown} ({type(error).__name__}): set DATABASE_URL "
            "to a reachable database",
        )
        return
    yield CheckResult("database", "OK", f"reachable ({shown})")
    yield _migrations(current)
    yield from _field_types()


def _migrations(current: tuple[str, ...]) -> CheckResult:
    """Whether ``flask db upgrade`` has anything left to apply (core and plugin branches).

    A plugin branch that ``depends_on`` a core revision lets the database record
    only the plugin's revision, so the pending revisions are asked of Alembic
    rather than comparing revision sets.
    """
    script = ScriptDirectory.from_config(migrate.get_config())
    heads = ", ".join(script.get_heads())
    shown = ", ".join(current) or "no revision"
    try:
        pending = list(script.revision_map.iterate_revisions("heads", current, implicit_base=True))
    except RevisionError:
        return CheckResult(
            "migrations", "FAIL",
            f"database at {shown}, which the code does not know: enable the plugin "
            "whose migrations made it, or upgrade Sportello",
        )
    if not pending:
        return CheckResult("migrations", "OK", f"at the latest revision ({heads})")
    return CheckResult(
        "migrations", "FAIL",
        f"database at {shown}, code at {heads}: run `flask db upgrade`",
    )


def _field_types() -> Iterator[CheckResult]:
    """Every stored field, archived ones too, needs its type: the schema is built
    from all of them, and one missing type stops it from loading (a LookupError).

    Read from the rows, without building the schema.
    """
    if not inspect(db.session.connection()).has_table(Field.__tablename__):
        return  # not migrated yet: the migrations line says what to do
    provided = get_registry()
    stored = db.session.execute(
        select(Field.key, Field.type).order_by(Field.position, Field.id)
    ).all()
    missing = [(key, type_name) for key, type_name in stored if type_name not in provided]
    for key, type_name in missing:
        yield CheckResult("field types", "FAIL", _(
            "field %(key)s has type %(type)s, which no enabled plugin provides, so the "
            "ticket fields cannot load: install the plugin that provides %(type)s and "
            "enable it (SPORTELLO_PLUGINS, SPORTELLO_SAFE_MODE)", key=key, type=type_name,
        ))
    if not missing:
        in_use = len({type_name for _key, type_name in stored})
        yield CheckResult("field types", "OK", _(
            "every field's type is provided (%(n)s types in use)", n=in_use,
        ))


def _secret() -> CheckResult:
    secret = current_app.config.get("SECRET_KEY") or ""
    if not secret or secret == DEFAULT_SECRET_KEY:
        return CheckResult(
            "secret key", "WARN" if current_app.config["ENV_NAME"] != "production" else "FAIL",
            "the development default is in use: set SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')",
        )
    if len(secret) < 24:
        return CheckResult("secret key", "WARN", "shorter than 24 characters: use a longer one")
    return CheckResult("secret key", "OK", "set")


def _mail() -> CheckResult:
    config = current_app.config
    if config.get("MAIL_SUPPRESS_SEND"):
        return CheckResult("mail", "WARN", "MAIL_SUPPRESS_SEND is on: no e-mail leaves")
    server, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    try:
        with socket.create_connection((server, port), timeout=3):
            pass
    except OSError as error:
        return CheckResult(
            "mail", "FAIL",
            f"cannot reach {server}:{port} ({error.strerror or error}): "
            "set MAIL_SERVER and MAIL_PORT to your SMTP server",
        )
    sender = config["MAIL_DEFAULT_SENDER"]
    return CheckResult("mail", "OK", f"{server}:{port} answers, sender {sender}")


def _uploads() -> CheckResult:
    folder = current_app.config["SPORTELLO_UPLOAD_FOLDER"]
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        return CheckResult(
            "uploads", "FAIL",
            f"{folder} is not writable ({error.strerror}): fix its permissions or set "
            "SPORTELLO_UPLOAD_FOLDER",
        )
    return CheckResult("uploads", "OK", f"{folder} is writable")


def _plugins() -> CheckResult:
    if current_app.config["SPORTELLO_SAFE_MODE"]:
        return CheckResult("plugins", "WARN", "safe mode: every plugin is disabled "
                           "(unset SPORTELLO_SAFE_MODE to enable them)")
    names = [name for name, _ in get_plugin_manager().list_name_plugin()
             if name not in CORE_PLUGINS]
    return CheckResult("plugins", "OK", f"enabled: {', '.join(names) or 'none'}")

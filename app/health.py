"""Installation checks behind ``flask sportello check``."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.extensions import db, migrate
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
    config = migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if set(current) == heads:
        yield CheckResult("migrations", "OK", f"at the latest revision ({', '.join(heads)})")
    else:
        yield CheckResult(
            "migrations", "FAIL",
            f"database at {', '.join(current) or 'no revision'}, code at {', '.join(heads)}: "
            "run `flask db upgrade`",
        )


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

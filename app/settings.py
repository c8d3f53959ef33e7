"""Load configuration in layers: class, instance file, environment, overrides."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from config import CONFIGS, DEFAULT_SECRET_KEY, Config

#: Environment variables read verbatim besides the MAIL_*, SQLITE_* and SPORTELLO_* families.
_PLAIN_ENV_KEYS = {"SECRET_KEY": "SECRET_KEY", "DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}
#: SPORTELLO_* variables that choose the configuration rather than set it.
_SELECTOR_KEYS = {"SPORTELLO_CONFIG", "SPORTELLO_INSTANCE_PATH"}


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to fix in one line."""


def choose_class(config: str | type[Config] | Mapping | None) -> type[Config]:
    if isinstance(config, type):
        return config
    name = config if isinstance(config, str) else os.environ.get("SPORTELLO_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"Unknown configuration {name!r}: choose one of {', '.join(CONFIGS)}."
        ) from None


def _convert(key: str, raw: str, default: Any) -> Any:
    """Turn an environment string into the type of the setting's default."""
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{key} must be true or false, not {raw!r}.")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{key} must be a whole number, not {raw!r}.") from None
    if isinstance(default, list | tuple | dict):
        try:
            value = json.loads(raw)
        except ValueError:
            if isinstance(default, dict):
                raise ConfigError(f"{key} must be a JSON object.") from None
            value = [part.strip() for part in raw.split(",") if part.strip()]
        return type(default)(value) if not isinstance(default, dict) else value
    return raw


def apply_environment(app: Flask, environ: Mapping[str, str]) -> None:
    """Copy recognised environment variables into ``app.config``.

    An unknown ``SPORTELLO_*`` variable is refused: a typo in a setting name
    should not silently leave the default in place.
    """
    for name, raw in environ.items():
        if name in _PLAIN_ENV_KEYS:
            app.config[_PLAIN_ENV_KEYS[name]] = raw
        elif name.startswith("MAIL_"):
            app.config[name] = _convert(name, raw, app.config.get(name, ""))
        elif name.startswith("SQLITE_") and name in app.config:
            app.config[name] = _convert(name, raw, app.config[name])
        elif name.startswith("SPORTELLO_") and name not in _SELECTOR_KEYS:
            if name not in app.config:
                raise ConfigError(f"Unknown setting {name}: see the settings table in README.md.")
            app.config[name] = _convert(name, raw, app.config[name])


def load_config(app: Flask, config: str | type[Config] | Mapping | None) -> None:
    app.config.from_object(choose_class(config))
    app.config.from_pyfile("config.py", silent=True)
    apply_environment(app, os.environ)
    if isinstance(config, Mapping):
        app.config.update(config)
    _finish(app)


def _finish(app: Flask) -> None:
    """Derive settings that depend on the instance folder, then check them."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "sportello.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://") or uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; spare users the dialect+driver syntax.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if not app.config.get("SPORTELLO_UPLOAD_FOLDER"):
        app.config["SPORTELLO_UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    prefix = app.config["SPORTELLO_URL_PREFIX"].rstrip("/")
    if prefix and not prefix.startswith("/"):
        prefix = "/" + prefix
    app.config["SPORTELLO_URL_PREFIX"] = prefix
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["SPORTELLO_LANGUAGES"][0]
    if app.config.get("ENV_NAME") == "production":
        secret = app.config.get("SECRET_KEY") or ""
        if not secret or secret == DEFAULT_SECRET_KEY:
            raise ConfigError(
                "SECRET_KEY is missing or is the development default: "
                "set SECRET_KEY to a long random value before starting in production."
            )

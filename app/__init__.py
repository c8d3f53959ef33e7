"""Sportello: a low-code ticketing module for Flask."""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config

__version__ = "0.1.0"


def create_app(config: str | type[Config] | Mapping | None = None) -> Flask:
    """Build a standalone Sportello application.

    ``config`` is a configuration name (``"production"``), a class from
    ``config.py``, or a mapping of overrides applied last on top of the class
    chosen by ``SPORTELLO_CONFIG``.
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("SPORTELLO_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    init_app(app, config)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Read the client's address, scheme and host from ``SPORTELLO_TRUSTED_PROXIES``
    proxies' X-Forwarded-* headers (werkzeug's ProxyFix), as the setting says now."""
    plain = app.wsgi_app

    def wsgi_app(environ, start_response):
        proxies = int(app.config["SPORTELLO_TRUSTED_PROXIES"])
        if proxies:  # ProxyFix only reads its counts: making one costs nothing
            return ProxyFix(plain, x_for=proxies, x_proto=proxies,
                            x_host=proxies)(environ, start_response)
        return plain(environ, start_response)

    app.wsgi_app = wsgi_app


def init_app(app: Flask, config: str | type[Config] | Mapping | None = None) -> None:
    """Mount Sportello on ``app``: configuration, extensions, plugins, blueprints, CLI.

    A host application calls this on its own Flask object; every blueprint is
    registered under ``SPORTELLO_URL_PREFIX``.
    """
    from app import (  # noqa: F401  (models: every table)
        cli,
        database,
        errors,
        i18n,
        models,
        notify,
        plugins,
        web,
    )
    from app.accounts.directory import DirectoryCache
    from app.extensions import bind_extensions
    from app.fields import engine as fields_engine
    from app.settings import load_config
    from app.tickets import events as ticket_events

    load_config(app, config)
    os.makedirs(app.instance_path, exist_ok=True)
    database.configure_engine(app)
    bind_extensions(app)
    plugins.init_app(app)
    ticket_events.init_app(app)
    fields_engine.init_app(app)
    app.extensions["sportello.directory"] = DirectoryCache()
    i18n.init_app(app)
    web.register_blueprints(app)
    errors.init_app(app)
    cli.init_app(app)
    notify.init_app(app)

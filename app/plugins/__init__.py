"""Sportello's plugin system, built on pluggy (see ``docs/plugins.md``).

A plugin author needs only :data:`hookimpl` from here; the hooks a plugin may
implement are specified, with an example each, in :mod:`app.plugins.hookspecs`.
"""

from __future__ import annotations

import pluggy
from flask import Flask

#: The pluggy project name: hook functions are called ``sportello_*``.
PROJECT = "sportello"

#: Marks a function of a plugin module as a hook implementation.
hookimpl = pluggy.HookimplMarker(PROJECT)


def init_app(app: Flask) -> None:
    """Load the enabled plugins and let their migrations join ``flask db upgrade``."""
    from app.plugins import manager, migrations

    manager.init_app(app)
    migrations.init_app(app)

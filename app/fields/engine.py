"""Set up the schema engine on an application: the type registry and the schema cache."""

from __future__ import annotations

from flask import Flask

from app.fields.schema import SchemaCache
from app.fields.types import registry


def init_app(app: Flask) -> None:
    registry.init_app(app)
    app.extensions["sportello.schema"] = SchemaCache()

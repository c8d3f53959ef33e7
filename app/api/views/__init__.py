"""The API's routes, one module per group of resources, all on one blueprint."""

from app.api.blueprint import bp
from app.api.views import activity, openapi, people, schema, tickets  # noqa: F401 (routes)

__all__ = ["bp"]

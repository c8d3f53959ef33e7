"""Webhooks: ticket events sent as signed JSON to endpoints the owner configures.

The outbox dispatcher (``flask sportello dispatch``) calls the lifecycle hooks
below after each change committed; each event becomes one delivery per
subscribed endpoint, stored in the dispatcher's transaction. The sender
(``flask sportello webhooks send --loop``) POSTs them, signed, with retries.
The request format is in README.md beside this file.
"""

import os

from flask_babel import lazy_gettext as _l

from app.plugins import hookimpl
from app.web import MenuItem

from . import services
from .cli import webhooks_cli
from .views import bp


@hookimpl
def sportello_register_blueprints(app):
    return [bp]


@hookimpl
def sportello_menu_items(user):
    if user.is_owner:
        return [MenuItem("webhooks.endpoints", _l("Webhooks"), order=85)]
    return []


@hookimpl
def sportello_cli_commands():
    return [webhooks_cli]


@hookimpl
def sportello_plugin_migrations():
    return os.path.join(os.path.dirname(__file__), "migrations")


@hookimpl
def sportello_ticket_created(event):
    services.record_event(event)


@hookimpl
def sportello_ticket_updated(event):
    services.record_event(event)


@hookimpl
def sportello_ticket_status_changed(event):
    services.record_event(event)


@hookimpl
def sportello_ticket_replied(event):
    services.record_event(event)


@hookimpl
def sportello_ticket_closed(event):
    services.record_event(event)

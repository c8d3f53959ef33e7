"""SLA: first-response and resolution targets per priority, counted in office hours.

The clocks of each ticket follow its events (the lifecycle hooks below, called
by the outbox dispatcher): they count the owner's office hours, skip holidays,
and stand still while the ticket waits on the customer. Due times are stored
per ticket and shown to staff as badges beside tickets (the
``sportello_ticket_badges`` hook) and on the SLA page; ``flask sportello sla
check --loop`` records and notifies breaches.
"""

import os

from flask_babel import lazy_gettext as _l

from app.plugins import hookimpl
from app.web import MenuItem

from . import badges, services
from .cli import sla_cli
from .views import bp


@hookimpl
def sportello_register_blueprints(app):
    return [bp]


@hookimpl
def sportello_menu_items(user):
    if user.is_staff:
        return [MenuItem("sla.overview", _l("SLA"), order=60)]
    return []


@hookimpl
def sportello_cli_commands():
    return [sla_cli]


@hookimpl
def sportello_plugin_migrations():
    return os.path.join(os.path.dirname(__file__), "migrations")


@hookimpl
def sportello_ticket_badges(user, tickets):
    return badges.ticket_badges(user, tickets)


@hookimpl
def sportello_ticket_created(event):
    services.ticket_created(event)


@hookimpl
def sportello_ticket_updated(event):
    services.ticket_updated(event)


@hookimpl
def sportello_ticket_status_changed(event):
    services.status_changed(event)


@hookimpl
def sportello_ticket_closed(event):
    services.status_changed(event)


@hookimpl
def sportello_ticket_replied(event):
    services.ticket_replied(event)

"""Hello: the smallest useful Sportello plugin (read docs/plugins.md beside it).

It greets every new ticket, keeps the greetings in a table of its own, and
shows them to staff on a page reached from the header menu.
"""

import os

from flask_babel import lazy_gettext as _l

from app.plugins import hookimpl
from app.web import MenuItem

from . import services
from .views import bp


@hookimpl
def sportello_register_blueprints(app):
    return [bp]


@hookimpl
def sportello_menu_items(user):
    if user.is_staff:
        return [MenuItem("sportello_hello.index", _l("Greetings"), order=90)]
    return []


@hookimpl
def sportello_ticket_created(event):
    services.greet(event)


@hookimpl
def sportello_plugin_migrations():
    return os.path.join(os.path.dirname(__file__), "migrations")

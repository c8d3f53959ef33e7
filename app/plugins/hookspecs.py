"""Hook specifications: every hook a Sportello plugin may implement.

A plugin is a module whose functions are marked with
:data:`app.plugins.hookimpl` and named after one of the hooks below. An
implementation may accept fewer arguments than the specification (only those
it needs), never others: a misspelt hook or argument stops start-up with the
plugin's name.

Order. Implementations run in pluggy's order: ``@hookimpl(tryfirst=True)``
ones first, ``trylast=True`` ones last, and in between the most recently
registered plugin first. The core registers its own implementations before
any plugin, then plugins follow in the order of ``SPORTELLO_PLUGINS`` (when
it is ``*``: bundled, then plugin folders, then installed, each by name); so
plugins run before the core unless they say ``trylast``.

Results. Unless a hook says otherwise, every implementation is called and
the caller receives the list of their non-``None`` results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

from app.plugins import PROJECT

if TYPE_CHECKING:
    import click
    from flask import Blueprint, Flask

    from app.plugins.badges import Badge
    from app.plugins.events import SchemaChange, TicketEvent
    from app.web import MenuItem

hookspec = pluggy.HookspecMarker(PROJECT)


# -------------------------------------------------------------------------
# Start-up: called once by ``init_app``. An exception names the plugin and
# stops start-up.
# -------------------------------------------------------------------------


@hookspec
def sportello_field_types() -> Iterable[type]:
    """Return field type classes to add to the schema engine's registry.

    Each class describes one type (its name, WTForms field, JSON Schema
    fragment, storage column, filter operators and how it prints). The
    registry collects the classes of every plugin, the core's included, and
    refuses at start-up a type whose name is unknown or already taken. Lists
    keep the cells they printed when the type's ``prints_alike`` is true (the
    core's text, number, date and choice types set it, so their subclasses
    inherit it): a subclass whose ``display`` reads anything but the value and
    the display context must set it back to False.

    Example::

        from app.fields.types import TextType

        class FiscalCodeType(TextType):
            name = "codice_fiscale"

        @hookimpl
        def sportello_field_types():
            return [FiscalCodeType]
    """


@hookspec
def sportello_register_blueprints(app: Flask) -> Iterable[Blueprint]:
    """Return the blueprints to mount on ``app``.

    The core mounts each one under ``SPORTELLO_URL_PREFIX`` (followed by the
    blueprint's own ``url_prefix``), so a plugin's pages move with the rest
    when Sportello is mounted under ``/support``. ``app.config`` may be read
    to decide what to return. The core's own blueprints come through this
    hook too.

    Example::

        bp = Blueprint("hello", __name__, url_prefix="/hello",
                       template_folder="templates")

        @hookimpl
        def sportello_register_blueprints(app):
            return [bp]
    """


@hookspec
def sportello_cli_commands() -> Iterable[click.Command]:
    """Return ``click`` commands (or groups) to add under ``flask sportello``.

    A command runs in an application context, like the core's. A name the
    core or another plugin already uses stops start-up. Use it for work that
    runs outside requests (a sender, a periodic check), with a ``--loop``
    option for a long-running worker.

    Example::

        @click.command("greet")
        def greet_command():
            click.echo(f"{services.greet_pending()} tickets greeted.")

        @hookimpl
        def sportello_cli_commands():
            return [greet_command]   # flask sportello greet
    """


@hookspec
def sportello_plugin_migrations() -> str | None:
    """Return the folder of the plugin's Alembic revisions, if it has tables.

    The folder joins Alembic's ``version_locations`` while the plugin is
    enabled, so plain ``flask db upgrade`` applies the plugin's branch with the
    core's (Sportello's ``db upgrade`` goes to every head). The branch starts
    from ``down_revision = None`` with its own ``branch_labels``, and names in
    ``depends_on`` the core revision its tables need (e.g. for foreign keys).

    Example::

        @hookimpl
        def sportello_plugin_migrations():
            return os.path.join(os.path.dirname(__file__), "migrations")
    """


# -------------------------------------------------------------------------
# Ticket lifecycle: called AFTER the change committed, by the outbox
# dispatcher, never inside the request's transaction. Delivery is
# at-least-once: after a crash or a failing implementation the dispatcher
# calls the hook again, for every plugin, so implementations must be
# idempotent (e.g. keyed on ``event.ticket_id`` and ``event.topic``). A slow
# implementation delays only the dispatcher, not the user. Results are ignored.
# -------------------------------------------------------------------------


@hookspec
def sportello_ticket_created(event: TicketEvent) -> None:
    """A ticket was created (``event.topic == "ticket.created"``).

    ``event.changes`` holds every field the ticket was created with, as
    ``(None, value)``.

    Example::

        @hookimpl
        def sportello_ticket_created(event):
            chat.post(f"New ticket {event.ticket_number}")
    """


@hookspec
def sportello_ticket_updated(event: TicketEvent) -> None:
    """Fields of a ticket changed (``"ticket.updated"``).

    ``event.changes`` maps each changed field key to ``(old, new)``. A status
    change also calls :func:`sportello_ticket_status_changed`.

    Example::

        @hookimpl
        def sportello_ticket_updated(event):
            if "priority" in event.changes:
                old, new = event.changes["priority"]
                log.info("%s: priority %s -> %s", event.ticket_number, old, new)
    """


@hookspec
def sportello_ticket_status_changed(event: TicketEvent) -> None:
    """A ticket's status changed (``"ticket.status_changed"``).

    ``event.changes["status"]`` is ``(old, new)``, as status keys.

    Example::

        @hookimpl
        def sportello_ticket_status_changed(event):
            old, new = event.changes["status"]
            if new == "waiting_customer":
                sla_clock.pause(event.ticket_id, at=event.occurred_at)
    """


@hookspec
def sportello_ticket_replied(event: TicketEvent) -> None:
    """A reply or an internal note was added (``"ticket.replied"``).

    ``event.payload`` has ``reply_id`` and ``public`` (False for an internal
    note, which a customer never sees: do not forward it to customers).

    Example::

        @hookimpl
        def sportello_ticket_replied(event):
            if event.payload["public"]:
                first_response.record(event.ticket_id, event.occurred_at)
    """


@hookspec
def sportello_ticket_closed(event: TicketEvent) -> None:
    """A ticket reached a closed status (``"ticket.closed"``).

    A change that closes a ticket raises this event *instead of*
    :func:`sportello_ticket_status_changed` (the event's ``changes`` hold the
    status change); re-opening raises ``ticket.status_changed``.

    Example::

        @hookimpl
        def sportello_ticket_closed(event):
            survey.send_later(event.ticket_id)
    """


@hookspec
def sportello_write_subscribers() -> Sequence[Callable[[Any, Any], None]]:
    """Callables run *inside* every ticket write transaction, for each event.

    Called once at start-up. Each callable receives ``(outbox_event, ticket)``
    (an ``OutboxEvent`` with ``topic``, ``actor_id`` and ``payload``, and the
    ``Ticket``) while the change's transaction is open: what it adds to the
    session is stored with the change, or rolled back with it, and an
    exception refuses the user's change. Keep it cheap and sure; anything that
    may fail or wait (network, a slow service) belongs in the lifecycle hooks
    above, which run after the commit. The core's ticket e-mails are queued
    this way.

    Example::

        @hookimpl
        def sportello_write_subscribers():
            def count(event, ticket):
                db.session.add(TopicCount(topic=event.topic))
            return [count]
    """


# -------------------------------------------------------------------------
# Schema, mail and reports.
# -------------------------------------------------------------------------


@hookspec
def sportello_schema_changed(change: SchemaChange) -> None:
    """The Ticket Fields table changed; called after the change committed, by the
    outbox dispatcher (``flask sportello dispatch``), like the ticket hooks.

    Use it to drop anything derived from the old schema; ``change.version``
    is the new version and ``change.keys`` the fields added, changed or
    archived. Results are ignored; an implementation that raises is called
    again on a later pass.

    Example::

        @hookimpl
        def sportello_schema_changed(change):
            export_columns.cache_clear()
    """


@hookspec
def sportello_mail_before_send(message: Any) -> bool | None:
    """An e-mail (a ``flask_mail.Message``) is about to be sent.

    An implementation may change the message in place (add a header, a
    footer, a Bcc) and returns None, or returns ``False`` to veto the send.
    This hook is deliberately *not* ``firstresult``: every implementation
    sees the message even when an earlier one vetoed it, so a plugin that
    rewrites or audits every message is never skipped, and no plugin can
    silence the others by returning a value. The message is dropped when any
    implementation returned ``False`` (see ``PluginManager.allow_mail``).

    Example::

        @hookimpl
        def sportello_mail_before_send(message):
            if any(r.endswith("@example.invalid") for r in message.recipients):
                return False
            message.extra_headers = {**(message.extra_headers or {}),
                                     "X-Sportello": "1"}
    """


@hookspec
def sportello_report_render(report: Any, context: dict[str, Any]) -> None:
    """A report is being rendered (HTML, PDF or CSV) with ``context``.

    ``report`` is the report being rendered; an implementation may add keys
    to ``context`` (prefix them with the plugin's name) for its own template
    blocks. Results are ignored.

    Example::

        @hookimpl
        def sportello_report_render(report, context):
            context["sla_breaches"] = sla.breaches(report.company_id,
                                                   report.period)
    """


# -------------------------------------------------------------------------
# Pages.
# -------------------------------------------------------------------------


@hookspec
def sportello_menu_items(user: Any) -> Iterable[MenuItem]:
    """Return entries of the header menu for ``user`` (the logged-in user).

    Called on every page a logged-in user sees, so it should be cheap (no
    queries). Entries are ``app.web.MenuItem`` objects, shown sorted by their
    ``order`` and only where their ``visible(user)`` is true. The core's own
    entries come through this hook too.

    Example::

        @hookimpl
        def sportello_menu_items(user):
            if user.is_staff:
                return [MenuItem("hello.index", _l("Hello"), order=90)]
            return []
    """


@hookspec
def sportello_ticket_badges(
    user: Any, tickets: Sequence[Any]
) -> Mapping[int, Iterable[Badge]] | None:
    """Return short notes to show beside tickets: ``{ticket.id: [Badge, ...]}``.

    Ticket lists (the staff queue, the customer's list) and ticket pages call
    it once per page with every ticket they show (lists: read-only rows with the
    ticket table's columns as attributes; a ticket page: the ``Ticket``), through
    ``app.plugins.badges.ticket_badges(user, tickets)``, and print the badges
    with the ``ticket_badges`` macro of ``_badges.html``. Load what you need
    for all the tickets in one query; never one per ticket. ``user`` is the
    reader: return nothing that reader may not see (e.g. staff-only notes
    for a customer). A badge's ``level`` (``info``, ``ok``, ``warning``,
    ``danger``) sets its colour.

    Example::

        @hookimpl
        def sportello_ticket_badges(user, tickets):
            if not user.is_staff:
                return None
            vip = vip_companies()
            return {t.id: [Badge(_("VIP"), level="warning")]
                    for t in tickets if t.company_id in vip}
    """

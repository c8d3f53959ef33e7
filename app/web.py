"""Blueprint registration, the menu, and small helpers shared by every blueprint.

Blueprints and menu entries, the core's and the plugins', come through the
``sportello_register_blueprints`` and ``sportello_menu_items`` hooks; this
module is registered as a plugin and implements them for the core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import csrf, login_manager
from app.plugins import hookimpl
from app.plugins.discovery import PluginError
from app.plugins.manager import get_plugin_manager


def _everyone(user) -> bool:
    return True


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False))


def _is_owner(user) -> bool:
    return bool(getattr(user, "is_owner", False))


@dataclass(frozen=True)
class MenuItem:
    """An entry of the header menu, shown to users for whom ``visible`` is true."""

    endpoint: str
    label: object  # a lazy string, translated when rendered
    visible: Callable[[object], bool] = _everyone
    order: int = 100


@dataclass(frozen=True)
class ShownItem:
    url: str
    label: str
    active: bool


def add_menu_item(app: Flask, item: MenuItem) -> None:
    """Add a core menu entry (the core's ``sportello_menu_items`` returns them)."""
    app.extensions.setdefault("sportello.menu", []).append(item)


def menu_items() -> list[ShownItem]:
    found = get_plugin_manager().hook.sportello_menu_items(user=current_user)
    items = sorted((item for group in found for item in group), key=lambda i: i.order)
    return [
        ShownItem(url_for(item.endpoint), str(item.label), request.endpoint == item.endpoint)
        for item in items
        if item.visible(current_user)
    ]


@hookimpl(tryfirst=True)  # the core's names are taken first: a clash blames the plugin
def sportello_register_blueprints(app: Flask):
    from app.api.profile import bp as api_tokens_bp
    from app.api.views import bp as api_bp
    from app.auth.reset_views import bp as password_bp
    from app.auth.views import bp as auth_bp
    from app.desk.views import admin_bp as desk_admin_bp
    from app.desk.views import bp as desk_bp
    from app.fields.admin.views import bp as fields_admin_bp
    from app.main.views import bp as main_bp
    from app.notify.views import bp as notify_bp
    from app.onboarding.company_views import bp as companies_bp
    from app.onboarding.invite_views import bp as invites_bp
    from app.onboarding.registration_views import bp as registration_bp
    from app.portal.views import bp as portal_bp
    from app.reports.intervention_views import bp as interventions_bp
    from app.reports.portal_views import bp as portal_reports_bp
    from app.reports.views import bp as reports_bp

    # The API authenticates with bearer tokens only, never with the session cookie:
    # a cross-site request carries no token, so there is nothing for CSRF to guard.
    csrf.exempt(api_bp)
    return (
        main_bp, auth_bp, password_bp, notify_bp, companies_bp, invites_bp, registration_bp,
        fields_admin_bp, interventions_bp, reports_bp, portal_reports_bp, portal_bp, desk_bp,
        desk_admin_bp, api_bp, api_tokens_bp,
    )


@hookimpl
def sportello_menu_items(user) -> list[MenuItem]:
    return current_app.extensions.get("sportello.menu", [])


def register_blueprints(app: Flask) -> None:
    """Mount every blueprint, the core's and the plugins', under the configured URL prefix."""
    from app.auth.services import load_session_user

    prefix = app.config["SPORTELLO_URL_PREFIX"]
    for plugin, blueprints in get_plugin_manager(app).collect(
        "sportello_register_blueprints", app=app
    ):
        for blueprint in blueprints:
            try:
                app.register_blueprint(
                    blueprint, url_prefix=(prefix + (blueprint.url_prefix or "")) or None
                )
            except ValueError as error:  # e.g. a blueprint name already taken
                raise PluginError(f"Plugin {plugin!r}: {error}") from error
    add_menu_item(app, MenuItem("desk.queue", _l("Queue"), _is_staff, order=10))
    add_menu_item(app, MenuItem("desk_admin.profile", _l("Settings"), _is_owner, order=90))
    add_menu_item(
        app, MenuItem("companies.index", _l("Companies"), lambda user: user.is_staff, order=40)
    )
    add_menu_item(
        app, MenuItem("invites.index", _l("Invite links"), lambda user: user.is_staff, order=45)
    )
    add_menu_item(
        app, MenuItem("fields_admin.index", _l("Ticket fields"), lambda user: user.is_owner,
                      order=80)
    )
    add_menu_item(
        app, MenuItem("notify.problems", _l("Mail problems"), lambda user: user.is_owner, order=90)
    )
    from app.portal.views import MENU as portal_menu
    from app.reports.menu import menu_items as reports_menu_items

    for item in (*reports_menu_items(), *portal_menu):
        add_menu_item(app, item)

    app.before_request(_refuse_nul_characters)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_session_user)
    _register_template_helpers(app)


def _refuse_nul_characters():
    """A NUL character cannot be stored (PostgreSQL refuses it in text): say so plainly
    instead of failing later. The API checks its requests itself."""
    from app.errors import render_error

    if request.blueprint == "api":
        return None  # the API answers in its own format (app/api/body.py)
    sources = (request.args, request.form)
    values = (value for source in sources for _key, value in source.items(multi=True))
    if any("\x00" in value for value in values):
        return render_error(400, _("The request contains a character that cannot be stored "
                                   "(NUL). Remove it and try again."))
    return None


def _register_template_helpers(app: Flask) -> None:
    from app.accounts.profile import get_profile

    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _helpers():
        return {
            "owner_profile": get_profile(),
            "menu_items": menu_items,
            "current_language": lambda: str(get_locale() or "en"),
            "local_time": local_time,
        }


def local_time(value: datetime | None) -> str:
    """A stored (naive UTC) time, shown in the owner's time zone and the page's language."""
    from app.accounts.profile import get_profile

    if value is None:
        return ""
    try:
        zone = ZoneInfo(get_profile().timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return format_datetime(
        value.replace(tzinfo=UTC), "short", tzinfo=zone, locale=get_locale() or "en"
    )


def home_url(user) -> str:
    """Where a user lands after logging in: staff in the queue, customers in the portal."""
    return url_for("desk.queue") if user.is_staff else url_for("portal.tickets")


def is_safe_next(target: str | None) -> bool:
    """Only same-site paths are followed after login (no open redirects)."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target

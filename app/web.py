"""Blueprint registration, the menu, and small helpers shared by every blueprint.

Blueprints and menu entries, the core's and the plugins', come through the
``sportello_register_blueprints`` and ``sportello_menu_items`` hooks; this
module is registered as a plugin and implements them for the core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import csrf, login_manager
from app.plugins import hookimpl
from app.plugins.discovery import PluginError
from app.plugins.manager import get_plugin_manager


def _everyone(user) -> bool:
    return True


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
    from app.auth.views import bp as auth_bp
    from app.main.views import bp as main_bp

    # The API authenticates with bearer tokens only, never with the session cookie:
    # a cross-site request carries no token, so there is nothing for CSRF to guard.
    csrf.exempt(api_bp)
    return (main_bp, auth_bp, api_bp, api_tokens_bp)


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
    add_menu_item(app, MenuItem("main.index", _l("Home"), order=0))

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_session_user)
    _register_template_helpers(app)


def _register_template_helpers(app: Flask) -> None:
    from app.accounts.profile import get_profile

    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _helpers():
        return {
            "owner_profile": get_profile(),
            "menu_items": menu_items,
            "current_language": lambda: str(get_locale() or "en"),
        }


def home_url(user) -> str:
    """Where a user lands after logging in."""
    return url_for("main.index")


def is_safe_next(target: str | None) -> bool:
    """Only same-site paths are followed after login (no open redirects)."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target

"""Language and time zone selection for Flask-Babel.

The language is the logged-in user's preference, then the one chosen in this
browser session, then the best match of the browser's Accept-Language.
Every feature package may keep its own catalog in ``<package>/translations``;
Flask-Babel merges them all.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from app.extensions import babel

_ROOT = Path(__file__).resolve().parent.parent


def translation_directories() -> list[str]:
    """Every ``translations`` folder of the package and of bundled plugins."""
    found = [_ROOT / "app" / "translations"]
    found += sorted((_ROOT / "app").glob("*/translations"))
    found += sorted((_ROOT / "plugins").glob("*/translations"))
    return [str(path) for path in found if path.is_dir()]


def select_locale() -> str:
    languages = current_app.config["SPORTELLO_LANGUAGES"]
    if not has_request_context():  # CLI commands and background senders
        return languages[0]
    user_language = getattr(current_user, "language", "") if current_user else ""
    if user_language in languages:
        return user_language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def select_timezone() -> str:
    """Times are stored in UTC and shown in the owner's time zone."""
    from app.accounts.profile import owner_zone

    return owner_zone().key


def init_app(app: Flask) -> None:
    """Merge the catalogs of the package, then those of the enabled plugins."""
    from app.plugins.manager import get_plugin_manager

    folders = translation_directories()
    folders += [f for f in get_plugin_manager(app).translation_directories() if f not in folders]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(folders)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

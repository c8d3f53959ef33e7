"""The plugin manager: the core's own hook implementations, then the enabled plugins.

``init_app`` builds one manager per app and keeps it in
``app.extensions["sportello.plugins"]``; :func:`get_plugin_manager` finds it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import Any

import pluggy
from flask import Flask, current_app

from app.plugins import PROJECT, hookspecs
from app.plugins.discovery import FoundPlugin, PluginError, describe, discover
from app.plugins.events import TICKET_HOOKS, TicketEvent

EXTENSION_KEY = "sportello.plugins"

#: Core modules that implement hooks; they are registered even in safe mode.
CORE_PLUGINS = ("app.web", "app.fields.types.registry", "app.notify.ticket_events")


class PluginManager(pluggy.PluginManager):
    """pluggy's manager with Sportello's hook specifications and a few helpers."""

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.add_hookspecs(hookspecs)

    def collect(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a start-up hook and return ``(plugin name, result)`` pairs.

        Implementations run in pluggy's order, one by one, so that a failure
        (and, for the caller, a bad result) can name the plugin. Hook wrappers
        are not called: start-up hooks only collect things.
        """
        results = []
        for impl in reversed(getattr(self.hook, hook_name).get_hookimpls()):
            if impl.wrapper or impl.hookwrapper:
                continue
            try:
                result = impl.function(*(kwargs[name] for name in impl.argnames))
            except Exception as error:
                raise PluginError(
                    f"Plugin {impl.plugin_name!r} failed in {hook_name}: {describe(error)}"
                ) from error
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def dispatch_ticket_event(self, event: TicketEvent) -> None:
        """Call the lifecycle hook of ``event.topic`` (the outbox dispatcher's job)."""
        getattr(self.hook, TICKET_HOOKS[event.topic])(event=event)

    def allow_mail(self, message: Any) -> bool:
        """Let plugins change ``message``; False when one of them vetoed it."""
        return False not in self.hook.sportello_mail_before_send(message=message)

    def translation_directories(self) -> list[str]:
        """The ``translations`` folder beside each registered plugin module, if any."""
        folders = []
        for _name, plugin in self.list_name_plugin():
            path = getattr(plugin, "__file__", None)
            folder = os.path.join(os.path.dirname(path), "translations") if path else ""
            if folder and os.path.isdir(folder):
                folders.append(folder)
        return folders


def get_plugin_manager(app: Flask | None = None) -> PluginManager:
    """The plugin manager of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION_KEY]


def init_app(app: Flask) -> None:
    """Register the core's implementations, then every enabled plugin.

    In safe mode (``SPORTELLO_SAFE_MODE``) no plugin is looked for at all, so a
    broken one cannot stop start-up; the core keeps working.
    """
    manager = PluginManager()
    for module_name in CORE_PLUGINS:
        manager.register(importlib.import_module(module_name), name=module_name)
    if app.config["SPORTELLO_SAFE_MODE"]:
        app.logger.warning("Safe mode: every plugin is disabled (SPORTELLO_SAFE_MODE).")
    else:
        found = discover(_as_list(app.config["SPORTELLO_PLUGIN_FOLDERS"]))
        for plugin in _enabled(found, _as_list(app.config["SPORTELLO_PLUGINS"])):
            _register(manager, plugin)
    app.extensions[EXTENSION_KEY] = manager


def _as_list(value: str | Sequence[str]) -> list[str]:
    """A list setting, also when ``instance/config.py`` gives it as ``"a, b"``."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


def _enabled(found: dict[str, FoundPlugin], wanted: list[str]) -> list[FoundPlugin]:
    """The plugins ``SPORTELLO_PLUGINS`` enables, in its order (``*``: all, as found)."""
    if "*" in wanted:
        return list(found.values())
    missing = [name for name in wanted if name not in found]
    if missing:
        raise PluginError(
            f"SPORTELLO_PLUGINS enables {', '.join(map(repr, missing))}, but no plugin of that "
            f"name is bundled, in SPORTELLO_PLUGIN_FOLDERS or installed "
            f"(found: {', '.join(found) or 'none'})."
        )
    return [found[name] for name in dict.fromkeys(wanted)]


def _register(manager: PluginManager, plugin: FoundPlugin) -> None:
    """Import and register one plugin; any failure stops start-up naming it."""
    try:
        manager.register(plugin.load(), name=plugin.name)
        manager.check_pending()  # a misspelt hook name is an error, not a silent no-op
    except Exception as error:
        raise PluginError(
            f"Plugin {plugin.name!r} ({plugin.origin}) cannot be loaded: {describe(error)}"
        ) from error

"""Finding plugins: sub-packages of plugin folders, and installed entry points.

Discovery imports nothing: it only lists names and how to load each one, so
a disabled plugin's code never runs.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain
from pathlib import Path
from types import ModuleType

from app.settings import ConfigError

#: Installed distributions declare their plugins in this entry-point group.
ENTRY_POINT_GROUP = "sportello.plugins"
#: The plugins shipped with Sportello, importable as ``plugins.<name>``.
BUNDLED_FOLDER = Path(__file__).resolve().parents[2] / "plugins"


class PluginError(ConfigError):
    """A plugin cannot be loaded; the one-line message names it and says why."""


def describe(error: BaseException) -> str:
    """``Type: message`` on one line (pluggy's validation messages span several)."""
    return " ".join(f"{type(error).__name__}: {error}".split())


@dataclass(frozen=True)
class FoundPlugin:
    name: str
    origin: str  # where it was found, for messages
    load: Callable[[], object]


def discover(folders: Iterable[str]) -> dict[str, FoundPlugin]:
    """Every plugin available: bundled, then each folder's, then installed ones."""
    found: dict[str, FoundPlugin] = {}
    extra = (_in_folder(Path(folder)) for folder in folders)
    for plugin in chain(_bundled(), *extra, _installed()):
        if plugin.name in found:
            raise PluginError(
                f"Two plugins are named {plugin.name!r}: {found[plugin.name].origin} "
                f"and {plugin.origin}; remove or rename one."
            )
        found[plugin.name] = plugin
    return found


def _packages(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if (path / "__init__.py").is_file())


def _bundled() -> Iterator[FoundPlugin]:
    for path in _packages(BUNDLED_FOLDER):
        yield FoundPlugin(
            path.name, f"bundled in {path}",
            partial(importlib.import_module, f"plugins.{path.name}"),
        )


def _in_folder(folder: Path) -> Iterator[FoundPlugin]:
    if not folder.is_dir():
        raise PluginError(f"SPORTELLO_PLUGIN_FOLDERS: {folder} is not a folder.")
    for path in _packages(folder):
        yield FoundPlugin(path.name, f"from {path}", partial(import_package, path))


def _installed() -> Iterator[FoundPlugin]:
    entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    for entry in sorted(entry_points, key=lambda entry: entry.name):
        dist = entry.dist
        origin = f"installed by {dist.name} {dist.version}" if dist else "an installed entry point"
        yield FoundPlugin(entry.name, f"{origin} ({entry.value})", entry.load)


def import_package(path: Path) -> ModuleType:
    """Import the package at ``path`` as the top-level module ``path.name``.

    The folder itself is not put on ``sys.path``, so nothing else in it
    becomes importable by accident. Importing again returns the same module
    (several apps in one process share it); a different module already
    holding the name is refused rather than shadowed.
    """
    name = path.name
    existing = sys.modules.get(name)
    if existing is not None:
        if Path(existing.__file__ or "").resolve().parent == path.resolve():
            return existing
        raise ImportError(f"the name is already taken by the module {existing!r}")
    spec = importlib.util.spec_from_file_location(
        name, path / "__init__.py", submodule_search_locations=[str(path)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        for loaded in [key for key in sys.modules if key.split(".")[0] == name]:
            del sys.modules[loaded]
        raise
    return module

"""The registry of field types, built once at start-up from the core and plugins.

The core provides its types through the same ``sportello_field_types`` hook as
plugins do (this module is registered as one of the core's plugins).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from flask import Flask, current_app

from app.fields.types.base import FieldType
from app.fields.types.choice import DropdownType, MultiSelectType
from app.fields.types.reference import (
    AgentType,
    AttachmentType,
    CompanyType,
    PersonType,
    StatusType,
)
from app.fields.types.scalar import (
    CheckboxType,
    DateTimeType,
    DateType,
    DecimalType,
    EmailType,
    IntegerType,
    LongTextType,
    PhoneType,
    TextType,
    UrlType,
)
from app.plugins import hookimpl
from app.plugins.manager import get_plugin_manager

CORE_TYPES: tuple[type[FieldType], ...] = (
    TextType, LongTextType, IntegerType, DecimalType, DateType, DateTimeType, DropdownType,
    MultiSelectType, CheckboxType, EmailType, PhoneType, UrlType, PersonType, AttachmentType,
    StatusType, CompanyType, AgentType,
)
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


class RegistryError(RuntimeError):
    """The field types cannot be registered as given; start-up stops."""


@hookimpl
def sportello_field_types() -> Iterable[type[FieldType]]:
    return CORE_TYPES


def build_registry(
    provided: Iterable[tuple[str, Iterable[type[FieldType]]]],
) -> Mapping[str, FieldType]:
    """One instance per type, by name, from (plugin name, classes) pairs; a
    missing, bad or duplicate name stops start-up, naming the plugin."""
    registry: dict[str, FieldType] = {}
    origin: dict[str, str] = {}
    for plugin, classes in provided:
        for cls in classes:
            _add(registry, origin, plugin, cls)
    return MappingProxyType(registry)


def _add(registry: dict, origin: dict, plugin: str, cls: type) -> None:
    where = f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', cls)}"
    if not (isinstance(cls, type) and issubclass(cls, FieldType)):
        raise RegistryError(f"Plugin {plugin!r}: {where} is not a FieldType subclass.")
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise RegistryError(
            f"Plugin {plugin!r}: field type {where} has no valid name "
            "(lower-case letters, digits, _)."
        )
    if name in registry:
        raise RegistryError(
            f"Field type name {name!r} is defined twice: by plugin {origin[name]!r} and "
            f"by plugin {plugin!r} ({where})."
        )
    registry[name] = cls()
    origin[name] = plugin


def init_app(app: Flask) -> None:
    provided = get_plugin_manager(app).collect("sportello_field_types")
    app.extensions["sportello.field_types"] = build_registry(provided)


def get_registry() -> Mapping[str, FieldType]:
    return current_app.extensions["sportello.field_types"]

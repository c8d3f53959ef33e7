"""The registry of field types, built once at start-up from the core and plugins."""

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

CORE_TYPES: tuple[type[FieldType], ...] = (
    TextType, LongTextType, IntegerType, DecimalType, DateType, DateTimeType, DropdownType,
    MultiSelectType, CheckboxType, EmailType, PhoneType, UrlType, PersonType, AttachmentType,
    StatusType, CompanyType, AgentType,
)
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


class RegistryError(RuntimeError):
    """The field types cannot be registered as given; start-up stops."""


def build_registry(classes: Iterable[type[FieldType]]) -> Mapping[str, FieldType]:
    """One instance per type, by name; a missing, bad or duplicate name is refused."""
    registry: dict[str, FieldType] = {}
    for cls in classes:
        where = f"{cls.__module__}.{cls.__qualname__}"
        if not (isinstance(cls, type) and issubclass(cls, FieldType)):
            raise RegistryError(f"{where} is not a FieldType subclass.")
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise RegistryError(
                f"Field type {where} has no valid name (lower-case letters, digits, _)."
            )
        if name in registry:
            first = type(registry[name])
            raise RegistryError(
                f"Field type name {name!r} is defined twice: by "
                f"{first.__module__}.{first.__qualname__} and by {where}."
            )
        registry[name] = cls()
    return MappingProxyType(registry)


def init_app(app: Flask, extra: Iterable[type[FieldType]] = ()) -> None:
    app.extensions["sportello.field_types"] = build_registry([*CORE_TYPES, *extra])


def get_registry() -> Mapping[str, FieldType]:
    return current_app.extensions["sportello.field_types"]

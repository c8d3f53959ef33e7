"""Edits of the schema document made by the owner's pages.

Each page action takes the current document, changes one field or list, and
hands the whole document to ``apply_document`` (the schema's one write path).
"""

from __future__ import annotations

import copy
from typing import Any

from app.fields.document import BUILTIN_TYPES, export_document, normalise


def current_document() -> dict[str, Any]:
    return normalise(export_document())


def field_spec(document: dict, key: str) -> dict | None:
    return next((f for f in document["fields"] if f["key"] == key), None)


def list_spec(document: dict, key: str) -> dict | None:
    return next((entry for entry in document["lists"] if entry["key"] == key), None)


def with_field(document: dict, spec: dict, replacing: str | None = None) -> dict:
    """The document with ``spec`` in place of ``replacing`` (or appended)."""
    document = copy.deepcopy(document)
    for n, existing in enumerate(document["fields"]):
        if existing["key"] == (replacing or spec["key"]):
            document["fields"][n] = spec
            return document
    document["fields"].append(spec)
    return document


def with_list(document: dict, spec: dict) -> dict:
    document = copy.deepcopy(document)
    for n, existing in enumerate(document["lists"]):
        if existing["key"] == spec["key"]:
            document["lists"][n] = spec
            return document
    document["lists"].append(spec)
    return document


def moved(document: dict, key: str, offset: int) -> dict:
    """The document with field ``key`` moved ``offset`` places among the active fields."""
    document = copy.deepcopy(document)
    fields = document["fields"]
    active = [f["key"] for f in fields if not f["archived"]]
    if key not in active:
        return document
    index = active.index(key)
    target = max(0, min(len(active) - 1, index + offset))
    active.insert(target, active.pop(index))
    return reordered(document, active)


def reordered(document: dict, keys: list[str]) -> dict:
    """The document with active fields in the order of ``keys`` (others keep theirs)."""
    document = copy.deepcopy(document)
    by_key = {f["key"]: f for f in document["fields"]}
    ordered = [by_key[k] for k in keys if k in by_key and not by_key[k]["archived"]]
    rest = [f for f in document["fields"] if f not in ordered]
    document["fields"] = ordered + rest
    return document


def archived(document: dict, key: str, value: bool) -> dict:
    document = copy.deepcopy(document)
    spec = field_spec(document, key)
    if spec is not None:
        spec["archived"] = value
    return document


def is_builtin(key: str) -> bool:
    return key in BUILTIN_TYPES

"""A schema document with one custom field of every core type, for the engine's tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "schema" / "examples"


def example(name: str = "it-helpdesk") -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def text(en: str, it: str = "") -> dict:
    return {"en": en, "it": it}


def field(key: str, type_: str, visibility: str = "write", edit=("create",), **extra) -> dict:
    return {"key": key, "type": type_, "label": text(key.replace("_", " ").title()),
            "customer": {"visibility": visibility, "edit": list(edit)}, **extra}


def every_type_document() -> dict:
    """The IT help desk example plus one field of each core type."""
    document = copy.deepcopy(example())
    document["lists"].append({"key": "colours", "name": text("Colours", "Colori"), "items": [
        {"key": "red", "label": text("Red", "Rosso")},
        {"key": "green", "label": text("Green", "Verde")},
        {"key": "blue", "label": text("Blue", "Blu")},
    ]})
    document["fields"] += [
        field("t_text", "text", settings={"max_length": 20}),
        field("t_long", "long_text"),
        field("t_int", "integer", settings={"min_value": 0, "max_value": 100}),
        field("t_dec", "decimal", settings={"decimal_places": 2}),
        field("t_date", "date"),
        field("t_datetime", "datetime"),
        field("t_drop", "dropdown", list="colours"),
        field("t_multi", "multi_select", list="colours"),
        field("t_check", "checkbox"),
        field("t_email", "email"),
        field("t_phone", "phone"),
        field("t_url", "url"),
        field("t_person", "person"),
        field("t_file", "attachment"),
    ]
    return document


def with_field(document: dict, key: str, **changes) -> dict:
    """A copy of ``document`` with the field ``key`` changed."""
    document = copy.deepcopy(document)
    for spec in document["fields"]:
        if spec["key"] == key:
            spec.update(changes)
    return document


def without_field(document: dict, key: str) -> dict:
    document = copy.deepcopy(document)
    document["fields"] = [f for f in document["fields"] if f["key"] != key]
    return document


def with_settings(document: dict, key: str, **settings) -> dict:
    """A copy of ``document`` whose field ``key`` has ``settings`` added to its own."""
    document = copy.deepcopy(document)
    for spec in document["fields"]:
        if spec["key"] == key:
            spec["settings"] = {**spec.get("settings", {}), **settings}
    return document

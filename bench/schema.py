"""The benchmark's Ticket Fields table: the built-in fields plus 10 custom ones."""

from __future__ import annotations

import copy
import json
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "schema" / "examples" / "it-helpdesk.json"


def _items(*keys: str) -> list[dict]:
    return [{"key": key, "label": {"en": key.replace("_", " ").title()}} for key in keys]


def _field(key: str, type_: str, **extra) -> dict:
    return {"key": key, "type": type_, "label": {"en": key.replace("_", " ").title()},
            "customer": {"visibility": "write", "edit": ["create", "open"]}, **extra}


FAMILIES = ("software", "hardware", "network", "services", "training")
REQUEST_TYPES = ("incident", "question", "change", "billing")
SEVERITIES = ("low", "normal", "blocking")
TAGS = ("printer", "vpn", "email", "invoice", "backup", "mobile")


def bench_document() -> dict:
    """Built-ins as in the example schema, and 10 custom fields of mixed types."""
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    builtins = [f for f in base["fields"] if f["key"] in (
        "title", "description", "status", "priority", "company", "requester", "notify_person",
        "request_date", "assignee")]
    priority = next(entry for entry in base["lists"] if entry["key"] == "priority")
    return {
        "format": 1,
        "statuses": copy.deepcopy(base["statuses"]),
        "lists": [
            priority,
            {"key": "family", "name": {"en": "Families"}, "items": _items(*FAMILIES)},
            {"key": "request_type", "name": {"en": "Request types"},
             "items": _items(*REQUEST_TYPES)},
            {"key": "severity", "name": {"en": "Severities"}, "items": _items(*SEVERITIES)},
            {"key": "tags", "name": {"en": "Tags"}, "items": _items(*TAGS)},
        ],
        "fields": builtins[:1] + [
            _field("product_family", "dropdown", list="family", show_in_customer_list=True),
            _field("request_type", "dropdown", list="request_type"),
            _field("severity", "dropdown", list="severity"),
            _field("tags", "multi_select", list="tags"),
            _field("due_date", "date", show_in_customer_list=True),
            _field("visit_at", "datetime"),
            _field("hours", "decimal", settings={"decimal_places": 2}),
            _field("seats", "integer", settings={"min_value": 0, "max_value": 10000}),
            _field("contract_code", "text", settings={"max_length": 20}),
            _field("urgent", "checkbox"),
        ] + builtins[1:],
    }


CUSTOM_KEYS = ("product_family", "request_type", "severity", "tags", "due_date", "visit_at",
               "hours", "seats", "contract_code", "urgent")

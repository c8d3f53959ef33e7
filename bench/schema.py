"""The benchmarks' Ticket Fields table: the built-in fields plus ten custom ones of
six types, and the values a ticket gets when a benchmark opens one."""

from __future__ import annotations

from app.fields.document import export_document

LISTS = {
    "area": ["billing", "network", "printers", "accounting", "payroll", "warehouse",
             "hardware", "training"],
    "product": [f"product_{n:02d}" for n in range(20)],
    "impact": ["one_person", "team", "office", "company"],
    "channel": ["portal", "phone", "email", "visit", "chat"],
    "tags": ["backup", "vpn", "mail", "password", "license", "update"],
}


def bench_document() -> dict:
    """The current schema plus the ten custom fields (customers write them at creation).
    Runs in an application context."""
    document = export_document()
    for key, items in LISTS.items():
        document["lists"].append({"key": key, "name": {"en": key.title()}, "items": [
            {"key": item, "label": {"en": item.replace("_", " ").title()}} for item in items
        ]})

    def field(key: str, type_: str, **extra) -> dict:
        return {"key": key, "type": type_, "label": {"en": key.title(), "it": key.title()},
                "customer": {"visibility": "write", "edit": ["create"]}, **extra}

    document["fields"] += [
        field("area", "dropdown", list="area"), field("product", "dropdown", list="product"),
        field("impact", "dropdown", list="impact"), field("channel", "dropdown", list="channel"),
        field("tags", "multi_select", list="tags"), field("units", "integer"),
        field("amount", "decimal"), field("due", "date"), field("code", "text"),
        field("onsite", "checkbox"),
    ]
    return document


#: A ticket with every field, as the write path takes it (JSON values).
TICKET_VALUES = {
    "title": "Printer does not print", "description": "It stopped after the update.",
    "priority": "high", "area": "printers", "product": "product_03", "impact": "team",
    "channel": "portal", "tags": ["vpn", "mail"], "units": 12, "amount": 150.5,
    "due": "2026-12-01", "code": "PRJ-2026", "onsite": True,
}

#: The same ticket as a customer's browser posts the portal form.
FORM_VALUES = [
    ("title", "Printer does not print"), ("area", "printers"), ("product", "product_03"),
    ("impact", "team"), ("channel", "portal"), ("tags", "vpn"), ("tags", "mail"),
    ("units", "12"), ("amount", "150.50"), ("due", "2026-12-01"), ("code", "PRJ-2026"),
    ("onsite", "y"), ("description", "It stopped after the update."), ("priority", "high"),
    ("notify_person", ""),
]

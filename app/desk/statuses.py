"""The owner's statuses: name in English and Italian, category, colour, order.

Statuses belong to the schema document, so every change here exports the
document, changes its "statuses" and applies it through the schema's one
write path (``apply_document``), which bumps the revision, records the
change and refuses to delete a status in use (it deactivates it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.fields.changes import SchemaRefused, apply_document
from app.fields.document import export_document
from app.tickets.models import Status, Ticket

CATEGORIES = {
    "new": _l("New"),
    "open": _l("Open (being handled)"),
    "waiting": _l("Waiting for the customer"),
    "on_hold": _l("On hold"),
    "closed": _l("Closed"),
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class StatusError(ValueError):
    """A change of the statuses was refused; ``fields`` says which input and why."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


@dataclass(frozen=True)
class StatusRow:
    key: str
    name_en: str
    name_it: str
    category: str
    colour: str
    active: bool
    tickets: int

    @property
    def category_label(self) -> str:
        return str(CATEGORIES.get(self.category, self.category))


def usage() -> dict[str, int]:
    """Tickets per status key."""
    rows = db.session.execute(
        select(Status.key, func.count(Ticket.id))
        .join(Ticket, Ticket.status_id == Status.id).group_by(Status.key)
    )
    return dict(rows.all())


def status_rows() -> list[StatusRow]:
    used = usage()
    return [
        StatusRow(s["key"], s["name"]["en"], s["name"].get("it", ""), s["category"],
                  s.get("colour", ""), s.get("active", True), used.get(s["key"], 0))
        for s in export_document()["statuses"]
    ]


def new_key(name: str, taken: set[str]) -> str:
    """A key for a new status, from its English name: lower-case letters, digits, _."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:50] or "status"
    if not base[0].isalpha():
        base = f"s_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _check_values(name_en: str, name_it: str, category: str, colour: str) -> None:
    errors = {}
    if not name_en.strip():
        errors["name_en"] = _("This field is required.")
    elif len(name_en.strip()) > 100:
        errors["name_en"] = _("At most %(n)s characters.", n=100)
    if len(name_it.strip()) > 100:
        errors["name_it"] = _("At most %(n)s characters.", n=100)
    if category not in CATEGORIES:
        errors["category"] = _("Choose one of the listed options.")
    if colour and not _COLOUR.match(colour):
        errors["colour"] = _("Write the colour as # and six hexadecimal digits, e.g. #1f5fbf.")
    if errors:
        raise StatusError(_("Nothing was saved: please correct the fields marked."), errors)


def _check_set(statuses: list[dict]) -> None:
    active = [s for s in statuses if s.get("active", True)]
    if not any(s["category"] != "closed" for s in active):
        raise StatusError(_("At least one active status must not be closed."))
    if not any(s["category"] == "closed" for s in active):
        raise StatusError(_("At least one active status must be of category Closed."))


def _apply(actor_id: int | None, document: dict[str, Any]) -> None:
    _check_set(document["statuses"])
    try:
        apply_document(actor_id, document)
    except SchemaRefused as refused:  # the checks above catch what people can do here
        raise StatusError(_("The statuses could not be saved: %(reason)s",
                            reason="; ".join(refused.problems))) from None


def _find(document: dict, key: str) -> dict:
    for status in document["statuses"]:
        if status["key"] == key:
            return status
    raise LookupError(key)


def add_status(actor_id: int | None, *, name_en: str, name_it: str, category: str,
               colour: str) -> str:
    """Add a status at the end of the list; returns its key."""
    _check_values(name_en, name_it, category, colour)
    document = export_document()
    key = new_key(name_en, {s["key"] for s in document["statuses"]})
    document["statuses"].append({"key": key, "name": {"en": name_en.strip(),
                                 "it": name_it.strip()}, "category": category,
                                 "colour": colour, "active": True})
    _apply(actor_id, document)
    return key


def edit_status(actor_id: int | None, key: str, *, name_en: str, name_it: str, category: str,
                colour: str) -> None:
    _check_values(name_en, name_it, category, colour)
    document = export_document()
    status = _find(document, key)
    crosses = (status["category"] == "closed") != (category == "closed")
    in_use = usage().get(key, 0)
    if crosses and in_use:
        raise StatusError(
            _("%(n)s tickets have this status, so it cannot move between closed and not "
              "closed. Add a new status instead.", n=in_use),
            {"category": _("A status in use keeps being closed or not closed.")},
        )
    status.update(name={"en": name_en.strip(), "it": name_it.strip()}, category=category,
                  colour=colour)
    _apply(actor_id, document)


def set_active(actor_id: int | None, key: str, active: bool) -> None:
    document = export_document()
    _find(document, key)["active"] = active
    _apply(actor_id, document)


def move_status(actor_id: int | None, key: str, step: int) -> None:
    """Move a status up (-1) or down (+1) the list."""
    document = export_document()
    statuses = document["statuses"]
    index = statuses.index(_find(document, key))
    other = index + step
    if 0 <= other < len(statuses):
        statuses[index], statuses[other] = statuses[other], statuses[index]
        _apply(actor_id, document)


def delete_status(actor_id: int | None, key: str) -> None:
    """Remove a status no ticket has; one in use can only be deactivated."""
    if usage().get(key, 0):
        raise StatusError(_("Tickets have this status: deactivate it instead."))
    document = export_document()
    document["statuses"].remove(_find(document, key))
    _apply(actor_id, document)

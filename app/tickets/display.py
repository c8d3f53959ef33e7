"""Printing values: names of the people, companies and files that values refer to,
looked up in bulk so that a page of tickets costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from app.accounts.models import Company, User
from app.accounts.profile import owner_zone
from app.extensions import db
from app.fields.schema import Schema, current_language
from app.fields.types.base import DisplayContext
from app.tickets.models import Attachment

_KIND_OF_TYPE = {"person": "person", "agent": "agent", "company": "company",
                 "attachment": "attachment"}


class Names:
    """Names by (kind, id), loaded for a batch of values at once."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._names: dict[tuple[str, int], str] = {}

    def prefetch(self, values: Iterable[Mapping[str, Any]]) -> Names:
        wanted: dict[str, set[int]] = {"person": set(), "company": set(), "attachment": set()}
        for ticket_values in values:
            for key, value in ticket_values.items():
                field = self.schema.by_key.get(key)
                kind = _KIND_OF_TYPE.get(field.type_name) if field else None
                if kind and value not in (None, []):
                    ids = value if isinstance(value, list) else [value]
                    wanted["person" if kind == "agent" else kind].update(ids)
        self._load(wanted)
        return self

    def _load(self, wanted: dict[str, set[int]]) -> None:
        people = wanted["person"] - {i for (k, i) in self._names if k == "person"}
        if people:
            for row in db.session.execute(
                select(User.id, User.name, User.surname).where(User.id.in_(people))
            ):
                name = f"{row.name} {row.surname}".strip()
                self._names[("person", row.id)] = name
                self._names[("agent", row.id)] = name
        if wanted["company"]:
            for row in db.session.execute(
                select(Company.id, Company.name).where(Company.id.in_(wanted["company"]))
            ):
                self._names[("company", row.id)] = row.name
        if wanted["attachment"]:
            for row in db.session.execute(
                select(Attachment.id, Attachment.filename)
                .where(Attachment.id.in_(wanted["attachment"]))
            ):
                self._names[("attachment", row.id)] = row.filename

    def name_of(self, kind: str, ident: Any) -> str:
        if kind == "status":
            status = self.schema.status(ident)
            return str(status.name) if status else str(ident)
        key = (kind, ident)
        if key not in self._names:
            self._load({"person": {ident} if kind in ("person", "agent") else set(),
                        "company": {ident} if kind == "company" else set(),
                        "attachment": {ident} if kind == "attachment" else set()})
        return self._names.get(key, f"#{ident}")


def display_context(names: Names, language: str | None = None,
                    decimal_separator: str = ".") -> DisplayContext:
    return DisplayContext(language=language or current_language(), timezone=owner_zone(),
                          name_of=names.name_of, decimal_separator=decimal_separator)

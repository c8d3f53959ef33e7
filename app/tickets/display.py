"""Printing values: names of the people, companies and files that values refer to,
looked up in bulk so that a page of tickets costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from app.accounts.directory import directory
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
        referring = [(f.key, wanted["person" if kind == "agent" else kind])
                     for f in self.schema.fields
                     if (kind := _KIND_OF_TYPE.get(f.type_name)) is not None]
        for ticket_values in values:
            for key, ids in referring:
                value = ticket_values.get(key)
                if value is None or value == []:
                    continue
                if isinstance(value, list):
                    ids.update(value)
                else:
                    ids.add(value)
        self._load(wanted)
        return self

    def _load(self, wanted: dict[str, set[int]]) -> None:
        names = directory()
        for kind in ("person", "company"):
            if wanted[kind]:
                found = names.names(kind, wanted[kind])
                for ident in wanted[kind]:
                    if ident in found:
                        self._names[(kind, ident)] = found[ident]
                        if kind == "person":
                            self._names[("agent", ident)] = found[ident]
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

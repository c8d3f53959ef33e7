"""Printing values: names of the people, companies and files that values refer to,
looked up in bulk so that a page of tickets costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from app.accounts.directory import Directory, directory
from app.accounts.profile import owner_zone
from app.extensions import db
from app.fields.schema import Schema, current_language
from app.fields.types.base import DisplayContext
from app.tickets.models import Attachment

#: Field types whose values are ids, and the kind of name each id has (agents are people).
_KIND_OF_TYPE = {"person": "person", "agent": "person", "company": "company",
                 "attachment": "attachment"}


class Names:
    """Names by (kind, id), loaded for a batch of values at once: people and companies
    from the process's directory (app/accounts/directory.py), file names per page."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._files: dict[int, str] = {}
        self._directory: Directory | None = None

    def _people_and_companies(self) -> Directory:
        """The directory, asked once: a Names lives for one page, in one transaction."""
        if self._directory is None:
            self._directory = directory()
        return self._directory

    def prefetch(self, values: Iterable[Mapping[str, Any]]) -> Names:
        wanted: dict[str, set[int]] = {"person": set(), "company": set(), "attachment": set()}
        referring = [(f.key, wanted[_KIND_OF_TYPE[f.type_name]])
                     for f in self.schema.fields if f.type_name in _KIND_OF_TYPE]
        for ticket_values in values:
            for key, ids in referring:
                value = ticket_values.get(key)
                if value is None or value == []:
                    continue
                if isinstance(value, list):
                    ids.update(value)
                else:
                    ids.add(value)
        names = self._people_and_companies()
        names.names("person", wanted["person"])
        names.names("company", wanted["company"])
        self._load_files(wanted["attachment"])
        return self

    def _load_files(self, ids: set[int]) -> None:
        missing = ids - self._files.keys()
        if missing:
            self._files.update((row.id, row.filename) for row in db.session.execute(
                select(Attachment.id, Attachment.filename).where(Attachment.id.in_(missing))))

    def name_of(self, kind: str, ident: Any) -> str:
        if kind == "status":
            status = self.schema.status(ident)
            return str(status.name) if status else str(ident)
        if kind == "attachment":
            self._load_files({ident})
            return self._files.get(ident, f"#{ident}")
        found = self._people_and_companies().names(_KIND_OF_TYPE[kind], (ident,))
        return found.get(ident, f"#{ident}")


def display_context(names: Names, language: str | None = None,
                    decimal_separator: str = ".") -> DisplayContext:
    return DisplayContext(language=language or current_language(), timezone=owner_zone(),
                          name_of=names.name_of, decimal_separator=decimal_separator)

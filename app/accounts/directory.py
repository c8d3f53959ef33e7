"""Names of companies and people, and the owner's profile, kept by each process for
the pages that print them.

The queue prints a select of every customer company, the staff, and the names on
25 tickets; these change rarely and would cost several queries per page. Each
process keeps them with the *directory revision* it read them at. A transaction
that changes a company's name, a person's name, role, state or company, or the
owner's profile gives the ``directory_state`` row a new revision as it commits (ORM
session hooks below), so every process sees the change on its next page, like the
schema's revision.

The revision is read before any name, and names read later under it are at least
as new, so a cache never holds names older than its revision. A transaction that
has changed names uses a directory of its own, never kept: what it reads may be
rolled back. Its revision is one nobody shares, so whatever a page keeps under the
revision (view parts, printed cells) is never served again. The revision is renewed
last, just before the commit, so the row's lock is held for an instant and never taken
before another lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from app.accounts.models import Company, DirectoryState, OwnerProfile, Role, User
from app.database import transaction_memo
from app.extensions import db

#: Attributes whose change gives the directory a new revision.
TRACKED = {Company: ("name",), User: ("name", "surname", "role", "active", "company_id"),
           OwnerProfile: tuple(OwnerProfile.__table__.columns.keys())}
_REVISION_SQL = "SELECT revision FROM directory_state WHERE id = 1"
#: Transaction memo keys (app.database.transaction_memo): the revision read, and
#: whether the transaction has changed names.
_SEEN, _TOUCHED = "directory_revision", "directory_touched"


class StaffMember(NamedTuple):
    id: int
    name: str
    active: bool


class Directory:
    """The names of one revision, loaded as pages ask for them."""

    def __init__(self, revision: str) -> None:
        self.revision = revision
        self._companies: list[tuple[int, str]] | None = None
        self._staff: list[StaffMember] | None = None
        self._names: dict[str, dict[int, str]] = {"person": {}, "company": {}}
        self._derived: dict[str, Any] = {}

    def companies(self) -> list[tuple[int, str]]:
        """Every company as (id, name), by name."""
        if self._companies is None:
            rows = db.session.execute(select(Company.id, Company.name).order_by(Company.name))
            self._companies = [(row.id, row.name) for row in rows]
            self._names["company"].update(self._companies)
        return self._companies

    def staff(self) -> list[StaffMember]:
        """The owner and the agents, active ones first, by surname and name."""
        if self._staff is None:
            rows = db.session.execute(
                select(User.id, User.name, User.surname, User.active)
                .where(User.role.in_([Role.OWNER.value, Role.AGENT.value]))
                .order_by(User.active.desc(), User.surname, User.name))
            self._staff = [StaffMember(row.id, f"{row.name} {row.surname}".strip(), row.active)
                           for row in rows]
        return self._staff

    def names(self, kind: str, ids: Iterable[int]) -> dict[int, str]:
        """Names of the people (``person``) or companies (``company``) with ``ids``;
        those not known yet are read in one query."""
        known = self._names[kind]
        missing = {ident for ident in ids if ident not in known}
        if missing:
            if kind == "person":
                statement = select(User.id, User.name, User.surname).where(User.id.in_(missing))
                known.update((row.id, f"{row.name} {row.surname}".strip())
                             for row in db.session.execute(statement))
            else:
                statement = select(Company.id, Company.name).where(Company.id.in_(missing))
                known.update((row.id, row.name) for row in db.session.execute(statement))
        return known

    def derive(self, key: str, build: Callable[[], Any]) -> Any:
        """A value computed once per revision (e.g. a select's HTML, the profile)."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]


class DirectoryCache:
    """The directory of the revision the database holds, one per application."""

    def __init__(self) -> None:
        self._directory: Directory | None = None

    def get(self) -> Directory:
        session = db.session()
        memo = transaction_memo(session)
        if memo.get(_TOUCHED):
            # A revision nobody else has: what is kept under it is never found again.
            return Directory(f"uncommitted-{uuid.uuid4()}")
        if _SEEN not in memo:
            memo[_SEEN] = session.connection().exec_driver_sql(_REVISION_SQL).scalar_one()
        directory = self._directory
        if directory is None or directory.revision != memo[_SEEN]:
            directory = self._directory = Directory(memo[_SEEN])
        return directory


def directory() -> Directory:
    """Names as the database holds them now (one small query per transaction)."""
    return current_app.extensions["sportello.directory"].get()


def _touches_directory(session: Session) -> bool:
    for instance in (*session.new, *session.deleted):
        if isinstance(instance, tuple(TRACKED)):
            return True
    for instance in session.dirty:
        tracked = TRACKED.get(type(instance))
        if tracked and any(inspect(instance).attrs[name].history.has_changes()
                           for name in tracked):
            return True
    return False


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    memo = transaction_memo(session)
    if not memo.get(_TOUCHED) and _touches_directory(session):
        memo[_TOUCHED] = True


@event.listens_for(Session, "before_commit")
def _new_revision(session: Session) -> None:
    session.flush()  # SQLAlchemy flushes what is pending only after this hook
    if transaction_memo(session).pop(_TOUCHED, False):
        session.execute(update(DirectoryState.__table__).where(DirectoryState.id == 1)
                        .values(revision=str(uuid.uuid4())))

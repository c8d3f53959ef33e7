"""Id sets the value checks need, each loaded at most once per write."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import select

from app.accounts.models import Company, Role, User
from app.extensions import db
from app.fields.types.base import MAX_ID


def as_id(value: object) -> int | None:
    """``value`` if it can be a row id, else None (an unvalidated value never reaches SQL)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    return None


class DatabaseLookups:
    def __init__(self, company_id: object) -> None:
        self.company_id = as_id(company_id)

    @cached_property
    def company_person_ids(self) -> frozenset[int]:
        if self.company_id is None:
            return frozenset()
        return frozenset(db.session.scalars(
            select(User.id).where(User.company_id == self.company_id, User.active.is_(True))
        ))

    @cached_property
    def agent_ids(self) -> frozenset[int]:
        return frozenset(db.session.scalars(
            select(User.id).where(
                User.role.in_([Role.OWNER.value, Role.AGENT.value]), User.active.is_(True)
            )
        ))

    @cached_property
    def company_ids(self) -> frozenset[int]:
        return frozenset(db.session.scalars(
            select(Company.id).where(Company.ticketing_enabled.is_(True))
        ))

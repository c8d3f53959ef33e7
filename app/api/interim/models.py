"""A stand-in for onboarding's ``InviteLink`` (same columns that the API reads)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class InviteState(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"


class InterimInvite(db.Model):
    """A registration link; only the SHA-256 of its random token is stored."""

    __tablename__ = "api_interim_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(200), default="")
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    company = relationship("Company")

    def state(self, now: datetime | None = None) -> InviteState:
        now = now or utcnow()
        if self.revoked_at is not None:
            return InviteState.REVOKED
        if self.uses >= self.max_uses:
            return InviteState.USED_UP
        if self.expires_at <= now:
            return InviteState.EXPIRED
        return InviteState.ACTIVE

"""Invite links and the registrations made through them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Company, User
from app.extensions import db
from app.timeutil import utcnow


class InviteState(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"


class InviteLink(db.Model):
    """A registration link. Only the SHA-256 of its random token is stored.

    Without a company, the first person who registers creates one (and
    manages it); the link then belongs to that company for its other uses.
    """

    __tablename__ = "invite_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: A reminder for staff: whom the link was made for.
    note: Mapped[str] = mapped_column(String(200), default="")
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    company: Mapped[Company | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    registrations: Mapped[list[InviteRegistration]] = relationship(
        back_populates="invite", order_by="InviteRegistration.created_at"
    )

    def state(self, now: datetime | None = None) -> InviteState:
        now = now or utcnow()
        if self.revoked_at is not None:
            return InviteState.REVOKED
        if self.uses >= self.max_uses:
            return InviteState.USED_UP
        if self.expires_at <= now:
            return InviteState.EXPIRED
        return InviteState.ACTIVE


class InviteRegistration(db.Model):
    """A person who registered through an invite link (the link's list of uses)."""

    __tablename__ = "invite_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    invite_id: Mapped[int] = mapped_column(ForeignKey("invite_link.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    invite: Mapped[InviteLink] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()

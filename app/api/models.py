"""Personal access tokens of the JSON API."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class Scope(enum.StrEnum):
    READ = "read"
    READ_WRITE = "read-write"


class ApiToken(db.Model):
    """A token a user made to call the API as themselves.

    Only the SHA-256 of the token is stored: the token itself is shown once,
    when it is made. The rate limit's fixed window lives on the row, so every
    worker and host counts the same requests.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Hex SHA-256 of the whole token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token's first characters, to recognise it in a list ("spt_Ab3xY9").
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16), default=Scope.READ.value)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Start of the current rate-limit window, and requests counted in it.
    window_start: Mapped[datetime | None] = mapped_column(DateTime)
    window_count: Mapped[int] = mapped_column(Integer, default=0)

    user = relationship("User")

    @property
    def may_write(self) -> bool:
        return self.scope == Scope.READ_WRITE

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} {self.scope}>"

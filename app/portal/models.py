"""Revocations of signed ticket links.

Signed links are not stored when they are made (an e-mail builds one per
recipient); a link carries the time it was signed, and a revocation kills every
link of its scope signed before it: one ticket, one person, both, or all links.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class LinkRevocation(db.Model):
    """Links signed up to ``revoked_at`` for this ticket and/or person stop working."""

    __tablename__ = "portal_link_revocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: links of every ticket (of the person, or of everyone).
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="CASCADE"), index=True
    )
    #: None: links of every person (of the ticket, or of every ticket).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    revoked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    ticket = relationship("Ticket")
    user = relationship("User", foreign_keys=[user_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

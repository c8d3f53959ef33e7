"""The plugin's table; its migration is in migrations/ (branch "sportello_hello")."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Greeting(db.Model):
    """One greeted ticket (a ticket is greeted once, however often the event comes)."""

    __tablename__ = "hello_greeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(unique=True)
    ticket_number: Mapped[str] = mapped_column(String(32))
    greeted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]

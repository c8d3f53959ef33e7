"""Tables of the desk: saved views, routing rules, owner settings, the count cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class SavedView(db.Model):
    """A queue view an agent named: the query string of the queue page."""

    __tablename__ = "desk_saved_view"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_desk_saved_view_user_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    #: The canonical query string of the queue page, without the page cursor.
    query: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RoutingRule(db.Model):
    """On creation, the first active rule whose conditions all hold sets the assignee."""

    __tablename__ = "desk_routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(100))
    #: [{"field": key, "values": [JSON values]}]: the field holds one of the values.
    #: No condition at all matches every ticket (a catch-all at the end of the list).
    conditions: Mapped[list] = mapped_column(JSON, default=list)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    assignee = relationship("User")


class DeskSetting(db.Model):
    """An owner setting of the desk, by name, its value in JSON form."""

    __tablename__ = "desk_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class StatusCountCache(db.Model):
    """Counts per status of one queue query, valid while the tickets are unchanged.

    ``stamp`` is the state of the ticket table the counts were taken at (the
    latest update and the highest id): any change of any ticket changes it.
    """

    __tablename__ = "desk_count_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(80))
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    #: How long counting took, in milliseconds: only costly counts are reused stale.
    cost_ms: Mapped[int] = mapped_column(Integer, default=0)

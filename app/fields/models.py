"""The Ticket Fields table, dropdown lists, the schema revision and its change log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class FieldList(db.Model):
    """A dropdown list, reusable by several fields."""

    __tablename__ = "field_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_it: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    items: Mapped[list[ListItem]] = relationship(
        back_populates="list", order_by="ListItem.position, ListItem.id",
        cascade="all, delete-orphan",
    )


class ListItem(db.Model):
    """An item of a list. Its key is stable: tickets store the key, not the label."""

    __tablename__ = "list_item"
    __table_args__ = (UniqueConstraint("list_id", "key", name="uq_list_item_list_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("field_list.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    label_en: Mapped[str] = mapped_column(String(200))
    label_it: Mapped[str] = mapped_column(String(200), default="")
    colour: Mapped[str] = mapped_column(String(16), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Cascading lists: keys of the parent field's items under which this item is offered.
    parent_keys: Mapped[list] = mapped_column(JSON, default=list)

    list: Mapped[FieldList] = relationship(back_populates="items")


class Field(db.Model):
    """One row of the Ticket Fields table: a built-in column or a custom field."""

    __tablename__ = "ticket_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    label_en: Mapped[str] = mapped_column(String(200))
    label_it: Mapped[str] = mapped_column(String(200), default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    help_it: Mapped[str] = mapped_column(Text, default="")
    placeholder_en: Mapped[str] = mapped_column(String(200), default="")
    placeholder_it: Mapped[str] = mapped_column(String(200), default="")
    list_id: Mapped[int | None] = mapped_column(ForeignKey("field_list.id"))
    #: The default value in its JSON form (as the API and the schema document write it).
    default: Mapped[object | None] = mapped_column(JSON)
    #: Required when written (at creation, and it cannot be emptied later).
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Type constraints: min_length, max_length, min_value, max_value, decimal_places,
    #: regex, regex_message_en/_it, allowed_extensions, max_size_mb.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    #: hidden (staff only), read or write.
    customer_visibility: Mapped[str] = mapped_column(String(8), default="write")
    customer_edit_create: Mapped[bool] = mapped_column(Boolean, default=True)
    customer_edit_open: Mapped[bool] = mapped_column(Boolean, default=False)
    customer_edit_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Staff cannot close a ticket while this field is empty.
    required_to_close: Mapped[bool] = mapped_column(Boolean, default=False)
    show_in_customer_list: Mapped[bool] = mapped_column(Boolean, default=False)
    filterable: Mapped[bool] = mapped_column(Boolean, default=True)
    #: {"field": "<key>", "values": [...]}: shown only when that field holds one of the values.
    condition: Mapped[dict | None] = mapped_column(JSON)
    #: Key of the dropdown field whose value filters this dropdown's items.
    cascade_from: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    list: Mapped[FieldList | None] = relationship()


class SchemaState(db.Model):
    """One row: the current schema revision. Caches in every process compare against it."""

    __tablename__ = "schema_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A fresh random token at every change; never reused, even after a rollback.
    revision: Mapped[str] = mapped_column(String(36))
    #: A counter for people: "schema version 14".
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SchemaChange(db.Model):
    """Who changed the schema, when, and the document before and after."""

    __tablename__ = "schema_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

    actor = relationship("User")

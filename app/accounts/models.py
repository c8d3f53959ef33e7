"""Users (owner, agents, customer persons), customer companies, the owner's profile."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.timeutil import utcnow


class Role(enum.StrEnum):
    OWNER = "owner"
    AGENT = "agent"
    CUSTOMER = "customer"


class Company(db.Model):
    """A customer company of the owner; its persons are users with role customer."""

    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    vat_number: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    ticketing_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    hourly_rate: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    persons: Mapped[list[User]] = relationship(
        back_populates="company", order_by="User.surname, User.name"
    )

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    """Anyone who logs in. Customers belong to a company; staff do not."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased: e-mail addresses are unique regardless of case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    mobile: Mapped[str] = mapped_column(String(40), default="")
    job_role: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    role: Mapped[str] = mapped_column(String(16), default=Role.CUSTOMER.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    #: A company manager sees all of the company's tickets, not only their own.
    is_company_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Bumped when the password changes, ending every other session of the user.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    # Joined: every request checks the company (ticketing on?) right after loading the user.
    company: Mapped[Company | None] = relationship(back_populates="persons", lazy="joined")

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        method = current_app.config["SPORTELLO_PASSWORD_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def full_name(self) -> str:
        return f"{self.name} {self.surname}".strip()

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.OWNER, Role.AGENT)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def may_use_portal(self) -> bool:
        """A customer may use the portal only while their company takes tickets."""
        return not self.is_customer or (
            self.company is not None and self.company.ticketing_enabled
        )

    @property
    def is_active(self) -> bool:  # read by Flask-Login
        return self.active and self.may_use_portal

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class DirectoryState(db.Model):
    """One row: the revision of the names pages print (companies, people). Each process
    keeps those names with the revision it read them at (app/accounts/directory.py)."""

    __tablename__ = "directory_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A fresh random token at every change; never reused, even after a rollback.
    revision: Mapped[str] = mapped_column(String(36))


class OwnerProfile(db.Model):
    """The service owner's own company: one row, shown in the portal and in e-mails."""

    __tablename__ = "owner_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    vat_number: Mapped[str] = mapped_column(String(32), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Rome")
    default_language: Mapped[str] = mapped_column(String(8), default="it")
    #: {"mon": [["08:30", "17:30"]], ...}: local office hours per weekday.
    office_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    #: ["2026-12-25", ...]: local dates when the office is closed.
    holidays: Mapped[list] = mapped_column(JSON, default=list)
    logo_path: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class LoginFailure(db.Model):
    """One failed login, counted per account and per address for lock-outs."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "email:<address>" or "ip:<address>".
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (db.Index("ix_login_failure_key_at", "key", "at"),)

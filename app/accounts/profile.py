"""The owner's profile: read it (with defaults before it is filled) and update it."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import g
from sqlalchemy import select

from app.accounts.directory import directory
from app.accounts.models import OwnerProfile
from app.database import atomic
from app.extensions import db

PROFILE_ID = 1


def get_profile() -> OwnerProfile:
    """The owner's profile, to read (change it with :func:`update_profile`); an
    unsaved default before set-up.

    Every page prints it, and it changes rarely: each process keeps a copy with the
    directory's revision, which a change of the profile renews (app.accounts.directory).
    """
    if "owner_profile" not in g:
        g.owner_profile = directory().derive("owner_profile", _read_profile)
    return g.owner_profile


def _read_profile() -> OwnerProfile:
    """A copy of the stored profile, attached to no session."""
    row = db.session.execute(
        select(*OwnerProfile.__table__.columns).where(OwnerProfile.id == PROFILE_ID)
    ).first()
    if row is None:
        return OwnerProfile(id=PROFILE_ID, name="", timezone="Europe/Rome",
                            default_language="it", office_hours={}, holidays=[], logo_path="")
    return OwnerProfile(**row._mapping)


def owner_zone() -> ZoneInfo:
    """The owner's time zone: times are stored in UTC and shown in this zone."""
    try:
        return ZoneInfo(get_profile().timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def update_profile(**values) -> OwnerProfile:
    with atomic() as session:
        profile = session.get(OwnerProfile, PROFILE_ID)
        if profile is None:
            profile = OwnerProfile(id=PROFILE_ID)
            session.add(profile)
        for name, value in values.items():
            if not hasattr(OwnerProfile, name):
                raise AttributeError(f"OwnerProfile has no setting {name!r}")
            setattr(profile, name, value)
    g.pop("owner_profile", None)
    return profile

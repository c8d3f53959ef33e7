"""Money columns hold exact decimals on both engines, never floats."""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from app.extensions import db
from app.reports.models import BillingSettings
from tests.fixtures.databases import engine_name


def test_exact_decimals_round_trip(app_ctx):
    value = Decimal("12345678.1235")
    db.session.add(BillingSettings(id=1, default_hourly_rate=value,
                                   travel_hourly_rate=Decimal("0.1"),
                                   travel_km_rate=Decimal("0.2"), minimum_charge=Decimal("0.3"),
                                   vat_rate=Decimal("22")))
    db.session.flush()
    db.session.expire_all()
    settings = db.session.get(BillingSettings, 1)
    assert settings.default_hourly_rate == value
    assert isinstance(settings.travel_hourly_rate, Decimal)
    # 0.1 + 0.2 is 0.3 exactly: no float on the way
    assert settings.travel_hourly_rate + settings.travel_km_rate == settings.minimum_charge
    stored = db.session.execute(text("SELECT travel_hourly_rate FROM billing_settings")).scalar()
    if engine_name() == "sqlite":
        assert stored == "0.1000"  # the decimal text, with the column's places
    else:
        assert stored == Decimal("0.1000")


def test_more_places_than_the_column_are_refused(app_ctx):
    db.session.add(BillingSettings(id=1, default_hourly_rate=Decimal("1.23456"),
                                   travel_hourly_rate=Decimal("0"), travel_km_rate=Decimal("0"),
                                   minimum_charge=Decimal("0"), vat_rate=Decimal("22")))
    with pytest.raises(StatementError, match="decimal places"):
        db.session.flush()
    db.session.rollback()


def test_floats_are_refused(app_ctx):
    db.session.add(BillingSettings(id=1, default_hourly_rate=0.1, travel_hourly_rate=Decimal("0"),
                                   travel_km_rate=Decimal("0"), minimum_charge=Decimal("0"),
                                   vat_rate=Decimal("22")))
    with pytest.raises(StatementError, match="Decimal"):
        db.session.flush()
    db.session.rollback()

"""Amounts, quantities, hours, dates and times as the reader's language writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
)

from app.reports.interventions import to_local
from app.reports.parsing import format_duration


def money(amount: Decimal, currency: str) -> str:
    """``1234.5`` in EUR: "€1,234.50" in English, "1.234,50 €" in Italian."""
    return format_currency(amount, currency)


def price(value: Decimal, currency: str) -> str:
    """A rate or a unit price: like :func:`money`, with up to four decimals (€0.4275)."""
    pattern = get_locale().currency_formats["standard"].pattern
    return format_currency(value, currency, format=pattern.replace("0.00", "0.00##"),
                           currency_digits=False)


def plain(value: Decimal, places: int = 0) -> str:
    """A decimal as plain digits with at least ``places`` decimals, no trailing zeros
    beyond them and no exponent: 2.000 → "2", 7.9900 → "7.99" with two places."""
    text = format(value.normalize(), "f")
    whole, _point, fraction = text.partition(".")
    fraction = fraction.ljust(places, "0")
    return f"{whole}.{fraction}" if fraction else whole


def number(value: Decimal) -> str:
    """A quantity or a rate without trailing zeros: 2.500 → "2.5" ("2,5")."""
    return format_decimal(value, format="#,##0.####")


def hours(minutes: int) -> str:
    return format_duration(minutes)


def day(value: date | None) -> str:
    return format_date(value, format="medium") if value else ""


def short_day(value: date | None) -> str:
    return format_date(value, format="short") if value else ""


def moment(value: datetime | None) -> str:
    """A stored UTC time, in the owner's time zone."""
    return format_datetime(to_local(value), format="medium", rebase=False) if value else ""


FILTERS = {
    "report_money": money,
    "report_price": price,
    "report_number": number,
    "report_hours": hours,
    "report_day": day,
    "report_short_day": short_day,
    "report_moment": moment,
}

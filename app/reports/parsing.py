"""Reading numbers and durations as people type them, in English or Italian.

Decimals take a point or a comma as the decimal separator ("12.50", "12,50")
and no grouping separators, so that "1.000" is never mistaken for a thousand
or for one. Durations are "h:mm" ("1:30"), or hours with a decimal part
("1,5", "0.25"); a bare whole number is hours ("2").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")
_CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d)$")


def parse_decimal(text: str) -> Decimal:
    """A non-negative decimal; ValueError when ``text`` is not one."""
    cleaned = text.strip()
    if not _DECIMAL.match(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None


def parse_duration(text: str) -> int:
    """Minutes in "h:mm" or decimal hours; ValueError when not a duration."""
    cleaned = text.strip()
    clock = _CLOCK.match(cleaned)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    hours = parse_decimal(cleaned)
    minutes = hours * 60
    if minutes != minutes.to_integral_value():
        raise ValueError(text)
    return int(minutes)


def format_duration(minutes: int) -> str:
    """Minutes as "h:mm": 90 → "1:30", 1500 → "25:00"."""
    return f"{minutes // 60}:{minutes % 60:02d}"

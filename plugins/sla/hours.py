"""Office-hours arithmetic: pure, no Flask and no database.

Moments in and out are naive UTC, as Sportello stores them. Office hours,
holidays and days are local to the owner's time zone, so an office that opens
at 08:30 opens at 07:30 UTC in winter and at 06:30 UTC in summer in
Europe/Rome, and the day the clocks change is as long as it really is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Keys of ``OwnerProfile.office_hours``, Monday first (``date.weekday()`` order).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"([01]?[0-9]|2[0-4]):([0-5][0-9])")
#: A period closing at midnight, the end of its day.
MIDNIGHT = None

Period = tuple[time, time | None]  # local opening and closing; None closes at midnight


def _clock(text: str) -> time | None:
    """``"08:30"`` as a time; ``"24:00"`` as ``MIDNIGHT``."""
    match = _CLOCK.fullmatch(str(text).strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time of day (HH:MM)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24:
        if minute:
            raise ValueError(f"{text!r} is not a time of day (HH:MM)")
        return MIDNIGHT
    return time(hour, minute)


def _periods(ranges: Iterable) -> tuple[Period, ...]:
    periods = []
    for pair in ranges or ():
        start, end = (_clock(text) for text in pair)
        if start is MIDNIGHT or (end is not MIDNIGHT and end <= start):
            raise ValueError(f"{pair!r}: the office closes before it opens")
        periods.append((start, end))
    periods.sort(key=lambda period: period[0])
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        if end is MIDNIGHT or end > start:
            raise ValueError("office hours of one day overlap")
    return tuple(periods)


@dataclass(frozen=True)
class OfficeHours:
    """When the office is open: periods per weekday (Monday first) and closed dates."""

    zone: ZoneInfo
    week: tuple[tuple[Period, ...], ...]
    holidays: frozenset[date] = frozenset()

    @classmethod
    def parse(
        cls, timezone: str, office_hours: Mapping[str, Iterable] | None,
        holidays: Iterable[str] = (),
    ) -> OfficeHours:
        """From the owner's profile, e.g. ``{"mon": [["08:30", "12:30"], ["14:00",
        "18:00"]], ...}`` and ``["2026-12-25"]``. Without any office hours the office
        is open around the clock (holidays still close it). Raises ValueError."""
        try:
            zone = ZoneInfo(timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {timezone!r}") from None
        hours = office_hours or {}
        unknown = set(hours) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"unknown weekdays {sorted(unknown)}")
        week = tuple(_periods(hours.get(day, ())) for day in WEEKDAYS)
        if not any(week):
            week = (((time(0), MIDNIGHT),),) * 7
        return cls(zone, week, frozenset(date.fromisoformat(day) for day in holidays or ()))

    def _utc(self, day: date, clock: time | None) -> datetime:
        if clock is MIDNIGHT:
            day, clock = day + timedelta(days=1), time(0)
        local = datetime.combine(day, clock, tzinfo=self.zone)
        return local.astimezone(UTC).replace(tzinfo=None)

    def open_periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open periods in UTC, in order, from the local day of ``start`` on (endless)."""
        day = start.replace(tzinfo=UTC).astimezone(self.zone).date()
        while True:
            if day not in self.holidays:
                for opening, closing in self.week[day.weekday()]:
                    begin, end = self._utc(day, opening), self._utc(day, closing)
                    if end > begin:  # empty when it falls in the hour skipped in spring
                        yield begin, end
            day += timedelta(days=1)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when ``duration`` of open time has passed since ``start``.

        The loop ends: every week has an open period and holidays are finitely many.
        """
        moment, remaining = start, duration
        periods = self.open_periods(start)
        while remaining > timedelta(0):
            begin, end = next(periods)
            begin = max(begin, start)
            if end <= begin:
                continue
            moment = begin + min(remaining, end - begin)
            remaining -= end - begin
        return moment

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Open time from ``start`` to ``end`` (zero if ``end`` is not later)."""
        total = timedelta(0)
        if end <= start:
            return total
        for begin, finish in self.open_periods(start):
            if begin >= end:
                break
            overlap = min(finish, end) - max(begin, start)
            if overlap > timedelta(0):
                total += overlap
        return total

"""Times for the SLA tests: local times in Rome, and an office open Monday to Friday."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from plugins.sla.hours import OfficeHours

ROME = ZoneInfo("Europe/Rome")
WORKDAYS = {day: [["08:30", "17:30"]] for day in ("mon", "tue", "wed", "thu", "fri")}
H = timedelta(hours=1)


def rome(*args) -> datetime:
    """A local time in Rome as the naive UTC moment Sportello stores."""
    return datetime(*args, tzinfo=ROME).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def hours(office=None, holidays=(), zone="Europe/Rome") -> OfficeHours:
    return OfficeHours.parse(zone, WORKDAYS if office is None else office, holidays)

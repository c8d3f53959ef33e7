"""Office-hours arithmetic of the SLA plugin: weekends, holidays, breaks, DST in Europe/Rome."""

from datetime import datetime, timedelta

import pytest

from plugins.sla.hours import OfficeHours
from tests.sla_times import H, hours, rome


@pytest.mark.parametrize(("start", "duration", "due"), [
    (rome(2026, 3, 2, 9, 0), 2 * H, rome(2026, 3, 2, 11, 0)),  # Monday, within the day
    (rome(2026, 3, 2, 16, 30), 2 * H, rome(2026, 3, 3, 9, 30)),  # across the evening
    (rome(2026, 3, 2, 7, 0), H, rome(2026, 3, 2, 9, 30)),  # before opening
    (rome(2026, 3, 6, 18, 0), H, rome(2026, 3, 9, 9, 30)),  # Friday evening: Monday
    (rome(2026, 3, 6, 16, 30), 4 * H, rome(2026, 3, 9, 11, 30)),  # across the weekend
    (rome(2026, 3, 7, 11, 0), H, rome(2026, 3, 9, 9, 30)),  # opened on a Saturday
    (rome(2026, 3, 2, 9, 0), 27 * H, rome(2026, 3, 5, 9, 0)),  # three days of nine hours
    (rome(2026, 3, 2, 16, 30), H, rome(2026, 3, 2, 17, 30)),  # due exactly at closing
])
def test_adding_office_time(start, duration, due):
    assert hours().add(start, duration) == due
    assert hours().between(start, due) == duration


def test_holidays_are_skipped():
    easter_monday = hours(holidays=["2026-04-06"])
    friday = rome(2026, 4, 3, 16, 30)
    assert easter_monday.add(friday, 4 * H) == rome(2026, 4, 7, 11, 30)
    assert hours().add(friday, 4 * H) == rome(2026, 4, 6, 11, 30)
    assert easter_monday.between(friday, rome(2026, 4, 7, 11, 30)) == 4 * H


def test_spring_forward_moves_opening_hours_in_utc():
    # Friday 27 March 2026 16:30 is 15:30 UTC; the clocks go forward on Sunday 29 March,
    # so Monday's 11:30 is 09:30 UTC, not 10:30.
    friday = rome(2026, 3, 27, 16, 30)
    assert friday == datetime(2026, 3, 27, 15, 30)
    assert hours().add(friday, 4 * H) == datetime(2026, 3, 30, 9, 30)


def test_fall_back_moves_opening_hours_in_utc():
    friday = rome(2026, 10, 23, 16, 30)  # 14:30 UTC; the clocks go back on 25 October
    assert friday == datetime(2026, 10, 23, 14, 30)
    assert hours().add(friday, 4 * H) == datetime(2026, 10, 26, 10, 30)


def test_around_the_clock_counts_real_time_across_dst():
    always = hours(office={})
    saturday = rome(2026, 3, 28, 12, 0)
    assert always.add(saturday, 24 * H) == saturday + 24 * H  # 13:00 local on Sunday
    sunday, monday = rome(2026, 3, 29, 0, 0), rome(2026, 3, 30, 0, 0)
    assert always.between(sunday, monday) == 23 * H  # the short day is short
    assert always.between(rome(2026, 10, 25, 0, 0), rome(2026, 10, 26, 0, 0)) == 25 * H


def test_around_the_clock_still_closes_on_holidays():
    christmas = hours(office={}, holidays=["2026-12-25"])
    eve = rome(2026, 12, 24, 22, 0)
    assert christmas.add(eve, 3 * H) == rome(2026, 12, 26, 1, 0)


def test_a_lunch_break_is_not_counted():
    split = hours(office={"mon": [["14:00", "18:00"], ["08:30", "12:30"]]})
    assert split.add(rome(2026, 3, 2, 12, 0), H) == rome(2026, 3, 2, 14, 30)
    assert split.add(rome(2026, 3, 2, 17, 0), 2 * H) == rome(2026, 3, 9, 9, 30)


def test_a_period_until_midnight():
    late = hours(office={"fri": [["20:00", "24:00"]], "sat": [["00:00", "02:00"]]})
    assert late.add(rome(2026, 3, 6, 23, 0), 2 * H) == rome(2026, 3, 7, 1, 0)


def test_a_period_in_the_skipped_hour_is_empty_that_day():
    night = hours(office={"sun": [["02:00", "03:00"]]})
    # 29 March 2026 has no 02:00-03:00 in Rome: the next such hour is a week later.
    assert night.add(rome(2026, 3, 28, 12, 0), timedelta(minutes=30)) == rome(
        2026, 4, 5, 2, 30)


def test_zero_duration_and_empty_spans():
    start = rome(2026, 3, 7, 11, 0)  # a Saturday: closed
    assert hours().add(start, timedelta(0)) == start
    assert hours().between(start, start - H) == timedelta(0)
    assert hours().between(start, rome(2026, 3, 8, 23, 0)) == timedelta(0)


def test_between_is_the_inverse_of_add():
    office = hours(holidays=["2026-03-30"])
    starts = [rome(2026, 3, 25, 0, 0) + timedelta(minutes=97 * n) for n in range(60)]
    for start in starts:
        for minutes in (1, 59, 540, 541, 2000):
            due = office.add(start, timedelta(minutes=minutes))
            assert office.between(start, due) == timedelta(minutes=minutes), (start, minutes)


@pytest.mark.parametrize(("office", "zone", "holidays", "message"), [
    ({"mon": [["8h", "17:30"]]}, "Europe/Rome", [], "not a time of day"),
    ({"mon": [["17:30", "08:30"]]}, "Europe/Rome", [], "closes before it opens"),
    ({"mon": [["24:00", "24:00"]]}, "Europe/Rome", [], "closes before it opens"),
    ({"mon": [["08:00", "24:30"]]}, "Europe/Rome", [], "not a time of day"),
    ({"mon": [["08:00", "13:00"], ["12:00", "18:00"]]}, "Europe/Rome", [], "overlap"),
    ({"monday": [["08:00", "13:00"]]}, "Europe/Rome", [], "unknown weekdays"),
    ({}, "Europe/Atlantis", [], "unknown time zone"),
    ({}, "Europe/Rome", ["25/12/2026"], "Invalid isoformat"),
])
def test_malformed_office_hours_are_refused(office, zone, holidays, message):
    with pytest.raises(ValueError, match=message):
        OfficeHours.parse(zone, office, holidays)

"""The SLA clocks of one ticket as events move it: pauses, first response, closing, re-opening."""

from plugins.sla.clock import Targets, Tracker
from tests.sla_times import H, hours, rome

OFFICE = hours()
TARGETS = Targets(first_response=2 * H, resolution=8 * H)
MONDAY_9 = rome(2026, 3, 2, 9, 0)


def opened(category="new", at=MONDAY_9) -> Tracker:
    return Tracker.opened(at, "high", category)


def test_a_new_ticket_runs_both_clocks_from_its_opening():
    tracker = opened()
    assert tracker.running and tracker.awaiting_response
    assert tracker.due_times(OFFICE, TARGETS) == (rome(2026, 3, 2, 11, 0),
                                                  rome(2026, 3, 2, 17, 0))
    friday = Tracker.opened(rome(2026, 3, 6, 15, 0), "high", "new")
    assert friday.due_times(OFFICE, TARGETS) == (rome(2026, 3, 6, 17, 0),
                                                 rome(2026, 3, 9, 14, 0))


def test_no_target_no_due_time_and_no_breach():
    tracker = opened()
    assert tracker.due_times(OFFICE, Targets()) == (None, None)
    late = tracker.breaches(OFFICE, Targets(), rome(2026, 6, 1, 9, 0))
    assert not late.first_response_breached and not late.resolution_breached


def test_waiting_on_the_customer_stops_the_clocks_and_shifts_the_due_times():
    tracker = opened().status_changed(OFFICE, TARGETS, rome(2026, 3, 2, 10, 0), "new", "waiting")
    assert not tracker.running and tracker.counted == H
    assert tracker.due_times(OFFICE, TARGETS) == (None, None)
    assert tracker.elapsed(OFFICE, rome(2026, 3, 4, 12, 0)) == H  # still while waiting
    resumed = tracker.status_changed(OFFICE, TARGETS, rome(2026, 3, 3, 9, 0), "waiting", "open")
    assert resumed.running_since == rome(2026, 3, 3, 9, 0)
    # one hour was used on Monday: one left to reply, seven to resolve
    assert resumed.due_times(OFFICE, TARGETS) == (rome(2026, 3, 3, 10, 0),
                                                  rome(2026, 3, 3, 16, 0))


def test_a_ticket_opened_waiting_starts_paused():
    tracker = opened("waiting")
    assert not tracker.running and tracker.due_times(OFFICE, TARGETS) == (None, None)


def test_on_hold_does_not_stop_the_clocks():
    tracker = opened().status_changed(OFFICE, TARGETS, rome(2026, 3, 2, 10, 0), "new", "on_hold")
    assert tracker.running_since == MONDAY_9


def test_the_first_public_reply_ends_the_first_response_clock():
    tracker = opened().responded(OFFICE, TARGETS, rome(2026, 3, 2, 10, 30))
    assert tracker.first_response_at == rome(2026, 3, 2, 10, 30)
    assert not tracker.first_response_breached
    assert tracker.due_times(OFFICE, TARGETS)[0] is None
    assert tracker.due_times(OFFICE, TARGETS)[1] is not None  # resolution keeps running
    again = tracker.responded(OFFICE, TARGETS, rome(2026, 3, 2, 15, 0))
    assert again.first_response_at == rome(2026, 3, 2, 10, 30)  # only the first counts


def test_a_late_first_reply_is_a_breach():
    tracker = opened().responded(OFFICE, TARGETS, rome(2026, 3, 2, 11, 1))
    assert tracker.first_response_breached and not tracker.resolution_breached


def test_breaches_count_office_time_only():
    tracker = opened(at=rome(2026, 3, 6, 16, 30))  # Friday afternoon
    weekend = tracker.breaches(OFFICE, TARGETS, rome(2026, 3, 8, 23, 0))
    assert not weekend.first_response_breached  # one hour used, the rest is the weekend
    monday = tracker.breaches(OFFICE, TARGETS, rome(2026, 3, 9, 9, 31))
    assert monday.first_response_breached and not monday.resolution_breached


def test_closing_stops_the_resolution_clock_and_reopening_resumes_it():
    tracker = opened().responded(OFFICE, TARGETS, rome(2026, 3, 2, 10, 0))
    closed = tracker.status_changed(OFFICE, TARGETS, rome(2026, 3, 2, 13, 0), "open", "closed")
    assert closed.resolved_at == rome(2026, 3, 2, 13, 0) and closed.counted == 4 * H
    assert closed.due_times(OFFICE, TARGETS) == (None, None)
    reopened = closed.status_changed(OFFICE, TARGETS, rome(2026, 3, 3, 9, 0), "closed", "open")
    assert reopened.resolved_at is None
    assert reopened.due_times(OFFICE, TARGETS) == (None, rome(2026, 3, 3, 13, 0))
    done = reopened.status_changed(OFFICE, TARGETS, rome(2026, 3, 3, 14, 0), "open", "closed")
    assert done.resolution_breached and done.counted == 9 * H


def test_closing_without_a_reply_judges_the_first_response_too():
    closed = opened().status_changed(OFFICE, TARGETS, rome(2026, 3, 2, 12, 0), "new", "closed")
    assert closed.first_response_breached and not closed.resolution_breached
    assert not closed.awaiting_response


def test_reopening_into_waiting_keeps_the_clocks_still():
    closed = opened().status_changed(OFFICE, TARGETS, rome(2026, 3, 2, 10, 0), "new", "closed")
    waiting = closed.status_changed(OFFICE, TARGETS, rome(2026, 3, 3, 9, 0), "closed", "waiting")
    assert waiting.resolved_at is None and not waiting.running


def test_events_delivered_late_or_twice_change_nothing():
    paused = opened().status_changed(OFFICE, TARGETS, rome(2026, 3, 2, 10, 0), "new", "waiting")
    resumed = paused.status_changed(OFFICE, TARGETS, rome(2026, 3, 3, 9, 0), "waiting", "open")
    # the pause delivered again after the resume is older than what the tracker knows
    assert resumed.status_changed(OFFICE, TARGETS, rome(2026, 3, 2, 10, 0), "new",
                                  "waiting") == resumed
    assert resumed.priority_changed(rome(2026, 3, 2, 9, 30), "low") == resumed
    twice = resumed.status_changed(OFFICE, TARGETS, rome(2026, 3, 3, 9, 0), "waiting", "open")
    assert twice.running_since == resumed.running_since and twice.counted == resumed.counted


def test_a_new_priority_is_kept():
    tracker = opened().priority_changed(rome(2026, 3, 2, 9, 30), "low")
    assert tracker.priority == "low" and tracker.changed_at == rome(2026, 3, 2, 9, 30)

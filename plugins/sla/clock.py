"""A ticket's SLA clocks, as pure values: what each ticket event does to them.

Both clocks start when the ticket is opened and count open office time (see
:mod:`.hours`). They stop together while the ticket waits on the customer
(a status of category ``waiting``) and start again when it does not. The
first-response clock ends at the first public reply by staff; the
resolution clock when the ticket is closed, and runs again if it is
re-opened. A clock is breached when more open time passed than its target.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .hours import OfficeHours

#: Status categories during which the clocks stop.
PAUSING = frozenset({"waiting"})
CLOSED = "closed"
ZERO = timedelta(0)


@dataclass(frozen=True)
class Targets:
    """How much open time a ticket of one priority may take (None: no target)."""

    first_response: timedelta | None = None
    resolution: timedelta | None = None


@dataclass(frozen=True)
class Tracker:
    """One ticket's clocks.

    ``counted`` is the open time counted up to ``running_since``; the clocks
    run from ``running_since`` on, or stand still when it is None (waiting on
    the customer, or resolved). ``changed_at`` is the time of the latest event
    applied: an older event delivered late is ignored.
    """

    started_at: datetime
    changed_at: datetime
    priority: str | None = None
    counted: timedelta = ZERO
    running_since: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    first_response_breached: bool = False
    resolution_breached: bool = False

    @classmethod
    def opened(cls, at: datetime, priority: str | None, category: str) -> Tracker:
        running = None if category in PAUSING else at
        return cls(started_at=at, changed_at=at, priority=priority, running_since=running)

    # -- reading -------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.running_since is not None

    @property
    def awaiting_response(self) -> bool:
        return self.first_response_at is None and self.resolved_at is None

    def elapsed(self, hours: OfficeHours, at: datetime) -> timedelta:
        """Open time counted until ``at``."""
        if self.running_since is None or at <= self.running_since:
            return self.counted
        return self.counted + hours.between(self.running_since, at)

    def due(self, hours: OfficeHours, target: timedelta | None) -> datetime | None:
        """When a running clock reaches ``target`` (None: no target, or not running)."""
        if target is None or self.running_since is None:
            return None
        return hours.add(self.running_since, max(target - self.counted, ZERO))

    def due_times(
        self, hours: OfficeHours, targets: Targets
    ) -> tuple[datetime | None, datetime | None]:
        """(first response due, resolution due), each None when that clock is not running."""
        first = self.due(hours, targets.first_response) if self.awaiting_response else None
        resolution = self.due(hours, targets.resolution) if self.resolved_at is None else None
        return first, resolution

    def breaches(self, hours: OfficeHours, targets: Targets, at: datetime) -> Tracker:
        """The tracker with the breaches that happened by ``at`` marked."""
        elapsed = self.elapsed(hours, at)
        first = self.first_response_breached or (
            self.awaiting_response and targets.first_response is not None
            and elapsed > targets.first_response
        )
        resolution = self.resolution_breached or (
            self.resolved_at is None and targets.resolution is not None
            and elapsed > targets.resolution
        )
        return replace(self, first_response_breached=first, resolution_breached=resolution)

    # -- events --------------------------------------------------------------------

    def _stale(self, at: datetime) -> bool:
        return at < self.changed_at

    def _stopped(self, hours: OfficeHours, at: datetime) -> Tracker:
        if self.running_since is None:
            return self
        return replace(self, counted=self.elapsed(hours, at), running_since=None)

    def _started(self, at: datetime) -> Tracker:
        return self if self.running_since is not None else replace(self, running_since=at)

    def status_changed(
        self, hours: OfficeHours, targets: Targets, at: datetime, old: str, new: str
    ) -> Tracker:
        """The status moved from category ``old`` to ``new`` at ``at``."""
        if self._stale(at):
            return self
        tracker = replace(self.breaches(hours, targets, at), changed_at=at)
        if new == CLOSED:
            tracker = tracker._stopped(hours, at)
            return tracker if tracker.resolved_at else replace(tracker, resolved_at=at)
        if old == CLOSED:
            tracker = replace(tracker, resolved_at=None)
        if new in PAUSING:
            return tracker._stopped(hours, at)
        return tracker._started(at)

    def priority_changed(self, at: datetime, priority: str | None) -> Tracker:
        if self._stale(at):
            return self
        return replace(self, priority=priority, changed_at=at)

    def responded(self, hours: OfficeHours, targets: Targets, at: datetime) -> Tracker:
        """Staff replied publicly at ``at``; only the first reply counts."""
        if self.first_response_at is not None or self.resolved_at is not None:
            return self
        return replace(self.breaches(hours, targets, at), first_response_at=at)

"""Logging interventions on a ticket: the only writer of interventions and materials.

Each function validates everything first and raises ``InvalidInput`` with a
message per input, so nothing is half-stored. An intervention held by an
issued report is locked: changing or deleting it raises ``Locked`` naming
the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.accounts.profile import owner_zone
from app.database import atomic
from app.extensions import db
from app.reports.errors import InvalidInput, Locked, NotAllowed
from app.reports.models import Intervention, MaterialLine, Report
from app.tickets.models import Ticket

#: One intervention lasts at most a day; travel too.
MAX_MINUTES = 24 * 60
MAX_KM = Decimal("100000")
MAX_QUANTITY = Decimal("999999999")
MAX_PRICE = Decimal("99999999")
MAX_TEXT = 10_000
MAX_MATERIALS = 100


@dataclass
class MaterialInput:
    description: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    unit_price: Decimal | None = None

    def is_blank(self) -> bool:
        return (not self.description.strip() and self.quantity is None
                and not self.unit.strip() and self.unit_price is None)


@dataclass
class InterventionInput:
    """What an operator enters; times are the owner's local wall-clock times.

    Give ``start_time`` and ``end_time`` (an end before the start is on the
    next day), or ``start_time`` and ``duration``, or only ``duration``
    (minutes). ``travel_time`` is in minutes.
    """

    work_date: date | None = None
    operator_id: int | None = None
    start_time: time | None = None
    end_time: time | None = None
    duration: int | None = None
    on_site: bool = False
    travel_time: int | None = None
    travel_km: Decimal | None = None
    description: str = ""
    internal_note: str = ""
    billable: bool = True
    materials: list[MaterialInput] = field(default_factory=list)


@dataclass(frozen=True)
class _Clean:
    """Validated values, ready to store."""

    values: dict[str, Any]
    materials: list[MaterialInput]


def to_utc(day: date, at: time) -> datetime:
    """A local wall-clock time of the owner's zone as a naive UTC datetime."""
    local = datetime.combine(day, at).replace(tzinfo=owner_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """A stored naive UTC datetime in the owner's zone (naive)."""
    return moment.replace(tzinfo=UTC).astimezone(owner_zone()).replace(tzinfo=None)


def local_today() -> date:
    """Today in the owner's time zone."""
    return datetime.now(UTC).astimezone(owner_zone()).date()


def _places(value: Decimal, places: int) -> bool:
    return value == value.quantize(Decimal(1).scaleb(-places))


def _check_times(data: InterventionInput, errors: dict[str, str]) -> dict[str, Any]:
    """Work out start, end (UTC) and minutes from the times or the duration."""
    start, end, duration = data.start_time, data.end_time, data.duration
    if end is not None and start is None:
        errors["start_time"] = _("Give the start time too.")
        return {}
    if end is not None and duration is not None:
        errors["duration"] = _("Give an end time or a duration, not both.")
        return {}
    if start is None and duration is None:
        errors["duration"] = _("Give the start and end times, or the duration.")
        return {}
    if duration is not None and not 0 < duration <= MAX_MINUTES:
        errors["duration"] = _("The duration must be more than 0 and at most 24 hours.")
        return {}
    if start is not None and end is None and duration is None:
        errors["end_time"] = _("Give the end time, or the duration.")
        return {}
    if data.work_date is None:
        return {}
    if start is None:
        return {"start_at": None, "end_at": None, "minutes": duration}
    start_at = to_utc(data.work_date, start)
    if end is None:
        end_at = start_at + timedelta(minutes=duration)
    else:
        if end == start:
            errors["end_time"] = _("The end time must differ from the start time.")
            return {}
        next_day = data.work_date + timedelta(days=1) if end < start else data.work_date
        end_at = to_utc(next_day, end)  # work across midnight ends the next day
    minutes = int((end_at - start_at).total_seconds() // 60)
    if not 0 < minutes <= MAX_MINUTES:
        errors["end_time"] = _("The intervention must last more than 0 and at most 24 hours.")
        return {}
    return {"start_at": start_at, "end_at": end_at, "minutes": minutes}


def _check_travel(data: InterventionInput, errors: dict[str, str]) -> dict[str, Any]:
    travel_time = data.travel_time or 0
    km = data.travel_km if data.travel_km is not None else Decimal(0)
    if not data.on_site:
        if travel_time:
            errors["travel_time"] = _("Travel applies only to on-site interventions.")
        if km:
            errors["travel_km"] = _("Travel applies only to on-site interventions.")
        return {"travel_minutes": 0, "travel_km": Decimal(0)}
    if not 0 <= travel_time <= MAX_MINUTES:
        errors["travel_time"] = _("Travel time must be from 0 to 24 hours.")
    if km < 0 or km > MAX_KM:
        errors["travel_km"] = _("Enter from 0 to %(max)s kilometres.", max=MAX_KM)
    elif not _places(km, 3):
        errors["travel_km"] = _("Use at most %(n)s decimal places.", n=3)
    return {"travel_minutes": travel_time, "travel_km": km}


def _check_materials(lines: list[MaterialInput], errors: dict[str, str]) -> list[MaterialInput]:
    kept = []
    for n, line in enumerate(lines):
        if line.is_blank():
            continue
        key = f"materials-{n}-"
        if not line.description.strip():
            errors[key + "description"] = _("Describe the material.")
        elif len(line.description.strip()) > 300:
            errors[key + "description"] = _("Use at most %(n)s characters.", n=300)
        if line.quantity is None:
            errors[key + "quantity"] = _("Give the quantity.")
        elif not 0 < line.quantity <= MAX_QUANTITY:
            errors[key + "quantity"] = _("The quantity must be more than 0.")
        elif not _places(line.quantity, 3):
            errors[key + "quantity"] = _("Use at most %(n)s decimal places.", n=3)
        if len(line.unit.strip()) > 20:
            errors[key + "unit"] = _("Use at most %(n)s characters.", n=20)
        if line.unit_price is None:
            errors[key + "unit_price"] = _("Give the unit price (0 if free).")
        elif not 0 <= line.unit_price <= MAX_PRICE:
            errors[key + "unit_price"] = _("Enter from 0 to %(max)s.", max=MAX_PRICE)
        elif not _places(line.unit_price, 4):
            errors[key + "unit_price"] = _("Use at most %(n)s decimal places.", n=4)
        kept.append(line)
    if len(kept) > MAX_MATERIALS:
        errors["materials"] = _("At most %(n)s material lines.", n=MAX_MATERIALS)
    return kept


def check_intervention(data: InterventionInput) -> _Clean:
    """Validate ``data``: the clean values, or ``InvalidInput`` with a message per input."""
    errors: dict[str, str] = {}
    if data.work_date is None:
        errors["work_date"] = _("Give the date of the intervention.")
    operator = db.session.get(User, data.operator_id) if data.operator_id else None
    if operator is None or not operator.is_staff or not operator.active:
        errors["operator_id"] = _("Choose an operator of the support team.")
    values = _check_times(data, errors)
    values |= _check_travel(data, errors)
    description = data.description.strip()
    if not description:
        errors["description"] = _("Describe the work for the customer.")
    elif len(description) > MAX_TEXT:
        errors["description"] = _("Use at most %(n)s characters.", n=MAX_TEXT)
    note = data.internal_note.strip()
    if len(note) > MAX_TEXT:
        errors["internal_note"] = _("Use at most %(n)s characters.", n=MAX_TEXT)
    materials = _check_materials(data.materials, errors)
    if errors:
        raise InvalidInput(_("The intervention was not saved: check the highlighted fields."),
                           errors)
    values |= {"work_date": data.work_date, "operator_id": data.operator_id,
               "on_site": data.on_site, "description": description, "internal_note": note,
               "billable": data.billable}
    return _Clean(values, materials)


def _require_staff(actor) -> None:
    if not actor.is_staff:
        raise NotAllowed(_("Only the support team logs interventions."))


def _store(intervention: Intervention, clean: _Clean) -> None:
    for name, value in clean.values.items():
        setattr(intervention, name, value)
    intervention.materials = [
        MaterialLine(position=n, description=line.description.strip(), quantity=line.quantity,
                     unit=line.unit.strip(), unit_price=line.unit_price)
        for n, line in enumerate(clean.materials)
    ]


def log_intervention(actor, ticket: Ticket, data: InterventionInput) -> Intervention:
    """Record an intervention on ``ticket`` (which the caller read as ``actor``)."""
    _require_staff(actor)
    clean = check_intervention(data)
    with atomic() as session:
        intervention = Intervention(ticket_id=ticket.id, created_by_id=actor.id)
        _store(intervention, clean)
        session.add(intervention)
    return intervention


def locked_message(report: Report) -> str:
    return _("This intervention is in report %(number)s: cancel the report to change it.",
             number=report.number)


def _lock(session, ticket: Ticket, intervention_id: int) -> Intervention:
    intervention = session.scalar(
        select(Intervention)
        .where(Intervention.id == intervention_id, Intervention.ticket_id == ticket.id)
        .with_for_update()
    )
    if intervention is None:
        raise InvalidInput(_("This intervention does not exist."))
    if intervention.report_id is not None:
        raise Locked(locked_message(session.get(Report, intervention.report_id)))
    return intervention


def update_intervention(actor, ticket: Ticket, intervention_id: int,
                        data: InterventionInput) -> Intervention:
    """Change an intervention of ``ticket``; refused while an issued report holds it."""
    _require_staff(actor)
    clean = check_intervention(data)
    with atomic() as session:
        intervention = _lock(session, ticket, intervention_id)
        _store(intervention, clean)
    return intervention


def delete_intervention(actor, ticket: Ticket, intervention_id: int) -> None:
    """Delete an intervention of ``ticket``; refused while an issued report holds it."""
    _require_staff(actor)
    with atomic() as session:
        session.delete(_lock(session, ticket, intervention_id))


def interventions_of(ticket: Ticket) -> list[Intervention]:
    """The ticket's interventions, oldest first, with materials, operator and report."""
    return list(db.session.scalars(
        select(Intervention)
        .where(Intervention.ticket_id == ticket.id)
        .options(selectinload(Intervention.materials), selectinload(Intervention.operator),
                 selectinload(Intervention.report))
        .order_by(Intervention.work_date, Intervention.start_at, Intervention.id)
    ))


def get_intervention(ticket: Ticket, intervention_id: int) -> Intervention | None:
    return db.session.scalar(
        select(Intervention)
        .where(Intervention.id == intervention_id, Intervention.ticket_id == ticket.id)
        .options(selectinload(Intervention.materials))
    )


def as_input(intervention: Intervention) -> InterventionInput:
    """An intervention as the form shows it: times back in the owner's zone."""
    start = to_local(intervention.start_at).time() if intervention.start_at else None
    end = to_local(intervention.end_at).time() if intervention.end_at else None
    return InterventionInput(
        work_date=intervention.work_date, operator_id=intervention.operator_id,
        start_time=start, end_time=end,
        duration=None if start is not None else intervention.minutes,
        on_site=intervention.on_site, travel_time=intervention.travel_minutes,
        travel_km=intervention.travel_km, description=intervention.description,
        internal_note=intervention.internal_note, billable=intervention.billable,
        materials=[MaterialInput(m.description, m.quantity, m.unit, m.unit_price)
                   for m in intervention.materials],
    )

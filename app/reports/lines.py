"""Report lines: one intervention as a report prints it, priced, customer text only.

A line carries what the customer may read (never the internal note) and its
price. An issued report keeps its lines as JSON (``ReportItem.data``), with
decimals as strings, so what was issued prints the same for ever.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.reports.interventions import to_local
from app.reports.models import Intervention
from app.reports.pricing import Material, Price, Rates, Work, price


@dataclass(frozen=True)
class MaterialRow:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Line:
    intervention_id: int | None
    ticket_id: int
    ticket_number: str
    ticket_title: str
    work_date: date
    #: Local "HH:MM" times, when the operator gave them.
    start: str | None
    end: str | None
    #: The end is on the day after ``work_date`` (work across midnight).
    next_day: bool
    operator: str
    on_site: bool
    billable: bool
    minutes: int
    hourly_rate: Decimal
    description: str
    materials: tuple[MaterialRow, ...]
    price: Price

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        return _jsonable(data)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Line:
        priced = dict(data["price"])
        for name in ("travel_km_count", "labour", "travel_time", "travel_km", "materials_total",
                     "total"):
            priced[name] = Decimal(priced[name])
        priced["materials"] = tuple(Decimal(a) for a in priced["materials"])
        materials = tuple(
            MaterialRow(m["description"], Decimal(m["quantity"]), m["unit"],
                        Decimal(m["unit_price"]), Decimal(m["amount"]))
            for m in data["materials"]
        )
        return cls(**{**data, "work_date": date.fromisoformat(data["work_date"]),
                      "hourly_rate": Decimal(data["hourly_rate"]), "materials": materials,
                      "price": Price(**priced)})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def _clock(moment) -> str | None:
    return to_local(moment).strftime("%H:%M") if moment is not None else None


def line_for(intervention: Intervention, rates: Rates, ticket_number: str, ticket_title: str,
             operator_name: str) -> Line:
    """Price ``intervention`` with ``rates`` and keep only what the customer may read."""
    work = Work(
        minutes=intervention.minutes, on_site=intervention.on_site,
        billable=intervention.billable, travel_minutes=intervention.travel_minutes,
        travel_km=intervention.travel_km,
        materials=[Material(m.quantity, m.unit_price) for m in intervention.materials],
    )
    priced = price(work, rates)
    end_day = to_local(intervention.end_at).date() if intervention.end_at else None
    return Line(
        intervention_id=intervention.id,
        ticket_id=intervention.ticket_id,
        ticket_number=ticket_number,
        ticket_title=ticket_title,
        work_date=intervention.work_date,
        start=_clock(intervention.start_at),
        end=_clock(intervention.end_at),
        next_day=end_day is not None and end_day > intervention.work_date,
        operator=operator_name,
        on_site=intervention.on_site,
        billable=intervention.billable,
        minutes=intervention.minutes,
        hourly_rate=rates.hourly if intervention.billable else Decimal(0),
        description=intervention.description,
        materials=tuple(
            MaterialRow(m.description, m.quantity, m.unit, m.unit_price, amount)
            for m, amount in zip(intervention.materials, priced.materials, strict=True)
        ),
        price=priced,
    )

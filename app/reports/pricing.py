"""The arithmetic of billing: pure functions on Decimals, no database, no floats.

Rules (the README's "Intervention reports" section says the same):

- Worked time is rounded *up* to the billing increment (15 minutes: 61 → 75);
  an increment of 0 or 1 bills the exact minutes.
- Labour = hourly rate × billed minutes / 60. The rate is the operator's own,
  else the company's, else the default.
- A billable on-site intervention costs at least the minimum call-out charge
  (labour is raised to it); travel is charged on top.
- Travel = travel hourly rate × travel minutes / 60 (exact minutes, not
  rounded to the increment) + kilometres × rate per kilometre.
- A material line = quantity × unit price.
- Every amount above is rounded half-up to the cent on its own; the report's
  net total is the sum of the rounded amounts, VAT = net × rate / 100 rounded
  half-up to the cent, gross = net + VAT. A non-billable intervention is
  listed with its time and costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_SIXTY = Decimal(60)
_HUNDRED = Decimal(100)


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent: 0.125 → 0.13, 0.124 → 0.12, -0.125 → -0.13."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def billed_minutes(minutes: int, increment: int) -> int:
    """``minutes`` rounded up to a multiple of ``increment`` (0 or 1: unchanged)."""
    if minutes < 0:
        raise ValueError("minutes cannot be negative")
    if increment <= 1:
        return minutes
    return -(-minutes // increment) * increment


def time_amount(rate_per_hour: Decimal, minutes: int) -> Decimal:
    return to_cents(rate_per_hour * minutes / _SIXTY)


@dataclass(frozen=True)
class Rates:
    """The rates that apply to one intervention."""

    hourly: Decimal
    travel_hourly: Decimal
    per_km: Decimal
    increment_minutes: int
    minimum_charge: Decimal


@dataclass(frozen=True)
class Material:
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class Work:
    """What was done, as far as pricing is concerned."""

    minutes: int
    on_site: bool
    billable: bool
    travel_minutes: int = 0
    travel_km: Decimal = Decimal(0)
    materials: Sequence[Material] = ()


@dataclass(frozen=True)
class Price:
    billed_minutes: int
    #: Travel charged (0 unless on site).
    travel_minutes: int
    travel_km_count: Decimal
    labour: Decimal
    minimum_applied: bool
    travel_time: Decimal
    travel_km: Decimal
    materials: tuple[Decimal, ...]
    materials_total: Decimal
    total: Decimal


def price(work: Work, rates: Rates) -> Price:
    """Price one intervention; every amount is already rounded to the cent."""
    billed = billed_minutes(work.minutes, rates.increment_minutes)
    travel_minutes = work.travel_minutes if work.on_site else 0
    km = work.travel_km if work.on_site else Decimal(0)
    if not work.billable:
        return Price(billed, travel_minutes, km, ZERO, False, ZERO, ZERO,
                     tuple(ZERO for _ in work.materials), ZERO, ZERO)
    labour = time_amount(rates.hourly, billed)
    minimum = to_cents(rates.minimum_charge)
    minimum_applied = work.on_site and labour < minimum
    if minimum_applied:
        labour = minimum
    travel_time = time_amount(rates.travel_hourly, travel_minutes)
    travel_km = to_cents(km * rates.per_km)
    materials = tuple(to_cents(m.quantity * m.unit_price) for m in work.materials)
    materials_total = sum(materials, ZERO)
    total = labour + travel_time + travel_km + materials_total
    return Price(billed, travel_minutes, km, labour, minimum_applied, travel_time, travel_km,
                 materials, materials_total, total)


@dataclass(frozen=True)
class Totals:
    billed_minutes: int
    travel_minutes: int
    travel_km: Decimal
    labour: Decimal
    travel: Decimal
    materials: Decimal
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    gross: Decimal


def vat_of(net: Decimal, vat_rate: Decimal) -> Decimal:
    return to_cents(net * vat_rate / _HUNDRED)


def totals(prices: Iterable[Price], vat_rate: Decimal) -> Totals:
    """Add up priced interventions; VAT is computed once, on the net total."""
    billed = travel_minutes = 0
    km = Decimal(0)
    labour = travel = materials = ZERO
    for priced in prices:
        billed += priced.billed_minutes
        travel_minutes += priced.travel_minutes
        km += priced.travel_km_count
        labour += priced.labour
        travel += priced.travel_time + priced.travel_km
        materials += priced.materials_total
    net = labour + travel + materials
    vat = vat_of(net, vat_rate)
    return Totals(billed, travel_minutes, km, labour, travel, materials, net, vat_rate, vat,
                  net + vat)

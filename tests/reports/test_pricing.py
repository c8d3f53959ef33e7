"""Billing arithmetic: increments, half-up rounding, minimum charge, travel,
materials, VAT and totals, exact to the cent (pure functions, no database)."""

from decimal import Decimal

import pytest

from app.reports.parsing import format_duration, parse_decimal, parse_duration
from app.reports.pricing import (
    Material,
    Rates,
    Work,
    billed_minutes,
    price,
    to_cents,
    totals,
    vat_of,
)

D = Decimal
RATES = Rates(hourly=D("50"), travel_hourly=D("30"), per_km=D("0.5"), increment_minutes=15,
              minimum_charge=D("40"))


@pytest.mark.parametrize(("minutes", "increment", "billed"), [
    (60, 15, 60), (61, 15, 75), (74, 15, 75), (75, 15, 75), (1, 15, 15), (0, 15, 0),
    (61, 30, 90), (61, 0, 61), (61, 1, 61), (59, 60, 60),
])
def test_time_is_rounded_up_to_the_increment(minutes, increment, billed):
    assert billed_minutes(minutes, increment) == billed


@pytest.mark.parametrize(("amount", "cents"), [
    ("0.125", "0.13"), ("0.124", "0.12"), ("0.135", "0.14"), ("2.675", "2.68"),
    ("1.005", "1.01"), ("-0.125", "-0.13"), ("10", "10.00"),
])
def test_half_up_to_the_cent(amount, cents):
    assert str(to_cents(D(amount))) == cents


def test_labour_at_the_rate_for_billed_time():
    priced = price(Work(minutes=61, on_site=False, billable=True), RATES)
    assert priced.billed_minutes == 75
    assert priced.labour == D("62.50")  # 1.25 h × 50
    assert priced.total == D("62.50")
    assert not priced.minimum_applied


def test_fractional_labour_is_rounded_half_up():
    rates = Rates(D("45.50"), D("0"), D("0"), 0, D("0"))
    # 7 min × 45.50 / 60 = 5.308333… → 5.31
    assert price(Work(minutes=7, on_site=False, billable=True), rates).labour == D("5.31")
    # 3 min × 0.25 / 60 = 0.0125 → 0.01 ; 6 min × 0.25 / 60 = 0.025 → 0.03 (half up)
    cheap = Rates(D("0.25"), D("0"), D("0"), 0, D("0"))
    assert price(Work(minutes=3, on_site=False, billable=True), cheap).labour == D("0.01")
    assert price(Work(minutes=6, on_site=False, billable=True), cheap).labour == D("0.03")


def test_minimum_call_out_charge_applies_on_site_only():
    on_site = price(Work(minutes=20, on_site=True, billable=True), RATES)
    assert on_site.labour == D("40.00") and on_site.minimum_applied  # 0.5 h = 25.00 < 40
    remote = price(Work(minutes=20, on_site=False, billable=True), RATES)
    assert remote.labour == D("25.00") and not remote.minimum_applied
    long = price(Work(minutes=60, on_site=True, billable=True), RATES)
    assert long.labour == D("50.00") and not long.minimum_applied


def test_travel_time_and_kilometres_on_site():
    priced = price(Work(minutes=60, on_site=True, billable=True, travel_minutes=50,
                        travel_km=D("37.3")), RATES)
    assert priced.travel_time == D("25.00")  # 50 min × 30/h, not rounded to 15 min
    assert priced.travel_km == D("18.65")  # 37.3 × 0.5
    assert priced.total == D("50.00") + D("25.00") + D("18.65")


def test_travel_is_ignored_for_remote_work():
    priced = price(Work(minutes=60, on_site=False, billable=True, travel_minutes=50,
                        travel_km=D("10")), RATES)
    assert priced.travel_time == priced.travel_km == D("0.00")
    assert priced.travel_minutes == 0 and priced.travel_km_count == 0


def test_materials_are_quantity_times_price_rounded_per_line():
    materials = [Material(D("3"), D("0.3333")), Material(D("2.5"), D("12.10")),
                 Material(D("1"), D("0"))]
    priced = price(Work(minutes=15, on_site=False, billable=True, materials=materials), RATES)
    assert priced.materials == (D("1.00"), D("30.25"), D("0.00"))  # 0.9999 → 1.00
    assert priced.materials_total == D("31.25")
    assert priced.total == D("12.50") + D("31.25")


def test_non_billable_work_costs_nothing_but_keeps_its_time():
    priced = price(Work(minutes=61, on_site=True, billable=False, travel_minutes=30,
                        travel_km=D("10"), materials=[Material(D("1"), D("99"))]), RATES)
    assert priced.billed_minutes == 75 and priced.travel_minutes == 30
    assert priced.total == priced.labour == priced.materials_total == D("0.00")
    assert priced.materials == (D("0.00"),)


def test_vat_is_computed_once_on_the_net_total():
    # seven lines of 0.05: VAT on the total is 0.35 × 22% = 0.077 → 0.08, where VAT per
    # line would give 7 × 0.01 = 0.07
    cheap = Rates(D("0.20"), D("0"), D("0"), 0, D("0"))
    lines = [price(Work(minutes=15, on_site=False, billable=True), cheap) for _ in range(7)]
    assert all(line.total == D("0.05") for line in lines)
    result = totals(lines, D("22"))
    assert result.net == D("0.35")
    assert result.vat == D("0.08")
    assert result.gross == D("0.43")


def test_totals_exact_to_the_cent():
    works = [
        Work(minutes=61, on_site=False, billable=True),  # 62.50
        Work(minutes=20, on_site=True, billable=True, travel_minutes=45,
             travel_km=D("12.4"), materials=[Material(D("2"), D("7.99"))]),
        # 40.00 (minimum) + 22.50 + 6.20 + 15.98 = 84.68
        Work(minutes=90, on_site=False, billable=False),  # 0
    ]
    result = totals([price(w, RATES) for w in works], D("22"))
    assert result.billed_minutes == 75 + 30 + 90
    assert result.travel_minutes == 45 and result.travel_km == D("12.4")
    assert result.labour == D("102.50")
    assert result.travel == D("28.70")
    assert result.materials == D("15.98")
    assert result.net == D("147.18")
    assert result.vat == D("32.38")  # 32.3796
    assert result.gross == D("179.56")
    assert all(isinstance(v, Decimal) for v in (result.net, result.vat, result.gross))


def test_vat_of_rounds_half_up():
    assert vat_of(D("0.25"), D("22")) == D("0.06")  # 0.055
    assert vat_of(D("100"), D("0")) == D("0.00")


@pytest.mark.parametrize(("text", "value"), [
    ("12", "12"), ("12.50", "12.50"), ("12,50", "12.50"), (" 0,5 ", "0.5"),
])
def test_decimals_take_a_point_or_a_comma(text, value):
    assert parse_decimal(text) == D(value)


@pytest.mark.parametrize("text", ["", "1.000,50", "1,000.50", "-1", "abc", "1e3", "1.", ".5",
                                  "NaN", "Infinity"])
def test_ambiguous_or_bad_decimals_are_refused(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(("text", "minutes"), [
    ("1:30", 90), ("0:05", 5), ("2", 120), ("1,5", 90), ("0.25", 15), ("25:00", 1500),
])
def test_durations(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["1:60", "1:5", "abc", "0.3333", "-1"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_format_duration():
    assert format_duration(90) == "1:30" and format_duration(5) == "0:05"

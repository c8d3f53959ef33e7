"""Billing rates: the owner's settings, operators' own rates, companies' rates.

An intervention's hourly rate is its operator's own rate when set, else its
company's (``Company.hourly_rate``), else the default of the settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Company, User
from app.database import atomic
from app.extensions import db
from app.reports.errors import InvalidInput, NotAllowed
from app.reports.models import BillingSettings, OperatorRate
from app.reports.pricing import Rates

SETTINGS_ID = 1
#: What ``Company.hourly_rate`` (NUMERIC(10, 2)) holds.
COMPANY_RATE_MAX = Decimal("99999999.99")
RATE_MAX = Decimal("99999999.9999")
#: Longest billing increment accepted: a whole day.
INCREMENT_MAX = 24 * 60

SETTING_NAMES = (
    "default_hourly_rate", "travel_hourly_rate", "travel_km_rate", "increment_minutes",
    "minimum_charge", "vat_rate",
)


def get_settings() -> BillingSettings:
    """The billing settings; unsaved defaults until the owner saves them."""
    return db.session.get(BillingSettings, SETTINGS_ID) or BillingSettings(
        id=SETTINGS_ID, default_hourly_rate=Decimal("0"), travel_hourly_rate=Decimal("0"),
        travel_km_rate=Decimal("0"), increment_minutes=15, minimum_charge=Decimal("0"),
        vat_rate=Decimal("22"),
    )


def _require_owner(actor) -> None:
    if not actor.is_owner:
        raise NotAllowed(_("Only the owner may change billing rates."))


def _check_amount(errors: dict[str, str], name: str, value, places: int,
                  maximum: Decimal = RATE_MAX) -> None:
    if not isinstance(value, Decimal):
        errors[name] = _("Enter a number.")
    elif value < 0:
        errors[name] = _("Enter zero or more.")
    elif value > maximum:
        errors[name] = _("Enter at most %(max)s.", max=maximum)
    elif value != value.quantize(Decimal(1).scaleb(-places)):
        errors[name] = _("Use at most %(n)s decimal places.", n=places)


def check_settings(values: dict) -> None:
    """Validate billing settings: ``InvalidInput`` with a message per setting."""
    unknown = set(values) - set(SETTING_NAMES)
    if unknown:
        raise TypeError(f"unknown billing settings: {sorted(unknown)}")
    errors: dict[str, str] = {}
    for name in ("default_hourly_rate", "travel_hourly_rate", "travel_km_rate"):
        if name in values:
            _check_amount(errors, name, values[name], 4)
    if "minimum_charge" in values:
        _check_amount(errors, "minimum_charge", values["minimum_charge"], 2)
    if "vat_rate" in values:
        _check_amount(errors, "vat_rate", values["vat_rate"], 2, Decimal("100"))
    increment = values.get("increment_minutes", 0)
    if not isinstance(increment, int) or not 0 <= increment <= INCREMENT_MAX:
        errors["increment_minutes"] = _("Enter a whole number of minutes from 0 to %(max)s.",
                                        max=INCREMENT_MAX)
    if errors:
        raise InvalidInput(_("Check the highlighted settings."), errors)


def update_settings(actor, **values) -> BillingSettings:
    """Save the owner's billing settings (rates, increment, minimum charge, VAT)."""
    _require_owner(actor)
    check_settings(values)
    with atomic() as session:
        settings = session.get(BillingSettings, SETTINGS_ID, with_for_update=True)
        if settings is None:
            settings = get_settings()
            session.add(settings)
        for name, value in values.items():
            setattr(settings, name, value)
    return settings


def set_operator_rate(actor, user_id: int, rate: Decimal | None) -> None:
    """Give a staff member their own hourly rate, or remove it (``None``)."""
    _require_owner(actor)
    errors: dict[str, str] = {}
    if rate is not None:
        _check_amount(errors, "hourly_rate", rate, 4)
    if errors:
        raise InvalidInput(errors["hourly_rate"], errors)
    with atomic() as session:
        user = session.get(User, user_id)
        if user is None or not user.is_staff:
            raise InvalidInput(_("Only staff members have an operator rate."))
        row = session.get(OperatorRate, user_id, with_for_update=True)
        if rate is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(OperatorRate(user_id=user_id, hourly_rate=rate))
        else:
            row.hourly_rate = rate


def set_company_rate(actor, company_id: int, rate: Decimal | None) -> None:
    """Set a company's hourly rate, or clear it (``None``: the default applies)."""
    _require_owner(actor)
    errors: dict[str, str] = {}
    if rate is not None:
        _check_amount(errors, "hourly_rate", rate, 2, COMPANY_RATE_MAX)
    if errors:
        raise InvalidInput(errors["hourly_rate"], errors)
    with atomic() as session:
        company = session.get(Company, company_id, with_for_update=True)
        if company is None:
            raise InvalidInput(_("This company does not exist."))
        company.hourly_rate = rate


class RateBook:
    """Every rate needed to price interventions, read once."""

    def __init__(self, settings: BillingSettings, operator_rates: dict[int, Decimal],
                 company_rates: dict[int, Decimal]) -> None:
        self.settings = settings
        self.operator_rates = operator_rates
        self.company_rates = company_rates

    @classmethod
    def load(cls, company_ids: Iterable[int] | None = None) -> RateBook:
        operator_rates = dict(db.session.execute(
            select(OperatorRate.user_id, OperatorRate.hourly_rate)
        ).all())
        statement = select(Company.id, Company.hourly_rate).where(
            Company.hourly_rate.is_not(None)
        )
        if company_ids is not None:
            statement = statement.where(Company.id.in_(list(company_ids)))
        company_rates = {cid: Decimal(rate) for cid, rate in db.session.execute(statement)}
        return cls(get_settings(), operator_rates, company_rates)

    def hourly_rate(self, company_id: int, operator_id: int) -> Decimal:
        if operator_id in self.operator_rates:
            return self.operator_rates[operator_id]
        if company_id in self.company_rates:
            return self.company_rates[company_id]
        return self.settings.default_hourly_rate

    def rates(self, company_id: int, operator_id: int) -> Rates:
        settings = self.settings
        return Rates(
            hourly=self.hourly_rate(company_id, operator_id),
            travel_hourly=settings.travel_hourly_rate,
            per_km=settings.travel_km_rate,
            increment_minutes=settings.increment_minutes,
            minimum_charge=settings.minimum_charge,
        )

"""Forms of the reports package. They only read input (numbers, times, dates); the
services decide what is valid and their messages are shown next to the fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from app.fields.types.reference import int_or_none
from app.reports.building import ReportScope
from app.reports.errors import BillingError
from app.reports.interventions import InterventionInput, MaterialInput
from app.reports.parsing import format_duration, parse_decimal, parse_duration


class DecimalText(StringField):
    """A decimal typed with a point or a comma; ``data`` is a Decimal or None."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = parse_decimal(text)
            except ValueError:
                raise ValueError(_l("Enter a number, e.g. 12.50 or 12,50.")) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return format_decimal(self.data, format="0.####")
        return ""


class DurationText(StringField):
    """A duration as h:mm or decimal hours; ``data`` is minutes or None."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = parse_duration(text)
            except ValueError:
                raise ValueError(_l("Enter a duration as h:mm (1:30) or hours (1,5).")) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_duration(self.data) if self.data else ""


class DayField(StringField):
    """A date (YYYY-MM-DD, as date inputs send it, or DD/MM/YYYY); ``data`` is a date."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("render_kw", {}).setdefault("type", "date")
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    self.data = datetime.strptime(text, pattern).date()
                    return
                except ValueError:
                    continue
            raise ValueError(_l("Enter a date as YYYY-MM-DD."))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if isinstance(self.data, date) else ""


class ClockField(StringField):
    """A time of day, HH:MM; ``data`` is a time or None."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("render_kw", {}).setdefault("type", "time")
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            for pattern in ("%H:%M", "%H.%M", "%H:%M:%S"):
                try:
                    self.data = datetime.strptime(text, pattern).time()
                    return
                except ValueError:
                    continue
            raise ValueError(_l("Enter a time as HH:MM."))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""


class WholeNumber(StringField):
    """A whole number of zero or more; ``data`` is an int or None."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            if not text.isdigit():
                raise ValueError(_l("Enter a whole number."))
            self.data = int(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data) if self.data is not None else ""


class MaterialForm(Form):
    description = StringField(_l("Material"))
    quantity = DecimalText(_l("Quantity"))
    unit = StringField(_l("Unit"), description=_l("e.g. pcs, m, h"))
    unit_price = DecimalText(_l("Unit price"))


class InterventionForm(FlaskForm):
    work_date = DayField(_l("Date"))
    operator_id = SelectField(_l("Operator"), coerce=int_or_none, validate_choice=False)
    start_time = ClockField(_l("Start"))
    end_time = ClockField(_l("End"), description=_l("An end before the start is on the next "
                                                    "day."))
    duration = DurationText(_l("Or duration"),
                            description=_l("Instead of the end time: h:mm or hours."))
    mode = RadioField(_l("Where"), choices=[SelectChoice("remote", _l("Remote")),
                                            SelectChoice("on_site", _l("On site"))],
                      default="remote", validate_choice=False)
    travel_time = DurationText(_l("Travel time"), description=_l("On site only: h:mm."))
    travel_km = DecimalText(_l("Kilometres"), description=_l("On site only."))
    description = TextAreaField(_l("Description for the customer"),
                                description=_l("Printed on the report the customer reads."))
    internal_note = TextAreaField(_l("Internal note"),
                                  description=_l("For the support team only: never on a "
                                                 "report."))
    billable = BooleanField(_l("Billable"), default=True)
    materials = FieldList(FormField(MaterialForm), min_entries=1)
    add_line = SubmitField(_l("Add a material line"))
    save = SubmitField(_l("Save"))

    def to_input(self) -> InterventionInput:
        return InterventionInput(
            work_date=self.work_date.data, operator_id=self.operator_id.data,
            start_time=self.start_time.data, end_time=self.end_time.data,
            duration=self.duration.data, on_site=self.mode.data == "on_site",
            travel_time=self.travel_time.data, travel_km=self.travel_km.data,
            description=self.description.data or "", internal_note=self.internal_note.data or "",
            billable=bool(self.billable.data),
            materials=[
                MaterialInput(line.description.data or "", line.quantity.data,
                              line.unit.data or "", line.unit_price.data)
                for line in (entry.form for entry in self.materials)
            ],
        )

    def fill(self, data: InterventionInput) -> None:
        """Show an existing intervention."""
        self.work_date.data = data.work_date
        self.operator_id.data = data.operator_id
        self.start_time.data = data.start_time
        self.end_time.data = data.end_time
        self.duration.data = data.duration
        self.mode.data = "on_site" if data.on_site else "remote"
        self.travel_time.data = data.travel_time
        self.travel_km.data = data.travel_km or None
        self.description.data = data.description
        self.internal_note.data = data.internal_note
        self.billable.data = data.billable
        while len(self.materials):
            self.materials.pop_entry()
        for line in data.materials:
            self.materials.append_entry({"description": line.description,
                                         "quantity": line.quantity, "unit": line.unit,
                                         "unit_price": line.unit_price})
        self.materials.append_entry()


def _field_named(form, key: str):
    target = form
    for part in key.split("-"):
        if part.isdigit() and isinstance(target, FieldList):
            index = int(part)
            target = target.entries[index] if index < len(target.entries) else None
        else:
            # a FormField's own attributes (``description``...) hide its form's fields
            target = getattr(target.form if isinstance(target, FormField) else target, part,
                             None)
        if target is None:
            return None
    return None if isinstance(target, FieldList | FormField) else target


def apply_errors(form, fields: dict[str, str]) -> list[str]:
    """Put a service's messages next to the inputs they name (``materials-0-quantity``),
    except on inputs that could not even be read (they keep that message); return the
    messages that name no input, for the top of the page."""
    unplaced = []
    for key, message in fields.items():
        target = _field_named(form, key)
        if target is None:
            unplaced.append(message)
        elif not target.errors:
            target.errors = [message]
    return unplaced


def check_unreadable(form, check: Callable[[], object]) -> list[str]:
    """When some inputs could not be read, still run the service's ``check`` so that
    every other mistake is shown at once; returns messages for the top of the page."""
    try:
        check()
    except BillingError as error:
        return apply_errors(form, error.fields)
    return []


class SettingsForm(FlaskForm):
    default_hourly_rate = DecimalText(_l("Default hourly rate"),
                                      description=_l("For companies without their own rate."))
    travel_hourly_rate = DecimalText(_l("Travel, per hour"))
    travel_km_rate = DecimalText(_l("Travel, per kilometre"))
    increment_minutes = WholeNumber(_l("Billing increment (minutes)"),
                                    description=_l("Worked time is rounded up to a multiple of "
                                                   "this; 0 bills the exact minutes."))
    minimum_charge = DecimalText(_l("Minimum call-out charge"),
                                 description=_l("The least labour charge of an on-site "
                                                "intervention."))
    vat_rate = DecimalText(_l("VAT rate (%)"))
    save = SubmitField(_l("Save"))


class RateForm(FlaskForm):
    """One operator's or one company's hourly rate; empty removes it."""

    hourly_rate = DecimalText(_l("Hourly rate"))
    save = SubmitField(_l("Save"))


class ReportScopeForm(FlaskForm):
    company_id = SelectField(_l("Company"), coerce=int_or_none, validate_choice=False)
    period_start = DayField(_l("From"))
    period_end = DayField(_l("To"))
    tickets = StringField(_l("Or these tickets only"),
                          description=_l("Ticket numbers, separated by spaces or commas."))
    notes = TextAreaField(_l("Notes for the customer"))
    build = SubmitField(_l("Build the report"))

    def to_scope(self) -> ReportScope:
        return ReportScope(
            company_id=self.company_id.data, period_start=self.period_start.data,
            period_end=self.period_end.data, tickets=self.tickets.data or "",
            notes=self.notes.data or "",
        )


class IssueForm(FlaskForm):
    fingerprint = HiddenField()
    issue = SubmitField(_l("Issue the report"))


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Why is it cancelled?"))
    cancel = SubmitField(_l("Cancel the report"))


class ConfirmForm(FlaskForm):
    confirm = SubmitField(_l("Delete"))


class AcknowledgeForm(FlaskForm):
    name = StringField(_l("Your name"))
    acknowledge = SubmitField(_l("Acknowledge the report"))

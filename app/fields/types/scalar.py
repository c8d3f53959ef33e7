"""Types holding one plain value: text, numbers, dates, checkbox, e-mail, phone, URL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import Optional

from app.fields.formfields import LocalDateTimeField
from app.fields.types.base import (
    CheckContext,
    ConversionError,
    DisplayContext,
    FieldType,
    Storage,
)

#: The indexed text column holds at most this many characters.
TEXT_LIMIT = 500
LONG_TEXT_LIMIT = 20_000
#: Integers and decimals are stored as doubles: exact up to 2**53.
NUMBER_LIMIT = 2**53
MAX_DECIMAL_PLACES = 6
PHONE_PATTERN = r"^\+?[0-9 ()./-]{3,40}$"
_TEXT_OPERATORS = ("eq", "ne", "contains", "empty", "not_empty")
_RANGE_OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "empty", "not_empty")


def full_match(pattern: str) -> str:
    """The owner's pattern matched against the whole value, not a part of it."""
    return f"^(?:{pattern})$"


def _html_attributes(field, **extra) -> dict:
    attrs = {key: value for key, value in extra.items() if value not in (None, "")}
    if field.placeholder:
        attrs["placeholder"] = field.placeholder
    return attrs


class TextType(FieldType):
    name = "text"
    prints_alike = True
    label = _l("Text")
    storage = Storage.TEXT
    operators = _TEXT_OPERATORS
    settings_allowed = frozenset({"min_length", "max_length", "regex", "regex_message_en",
                                  "regex_message_it"})
    form_class = StringField
    limit = TEXT_LIMIT

    def max_length(self, field) -> int:
        return min(int(field.setting("max_length", self.limit)), self.limit)

    def form_field(self, field, **kwargs) -> UnboundField:
        attrs = _html_attributes(field, maxlength=self.max_length(field))
        return self.form_class(validators=[Optional()], render_kw=attrs, **kwargs)

    def json_schema(self, field) -> dict:
        schema: dict[str, Any] = {"type": "string", "maxLength": self.max_length(field)}
        if field.setting("min_length"):
            schema["minLength"] = int(field.setting("min_length"))
        if field.setting("regex"):
            schema["pattern"] = full_match(field.setting("regex"))
        return schema

    def form_to_json(self, field, data) -> Any:
        text = (data or "").strip()
        return text or None

    def check(self, field, value, context: CheckContext) -> str | None:
        # The JSON Schema counts the text as sent; the spaces around it are not stored.
        if "min_length" not in self.settings_allowed or not isinstance(value, str):
            return None
        minimum = int(field.setting("min_length", 0))
        text = value.strip()
        if text and len(text) < minimum:
            return _("At least %(n)s characters.", n=minimum)
        return None

    def normalise(self, field, value) -> Any:
        if isinstance(value, str):
            return value.strip() or None
        return super().normalise(field, value)

    def from_text(self, field, text: str) -> Any:
        text = text.strip()
        if len(text) > self.max_length(field):
            raise ConversionError(text)
        pattern = field.setting("regex")
        if text and pattern and not re.match(full_match(pattern), text):
            raise ConversionError(text)
        return text or None


class LongTextType(TextType):
    name = "long_text"
    label = _l("Long text")
    storage = Storage.LONG
    sortable = False
    operators = ("contains", "empty", "not_empty")
    settings_allowed = frozenset({"min_length", "max_length"})
    form_class = TextAreaField
    limit = LONG_TEXT_LIMIT

    def form_to_json(self, field, data) -> Any:
        text = (data or "").replace("\r\n", "\n").strip()
        return text or None


class IntegerType(FieldType):
    name = "integer"
    prints_alike = True
    label = _l("Whole number")
    storage = Storage.NUMBER
    operators = _RANGE_OPERATORS
    settings_allowed = frozenset({"min_value", "max_value"})

    def bounds(self, field) -> tuple[Any, Any]:
        low, high = field.setting("min_value"), field.setting("max_value")
        return (
            -NUMBER_LIMIT if low is None else max(low, -NUMBER_LIMIT),
            NUMBER_LIMIT if high is None else min(high, NUMBER_LIMIT),
        )

    def form_field(self, field, **kwargs) -> UnboundField:
        low, high = self.bounds(field)
        attrs = _html_attributes(field, min=low if low > -NUMBER_LIMIT else None,
                                 max=high if high < NUMBER_LIMIT else None)
        return IntegerField(validators=[Optional()], render_kw=attrs, **kwargs)

    def json_schema(self, field) -> dict:
        low, high = self.bounds(field)
        return {"type": "integer", "minimum": low, "maximum": high}

    def to_scalar(self, field, value) -> float:
        return float(value)

    def from_scalar(self, field, scalar) -> int:
        return int(scalar)

    def from_text(self, field, text: str) -> Any:
        text = text.strip()
        if not text:
            return None
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ConversionError(text) from None
        low, high = self.bounds(field)
        if number != number.to_integral_value() or not low <= number <= high:
            raise ConversionError(text)
        return int(number)


class DecimalType(IntegerType):
    name = "decimal"
    label = _l("Decimal number")
    settings_allowed = frozenset({"min_value", "max_value", "decimal_places"})

    def places(self, field) -> int:
        return min(int(field.setting("decimal_places", 2)), MAX_DECIMAL_PLACES)

    def bounds(self, field) -> tuple[Any, Any]:
        # Doubles hold 15 significant digits exactly; keep room for the decimals.
        limit = 10 ** (15 - self.places(field))
        low, high = field.setting("min_value"), field.setting("max_value")
        return (-limit if low is None else max(low, -limit),
                limit if high is None else min(high, limit))

    def form_field(self, field, **kwargs) -> UnboundField:
        low, high = self.bounds(field)
        step = "1" if self.places(field) == 0 else f"0.{'0' * (self.places(field) - 1)}1"
        attrs = _html_attributes(field, step=step, min=low, max=high)
        return DecimalField(places=self.places(field), validators=[Optional()],
                            render_kw=attrs, **kwargs)

    def json_schema(self, field) -> dict:
        low, high = self.bounds(field)
        return {"type": "number", "minimum": low, "maximum": high}

    def check(self, field, value, context: CheckContext) -> str | None:
        exponent = Decimal(repr(value)).normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places(field):
            return _("Use at most %(n)s decimal places.", n=self.places(field))
        return None

    def form_to_json(self, field, data) -> Any:
        return None if data is None else float(data)

    def json_to_form(self, field, value) -> Any:
        return None if value is None else Decimal(repr(value))

    def from_scalar(self, field, scalar) -> float:
        return round(float(scalar), self.places(field))

    def display_one(self, field, value, context: DisplayContext) -> str:
        text = f"{Decimal(repr(value)):.{self.places(field)}f}"
        return text.replace(".", context.decimal_separator)

    def from_text(self, field, text: str) -> Any:
        text = text.strip()
        if not text:
            return None
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ConversionError(text) from None
        low, high = self.bounds(field)
        if not low <= number <= high or number != round(number, self.places(field)):
            raise ConversionError(text)
        return float(number)


class DateType(FieldType):
    name = "date"
    prints_alike = True
    label = _l("Date")
    storage = Storage.MOMENT
    operators = _RANGE_OPERATORS

    def form_field(self, field, **kwargs) -> UnboundField:
        return DateField(validators=[Optional()], render_kw=_html_attributes(field), **kwargs)

    def json_schema(self, field) -> dict:
        return {"type": "string", "format": "date"}

    def form_to_json(self, field, data) -> Any:
        return data.isoformat() if isinstance(data, date) else None

    def json_to_form(self, field, value) -> Any:
        return date.fromisoformat(value) if value else None

    def to_scalar(self, field, value) -> datetime:
        return datetime.combine(date.fromisoformat(value), time())

    def from_scalar(self, field, scalar) -> str:
        return scalar.date().isoformat()

    def display_one(self, field, value, context: DisplayContext) -> str:
        return format_date(date.fromisoformat(value), "short")

    def display_csv(self, field, value, context: DisplayContext) -> str:
        return value or ""

    def from_text(self, field, text: str) -> Any:
        text = text.strip()
        if not text:
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
        raise ConversionError(text)


def parse_instant(value: str) -> datetime:
    """An ISO 8601 instant as naive UTC; a value without offset is taken as UTC.

    Raises ValueError for anything else, including instants whose UTC time falls
    outside the calendar (year 1 at +01:00).
    """
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValueError(value) from None
    return moment


def format_instant(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


class DateTimeType(FieldType):
    name = "datetime"
    prints_alike = True
    label = _l("Date and time")
    storage = Storage.MOMENT
    operators = _RANGE_OPERATORS

    def form_field(self, field, **kwargs) -> UnboundField:
        from app.accounts.profile import owner_zone

        return LocalDateTimeField(validators=[Optional()], zone=owner_zone,
                                  render_kw=_html_attributes(field), **kwargs)

    def json_schema(self, field) -> dict:
        return {"type": "string", "format": "date-time"}

    def form_to_json(self, field, data) -> Any:
        return format_instant(data) if isinstance(data, datetime) else None

    def json_to_form(self, field, value) -> Any:
        return parse_instant(value) if value else None

    def to_scalar(self, field, value) -> datetime:
        return parse_instant(value)

    def from_scalar(self, field, scalar) -> str:
        return format_instant(scalar)

    def display_one(self, field, value, context: DisplayContext) -> str:
        return format_datetime(parse_instant(value), "short")

    def display_csv(self, field, value, context: DisplayContext) -> str:
        moment = parse_instant(value).replace(tzinfo=UTC).astimezone(context.timezone)
        return moment.strftime("%Y-%m-%d %H:%M")

    def from_text(self, field, text: str) -> Any:
        text = text.strip()
        if not text:
            return None
        try:
            return format_instant(parse_instant(text))
        except ValueError:
            raise ConversionError(text) from None


class CheckboxType(FieldType):
    name = "checkbox"
    prints_alike = True
    label = _l("Checkbox")
    storage = Storage.NUMBER
    sortable = False
    operators = ("is",)

    def form_field(self, field, **kwargs) -> UnboundField:
        return BooleanField(**kwargs)

    def json_schema(self, field) -> dict:
        return {"type": "boolean"}

    def form_to_json(self, field, data) -> Any:
        return bool(data)

    def is_empty(self, value) -> bool:
        return value is None or value is False

    def empty(self) -> Any:
        return False

    def to_scalar(self, field, value) -> float:
        return 1.0

    def from_rows(self, field, rows) -> bool:
        return bool(rows)

    def display(self, field, value, context: DisplayContext) -> str:
        return _("Yes") if value else _("No")

    def to_text(self, field, value) -> str:
        return "yes" if value else "no"

    def from_text(self, field, text: str) -> Any:
        lowered = text.strip().lower()
        if lowered in {"1", "true", "yes", "y", "x", "sì", "si", "vero"}:
            return True
        if lowered in {"", "0", "false", "no", "n", "falso"}:
            return False
        raise ConversionError(text)


class EmailType(TextType):
    name = "email"
    label = _l("E-mail address")
    settings_allowed = frozenset()
    form_class = EmailField
    limit = 254

    def json_schema(self, field) -> dict:
        return {"type": "string", "format": "email", "maxLength": self.limit}

    def from_text(self, field, text: str) -> Any:
        from app.fields.validation import is_email

        text = text.strip()
        if text and not is_email(text):
            raise ConversionError(text)
        return text or None


class PhoneType(TextType):
    name = "phone"
    label = _l("Phone number")
    settings_allowed = frozenset()
    form_class = TelField
    limit = 40

    def json_schema(self, field) -> dict:
        return {"type": "string", "pattern": PHONE_PATTERN}

    def from_text(self, field, text: str) -> Any:
        text = text.strip()
        if text and not re.match(PHONE_PATTERN, text):
            raise ConversionError(text)
        return text or None


class UrlType(TextType):
    name = "url"
    label = _l("Web address (URL)")
    settings_allowed = frozenset()
    form_class = URLField

    def json_schema(self, field) -> dict:
        return {"type": "string", "format": "uri", "maxLength": self.limit}

    def from_text(self, field, text: str) -> Any:
        from app.fields.validation import is_web_url

        text = text.strip()
        if text and not is_web_url(text):
            raise ConversionError(text)
        return text or None

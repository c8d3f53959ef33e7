"""Validation of values against the schema: one place, for forms and the API alike.

Each field's type gives a JSON Schema fragment (compiled once per schema
revision) and, for what JSON Schema cannot say, a ``check``. Messages are the
user's language and name the field's constraint, never a validator's jargon.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from app.fields.schema import FieldDef, Schema, current_language, schema_cache
from app.fields.types.base import CheckContext
from app.fields.types.scalar import parse_instant

FORMATS = FormatChecker(formats=())


@FORMATS.checks("email")
def is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@FORMATS.checks("uri")
def is_web_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


@FORMATS.checks("date-time")
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parse_instant(value)
    except ValueError:
        return False
    return "T" in value


def _validator(schema: Schema, field: FieldDef) -> Draft202012Validator:
    return schema_cache().derive(
        schema, ("validator", field.key),
        lambda: Draft202012Validator(field.type.json_schema(field), format_checker=FORMATS),
    )


def _message(field: FieldDef, error: ValidationError) -> str:
    keyword = error.validator
    if keyword == "maxLength":
        return _("At most %(n)s characters.", n=error.validator_value)
    if keyword == "minLength":
        return _("At least %(n)s characters.", n=error.validator_value)
    if keyword == "minimum":
        return _("The smallest value allowed is %(n)s.", n=error.validator_value)
    if keyword == "maximum":
        return _("The largest value allowed is %(n)s.", n=error.validator_value)
    if keyword == "pattern":
        own = field.setting(f"regex_message_{current_language()}") or field.setting(
            "regex_message_en"
        )
        if own:
            return own
        typed = field.type.pattern_message(field)
        if typed:
            return typed
        if field.type_name == "phone":
            return _("Not a valid phone number.")
        return _("The value is not in the expected format.")
    if keyword == "format":
        return {
            "email": _("Not a valid e-mail address."),
            "uri": _("Not a valid web address: it starts with http:// or https://."),
            "date": _("Not a valid date."),
            "date-time": _("Not a valid date and time."),
        }.get(error.validator_value, _("The value is not in the expected format."))
    if keyword == "enum":
        return _("Choose one of the listed options.")
    if keyword == "uniqueItems":
        return _("Each option may be chosen once.")
    if keyword == "maxItems":
        return _("At most %(n)s items.", n=error.validator_value)
    if keyword == "type":
        return {
            "integer": _("Enter a whole number."),
            "number": _("Enter a number."),
            "boolean": _("Enter yes or no."),
            "array": _("Enter a list of values."),
        }.get(error.validator_value, _("Enter text."))
    return _("This value is not valid.")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    return isinstance(value, list) and any(_has_nul(item) for item in value)


def validate_value(
    schema: Schema, field: FieldDef, value: Any, context: CheckContext
) -> str | None:
    """The first problem with ``value`` for ``field``, as a message; None if valid."""
    if _has_nul(value):
        return _("The text contains a character that cannot be stored (NUL).")
    if field.type.is_empty(value):
        return None
    error = next(iter(_validator(schema, field).iter_errors(value)), None)
    if error is not None:
        return _message(field, error)
    return field.type.check(field, value, context)


def validate_values(
    schema: Schema,
    values: Mapping[str, Any],
    context_for,
) -> dict[str, str]:
    """Messages by field key for every invalid value; ``context_for(key)`` gives
    the CheckContext of one field."""
    errors = {}
    for key, value in values.items():
        message = validate_value(schema, schema.by_key[key], value, context_for(key))
        if message:
            errors[key] = message
    return errors

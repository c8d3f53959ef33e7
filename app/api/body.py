"""Reading request bodies: strict JSON, and validation against the same JSON Schemas
the OpenAPI document publishes, with messages in the caller's language."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.api.errors import ApiError, invalid, not_found
from app.fields.validation import FORMATS

_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def has_nul(value: Any) -> bool:
    """Whether a NUL character hides anywhere in ``value`` (PostgreSQL cannot store one).

    Walked with a stack, not recursion: a body may nest as deep as the JSON parser allows.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
    return False


def refuse_nul() -> None:
    """Before every API request: no NUL character in the path, the query or a form.

    Text with NUL is never meaningful and PostgreSQL refuses to store or compare it,
    so it is answered here (404 in a path, 422 elsewhere) rather than by the database.
    """
    if "\x00" in request.path:
        raise not_found()
    sources = [request.args, request.form] if request.mimetype in _FORMS else [request.args]
    fields = {
        str(key).replace("\x00", ""): _("Text may not contain NUL characters.")
        for source in sources
        for key, value in source.items(multi=True) if has_nul(key) or has_nul(value)
    }
    if fields:
        raise invalid(fields)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_body() -> Any:
    """The request's JSON body; 415 when it is not JSON, 400 when it does not parse.

    NaN and Infinity, which Python would accept, are refused: they are not JSON.
    Text with NUL characters is refused with 422.
    """
    if not request.is_json:
        raise ApiError(415, _("Send a JSON body with Content-Type: application/json."))
    try:
        body = json.loads(request.get_data(cache=True), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, _("The body is not valid JSON.")) from None
    if has_nul(body):
        keys = [str(key).replace("\x00", "") for key, value in body.items()
                if has_nul(key) or has_nul(value)] if isinstance(body, dict) else []
        raise invalid({key: _("Text may not contain NUL characters.") for key in keys},
                      _("Text may not contain NUL characters."))
    return body


def json_object() -> dict[str, Any]:
    body = json_body()
    if not isinstance(body, dict):
        raise invalid({}, _("The body must be a JSON object."))
    return body


def _message(error: ValidationError) -> str:
    keyword, limit = error.validator, error.validator_value
    if keyword == "maxLength":
        return _("At most %(n)s characters.", n=limit)
    if keyword == "minLength":
        return _("At least %(n)s characters.", n=limit)
    if keyword == "pattern":
        return _("This field may not be blank.")
    if keyword == "minimum":
        return _("The smallest value allowed is %(n)s.", n=limit)
    if keyword == "maximum":
        return _("The largest value allowed is %(n)s.", n=limit)
    if keyword == "enum":
        return _("Choose one of: %(values)s.", values=", ".join(str(v) for v in limit))
    if keyword == "format" and limit == "email":
        return _("Not a valid e-mail address.")
    if keyword == "type":
        return {
            "string": _("Enter text."),
            "integer": _("Enter a whole number."),
            "number": _("Enter a number."),
            "boolean": _("Enter true or false."),
            "object": _("Enter an object."),
        }.get(limit if isinstance(limit, str) else limit[0], _("This value is not valid."))
    return _("This value is not valid.")


def check_body(body: Mapping[str, Any], schema: dict) -> None:
    """Refuse ``body`` (422, messages by property) unless it matches ``schema``,
    an object schema with flat properties."""
    fields: dict[str, str] = {}
    validator = Draft202012Validator(schema, format_checker=FORMATS)
    for error in validator.iter_errors(body):
        if error.validator == "additionalProperties":
            for key in set(body) - set(schema.get("properties", {})):
                fields.setdefault(str(key), _("Unknown property."))
        elif error.validator == "required":
            for key in schema["required"]:
                if key not in body:
                    fields.setdefault(key, _("This field is required."))
        elif error.validator == "minProperties":
            raise invalid({}, _("Send at least one property to change."))
        elif error.absolute_path:
            fields.setdefault(str(error.absolute_path[0]), _message(error))
        else:
            raise invalid({}, _("The body must be a JSON object."))
    if fields:
        raise invalid(fields)

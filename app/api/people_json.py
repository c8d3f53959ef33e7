"""Companies, persons and invites as JSON, and the JSON Schemas of their bodies.

The same schemas validate request bodies and appear in the OpenAPI document,
so what the document promises is what the server checks.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app

from app.fields.types.scalar import format_instant
from app.timeutil import utcnow

_NOT_BLANK = r"\S"
MAX_RATE = 99_999_999.99


def _instant(moment) -> str | None:
    return None if moment is None else format_instant(moment)


def _body(properties: dict, required: tuple[str, ...] = ()) -> dict:
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


# -- companies ---------------------------------------------------------------------

COMPANY_PROPERTIES = {
    "name": {"type": "string", "maxLength": 200, "pattern": _NOT_BLANK},
    "vat_number": {"type": "string", "maxLength": 32},
    "address": {"type": "string", "maxLength": 2000},
    "ticketing_enabled": {"type": "boolean"},
    "hourly_rate": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_RATE},
}
COMPANY_CREATE = _body(COMPANY_PROPERTIES, ("name",))
COMPANY_UPDATE = _body(COMPANY_PROPERTIES)


def company_values(body: dict[str, Any]) -> dict[str, Any]:
    """Body values as the model holds them (the rate as an exact decimal)."""
    values = dict(body)
    if values.get("hourly_rate") is not None:
        values["hourly_rate"] = Decimal(str(values["hourly_rate"])).quantize(
            Decimal("0.01"), ROUND_HALF_UP)
    return values


def company_json(company) -> dict[str, Any]:
    rate = company.hourly_rate
    return {
        "id": company.id,
        "name": company.name,
        "vat_number": company.vat_number or "",
        "address": company.address or "",
        "ticketing_enabled": company.ticketing_enabled,
        "hourly_rate": None if rate is None else float(rate),
        "created": _instant(company.created_at),
    }


# -- persons -----------------------------------------------------------------------

def _languages() -> list[str]:
    return ["", *current_app.config["SPORTELLO_LANGUAGES"]]


def person_properties() -> dict[str, Any]:
    return {
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "name": {"type": "string", "maxLength": 100, "pattern": _NOT_BLANK},
        "surname": {"type": "string", "maxLength": 100},
        "phone": {"type": "string", "maxLength": 40},
        "mobile": {"type": "string", "maxLength": 40},
        "job_role": {"type": "string", "maxLength": 100},
        "language": {"type": "string", "enum": _languages()},
        "is_company_manager": {"type": "boolean"},
    }


def person_create() -> dict:
    return _body(person_properties(), ("email", "name"))


def person_update() -> dict:
    return _body({**person_properties(), "active": {"type": "boolean"}})


def person_json(person) -> dict[str, Any]:
    return {
        "id": person.id,
        "company": person.company_id,
        "email": person.email,
        "name": person.name,
        "surname": person.surname or "",
        "phone": person.phone or "",
        "mobile": person.mobile or "",
        "job_role": person.job_role or "",
        "language": person.language or "",
        "is_company_manager": person.is_company_manager,
        "active": person.active,
        "created": _instant(person.created_at),
        "last_login": _instant(person.last_login_at),
    }


# -- invites ---------------------------------------------------------------------

INVITE_STATES = ("active", "expired", "revoked", "used_up")

INVITE_CREATE = _body({
    "company": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1,
                "description": "The company the link joins; null: the first person who "
                               "registers creates a company."},
    "days": {"type": "integer", "minimum": 1, "maximum": 365},
    "max_uses": {"type": "integer", "minimum": 1, "maximum": 1000},
    "note": {"type": "string", "maxLength": 200},
})


def invite_json(invite, token: str | None = None) -> dict[str, Any]:
    """An invite link; ``token`` only in the answer that made it (it is not stored)."""
    body = {
        "id": invite.id,
        "company": invite.company_id,
        "note": invite.note or "",
        "max_uses": invite.max_uses,
        "uses": invite.uses,
        "state": str(invite.state(utcnow())),
        "created": _instant(invite.created_at),
        "expires": _instant(invite.expires_at),
        "revoked": _instant(invite.revoked_at),
    }
    if token is not None:
        body["token"] = token
    return body

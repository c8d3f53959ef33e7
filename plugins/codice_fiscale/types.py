"""The field types: Italian fiscal code and VAT number.

A value's JSON form is the code as stored: upper case, no spaces, and for a
VAT number no ``IT`` prefix. Forms and text imports normalise what people
type (``rssmra 85t10 a562s``, ``IT 06363391001``) to that form; the JSON
Schema pattern holds the shape, and :meth:`check` the check character. API
clients send the stored form; anything else is refused with a message that
says what a code looks like.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Optional

from app.fields.types import CheckContext, ConversionError, TextType

from .checks import (
    FISCAL_CODE_PATTERN,
    VAT_NUMBER_PATTERN,
    Problem,
    fiscal_code_problem,
    normalise_fiscal_code,
    normalise_vat_number,
    vat_number_problem,
)

#: Room for the spaces and the prefix people type; the stored code is shorter.
_INPUT_LENGTH = 24


def _problem_message(problem: Problem) -> str:
    return {
        Problem.CHECK: _("The last character does not match the rest of the code: "
                         "check it for a typing error."),
        Problem.DAY: _("The day of birth in this fiscal code is not possible."),
        Problem.ZERO: _("This number is not valid."),
    }[problem]


class _CodeType(TextType):
    """What both codes share: a short text, normalised, checked, compared exactly."""

    storage_pattern: str
    canonical: Callable[[str], str]
    problem: Callable[[str], Problem | None]
    settings_allowed = frozenset()
    operators = ("eq", "ne", "empty", "not_empty")
    limit = 16

    def form_field(self, field, **kwargs) -> UnboundField:
        attrs = {"maxlength": _INPUT_LENGTH, "autocomplete": "off", "spellcheck": "false",
                 "autocapitalize": "characters"}
        if field.placeholder:
            attrs["placeholder"] = field.placeholder
        return StringField(validators=[Optional()], render_kw=attrs, **kwargs)

    def json_schema(self, field) -> dict:
        return {"type": "string", "pattern": self.storage_pattern}

    def check(self, field, value: Any, context: CheckContext) -> str | None:
        problem = self.problem(value)
        return None if problem in (None, Problem.FORMAT) else _problem_message(problem)

    def normalise(self, field, value: Any) -> str:
        """The code as stored: upper case, without separators (and the VAT prefix)."""
        return self.canonical(str(value))

    def form_to_json(self, field, data) -> Any:
        return self.normalise(field, data or "") or None

    def to_scalar(self, field, value) -> Any:
        """Stored, and compared in filters, as normalised (a filter may be typed loosely)."""
        return self.normalise(field, value)

    def from_text(self, field, text: str) -> Any:
        code = self.normalise(field, text)
        if code and self.problem(code) is not None:
            raise ConversionError(text)
        return code or None


class FiscalCodeType(_CodeType):
    """A *codice fiscale*: a person's (16 characters) or a company's (11 digits)."""

    name = "codice_fiscale"
    label = _l("Italian fiscal code")
    storage_pattern = FISCAL_CODE_PATTERN
    canonical = staticmethod(normalise_fiscal_code)
    problem = staticmethod(fiscal_code_problem)

    def pattern_message(self, field) -> str:
        return _("Not a fiscal code: write the 16 letters and digits of a person's code "
                 "(e.g. RSSMRA85T10A562S) or the 11 digits of a company's.")


class VatNumberType(_CodeType):
    """A *partita IVA*: 11 digits; the ``IT`` prefix may be typed and is dropped."""

    name = "partita_iva"
    label = _l("Italian VAT number (partita IVA)")
    storage_pattern = VAT_NUMBER_PATTERN
    canonical = staticmethod(normalise_vat_number)
    problem = staticmethod(vat_number_problem)
    limit = 11

    def pattern_message(self, field) -> str:
        return _("Not a VAT number: write its 11 digits, e.g. 06363391001.")

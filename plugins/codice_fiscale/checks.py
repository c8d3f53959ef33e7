"""Italian fiscal codes and VAT numbers: normalising and checking, nothing else.

No Flask here, so the rules are easy to test and to reuse. Two kinds of
*codice fiscale* exist: a person's, 16 characters (surname, name, date and
place of birth, a check letter), and a company's, 11 digits with a check
digit; a company's *partita IVA* (VAT number) has the same 11-digit form.
"""

from __future__ import annotations

import enum
import re

#: Letters that replace digits 0-9 when two persons would share a code (omocodia).
OMOCODE_LETTERS = "LMNPQRSTUV"
#: Month letters, January to December.
MONTH_LETTERS = "ABCDEHLMPRST"
_DIGIT = f"[0-9{OMOCODE_LETTERS}]"
#: A person's code: 6 letters, year, month letter, day, place (letter + 3), check letter.
PERSONAL_PATTERN = f"[A-Z]{{6}}{_DIGIT}{{2}}[{MONTH_LETTERS}]{_DIGIT}{{2}}[A-Z]{_DIGIT}{{3}}[A-Z]"
#: A company's code and a VAT number: 11 digits.
NUMERIC_PATTERN = "[0-9]{11}"
#: Either kind of fiscal code, as stored (upper case, no spaces).
FISCAL_CODE_PATTERN = f"^(?:{PERSONAL_PATTERN}|{NUMERIC_PATTERN})$"
VAT_NUMBER_PATTERN = f"^{NUMERIC_PATTERN}$"

# Values of a character in an odd position (1st, 3rd, ...) of a person's code.
_ODD_VALUES = dict(zip(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    (1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
     1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
     24, 23),
    strict=True,
))
_SEPARATORS = re.compile(r"[\s.\-]+")


class Problem(enum.Enum):
    """Why a code is not valid (the field type turns each into a message)."""

    FORMAT = "format"  # not shaped like a code at all
    CHECK = "check"  # the check character does not match: a typing error
    DAY = "day"  # a person's code with an impossible day of birth
    ZERO = "zero"  # a numeric code made of zeros


def _even_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A")


def personal_check_letter(first15: str) -> str:
    """The 16th character of a person's code from its first 15."""
    total = sum(
        _ODD_VALUES[char] if position % 2 == 0 else _even_value(char)
        for position, char in enumerate(first15)
    )
    return chr(ord("A") + total % 26)


def numeric_check_digit(first10: str) -> str:
    """The 11th digit of a numeric code: digits in even places are doubled (Luhn-like)."""
    total = 0
    for position, char in enumerate(first10):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def normalise_fiscal_code(text: str) -> str:
    """Upper case, without the spaces, dots and dashes people type."""
    return _SEPARATORS.sub("", text).upper()


def normalise_vat_number(text: str) -> str:
    """As :func:`normalise_fiscal_code`, and without the ``IT`` country prefix."""
    code = normalise_fiscal_code(text)
    return code[2:] if code.startswith("IT") else code


def _numeric_problem(code: str) -> Problem | None:
    if not re.fullmatch(NUMERIC_PATTERN, code):
        return Problem.FORMAT
    if code[:7] == "0000000":
        return Problem.ZERO
    return None if numeric_check_digit(code[:10]) == code[10] else Problem.CHECK


def _personal_problem(code: str) -> Problem | None:
    if not re.fullmatch(PERSONAL_PATTERN, code):
        return Problem.FORMAT
    day = int("".join(str(OMOCODE_LETTERS.find(c)) if c.isalpha() else c for c in code[9:11]))
    if not (1 <= day <= 31 or 41 <= day <= 71):  # women's codes add 40 to the day
        return Problem.DAY
    return None if personal_check_letter(code[:15]) == code[15] else Problem.CHECK


def fiscal_code_problem(code: str) -> Problem | None:
    """What is wrong with a normalised fiscal code (person's or company's), or None."""
    if len(code) == 11:
        return _numeric_problem(code)
    return _personal_problem(code)


def vat_number_problem(code: str) -> Problem | None:
    """What is wrong with a normalised VAT number (11 digits), or None."""
    return _numeric_problem(code)

"""Rules for a new password: long enough, and not one of the most common ones.

``data/common-passwords.txt`` is the list Django ships (BSD-3-Clause): 20,000
common passwords, lower-cased, compiled by Royce Williams
(https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from app.accounts.services import MIN_PASSWORD_LENGTH, AccountError, check_password_strength

_LIST = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@cache
def _common_passwords() -> frozenset[str]:
    """The listed passwords long enough to pass the length rule (the others never reach us)."""
    with open(_LIST, encoding="utf-8") as handle:
        return frozenset(
            line.strip() for line in handle if len(line.strip()) >= MIN_PASSWORD_LENGTH
        )


def is_common(password: str) -> bool:
    return password.strip().lower() in _common_passwords()


def check_new_password(password: str) -> None:
    """Raise :class:`AccountError` (field ``password``) when the password is refused."""
    check_password_strength(password)
    if is_common(password):
        raise AccountError(
            _("This password is one of the most common ones and easy to guess: choose another."),
            "password",
        )

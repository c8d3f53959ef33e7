"""Which delivery errors are worth retrying, and when to try again."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_mail import BadHeaderError


@dataclass(frozen=True)
class Failure:
    permanent: bool
    #: The SMTP session cannot go on: the rest of the batch fails the same way.
    connection_lost: bool
    message: str


def classify(error: Exception) -> Failure:
    """Permanent only when the server refuses this message or recipient for good (5xx).

    Everything else (refused or dropped connections, timeouts, 4xx answers,
    a refused login or sender, which an administrator fixes) is temporary.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        detail = "; ".join(
            f"{address}: {code} {_decode(text)}"
            for address, (code, text) in error.recipients.items()
        )
        return Failure(all(code >= 500 for code in codes), False, detail)
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_decode(error.smtp_error)}"
        permanent = isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500
        return Failure(permanent, False, text)
    if isinstance(error, BadHeaderError):
        return Failure(True, False, "a header contains a line break")
    if isinstance(error, OSError):  # refused, reset, timed out, disconnected
        return Failure(False, True, f"{type(error).__name__}: {error}".rstrip(": "))
    return Failure(False, False, f"{type(error).__name__}: {error}".rstrip(": "))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after ``attempts`` failed attempts, capped."""
    config = current_app.config
    base = int(config["SPORTELLO_MAIL_RETRY_SECONDS"])
    cap = int(config["SPORTELLO_MAIL_RETRY_MAX_SECONDS"])
    seconds = base * 2 ** min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(seconds, cap))


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)

"""Why a change to interventions, rates or reports was refused."""

from __future__ import annotations


class BillingError(Exception):
    """A refused change; ``fields`` maps input names to messages shown next to them."""

    status_code = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(BillingError):
    """Bad input: nothing was stored."""


class Locked(BillingError):
    """The intervention belongs to an issued report (the message names it)."""

    status_code = 409


class Conflict(BillingError):
    """The report changed state (issued, cancelled) or its content changed meanwhile."""

    status_code = 409


class NotAllowed(BillingError):
    status_code = 403

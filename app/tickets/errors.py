"""What the write path raises when it refuses a change. Nothing is stored then."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from app.fields.gate import Refusal


class TicketError(Exception):
    """Base of the write path's refusals; ``message`` is for the user."""

    status_code = 400

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


class WriteRefused(TicketError):
    """The caller tried to write fields it may not write; the whole write is refused."""

    status_code = 403

    def __init__(self, refusal: Refusal, labels: Mapping[str, str]) -> None:
        fields = {}
        for key, reason in refusal.reasons.items():
            if reason == "condition":
                fields[key] = _("This field does not apply to the values chosen.")
            elif reason == "read_only":
                fields[key] = _("You may not change this field.")
            else:
                fields[key] = _("This field cannot be written.")
        names = ", ".join(labels.get(key, key) for key in refusal.keys)
        super().__init__(
            _("Nothing was saved: you may not write %(fields)s.", fields=names), fields
        )
        self.refusal = refusal


class OpeningRefused(TicketError):
    """The caller may not open tickets (yet): an unconfirmed address, an inactive account,
    a company whose ticketing is off."""

    status_code = 403


class ValidationFailed(TicketError):
    """Values are missing or invalid; ``fields`` says which and why."""

    status_code = 422

    def __init__(self, fields: Mapping[str, str], message: str | None = None) -> None:
        super().__init__(message or _("Nothing was saved: please correct the fields marked."),
                         fields)


class TicketNotFound(TicketError):
    status_code = 404

    def __init__(self) -> None:
        super().__init__(_("This ticket does not exist, or you are not allowed to see it."))

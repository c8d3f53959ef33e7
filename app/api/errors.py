"""The API's one error format: ``{"error": message, "fields": {key: message}}``.

Services raise their own errors (``TicketError``, ``QueryError``,
``SchemaRefused``, ``AccountError``...); the handlers registered here turn
each into that format with its status code, in the caller's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, jsonify
from flask_babel import gettext as _

from app.accounts.services import AccountError
from app.fields.changes import SchemaRefused
from app.tickets.errors import TicketError
from app.tickets.queries import QueryError


class ApiError(Exception):
    """Stop the request with ``status`` and a message for the caller."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})
        self.extra = extra


def error_response(error: ApiError):
    body = {"error": error.message, "fields": error.fields, **error.extra}
    return jsonify(body), error.status, error.headers


def not_found() -> ApiError:
    return ApiError(404, _("Not found, or you are not allowed to see it."))


def invalid(fields: Mapping[str, str], message: str | None = None) -> ApiError:
    return ApiError(422, message or _("Nothing was saved: please correct the fields marked."),
                    fields)


def register_handlers(bp: Blueprint) -> None:
    bp.register_error_handler(ApiError, error_response)

    @bp.errorhandler(TicketError)
    def _ticket_error(error: TicketError):
        return error_response(ApiError(error.status_code, error.message, error.fields))

    @bp.errorhandler(QueryError)
    def _query_error(error: QueryError):
        return error_response(ApiError(422, error.message, error.fields))

    @bp.errorhandler(SchemaRefused)
    def _schema_refused(error: SchemaRefused):
        return error_response(ApiError(
            422, _("The schema was not changed: the document has problems."),
            problems=error.problems,
        ))

    @bp.errorhandler(AccountError)
    def _account_error(error: AccountError):
        return error_response(invalid({error.field or "body": str(error)}))

"""Error pages in the user's language, and JSON errors under the API prefix."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError


def _message(code: int) -> str:
    messages = {
        400: _("The request could not be understood. Check what you sent and try again."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or you are not allowed to see it."),
        405: _("This action is not available here."),
        413: _("The upload is too large."),
        429: _("Too many requests. Wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
    }
    return messages.get(code, _("The request could not be completed."))


def _title(code: int) -> str:
    titles = {
        400: _("Bad request"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Not allowed"),
        413: _("Too large"),
        429: _("Slow down"),
        500: _("Server error"),
    }
    return titles.get(code, _("Error"))


def _wants_json() -> bool:
    prefix = current_app.config["SPORTELLO_URL_PREFIX"] + "/api/"
    return request.path.startswith(prefix)


def render_error(code: int, message: str | None = None):
    message = message or _message(code)
    if _wants_json():
        return jsonify({"error": message, "fields": {}}), code
    page = render_template("errors/error.html", code=code, title=_title(code), message=message)
    return page, code


def _handle_http(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return render_error(error.code)


def _handle_csrf(error: CSRFError):
    message = _(
        "The form has expired or was not sent from this site. Reload the page and try again."
    )
    return render_error(400, message)


def _handle_unexpected(error: InternalServerError):
    # Flask wraps any unhandled exception in InternalServerError outside tests;
    # in tests the exception propagates so that it fails loudly.
    current_app.logger.error("Unhandled error", exc_info=error.original_exception)
    return render_error(InternalServerError.code)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, _handle_unexpected)

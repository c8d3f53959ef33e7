"""The API blueprint: every route under ``/api/v1`` authenticates with a token first."""

from __future__ import annotations

from flask import Blueprint

from app.api.auth import authenticate, rate_headers
from app.api.errors import register_handlers

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
bp.after_request(rate_headers)
register_handlers(bp)

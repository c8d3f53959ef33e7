"""The API blueprint: every route under ``/api/v1`` authenticates with a token first."""

from __future__ import annotations

from flask import Blueprint

from app.api.auth import authenticate, rate_headers
from app.api.body import refuse_nul
from app.api.errors import register_handlers

#: Ids in paths are 32-bit: a larger number is no record (404), not a database error.
ID = "int(max=2147483647)"

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
bp.before_request(refuse_nul)
bp.after_request(rate_headers)
register_handlers(bp)

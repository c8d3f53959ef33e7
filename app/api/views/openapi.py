"""``/openapi.json``: the document for the caller's role."""

from __future__ import annotations

from flask import jsonify

from app.api.auth import caller
from app.api.blueprint import bp
from app.api.openapi import openapi_document


@bp.get("/openapi.json")
def get_openapi():
    return jsonify(openapi_document(caller()))

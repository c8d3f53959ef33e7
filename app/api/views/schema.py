"""The schema as the caller sees it (``/fields``, ``/lists``) and, for the owner,
as a document to export and import (``/schema``)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from app.api import schema_json
from app.api.auth import caller, owner_only
from app.api.blueprint import bp
from app.api.body import json_body
from app.api.errors import invalid
from app.fields.changes import apply_document
from app.fields.document import export_document
from app.fields.gate import Viewer
from app.fields.schema import current_schema

_TRUE = ("1", "true", "yes")
_FALSE = ("", "0", "false", "no")


@bp.get("/fields")
def list_fields():
    return {"items": schema_json.fields_json(Viewer.of(caller()), current_schema())}


@bp.get("/lists")
def list_lists():
    return {"items": schema_json.lists_json(Viewer.of(caller()), current_schema())}


@bp.get("/schema")
@owner_only
def get_schema():
    return export_document()


@bp.put("/schema")
@owner_only
def put_schema():
    """Apply a schema document; with ``?dry_run=1`` only say what would change."""
    raw = request.args.get("dry_run", "").strip().lower()
    if raw not in _TRUE + _FALSE:
        raise invalid({"dry_run": _("Enter 1 for a dry run, 0 to apply.")})
    dry_run = raw in _TRUE
    plan = apply_document(caller().id, json_body(), dry_run=dry_run)
    return {"dry_run": dry_run, "applied": not dry_run and not plan.empty,
            "changes": plan.lines, "version": current_schema().version}

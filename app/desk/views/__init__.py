"""The desk's blueprints: ``desk`` (staff, under /desk) and ``desk_admin`` (the owner's
settings pages, under /admin). Each module of this package adds its pages."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, request
from flask_login import current_user

from app.desk.templating import local_time, ticket_links
from app.extensions import login_manager

_APP = Path(__file__).resolve().parents[2]
bp = Blueprint("desk", __name__, url_prefix="/desk", static_folder="../static",
               static_url_path="/static", template_folder=str(_APP / "desk" / "templates"))
admin_bp = Blueprint("desk_admin", __name__, url_prefix="/admin")

bp.add_app_template_filter(local_time, "desk_time")
bp.add_app_template_filter(ticket_links, "desk_ticket_links")

#: Pages of the desk blueprint open to people who are not logged in.
PUBLIC_ENDPOINTS = frozenset({"desk.static", "desk.activate"})


@bp.before_request
def _staff_only():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


@admin_bp.before_request
def _owner_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_owner:
        abort(403)
    return None


from app.desk.views import (  # noqa: E402  (the modules add routes to the blueprints above)
    admin_agents,
    admin_profile,
    admin_routing,
    admin_statuses,
    admin_workflow,
    create,
    queue,
    ticket,
)

__all__ = ["admin_bp", "bp", "admin_agents", "admin_profile", "admin_routing",
           "admin_statuses", "admin_workflow", "create", "queue", "ticket"]

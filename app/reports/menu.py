"""Header menu entries of the reports package."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.web import MenuItem


def _owner(user) -> bool:
    return user.is_authenticated and user.is_owner


def _manager(user) -> bool:
    return user.is_authenticated and user.is_customer and user.is_company_manager


def menu_items() -> list[MenuItem]:
    return [
        MenuItem("reports.index", _l("Reports"), _owner, order=60),
        MenuItem("portal_reports.index", _l("Reports"), _manager, order=60),
    ]

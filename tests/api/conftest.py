"""Fixtures for the JSON API: tokens for users and a client that sends them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.accounts.models import Role, User
from app.api.tokens import create_token
from app.extensions import db

API = "/api/v1"


class ApiClient:
    """The test client with ``Authorization: Bearer <token>`` on every request."""

    def __init__(self, client, secret: str | None) -> None:
        self.client = client
        self.secret = secret

    def _headers(self, headers: dict | None) -> dict:
        sent = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        return {**sent, **(headers or {})}

    def open(self, method: str, path: str, headers: dict | None = None, **kwargs):
        url = path if path.startswith("/") and path.startswith(API) else API + path
        return self.client.open(url, method=method, headers=self._headers(headers), **kwargs)

    def get(self, path: str, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.open("POST", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.open("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs):
        return self.open("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.open("DELETE", path, **kwargs)


@pytest.fixture
def make_token(app):
    """``make_token(user, scope="read-write", name=...)`` -> the secret."""
    def make(user, scope: str = "read-write", name: str = "Tests") -> str:
        with app.app_context():
            return create_token(db.session.get(User, user.id), name, scope).secret

    return make


@pytest.fixture
def api_as(client, make_token):
    """``api_as(user, scope=...)``: an API client acting as ``user``."""
    def make(user, scope: str = "read-write") -> ApiClient:
        return ApiClient(client, make_token(user, scope))

    return make


@pytest.fixture
def owner(make_user):
    return make_user(Role.OWNER)


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT)


@pytest.fixture
def customer(make_user):
    return make_user(Role.CUSTOMER)


EXAMPLES = Path(__file__).resolve().parents[2] / "schema" / "examples"

#: Custom fields added to it-helpdesk so that every kind of value is covered.
EXTRA_FIELDS = [
    {"key": "seats", "type": "integer", "label": {"en": "Seats", "it": "Postazioni"},
     "settings": {"min_value": 1, "max_value": 500},
     "customer": {"visibility": "write", "edit": ["create", "open"]}},
    {"key": "budget", "type": "decimal", "label": {"en": "Budget", "it": "Budget"},
     "settings": {"decimal_places": 2}, "customer": {"visibility": "hidden", "edit": []}},
    {"key": "due", "type": "date", "label": {"en": "Due", "it": "Scadenza"},
     "customer": {"visibility": "read", "edit": []}},
    {"key": "tags", "type": "multi_select", "list": "tags", "label": {"en": "Tags", "it": "Tag"},
     "customer": {"visibility": "write", "edit": ["create", "open"]}},
    {"key": "on_site", "type": "checkbox", "label": {"en": "On site", "it": "In sede"},
     "customer": {"visibility": "write", "edit": ["create"]}},
    {"key": "area", "type": "dropdown", "list": "areas", "label": {"en": "Area", "it": "Area"},
     "customer": {"visibility": "hidden", "edit": []}},
    {"key": "serial", "type": "text", "label": {"en": "Serial number", "it": "Matricola"},
     "filterable": False, "customer": {"visibility": "write", "edit": ["create", "open"]}},
]
EXTRA_LISTS = [
    {"key": "tags", "name": {"en": "Tags", "it": "Tag"}, "items": [
        {"key": "vip", "label": {"en": "VIP", "it": "VIP"}},
        {"key": "remote", "label": {"en": "Remote", "it": "Remoto"}},
        {"key": "billing", "label": {"en": "Billing", "it": "Fatturazione"}}]},
    {"key": "areas", "name": {"en": "Areas", "it": "Aree"}, "items": [
        {"key": "north", "label": {"en": "North", "it": "Nord"}},
        {"key": "south", "label": {"en": "South", "it": "Sud"}}]},
]


def helpdesk_document() -> dict:
    document = json.loads((EXAMPLES / "it-helpdesk.json").read_text(encoding="utf-8"))
    document["fields"] += EXTRA_FIELDS
    document["lists"] += EXTRA_LISTS
    return document


@pytest.fixture
def helpdesk(load_schema):
    """it-helpdesk (a cascade, a condition, a hidden field, an attachment field) with
    integer, decimal, date, multi-select and checkbox fields, a list only a hidden
    field uses, and a text field the customer sees and writes but may not filter by."""
    load_schema(helpdesk_document())

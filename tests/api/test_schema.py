"""``/fields`` and ``/lists`` as the caller sees them, and the owner's ``/schema``."""

from __future__ import annotations

import pytest

from app.fields.document import export_document
from tests.api.conftest import helpdesk_document


def _fields(api) -> dict[str, dict]:
    response = api.get("/fields")
    assert response.status_code == 200
    return {f["key"]: f for f in response.get_json()["items"]}


def test_customer_view_of_the_fields(api_as, customer, helpdesk):
    fields = _fields(api_as(customer))
    assert {"budget", "area", "root_cause"}.isdisjoint(fields)
    module = fields["module"]
    assert module["type"] == "dropdown" and module["label"] == {"en": "Module", "it": "Modulo"}
    assert module["writable_on_create"] and module["writable_on_update"]
    assert not module["writable_when_closed"]
    assert module["cascade_from"] == "product_family"
    vpn = next(item for item in module["list"]["items"] if item["key"] == "vpn")
    assert vpn["parents"] == ["network"] and vpn["label"]["en"] == "VPN"
    request_type = fields["request_type"]
    assert request_type["required"] and request_type["writable_on_create"]
    assert not request_type["writable_on_update"]
    assert fields["product_version"]["condition"] == {"field": "product_family",
                                                      "values": ["software"]}
    status = fields["status"]
    assert status["visible"] and not status["writable_on_create"]
    assert {"key": "new", "category": "new"}.items() <= status["list"]["items"][0].items()
    assert fields["due"]["visible"] and not fields["due"]["writable_on_update"]
    assert fields["seats"]["value_schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert "archived" not in fields["title"]


def test_staff_view_of_the_fields(api_as, agent, helpdesk):
    fields = _fields(api_as(agent))
    assert fields["budget"]["writable_on_update"] and fields["status"]["writable_on_update"]
    assert fields["root_cause"]["archived"] is False


def test_a_condition_on_a_hidden_field_is_not_revealed(api_as, customer, load_schema):
    document = helpdesk_document()
    document["fields"].append({"key": "north_only", "type": "text",
                               "label": {"en": "North", "it": "Nord"},
                               "condition": {"field": "area", "values": ["north"]}})
    load_schema(document)
    north_only = _fields(api_as(customer))["north_only"]
    assert north_only["conditional"] is True and north_only["condition"] is None


def test_lists(api_as, customer, agent, helpdesk):
    customer_lists = {entry["key"]: entry
                      for entry in api_as(customer).get("/lists").get_json()["items"]}
    staff_lists = {entry["key"] for entry in api_as(agent).get("/lists").get_json()["items"]}
    assert "areas" not in customer_lists  # only the hidden field "area" uses it
    assert {"areas", "tags", "module", "priority"} <= staff_lists
    assert [i["key"] for i in customer_lists["tags"]["items"]] == ["vip", "remote", "billing"]
    assert customer_lists["module"]["items"][0]["parents"] == ["software"]


def test_schema_is_for_the_owner_only(api_as, customer, agent, owner, helpdesk):
    for user in (customer, agent):
        assert api_as(user).get("/schema").status_code == 403
        assert api_as(user).put("/schema", json={}).status_code == 403
    exported = api_as(owner).get("/schema")
    assert exported.status_code == 200
    assert {f["key"] for f in exported.get_json()["fields"]} >= {"title", "budget", "tags"}


def _with_new_field(document: dict) -> dict:
    document["fields"].append({"key": "asset_tag", "type": "text",
                               "label": {"en": "Asset tag", "it": "Cespite"}})
    return document


def test_dry_run_shows_the_difference_and_changes_nothing(app, api_as, owner, helpdesk):
    api = api_as(owner)
    document = _with_new_field(api.get("/schema").get_json())
    response = api.put("/schema?dry_run=1", json=document)
    assert response.status_code == 200, response.get_json()
    plan = response.get_json()
    assert plan["dry_run"] is True and plan["applied"] is False
    assert any("asset_tag" in line for line in plan["changes"])
    with app.app_context():
        assert "asset_tag" not in {f["key"] for f in export_document()["fields"]}


def test_put_applies_the_document(app, api_as, owner, helpdesk):
    api = api_as(owner)
    before = api.get("/schema").get_json()
    response = api.put("/schema", json=_with_new_field(before))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["applied"] is True
    assert "asset_tag" in _fields(api)


@pytest.mark.parametrize("document", [
    {"format": 1, "fields": []},
    {"fields": "nope"},
    [1, 2],
])
def test_refused_documents_are_422_with_the_problems(app, api_as, owner, helpdesk, document):
    response = api_as(owner).put("/schema", json=document)
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["problems"] and all(isinstance(p, str) for p in answer["problems"])
    assert answer["fields"] == {} and answer["error"]


def test_removing_a_used_field_archives_it(api_as, owner, helpdesk, make_ticket, customer):
    make_ticket(customer, request_type="incident", product_family="hardware", seats=3)
    api = api_as(owner)
    document = api.get("/schema").get_json()
    document["fields"] = [f for f in document["fields"] if f["key"] != "seats"]
    plan = api.put("/schema?dry_run=1", json=document).get_json()
    assert any("seats" in line and "archive" in line for line in plan["changes"])


def test_bad_dry_run_flag(api_as, owner, helpdesk):
    response = api_as(owner).put("/schema?dry_run=maybe", json={})
    assert response.status_code == 422 and "dry_run" in response.get_json()["fields"]

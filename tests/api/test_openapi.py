"""``/openapi.json``: a valid OpenAPI 3.1 document per role that follows the live schema."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from app.fields.changes import apply_document
from app.fields.document import export_document


def _document(api) -> dict:
    response = api.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("role", ["owner", "agent", "customer"])
def test_document_is_valid_openapi_3_1(api_as, make_user, helpdesk, role):
    document = _document(api_as(make_user(role)))
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_ticket_schemas_carry_the_custom_fields_json_schema(api_as, agent, helpdesk):
    schemas = _document(api_as(agent))["components"]["schemas"]
    seats = schemas["TicketCreateFields"]["properties"]["seats"]
    assert {"type": "integer", "minimum": 1, "maximum": 500} in seats["anyOf"]
    assert seats["title"] == "Seats"
    tags = schemas["TicketFields"]["properties"]["tags"]["anyOf"][0]
    assert tags["type"] == "array" and tags["items"]["enum"] == ["vip", "remote", "billing"]
    assert "budget" in schemas["TicketUpdateFields"]["properties"]
    assert {"company", "requester"} <= set(schemas["TicketCreate"]["required"])
    assert "request_type" in schemas["TicketCreateFields"]["required"]
    assert "/companies" in _document(api_as(agent))["paths"]


def test_customer_document_has_no_hidden_fields_and_no_staff_resources(api_as, customer,
                                                                        helpdesk):
    document = _document(api_as(customer))
    text = json.dumps(document)
    for hidden in ("budget", "root_cause", "Root cause", "areas", "north"):
        assert hidden not in text
    schemas = document["components"]["schemas"]
    assert "status" in schemas["Ticket"]["properties"]
    assert "status" not in schemas["TicketCreate"]["properties"]
    assert "request_type" not in schemas["TicketUpdateFields"]["properties"]  # create only
    assert "module" in schemas["TicketUpdateFields"]["properties"]
    assert not {"/companies", "/invites", "/schema"} & set(document["paths"])
    parameters = {p["name"] for p in document["paths"]["/tickets"]["get"]["parameters"]}
    assert {"status", "fields.product_family", "q", "sort", "cursor"} <= parameters
    assert "fields.budget" not in parameters


def test_only_the_owner_gets_the_schema_resource(api_as, owner, agent, helpdesk):
    assert "/schema" in _document(api_as(owner))["paths"]
    assert "/schema" not in _document(api_as(agent))["paths"]


def test_a_new_custom_field_appears_after_apply_document(app, api_as, customer, helpdesk):
    api = api_as(customer)
    before = _document(api)
    assert "asset_tag" not in before["components"]["schemas"]["TicketFields"]["properties"]
    with app.app_context():
        document = export_document()
        document["fields"].append({"key": "asset_tag", "type": "text",
                                   "label": {"en": "Asset tag", "it": "Cespite"},
                                   "settings": {"max_length": 20}})
        apply_document(None, document)
    after = _document(api)
    create = after["components"]["schemas"]["TicketCreateFields"]["properties"]["asset_tag"]
    assert {"type": "string", "maxLength": 20} in create["anyOf"]
    assert after["info"]["version"] != before["info"]["version"]
    validate(after)


def test_document_is_built_once_per_schema_revision_and_role(app, customer, agent, helpdesk,
                                                            monkeypatch):
    import app.api.openapi as openapi

    built = []
    original = openapi.build_document
    monkeypatch.setattr(openapi, "build_document",
                        lambda *args: built.append(args[1]) or original(*args))
    with app.test_request_context():
        first = openapi.openapi_document(customer)
        assert openapi.openapi_document(customer) is first
        openapi.openapi_document(agent)
        openapi.openapi_document(agent)
    assert built == ["customer", "agent"]


def test_field_labels_follow_the_language(api_as, make_user, helpdesk):
    italian = _document(api_as(make_user("customer", language="it")))
    seats = italian["components"]["schemas"]["TicketFields"]["properties"]["seats"]
    assert seats["title"] == "Postazioni"


def test_document_needs_a_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 401


def test_servers_follow_the_url_prefix(fresh_database_url):
    from app import create_app
    from app.accounts.services import create_user
    from app.api.tokens import create_token
    from app.extensions import db

    mounted = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                          "SPORTELLO_URL_PREFIX": "/support"})
    try:
        with mounted.app_context():
            user = create_user(email="mounted@example.com", name="M", role="agent")
            secret = create_token(user, "Mounted").secret
        response = mounted.test_client().get(
            "/support/api/v1/openapi.json", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200
        assert response.get_json()["servers"] == [{"url": "/support/api/v1"}]
    finally:
        with mounted.app_context():
            db.engine.dispose()

"""Schemathesis against the OpenAPI document, through the app's WSGI interface.

Bounded and reproducible: a few examples per operation (positive and negative
data, a fixed seed), for a customer's token and the owner's. Every answer must
be documented (status, content type, body schema) and none may be a server
error. The bugs it found each have a plain test too (NUL characters, ids
beyond 32 bits, instants before year 1, "" for ids, unnamed multipart parts);
raise ``EXAMPLES`` to explore further.
"""

from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.accounts.models import Role

EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
#: (path, method) of the operations fuzzed; the ticket ones on a ticket the caller sees.
#: Downloads are left to the plain tests: the WSGI transport never closes a streamed file.
EVERYONE = [
    ("/fields", "GET"), ("/lists", "GET"), ("/openapi.json", "GET"), ("/tickets", "GET"),
    ("/tickets", "POST"), ("/tickets/{number}", "GET"), ("/tickets/{number}", "PATCH"),
    ("/tickets/{number}/comments", "GET"), ("/tickets/{number}/comments", "POST"),
    ("/tickets/{number}/events", "GET"), ("/tickets/{number}/attachments", "POST"),
]
OWNER = [
    ("/companies", "GET"), ("/companies", "POST"), ("/companies/{company_id}", "GET"),
    ("/companies/{company_id}", "PATCH"), ("/companies/{company_id}/persons", "GET"),
    ("/companies/{company_id}/persons", "POST"),
    ("/companies/{company_id}/persons/{person_id}", "PATCH"),
    ("/companies/{company_id}/persons/{person_id}/deactivate", "POST"),
    ("/invites", "GET"), ("/invites", "POST"), ("/invites/{invite_id}", "DELETE"),
    ("/schema", "GET"), ("/schema", "PUT"),
]


def _fuzz(app, document: dict, secret: str, operations, path_parameters: dict) -> None:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(document))
    schema.app = app
    headers = {"Authorization": f"Bearer {secret}"}
    for path, method in operations:
        operation = schema[path][method]
        fixed = {name: value for name, value in path_parameters.items() if f"{{{name}}}" in path}
        strategy = st.one_of(*(
            operation.as_strategy(mode, path_parameters=fixed or None, headers=headers)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ))

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        call()


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.OWNER])
def test_no_server_error_and_every_answer_documented(app, api_as, make_user, make_company,
                                                     make_ticket, helpdesk, monkeypatch, role):
    monkeypatch.setitem(app.config, "SPORTELLO_API_RATE_LIMIT", 0)
    user = make_user(role)
    requester = user if role is Role.CUSTOMER else make_user(Role.CUSTOMER)
    ticket = make_ticket(requester, request_type="incident", product_family="hardware")
    company = make_company()
    api = api_as(user)
    _fuzz(app, api.get("/openapi.json").get_json(), api.secret,
          EVERYONE + (OWNER if role is Role.OWNER else []),
          {"number": ticket.number, "company_id": company.id,
           "person_id": make_user(Role.CUSTOMER, company=company).id})

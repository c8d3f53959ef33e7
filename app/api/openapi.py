"""The OpenAPI 3.1 document of the API, generated from the code and the live schema.

One document per role (owner, agent, customer) and language, cached per schema
revision: it holds only the resources and fields that role may use, so a
customer's client generator never learns about hidden fields.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from app import __version__
from app.api import people_json
from app.api.activity import COMMENT_CREATE
from app.api.openapi_tickets import (
    attachment_field_keys,
    filter_parameters,
    nullable,
    ticket_schemas,
)
from app.api.pagination import MAX_LIMIT
from app.fields.gate import Viewer
from app.fields.schema import Schema, Stage, current_language, current_schema, schema_cache

_INSTANT = {"type": "string", "format": "date-time"}
_LOCALISED = {"type": "object", "properties": {"en": {"type": "string"},
                                                 "it": {"type": "string"}},
              "required": ["en", "it"]}
_PERSON = nullable({"type": "object", "properties": {"id": {"type": "integer"},
                                                      "name": {"type": "string"}},
                    "required": ["id", "name"]})
_ERRORS = {
    400: "The request could not be read (e.g. the body is not JSON).",
    401: "No token, or a token that is unknown, revoked, or of a user who may not sign in.",
    403: "The token may not do this: its scope, its user's role, or fields the user may "
         "not write (named in fields).",
    404: "No such resource, or not visible to the token's user.",
    413: "The upload is too large.",
    415: "The body is not of a supported media type.",
    422: "Invalid input: fields maps each input concerned to a message.",
    429: "Too many requests with this token: wait Retry-After seconds.",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page(item: str) -> dict:
    return {"type": "object", "required": ["items", "next"], "properties": {
        "items": {"type": "array", "items": _ref(item)},
        "next": nullable({"type": "string"}),
    }}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _operation(operation_id: str, summary: str, ok: int, ok_schema: dict | None,
               errors: tuple[int, ...], *, body: dict | None = None,
               parameters: list | None = None, ok_content: dict | None = None) -> dict:
    responses: dict[str, Any] = {
        str(ok): {"description": "Done.",
                  **({"content": ok_content or _json(ok_schema)}
                     if ok_schema or ok_content else {})},
    }
    for code in sorted({401, 429, *errors}):
        responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary,
                                 "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    return operation


def _path(name: str, description: str, maximum: int | None = None) -> dict:
    schema: dict[str, Any] = {"type": "string"}
    if maximum:
        schema = {"type": "integer", "minimum": 1, "maximum": maximum}
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema}


_ID = 2**31 - 1
_NUMBER = _path("number", "The ticket's number, e.g. 2026-00042.")
_PAGE_PARAMETERS = [
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}},
    {"name": "cursor", "in": "query", "required": False,
     "description": "The next value of the previous page.", "schema": {"type": "string"}},
]


def _common_schemas() -> dict[str, dict]:
    attachment = {"type": "object", "required": ["id", "filename", "size", "url"],
                  "properties": {"id": {"type": "integer"}, "filename": {"type": "string"},
                                 "content_type": {"type": "string"},
                                 "size": {"type": "integer"}, "created": _INSTANT,
                                 "url": {"type": "string", "format": "uri"}}}
    item = {"type": "object", "required": ["key", "label", "active"], "properties": {
        "key": {"type": "string"}, "label": _LOCALISED, "colour": {"type": "string"},
        "active": {"type": "boolean"}, "parents": {"type": "array", "items": {"type": "string"}},
        "category": {"type": "string"}}}
    return {
        "Error": {"type": "object", "required": ["error", "fields"], "properties": {
            "error": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            "problems": {"type": "array", "items": {"type": "string"}},
        }},
        "Attachment": attachment,
        "Comment": {"type": "object", "required": ["id", "body", "internal", "attachments"],
                    "properties": {
                        "id": {"type": "integer"}, "author": _PERSON,
                        "internal": {"type": "boolean"}, "body": {"type": "string"},
                        "body_html": {"type": "string"}, "created": _INSTANT,
                        "attachments": {"type": "array", "items": _ref("Attachment")}}},
        "Upload": {"type": "object", "required": ["comment", "attachments"], "properties": {
            "comment": nullable(_ref("Comment")),
            "attachments": {"type": "array", "items": _ref("Attachment")}}},
        "Event": {"type": "object", "required": ["id", "kind", "at"], "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string"}, "at": _INSTANT,
            "actor": _PERSON, "field": nullable({"type": "string"}), "old": {}, "new": {},
            "labels": {"type": "object"}, "values": nullable({"type": "object"}),
            "comment": nullable({"type": "integer"}), "note": {"type": "string"}}},
        "ListItem": item,
        "List": {"type": "object", "required": ["key", "name", "items"], "properties": {
            "key": {"type": "string"}, "name": _LOCALISED,
            "items": {"type": "array", "items": _ref("ListItem")}}},
        "Field": {"type": "object", "required": ["key", "type", "label", "visible",
                                                 "writable_on_create", "writable_on_update",
                                                 "required"], "properties": {
            "key": {"type": "string"}, "type": {"type": "string"},
            "builtin": {"type": "boolean"}, "label": _LOCALISED, "help": _LOCALISED,
            "list": nullable(_ref("List")), "visible": {"type": "boolean"},
            "writable_on_create": {"type": "boolean"},
            "writable_on_update": {"type": "boolean"},
            "writable_when_closed": {"type": "boolean"}, "required": {"type": "boolean"},
            "conditional": {"type": "boolean"},
            "condition": nullable({"type": "object", "properties": {
                "field": {"type": "string"}, "values": {"type": "array"}}}),
            "cascade_from": nullable({"type": "string"}), "filterable": {"type": "boolean"},
            "sortable": {"type": "boolean"},
            "operators": {"type": "array", "items": {"type": "string"}},
            "value_schema": {"type": "object"}, "archived": {"type": "boolean"}}},
        "TicketPage": _page("Ticket"),
        "CommentPage": _page("Comment"),
        "EventPage": _page("Event"),
        "Fields": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": _ref("Field")}}},
        "Lists": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": _ref("List")}}},
    }


def _people_schemas() -> dict[str, dict]:
    company = {"type": "object", "required": ["id", "name"], "properties": {
        **people_json.COMPANY_PROPERTIES, "id": {"type": "integer"}, "created": _INSTANT}}
    person = {"type": "object", "required": ["id", "company", "email", "name", "active"],
              "properties": {**people_json.person_properties(), "id": {"type": "integer"},
                             "company": {"type": "integer"}, "email": {"type": "string"},
                             "active": {"type": "boolean"}, "created": _INSTANT,
                             "last_login": nullable(_INSTANT)}}
    invite = {"type": "object", "required": ["id", "company", "state", "max_uses", "uses"],
              "properties": {"id": {"type": "integer"},
                             "company": nullable({"type": "integer"}),
                             "note": {"type": "string"}, "max_uses": {"type": "integer"},
                             "uses": {"type": "integer"},
                             "state": {"type": "string",
                                       "enum": list(people_json.INVITE_STATES)},
                             "created": _INSTANT, "expires": _INSTANT,
                             "revoked": nullable(_INSTANT),
                             "token": {"type": "string", "description": "Only in the answer "
                                       "that made the link: it is not stored."}}}
    return {
        "Company": company, "CompanyCreate": people_json.COMPANY_CREATE,
        "CompanyUpdate": people_json.COMPANY_UPDATE, "CompanyPage": _page("Company"),
        "Person": person, "PersonCreate": people_json.person_create(),
        "PersonUpdate": people_json.person_update(), "PersonPage": _page("Person"),
        "Invite": invite, "InviteCreate": people_json.INVITE_CREATE,
        "InvitePage": _page("Invite"),
    }


def _ticket_paths(schema: Schema, viewer: Viewer, language: str) -> dict[str, dict]:
    files = {"type": "array", "items": {"type": "string", "format": "binary"}}
    creation_files = attachment_field_keys(schema, viewer, Stage.CREATE)
    multipart_ticket = {"type": "object", "required": ["ticket"], "properties": {
        "ticket": {"type": "string", "contentMediaType": "application/json",
                   "description": "The ticket (TicketCreate) as JSON."},
        **dict.fromkeys(creation_files, files)}}
    upload = {"type": "object", "required": ["files"], "properties": {
        "files": files, "body": {"type": "string"}}}
    field_keys = sorted(set(attachment_field_keys(schema, viewer, Stage.OPEN))
                        | set(attachment_field_keys(schema, viewer, Stage.CLOSED)))
    if field_keys:
        upload["properties"]["field"] = {
            "type": "string", "enum": field_keys,
            "description": "An attachment field's key: the files go into that field, not "
                           "into a reply (then without body)."}
    if viewer.is_staff:
        upload["properties"]["internal"] = {"type": "boolean"}
    comment_create = COMMENT_CREATE if viewer.is_staff else {
        **COMMENT_CREATE, "properties": {"body": COMMENT_CREATE["properties"]["body"]}}
    query = [
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "Words to find in titles, descriptions and replies."},
        {"name": "sort", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "created, updated, number, a built-in field or fields.<key>; "
                        "- before it for descending order. Default: -created."},
        *_PAGE_PARAMETERS,
        *filter_parameters(schema, viewer, language),
    ]
    return {
        "/tickets": {
            "get": _operation("listTickets", "Tickets the token's user may see, filtered.",
                              200, _ref("TicketPage"), (404, 422), parameters=query),
            "post": _operation(
                "createTicket", "Open a ticket.", 201, _ref("Ticket"), (400, 403, 413, 415, 422),
                body={**_json(_ref("TicketCreate")),
                      "multipart/form-data": {"schema": multipart_ticket}}),
        },
        "/tickets/{number}": {
            "parameters": [_NUMBER],
            "get": _operation("getTicket", "One ticket.", 200, _ref("Ticket"), (404,)),
            "patch": _operation("updateTicket", "Change fields of a ticket.", 200,
                                _ref("Ticket"), (400, 403, 404, 415, 422),
                                body=_json(_ref("TicketUpdate"))),
        },
        "/tickets/{number}/comments": {
            "parameters": [_NUMBER],
            "get": _operation("listComments", "Replies (and, for staff, internal notes).",
                              200, _ref("CommentPage"), (404, 422),
                              parameters=_PAGE_PARAMETERS),
            "post": _operation("addComment", "Reply.", 201, _ref("Comment"),
                               (400, 403, 404, 415, 422), body=_json(comment_create)),
        },
        "/tickets/{number}/attachments": {
            "parameters": [_NUMBER],
            "post": _operation("uploadAttachments", "Attach files, as a reply or to a field.",
                               201, _ref("Upload"), (400, 403, 404, 413, 415, 422),
                               body={"multipart/form-data": {"schema": upload}}),
        },
        "/tickets/{number}/attachments/{attachment_id}": {
            "parameters": [_NUMBER, _path("attachment_id", "The attachment's id.", _ID)],
            "get": _operation("downloadAttachment", "The file.", 200, None, (404,),
                              ok_content={"application/octet-stream": {
                                  "schema": {"type": "string", "format": "binary"}}}),
        },
        "/tickets/{number}/events": {
            "parameters": [_NUMBER],
            "get": _operation("listEvents", "The ticket's history.", 200, _ref("EventPage"),
                              (404, 422), parameters=_PAGE_PARAMETERS),
        },
    }


def _schema_paths() -> dict[str, dict]:
    return {
        "/fields": {"get": _operation("listFields", "Fields as the token's user sees them.",
                                      200, _ref("Fields"), ())},
        "/lists": {"get": _operation("listLists", "Dropdown lists.", 200, _ref("Lists"), ())},
        "/openapi.json": {"get": _operation("getOpenApi", "This document.", 200,
                                            {"type": "object"}, ())},
    }


def _owner_paths() -> dict[str, dict]:
    plan = {"type": "object", "required": ["dry_run", "applied", "changes", "version"],
            "properties": {"dry_run": {"type": "boolean"}, "applied": {"type": "boolean"},
                           "changes": {"type": "array", "items": {"type": "string"}},
                           "version": {"type": "integer"}}}
    document = {"type": "object", "description": "A schema document "
                "(schema/ticket-fields.schema.json)."}
    dry_run = {"name": "dry_run", "in": "query", "required": False,
               "schema": {"type": "string", "enum": ["0", "1"]}}
    return {"/schema": {
        "get": _operation("exportSchema", "The schema document.", 200, document, (403,)),
        "put": _operation("importSchema", "Apply a schema document (dry_run=1: only show the "
                          "difference).", 200, plan, (400, 403, 415, 422), body=_json(document),
                          parameters=[dry_run]),
    }}


def _staff_paths() -> dict[str, dict]:
    company = _path("company_id", "The company's id.", _ID)
    person = _path("person_id", "The person's id.", _ID)
    invite_filters = [
        {"name": "company", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": _ID}},
        {"name": "state", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(people_json.INVITE_STATES)}},
    ]
    return {
        "/companies": {
            "get": _operation("listCompanies", "Customer companies.", 200,
                              _ref("CompanyPage"), (403, 422), parameters=_PAGE_PARAMETERS),
            "post": _operation("createCompany", "Add a customer company.", 201,
                               _ref("Company"), (400, 403, 415, 422),
                               body=_json(_ref("CompanyCreate"))),
        },
        "/companies/{company_id}": {
            "parameters": [company],
            "get": _operation("getCompany", "One company.", 200, _ref("Company"), (403, 404)),
            "patch": _operation("updateCompany", "Change a company.", 200, _ref("Company"),
                                (400, 403, 404, 415, 422),
                                body=_json(_ref("CompanyUpdate"))),
        },
        "/companies/{company_id}/persons": {
            "parameters": [company],
            "get": _operation("listPersons", "The company's persons.", 200,
                              _ref("PersonPage"), (403, 404, 422),
                              parameters=_PAGE_PARAMETERS),
            "post": _operation("createPerson", "Add a person to the company.", 201,
                               _ref("Person"), (400, 403, 404, 415, 422),
                               body=_json(_ref("PersonCreate"))),
        },
        "/companies/{company_id}/persons/{person_id}": {
            "parameters": [company, person],
            "patch": _operation("updatePerson", "Change a person (active: false deactivates).",
                                200, _ref("Person"), (400, 403, 404, 415, 422),
                                body=_json(_ref("PersonUpdate"))),
        },
        "/companies/{company_id}/persons/{person_id}/deactivate": {
            "parameters": [company, person],
            "post": _operation("deactivatePerson", "Deactivate a person: they can no longer "
                               "sign in, and their tokens stop working.", 200, _ref("Person"),
                               (403, 404)),
        },
        "/invites": {
            "get": _operation("listInvites", "Invite links, newest first.", 200,
                              _ref("InvitePage"), (403, 404, 422), parameters=invite_filters),
            "post": _operation("createInvite", "Make an invite link (its token is in this "
                               "answer only).", 201, _ref("Invite"), (400, 403, 404, 415, 422),
                               body=_json(_ref("InviteCreate"))),
        },
        "/invites/{invite_id}": {
            "parameters": [_path("invite_id", "The invite's id.", _ID)],
            "delete": _operation("revokeInvite", "Revoke an invite link.", 200,
                                 _ref("Invite"), (403, 404)),
        },
    }


def build_document(schema: Schema, role: str, language: str, prefix: str) -> dict[str, Any]:
    viewer = Viewer(role=role)
    schemas = {**_common_schemas(), **ticket_schemas(schema, viewer, language)}
    paths = {**_ticket_paths(schema, viewer, language), **_schema_paths()}
    if viewer.is_staff:
        schemas.update(_people_schemas())
        paths.update(_staff_paths())
    if role == "owner":
        paths.update(_owner_paths())
    responses = {
        f"E{code}": {"description": text, "content": _json(_ref("Error")),
                     **({"headers": {"Retry-After": {"schema": {"type": "integer"}}}}
                        if code == 429 else {})}
        for code, text in _ERRORS.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sportello API",
            "version": f"{__version__}+schema.{schema.version}",
            "description": f"The JSON API of Sportello as a {role} sees it. Ticket schemas "
                           f"follow the Ticket Fields table (schema version {schema.version}).",
        },
        "servers": [{"url": f"{prefix}/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A personal access token (spt_...)."}},
            "schemas": schemas,
            "responses": responses,
        },
    }


def openapi_document(user: Any) -> dict[str, Any]:
    """The document for ``user``'s role, built once per schema revision and language."""
    schema = current_schema()
    language = current_language()
    prefix = current_app.config["SPORTELLO_URL_PREFIX"]
    return schema_cache().derive(
        schema, ("api.openapi", str(user.role), language, prefix),
        lambda: build_document(schema, str(user.role), language, prefix),
    )

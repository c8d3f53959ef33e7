"""``/tickets``: the ticket JSON, writes through the write path, the gate on every
read and write, filters and cursor pages."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.extensions import db
from app.tickets.models import AuditEntry, Ticket, TicketEvent

#: A software ticket must say which version (a required field with a condition).
SOFTWARE = {"product_family": "software", "product_version": "5.2"}
HARDWARE = {"request_type": "incident", "product_family": "hardware"}
BUILTINS = {"title", "description", "status", "priority", "company", "requester",
            "notify_person", "request_date", "assignee"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def opened(helpdesk, make_ticket, customer, agent, app):
    """A ticket opened by ``customer``, then given staff-only values by ``agent``."""
    ticket = make_ticket(customer, title="Printer jam", request_type="incident",
                         product_family="hardware", module="printer", seats=3,
                         tags=["remote", "vip"], on_site=True, impact="team")
    from app.accounts.models import User
    from app.tickets.service import update_ticket

    with app.app_context():
        staff = db.session.get(User, agent.id)
        update_ticket(staff, db.session.get(Ticket, ticket.id),
                      {"budget": 120.5, "due": "2026-06-01", "area": "north",
                       "root_cause": "Toner"})
    return ticket


# -- reading ---------------------------------------------------------------------------

def test_ticket_json_is_typed_with_builtins_on_top_and_custom_under_fields(
        api_as, agent, opened, customer):
    body = api_as(agent).get(f"/tickets/{opened.number}").get_json()
    assert body["number"] == opened.number
    assert BUILTINS - {"notify_person", "assignee"} <= set(body)
    assert body["title"] == "Printer jam" and body["status"] == "new"
    assert body["company"] == customer.company_id and body["requester"] == customer.id
    assert body["request_date"].endswith("Z") and body["created"].endswith("Z")
    fields = body["fields"]
    assert fields["seats"] == 3 and isinstance(fields["seats"], int)
    assert fields["budget"] == 120.5
    assert fields["due"] == "2026-06-01"
    assert fields["tags"] == ["vip", "remote"]  # stored in the list's order
    assert fields["on_site"] is True and fields["request_type"] == "incident"
    assert fields["area"] == "north" and fields["root_cause"] == "Toner"
    assert not BUILTINS & set(fields)


def test_customer_never_gets_hidden_fields(api_as, customer, opened):
    body = api_as(customer).get(f"/tickets/{opened.number}").get_json()
    assert {"budget", "area", "root_cause"}.isdisjoint(body["fields"])
    assert body["fields"]["due"] == "2026-06-01"  # read-only is still visible
    listed = api_as(customer).get("/tickets").get_json()["items"]
    assert [t["number"] for t in listed] == [opened.number]
    assert "budget" not in listed[0]["fields"]


def test_condition_hides_a_field_that_does_not_apply(api_as, agent, opened):
    # product_version applies only to software; the ticket is about hardware.
    assert "product_version" not in api_as(agent).get(f"/tickets/{opened.number}").get_json()[
        "fields"]


def test_other_companies_tickets_are_404(api_as, make_user, opened):
    stranger = api_as(make_user(Role.CUSTOMER))
    for method, path in [("GET", ""), ("PATCH", ""), ("GET", "/comments"),
                         ("POST", "/comments"), ("GET", "/events")]:
        response = stranger.open(method, f"/tickets/{opened.number}{path}",
                                 json={"body": "hi"} if method != "GET" else None)
        assert response.status_code == 404, path
        assert set(response.get_json()) == {"error", "fields"}
    assert stranger.get("/tickets").get_json()["items"] == []


def test_colleague_sees_the_ticket_only_as_a_company_manager(api_as, make_user, make_company,
                                                             make_ticket, helpdesk):
    company = make_company()
    requester, colleague = make_user(company=company), make_user(company=company)
    manager = make_user(company=company, is_company_manager=True)
    ticket = make_ticket(requester, request_type="incident", **SOFTWARE)
    assert api_as(requester).get(f"/tickets/{ticket.number}").status_code == 200
    assert api_as(colleague).get(f"/tickets/{ticket.number}").status_code == 404
    assert api_as(manager).get(f"/tickets/{ticket.number}").status_code == 200


def test_unknown_ticket_is_404(api_as, agent):
    assert api_as(agent).get("/tickets/1999-00001").status_code == 404


# -- creating --------------------------------------------------------------------------

def test_customer_opens_a_ticket(api_as, customer, helpdesk, app):
    response = api_as(customer).post("/tickets", json={
        "title": "VPN down", "description": "Since this morning.",
        "fields": {"request_type": "incident", "product_family": "network", "module": "vpn",
                   "seats": 12, "tags": ["remote"], "on_site": False},
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/tickets/{body['number']}")
    assert body["requester"] == customer.id and body["company"] == customer.company_id
    assert body["priority"] == "medium"  # the field's default
    assert body["fields"]["module"] == "vpn" and body["fields"]["seats"] == 12
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == body["number"]))
        assert ticket.title == "VPN down"
        created = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
        assert created.kind == "created"


def test_staff_open_a_ticket_for_a_customer(api_as, agent, customer, helpdesk):
    response = api_as(agent).post("/tickets", json={
        "title": "Phoned in", "description": "By phone.", "company": customer.company_id,
        "requester": customer.id,
        "status": "in_progress", "assignee": agent.id,
        "fields": {"request_type": "question", "product_family": "services",
                   "budget": 99.99, "area": "south"},
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "in_progress" and body["assignee"] == agent.id
    assert body["fields"]["budget"] == 99.99


@pytest.mark.parametrize(("values", "refused"), [
    ({"fields": {"budget": 10}}, "budget"),              # hidden
    ({"fields": {"area": "north"}}, "area"),             # hidden
    ({"status": "in_progress"}, "status"),               # never written by customers
    ({"fields": {"due": "2026-06-01"}}, "due"),          # read-only
])
def test_customer_writing_a_field_they_may_not_is_refused_whole(api_as, customer, helpdesk,
                                                                app, values, refused):
    before = _count(app, Ticket)
    body = {"title": "Try", "description": "d", "fields": {"request_type": "incident",
                                       **SOFTWARE}}
    body["fields"].update(values.pop("fields", {}))
    body.update(values)
    response = api_as(customer).post("/tickets", json=body)
    assert response.status_code == 403
    answer = response.get_json()
    assert set(answer["fields"]) == {refused} and answer["error"]
    assert _count(app, Ticket) == before
    with app.app_context():
        audit = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
        assert audit.action == "write_refused" and audit.detail["via"] == "api"
        assert refused in audit.detail["fields"]


def _last_audit(app) -> AuditEntry | None:
    with app.app_context():
        return db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))


def test_a_value_for_a_field_its_condition_hides_is_refused_whole(api_as, customer, helpdesk,
                                                                  app):
    # product_version applies only to software: a hardware ticket carrying one was
    # written by hand, not by a client that reads the conditions of /fields.
    tickets, audits = _count(app, Ticket), _count(app, AuditEntry)
    response = api_as(customer).post("/tickets", json={
        "title": "Tampered", "description": "d",
        "fields": {**HARDWARE, "product_version": "5.2", "seats": 2}})
    assert response.status_code == 403, response.get_json()
    answer = response.get_json()
    assert set(answer) == {"error", "fields"} and answer["error"]
    assert set(answer["fields"]) == {"product_version"}
    assert _count(app, Ticket) == tickets
    assert _count(app, AuditEntry) == audits + 1
    audit = _last_audit(app)
    assert (audit.action, audit.actor_id, audit.ticket_id) == ("write_refused", customer.id,
                                                               None)
    assert audit.detail == {"fields": {"product_version": "condition"}, "via": "api"}


def test_a_change_for_a_field_its_condition_hides_is_refused_whole(api_as, customer, agent,
                                                                   opened, app):
    response = api_as(customer).patch(f"/tickets/{opened.number}", json={
        "fields": {"seats": 7, "product_version": "5.2"}})
    assert response.status_code == 403, response.get_json()
    assert set(response.get_json()["fields"]) == {"product_version"}
    shown = api_as(agent).get(f"/tickets/{opened.number}").get_json()["fields"]
    assert shown["seats"] == 3 and "product_version" not in shown  # nothing stored
    audit = _last_audit(app)
    assert (audit.action, audit.actor_id, audit.ticket_id) == ("write_refused", customer.id,
                                                               opened.id)
    assert audit.detail == {"fields": {"product_version": "condition"}, "via": "api"}


@pytest.mark.parametrize(("body", "key"), [
    ({"title": "x", "fields": {"request_type": "nonsense", **SOFTWARE}},
     "request_type"),
    ({"title": "x", "fields": {"request_type": "incident", **SOFTWARE,
                               "seats": 1000}}, "seats"),
    ({"title": "x", "fields": {"request_type": "incident", **SOFTWARE,
                               "seats": "many"}}, "seats"),
    ({"title": "x", "fields": {"request_type": "incident", "product_family": "hardware",
                               "module": "vpn"}}, "module"),        # not under hardware
    ({"title": "x", "fields": {"request_type": "incident", **SOFTWARE,
                               "tags": ["vip", "unknown"]}}, "tags"),
    ({"title": "x", "fields": {"request_type": "incident", **SOFTWARE,
                               "tags": "vip"}}, "tags"),
    ({"title": "x", "fields": {"request_type": "incident", "product_family": ["software"],
                               "module": "payroll"}}, "product_family"),
    ({"title": "x", "fields": {"request_type": {"a": 1}, **SOFTWARE}},
     "request_type"),
    ({"fields": {"request_type": "incident", **SOFTWARE}}, "title"),
    ({"title": "x", "fields": {**SOFTWARE}}, "request_type"),
    ({"title": "x", "number": "2026-00001"}, "number"),
    ({"title": "x", "colour": "red"}, "colour"),
    ({"title": "x", "seats": 3}, "seats"),
    ({"title": "x", "fields": {"title": "again"}}, "title"),
    ({"title": "x", "fields": {"no_such_field": 1}}, "no_such_field"),
    ({"title": "x", "fields": ["request_type"]}, "fields"),
    ({"title": "x", "fields": {"screenshots": [1]}}, "screenshots"),
])
def test_invalid_or_unknown_values_are_422_and_store_nothing(api_as, customer, helpdesk, app,
                                                             body, key):
    before = _count(app, Ticket)
    response = api_as(customer).post("/tickets", json=body)
    assert response.status_code == 422, response.get_json()
    answer = response.get_json()
    assert set(answer) == {"error", "fields"} and key in answer["fields"]
    assert all(isinstance(message, str) and message for message in answer["fields"].values())
    assert _count(app, Ticket) == before


def test_an_empty_string_clears_like_null(api_as, customer, helpdesk, app):
    response = api_as(customer).post("/tickets", json={
        "title": "x", "description": "d", "notify_person": "", "priority": "",
        "fields": {**HARDWARE, "impact": ""}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["notify_person"] is None and body["priority"] is None
    assert body["fields"]["impact"] is None


@pytest.mark.parametrize("company", [2**31, 2**63, -2**31 - 1, False, "1", 1.0])
def test_ids_must_be_whole_numbers_within_32_bits(api_as, agent, customer, helpdesk, company):
    response = api_as(agent).post("/tickets", json={
        "title": "x", "description": "d", "company": company, "requester": customer.id,
        "notify_person": customer.id, "fields": HARDWARE})
    assert response.status_code == 422 and "company" in response.get_json()["fields"]


def test_an_instant_out_of_range_is_422(api_as, agent, opened):
    response = api_as(agent).patch(f"/tickets/{opened.number}",
                                   json={"request_date": "0001-01-01T00:00:00+01:00"})
    assert response.status_code == 422 and "request_date" in response.get_json()["fields"]


@pytest.mark.parametrize(("data", "content_type", "status"), [
    ("{not json", "application/json", 400),
    ("[1, 2]", "application/json", 422),
    ('{"title": NaN}', "application/json", 400),
    ("title=x", "application/x-www-form-urlencoded", 415),
])
def test_bodies_that_are_not_a_json_object(api_as, customer, helpdesk, data, content_type,
                                           status):
    response = api_as(customer).post("/tickets", data=data,
                                     headers={"Content-Type": content_type})
    assert response.status_code == status
    assert set(response.get_json()) == {"error", "fields"}


def test_create_with_files_for_an_attachment_field(api_as, customer, helpdesk):
    ticket = {"title": "See picture", "description": "Attached.", "fields": HARDWARE}
    response = api_as(customer).post("/tickets", data={
        "ticket": json.dumps(ticket),
        "screenshots": [(io.BytesIO(b"\x89PNG fake"), "screen.png")],
    }, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert len(response.get_json()["fields"]["screenshots"]) == 1


def test_multipart_create_refuses_files_for_other_fields_and_a_missing_ticket(
        api_as, customer, helpdesk):
    api = api_as(customer)
    no_ticket = api.post("/tickets", data={"x": "1"}, content_type="multipart/form-data")
    assert no_ticket.status_code == 422 and "ticket" in no_ticket.get_json()["fields"]
    wrong = api.post("/tickets", data={
        "ticket": json.dumps({"title": "x", "description": "d", "fields": HARDWARE}),
        "seats": [(io.BytesIO(b"1"), "one.txt")],
    }, content_type="multipart/form-data")
    assert wrong.status_code == 422 and "seats" in wrong.get_json()["fields"]
    extra = api.post("/tickets", data={
        "ticket": json.dumps({"title": "x", "description": "d", "fields": HARDWARE}),
        "title": "again"}, content_type="multipart/form-data")
    assert extra.status_code == 422 and "title" in extra.get_json()["fields"]


# -- changing --------------------------------------------------------------------------

def test_customer_changes_what_they_may_change_after_creation(api_as, customer, opened):
    response = api_as(customer).patch(f"/tickets/{opened.number}",
                                      json={"fields": {"seats": 4, "tags": []}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["fields"]["seats"] == 4
    assert response.get_json()["fields"]["tags"] == []


def test_customer_update_of_a_create_only_field_is_403_and_changes_nothing(
        api_as, customer, agent, opened):
    response = api_as(customer).patch(f"/tickets/{opened.number}", json={
        "fields": {"seats": 9, "request_type": "question"}})
    assert response.status_code == 403
    assert set(response.get_json()["fields"]) == {"request_type"}
    assert api_as(agent).get(f"/tickets/{opened.number}").get_json()["fields"]["seats"] == 3


def test_staff_change_status_assignee_and_hidden_fields(api_as, agent, opened):
    response = api_as(agent).patch(f"/tickets/{opened.number}", json={
        "status": "in_progress", "assignee": agent.id, "fields": {"budget": 80}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "in_progress" and body["assignee"] == agent.id
    assert body["fields"]["budget"] == 80


def test_closing_needs_the_fields_required_to_close(api_as, agent, helpdesk, make_ticket,
                                                    customer):
    ticket = make_ticket(customer, request_type="incident", **SOFTWARE)
    response = api_as(agent).patch(f"/tickets/{ticket.number}", json={"status": "closed"})
    assert response.status_code == 422
    assert "root_cause" in response.get_json()["fields"]


def test_patch_refuses_unknown_and_read_only_properties(api_as, agent, opened):
    api = api_as(agent)
    assert api.patch(f"/tickets/{opened.number}", json={"created": "x"}).status_code == 422
    unknown = api.patch(f"/tickets/{opened.number}", json={"fields": {"nope": 1}})
    assert unknown.status_code == 422 and "nope" in unknown.get_json()["fields"]


def test_json_can_remove_but_not_add_attachment_ids(api_as, customer, agent, helpdesk):
    api = api_as(customer)
    made = api.post("/tickets", data={
        "ticket": json.dumps({"title": "x", "description": "d", "fields": HARDWARE}),
        "screenshots": [(io.BytesIO(b"a"), "a.png"), (io.BytesIO(b"b"), "b.png")],
    }, content_type="multipart/form-data").get_json()
    first, second = made["fields"]["screenshots"]
    added = api.patch(f"/tickets/{made['number']}",
                      json={"fields": {"screenshots": [first, second, second + 1000]}})
    assert added.status_code == 422
    removed = api.patch(f"/tickets/{made['number']}", json={"fields": {"screenshots": [second]}})
    assert removed.status_code == 200 and removed.get_json()["fields"]["screenshots"] == [second]


# -- lists, filters and pages -------------------------------------------------------------

@pytest.fixture
def several(helpdesk, make_ticket, customer, agent, app):
    made = [
        make_ticket(customer, title="Accounting crash", request_type="incident",
                    **SOFTWARE, impact="team"),
        make_ticket(customer, title="New printer", request_type="change",
                    product_family="hardware", impact="one_person"),
        make_ticket(customer, title="Wifi slow", request_type="incident",
                    product_family="network", impact="company"),
    ]
    from app.accounts.models import User
    from app.tickets.service import update_ticket

    with app.app_context():
        update_ticket(db.session.get(User, agent.id), db.session.get(Ticket, made[1].id),
                      {"status": "in_progress"})
    return made


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [t["number"] for t in response.get_json()["items"]]


def test_filters_on_builtin_and_custom_fields(api_as, customer, several):
    api = api_as(customer)
    accounting, printer, wifi = (t.number for t in several)
    assert _numbers(api.get("/tickets?status=in_progress")) == [printer]
    assert set(_numbers(api.get("/tickets?status=new,in_progress"))) == {accounting, printer,
                                                                          wifi}
    assert _numbers(api.get("/tickets?fields.product_family=software")) == [accounting]
    assert set(_numbers(api.get("/tickets?fields.impact__in=team,company"))) == {accounting,
                                                                                  wifi}
    assert _numbers(api.get("/tickets?fields.impact__not_in=team,company")) == [printer]
    assert _numbers(api.get("/tickets?status=new&fields.request_type=incident&sort=created")) \
        == [accounting, wifi]
    assert _numbers(api.get("/tickets?q=printer")) == [printer]


def test_sorting(api_as, agent, several):
    api = api_as(agent)
    numbers = [t.number for t in several]
    assert _numbers(api.get("/tickets")) == numbers[::-1]  # default: newest first
    assert _numbers(api.get("/tickets?sort=created")) == numbers
    assert _numbers(api.get("/tickets?sort=title")) == sorted(
        numbers, key=lambda n: {t.number: t.title for t in several}[n])
    # Custom values sort by their stored value (item keys): team, one_person, company.
    assert _numbers(api.get("/tickets?sort=-fields.impact")) == numbers


@pytest.mark.parametrize("query", [
    "fields.budget=10", "fields.root_cause__empty=1", "budget=10", "nonsense=1",
    "fields.title=x", "sort=fields.budget", "sort=nonsense", "status__gt=new",
    "fields.seats__gt=many", "limit=0", "limit=1000", "limit=x", "cursor=forged",
    "request_date__gt=not-a-date", "fields.due__lt=2026-13-45", "assignee=1E10",
    "requester=1.5", "company=nan", "request_date__gt=0001-01-01T00:00:00%2B01:00",
])
def test_bad_or_hidden_filters_are_422_for_customers(api_as, customer, several, query):
    response = api_as(customer).get(f"/tickets?{query}")
    assert response.status_code == 422, query
    answer = response.get_json()
    assert set(answer) == {"error", "fields"} and answer["fields"]
    assert "Budget" not in json.dumps(answer) and "Root cause" not in json.dumps(answer)


def test_staff_filter_on_hidden_fields(api_as, agent, opened, several):
    assert _numbers(api_as(agent).get("/tickets?fields.area=north")) == [opened.number]


@pytest.fixture
def serials(helpdesk, make_ticket, customer):
    """Two tickets of ``customer`` with a serial number, a field not filterable."""
    return [make_ticket(customer, request_type="incident", product_family="hardware",
                        serial=serial) for serial in ("SN-100", "SN-200")]


@pytest.mark.parametrize("query", ["fields.serial=SN-100", "fields.serial__contains=SN",
                                   "fields.serial__empty=1"])
def test_customers_may_not_filter_on_a_field_that_is_not_filterable(api_as, customer, serials,
                                                                    query):
    response = api_as(customer).get(f"/tickets?{query}")
    assert response.status_code == 422, response.get_json()
    answer = response.get_json()
    assert set(answer) == {"error", "fields"} and answer["error"]
    assert set(answer["fields"]) == {"serial"} and answer["fields"]["serial"]


def test_staff_may_filter_on_a_field_that_is_not_filterable(api_as, agent, customer, serials):
    first, second = (t.number for t in serials)
    assert _numbers(api_as(agent).get("/tickets?fields.serial=SN-200")) == [second]
    assert set(_numbers(api_as(agent).get("/tickets?fields.serial__contains=SN-"))) == {
        first, second}
    # The customer still reads the value: only filtering is withheld.
    assert api_as(customer).get(f"/tickets/{first}").get_json()["fields"]["serial"] == "SN-100"


def test_fields_and_openapi_say_which_fields_filter(api_as, customer, agent, helpdesk):
    def fields(api) -> dict[str, dict]:
        return {f["key"]: f for f in api.get("/fields").get_json()["items"]}

    def filters(api) -> set[str]:
        document = api.get("/openapi.json").get_json()
        return {p["name"] for p in document["paths"]["/tickets"]["get"]["parameters"]}

    mine = fields(api_as(customer))
    assert mine["serial"]["filterable"] is False and mine["serial"]["writable_on_create"]
    assert mine["product_family"]["filterable"] is True
    assert fields(api_as(agent))["serial"]["filterable"] is True
    offered = filters(api_as(customer))
    assert "fields.serial" not in offered and "fields.product_family" in offered
    assert "fields.serial" in filters(api_as(agent))


def _walk(api, url: str) -> list[str]:
    seen = []
    while url:
        response = api.get(url)
        seen += _numbers(response)
        url = response.get_json()["next"] and url.split("&cursor=")[0] + "&cursor=" + \
            response.get_json()["next"]
    return seen


def test_cursor_pages_with_next_and_link(api_as, agent, helpdesk, make_ticket, customer):
    made = [make_ticket(customer, request_type="incident", **SOFTWARE).number
            for _ in range(5)]
    api = api_as(agent)
    first = api.get("/tickets?limit=2&sort=created")
    assert _numbers(first) == made[:2]
    cursor = first.get_json()["next"]
    link = first.headers["Link"]
    assert link.endswith('>; rel="next"') and "cursor=" in link and "limit=2" in link
    link_path = link[1:].split(">")[0].split("://", 1)[1].split("/", 1)[1]
    assert _numbers(api.get("/" + link_path)) == made[2:4]
    assert _numbers(api.get(f"/tickets?limit=2&sort=created&cursor={cursor}")) == made[2:4]
    last = api.get(f"/tickets?limit=10&sort=created&cursor={cursor}")
    assert _numbers(last) == made[2:] and last.get_json()["next"] is None
    assert "Link" not in last.headers


@pytest.mark.parametrize("sort", ["created", "-created", "title", "-request_date"])
def test_pages_stay_stable_while_tickets_are_created(api_as, agent, helpdesk, make_ticket,
                                                    customer, sort):
    made = [make_ticket(customer, title=f"T{n}", request_type="incident",
                        **SOFTWARE).number for n in range(6)]
    api = api_as(agent)
    everything = _numbers(api.get(f"/tickets?limit=100&sort={sort}"))
    assert sorted(everything) == sorted(made)
    first = api.get(f"/tickets?limit=2&sort={sort}")
    seen = _numbers(first)
    cursor = first.get_json()["next"]
    newcomers = [make_ticket(customer, title=f"T{n}", request_type="incident",
                             **SOFTWARE).number for n in (0, 9)]
    second = api.get(f"/tickets?limit=2&sort={sort}&cursor={cursor}")
    assert _numbers(second) == everything[2:4]  # not shifted by the new tickets
    rest = _walk(api, f"/tickets?limit=2&sort={sort}&cursor={second.get_json()['next']}")
    walked = seen + _numbers(second) + rest
    assert len(walked) == len(set(walked))  # nothing twice
    assert [n for n in walked if n in made] == everything
    assert set(walked) - set(made) <= set(newcomers)


def test_a_cursor_belongs_to_its_query(api_as, agent, helpdesk, make_ticket, customer):
    for _ in range(3):
        make_ticket(customer, request_type="incident", **SOFTWARE)
    api = api_as(agent)
    cursor = api.get("/tickets?limit=1&sort=created").get_json()["next"]
    reused = api.get(f"/tickets?limit=1&sort=-created&cursor={cursor}")
    assert reused.status_code == 422 and "cursor" in reused.get_json()["fields"]
    tampered = api.get(f"/tickets?limit=1&sort=created&cursor={cursor[:-2]}xx")
    assert tampered.status_code == 422


def test_nul_characters_are_refused_before_the_database(api_as, owner, opened):
    api = api_as(owner)
    number = opened.number
    for response, key in [
        (api.patch(f"/tickets/{number}", json={"title": "a\u0000b"}), "title"),
        (api.patch(f"/tickets/{number}", json={"fields": {"module": "a\u0000"}}), "fields"),
        (api.post(f"/tickets/{number}/comments", json={"body": "a\u0000b"}), "body"),
        (api.post("/companies", json={"name": "a\u0000b"}), "name"),
        (api.get("/tickets?q=a%00b"), "q"),
        (api.get("/tickets?fields.product_version=a%00b"), "fields.product_version"),
        (api.post(f"/tickets/{number}/attachments", data={"body": "a\u0000"},
                  content_type="multipart/form-data"), "body"),
    ]:
        assert response.status_code == 422, key
        assert key in response.get_json()["fields"]
    assert api.get("/tickets/a%00b").status_code == 404
    assert api.post("/companies", data=b'["a\\u0000"]',
                    content_type="application/json").status_code == 422


@pytest.mark.parametrize("depth", [900, 5000])
def test_deeply_nested_bodies_are_refused_not_crashed_on(api_as, customer, helpdesk, depth):
    nested = "[" * depth + "]" * depth
    response = api_as(customer).post(
        "/tickets", data='{"title": "x", "fields": {"tags": ' + nested + "}}",
        content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.get_json()) == {"error", "fields"}


def test_a_customer_must_confirm_the_address_before_opening_a_ticket(make_user, api_as,
                                                                     helpdesk, app):
    """The portal's rule holds over the API too: a confirmed address first."""
    newcomer = make_user(Role.CUSTOMER, email_verified_at=None)
    response = api_as(newcomer).post("/tickets", json={
        "title": "VPN down", "description": "Since this morning.",
        "fields": {"request_type": "incident", "product_family": "network", "module": "vpn"},
    })
    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id))) == 0

"""Staff endpoints: companies, their persons, invites."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from app.accounts.models import Role
from app.timeutil import utcnow
from tests.api.conftest import ApiClient


@pytest.fixture
def staff(api_as, agent):
    return api_as(agent)


def test_customers_may_not_use_staff_resources(api_as, customer):
    api = api_as(customer)
    for method, path in [("GET", "/companies"), ("POST", "/companies"),
                         ("GET", f"/companies/{customer.company_id}"),
                         ("GET", f"/companies/{customer.company_id}/persons"),
                         ("GET", "/invites"), ("POST", "/invites"), ("DELETE", "/invites/1")]:
        response = api.open(method, path, json={"name": "x"})
        assert response.status_code == 403, (method, path)
        assert set(response.get_json()) == {"error", "fields"}


def test_companies(staff, make_company):
    existing = make_company(name="Rossi Srl")
    made = staff.post("/companies", json={"name": " Bianchi SpA ", "vat_number": "IT1",
                                          "hourly_rate": 45.5})
    assert made.status_code == 201, made.get_json()
    company = made.get_json()
    assert company["name"] == "Bianchi SpA" and company["hourly_rate"] == 45.5
    assert company["ticketing_enabled"] is True
    assert made.headers["Location"].endswith(f"/api/v1/companies/{company['id']}")
    changed = staff.patch(f"/companies/{company['id']}",
                          json={"ticketing_enabled": False, "hourly_rate": None})
    assert changed.status_code == 200
    assert changed.get_json()["ticketing_enabled"] is False
    assert changed.get_json()["hourly_rate"] is None
    assert staff.get(f"/companies/{existing.id}").get_json()["name"] == "Rossi Srl"
    first = staff.get("/companies?limit=1").get_json()
    rest = staff.get(f"/companies?limit=100&cursor={first['next']}").get_json()
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert {existing.id, company["id"]} <= set(ids) and len(ids) == len(set(ids))


@pytest.mark.parametrize(("body", "key"), [
    ({}, "name"), ({"name": "  "}, "name"), ({"name": "x" * 201}, "name"),
    ({"name": "A", "hourly_rate": -1}, "hourly_rate"), ({"name": "A", "colour": 1}, "colour"),
    ({"name": "A", "ticketing_enabled": "yes"}, "ticketing_enabled"),
])
def test_invalid_companies_are_422(staff, body, key):
    response = staff.post("/companies", json=body)
    assert response.status_code == 422 and key in response.get_json()["fields"]


def test_unknown_company_is_404(staff):
    assert staff.get("/companies/999999").status_code == 404
    assert staff.get("/companies/99999999999999").status_code == 404
    assert staff.patch("/companies/999999", json={"name": "x"}).status_code == 404
    assert staff.get("/companies/999999/persons").status_code == 404


def test_persons_create_update_deactivate(staff, make_company, api_as, make_token, client):
    company = make_company()
    made = staff.post(f"/companies/{company.id}/persons", json={
        "email": "Anna.Rossi@Example.com", "name": "Anna", "surname": "Rossi",
        "job_role": "Accounts", "is_company_manager": True, "language": "it"})
    assert made.status_code == 201, made.get_json()
    person = made.get_json()
    assert person["email"] == "anna.rossi@example.com" and person["company"] == company.id
    assert person["is_company_manager"] and person["active"]
    listed = staff.get(f"/companies/{company.id}/persons").get_json()["items"]
    assert [p["id"] for p in listed] == [person["id"]]
    changed = staff.patch(f"/companies/{company.id}/persons/{person['id']}",
                          json={"phone": "+39 051 123456", "is_company_manager": False})
    assert changed.status_code == 200 and changed.get_json()["phone"] == "+39 051 123456"
    their_api = ApiClient(client, make_token(SimpleNamespace(id=person["id"])))
    assert their_api.get("/fields").status_code == 200
    gone = staff.post(f"/companies/{company.id}/persons/{person['id']}/deactivate")
    assert gone.status_code == 200 and gone.get_json()["active"] is False
    assert their_api.get("/fields").status_code == 401
    back = staff.patch(f"/companies/{company.id}/persons/{person['id']}", json={"active": True})
    assert back.status_code == 200 and back.get_json()["active"] is True
    assert their_api.get("/fields").status_code == 200


def test_person_refusals(staff, make_company, make_user, customer):
    company = make_company()
    taken = staff.post(f"/companies/{company.id}/persons",
                       json={"email": customer.email, "name": "Dup"})
    assert taken.status_code == 422 and "email" in taken.get_json()["fields"]
    bad = staff.post(f"/companies/{company.id}/persons", json={"email": "nope", "name": "X"})
    assert bad.status_code == 422 and "email" in bad.get_json()["fields"]
    elsewhere = staff.patch(f"/companies/{company.id}/persons/{customer.id}",
                            json={"name": "X"})
    assert elsewhere.status_code == 404  # not a person of this company
    agent = make_user(Role.AGENT)
    assert staff.patch(f"/companies/{company.id}/persons/{agent.id}",
                       json={"name": "X"}).status_code == 404
    other = make_user(Role.CUSTOMER, company=company)
    clash = staff.patch(f"/companies/{company.id}/persons/{other.id}",
                        json={"email": customer.email.upper()})
    assert clash.status_code == 422 and "email" in clash.get_json()["fields"]
    assert staff.patch(f"/companies/{company.id}/persons/{other.id}",
                       json={"language": "de"}).status_code == 422


def test_invite_links(staff, make_company, agent):
    company = make_company()
    made = staff.post("/invites", json={"company": company.id, "days": 7, "max_uses": 3,
                                        "note": " For the accounts office "})
    assert made.status_code == 201, made.get_json()
    invite = made.get_json()
    assert invite["state"] == "active" and invite["company"] == company.id
    assert invite["note"] == "For the accounts office" and invite["max_uses"] == 3
    assert len(invite["token"]) > 30 and invite["revoked"] is None
    open_link = staff.post("/invites", json={"company": None}).get_json()
    assert open_link["company"] is None and open_link["max_uses"] == 1
    listed = staff.get("/invites").get_json()["items"]
    assert [i["id"] for i in listed] == [open_link["id"], invite["id"]]  # newest first
    assert all("token" not in i for i in listed)  # shown once, never stored
    assert [i["id"] for i in staff.get(f"/invites?company={company.id}").get_json()["items"]] \
        == [invite["id"]]
    revoked = staff.delete(f"/invites/{invite['id']}")
    assert revoked.status_code == 200 and revoked.get_json()["state"] == "revoked"
    assert [i["id"] for i in staff.get("/invites?state=active").get_json()["items"]] == [
        open_link["id"]]
    assert [i["id"] for i in staff.get("/invites?state=revoked").get_json()["items"]] == [
        invite["id"]]
    assert staff.delete("/invites/999999").status_code == 404


def test_an_invite_without_days_is_valid_for_14_days(staff):
    made = staff.post("/invites", json={"company": None})
    assert made.status_code == 201, made.get_json()
    invite = made.get_json()
    created, expires = (datetime.fromisoformat(invite[k].removesuffix("Z"))
                        for k in ("created", "expires"))
    assert timedelta(days=14) - timedelta(minutes=1) < expires - created <= timedelta(days=14)
    assert abs(expires - (utcnow() + timedelta(days=14))) < timedelta(minutes=1)
    chosen = staff.post("/invites", json={"company": None, "days": 3}).get_json()
    assert chosen["expires"] < invite["expires"]


def test_an_invite_without_days_follows_the_owners_setting(app, staff, monkeypatch):
    monkeypatch.setitem(app.config, "SPORTELLO_INVITE_DAYS", 21)
    invite = staff.post("/invites", json={"company": None}).get_json()
    created, expires = (datetime.fromisoformat(invite[k].removesuffix("Z"))
                        for k in ("created", "expires"))
    assert timedelta(days=21) - timedelta(minutes=1) < expires - created <= timedelta(days=21)


@pytest.mark.parametrize(("body", "key"), [
    ({"company": 999999}, None), ({"days": 0}, "days"), ({"days": 366}, "days"),
    ({"max_uses": 1001}, "max_uses"), ({"note": "x" * 201}, "note"),
    ({"email": "a@example.com"}, "email"), ({"company": "1"}, "company"),
])
def test_invite_refusals(staff, body, key):
    response = staff.post("/invites", json=body)
    if key is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 422 and key in response.get_json()["fields"]


def test_invite_query_refusals(staff):
    assert staff.get("/invites?state=lost").status_code == 422
    assert staff.get("/invites?company=abc").status_code == 422
    assert staff.get("/invites?company=999999").status_code == 404

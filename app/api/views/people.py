"""Staff only: customer companies, their persons, and invites.

Thin views over service functions: creating companies and persons uses
``app.accounts.services``; changing, deactivating and inviting use the interim
services in ``app.api.interim`` until onboarding's are on main.
"""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from app.accounts.models import Company, Role, User
from app.accounts.services import create_company, create_user
from app.api import people_json
from app.api.auth import caller, staff_only
from app.api.blueprint import ID, bp
from app.api.body import check_body, json_object
from app.api.errors import invalid
from app.api.interim import services as people
from app.api.interim.models import InterimInvite
from app.api.pagination import fingerprint, id_page, page_response


@bp.get("/companies")
@staff_only
def list_companies():
    rows, next_cursor = id_page(people.companies(), Company.id, fingerprint())
    return page_response([people_json.company_json(c) for c in rows], next_cursor)


@bp.post("/companies")
@staff_only
def add_company():
    body = json_object()
    check_body(body, people_json.COMPANY_CREATE)
    company = create_company(**people_json.company_values(body))
    location = url_for("api.get_company", company_id=company.id, _external=True)
    return people_json.company_json(company), 201, {"Location": location}


@bp.get(f"/companies/<{ID}:company_id>")
@staff_only
def get_company(company_id: int):
    return people_json.company_json(people.get_company(company_id))


@bp.patch(f"/companies/<{ID}:company_id>")
@staff_only
def change_company(company_id: int):
    body = json_object()
    check_body(body, people_json.COMPANY_UPDATE)
    company = people.update_company(company_id, people_json.company_values(body))
    return people_json.company_json(company)


@bp.get(f"/companies/<{ID}:company_id>/persons")
@staff_only
def list_persons(company_id: int):
    rows, next_cursor = id_page(people.persons_of(company_id), User.id, fingerprint(company_id))
    return page_response([people_json.person_json(p) for p in rows], next_cursor)


@bp.post(f"/companies/<{ID}:company_id>/persons")
@staff_only
def add_person(company_id: int):
    company = people.get_company(company_id)
    body = json_object()
    check_body(body, people_json.person_create())
    person = create_user(role=Role.CUSTOMER, company=company, **body)
    return people_json.person_json(person), 201


@bp.patch(f"/companies/<{ID}:company_id>/persons/<{ID}:person_id>")
@staff_only
def change_person(company_id: int, person_id: int):
    body = json_object()
    check_body(body, people_json.person_update())
    return people_json.person_json(people.update_person(company_id, person_id, body))


@bp.post(f"/companies/<{ID}:company_id>/persons/<{ID}:person_id>/deactivate")
@staff_only
def deactivate_person(company_id: int, person_id: int):
    return people_json.person_json(people.deactivate_person(company_id, person_id))


@bp.get("/invites")
@staff_only
def list_invites():
    company = request.args.get("company", "")
    status = request.args.get("status", "")
    if company and not (company.isdigit() and 0 < int(company) < 2**31):
        raise invalid({"company": _("Enter the id of a company.")})
    if status and status not in people_json.INVITE_STATUSES:
        raise invalid({"status": _("Choose one of: %(values)s.",
                                   values=", ".join(people_json.INVITE_STATUSES))})
    statement = people.invites(int(company) if company else None, status or None)
    rows, next_cursor = id_page(statement, InterimInvite.id, fingerprint(company, status))
    return page_response([people_json.invite_json(i) for i in rows], next_cursor)


@bp.post("/invites")
@staff_only
def add_invite():
    body = json_object()
    check_body(body, people_json.invite_create())
    details = {key: value for key, value in body.items() if key not in ("company", "email")}
    invite = people.create_invite(caller(), body["company"], body["email"], **details)
    return people_json.invite_json(invite), 201


@bp.delete(f"/invites/<{ID}:invite_id>")
@staff_only
def revoke_invite(invite_id: int):
    return people_json.invite_json(people.revoke_invite(invite_id))

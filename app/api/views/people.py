"""Staff only: customer companies, their persons, and invite links.

Thin views over onboarding's service functions.
"""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Company, Role, User
from app.api import people_json
from app.api.auth import caller, staff_only
from app.api.blueprint import ID, bp
from app.api.body import check_body, json_object
from app.api.errors import invalid
from app.api.pagination import fingerprint, id_page, page_response
from app.api.records import company_or_404, invite_or_404, person_or_404
from app.onboarding.companies import save_company
from app.onboarding.invites import create_invite, list_invites, revoke_invite
from app.onboarding.persons import add_person, set_person_active, update_person

_NEW_COMPANY = {"vat_number": "", "address": "", "ticketing_enabled": True,
                "hourly_rate": None}


@bp.get("/companies")
@staff_only
def list_companies():
    rows, next_cursor = id_page(select(Company), Company.id, fingerprint())
    return page_response([people_json.company_json(c) for c in rows], next_cursor)


@bp.post("/companies")
@staff_only
def add_company():
    body = json_object()
    check_body(body, people_json.COMPANY_CREATE)
    company = save_company(None, **{**_NEW_COMPANY, **people_json.company_values(body)})
    location = url_for("api.get_company", company_id=company.id, _external=True)
    return people_json.company_json(company), 201, {"Location": location}


@bp.get(f"/companies/<{ID}:company_id>")
@staff_only
def get_company(company_id: int):
    return people_json.company_json(company_or_404(company_id))


@bp.patch(f"/companies/<{ID}:company_id>")
@staff_only
def change_company(company_id: int):
    company = company_or_404(company_id)
    body = json_object()
    check_body(body, people_json.COMPANY_UPDATE)
    current = {"name": company.name, "vat_number": company.vat_number or "",
               "address": company.address or "",
               "ticketing_enabled": company.ticketing_enabled,
               "hourly_rate": company.hourly_rate}
    save_company(company, **{**current, **people_json.company_values(body)})
    return people_json.company_json(company)


@bp.get(f"/companies/<{ID}:company_id>/persons")
@staff_only
def list_persons(company_id: int):
    company = company_or_404(company_id)
    statement = select(User).where(User.company_id == company.id,
                                   User.role == Role.CUSTOMER.value)
    rows, next_cursor = id_page(statement, User.id, fingerprint(company_id))
    return page_response([people_json.person_json(p) for p in rows], next_cursor)


@bp.post(f"/companies/<{ID}:company_id>/persons")
@staff_only
def create_person(company_id: int):
    company = company_or_404(company_id)
    body = json_object()
    check_body(body, people_json.person_create())
    return people_json.person_json(add_person(company, **body)), 201


@bp.patch(f"/companies/<{ID}:company_id>/persons/<{ID}:person_id>")
@staff_only
def change_person(company_id: int, person_id: int):
    person = person_or_404(company_id, person_id)
    body = json_object()
    check_body(body, people_json.person_update())
    active = body.pop("active", None)
    if body:
        update_person(person, **body)
    if active is not None and active != person.active:
        set_person_active(person, active)
    return people_json.person_json(person)


@bp.post(f"/companies/<{ID}:company_id>/persons/<{ID}:person_id>/deactivate")
@staff_only
def deactivate_person(company_id: int, person_id: int):
    person = person_or_404(company_id, person_id)
    set_person_active(person, False)
    return people_json.person_json(person)


@bp.get("/invites")
@staff_only
def get_invites():
    """Every invite link (staff make few), newest first, by company and state."""
    company = request.args.get("company", "")
    state = request.args.get("state", "")
    if company and not (company.isdigit() and 0 < int(company) < 2**31):
        raise invalid({"company": _("Enter the id of a company.")})
    if state and state not in people_json.INVITE_STATES:
        raise invalid({"state": _("Choose one of: %(values)s.",
                                  values=", ".join(people_json.INVITE_STATES))})
    invites = list_invites(company_or_404(int(company)) if company else None)
    return {"items": [people_json.invite_json(i) for i in invites
                      if not state or i.state() == state], "next": None}


@bp.post("/invites")
@staff_only
def add_invite():
    """A new invite link; its token is in this answer only (only its hash is stored)."""
    body = json_object()
    check_body(body, people_json.INVITE_CREATE)
    company = body.get("company")
    invite, token = create_invite(
        company=company_or_404(company) if company is not None else None,
        # Unless the body says otherwise, as long as the owner's setting (as the page does).
        days=body.get("days", current_app.config["SPORTELLO_INVITE_DAYS"]),
        max_uses=body.get("max_uses", 1),
        note=body.get("note", ""), created_by=caller(),
    )
    return people_json.invite_json(invite, token), 201


@bp.delete(f"/invites/<{ID}:invite_id>")
@staff_only
def revoke(invite_id: int):
    invite = invite_or_404(invite_id)
    revoke_invite(invite)
    return people_json.invite_json(invite)

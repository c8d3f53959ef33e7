"""The records staff endpoints address by id, or 404."""

from __future__ import annotations

from flask_babel import gettext as _

from app.accounts.models import Company, User
from app.api.errors import ApiError
from app.extensions import db
from app.onboarding.models import InviteLink


def company_or_404(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        raise ApiError(404, _("There is no such company."))
    return company


def person_or_404(company_id: int, person_id: int) -> User:
    person = db.session.get(User, person_id)
    if person is None or person.company_id != company_id or not person.is_customer:
        raise ApiError(404, _("There is no such person in this company."))
    return person


def invite_or_404(invite_id: int) -> InviteLink:
    invite = db.session.get(InviteLink, invite_id)
    if invite is None:
        raise ApiError(404, _("There is no such invite."))
    return invite

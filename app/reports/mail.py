"""The e-mail of an issued report, to the managers of the report's company."""

from __future__ import annotations

from flask_babel import force_locale, format_currency
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.notify.outbox import enqueue_mail
from app.notify.rendering import mail_language
from app.notify.urls import external_url
from app.reports.models import Report


def queue_report_issued(report: Report) -> int:
    """Queue one message per active manager of the company (inside the issuing
    transaction); returns how many. Nobody gets it when the company's ticketing is off."""
    company = report.company
    if company is None or not company.ticketing_enabled:
        return 0
    managers = db.session.scalars(
        select(User).where(User.company_id == company.id, User.is_company_manager.is_(True),
                           User.active.is_(True))
    ).all()
    link = external_url("portal_reports.show", report_id=report.id)
    for manager in managers:
        language = mail_language(manager.language)
        with force_locale(language):
            total = format_currency(report.gross_total, report.currency)
        enqueue_mail(
            to_email=manager.email, template="report_issued", language=language,
            recipient=manager,
            context={"number": report.number, "company": company.name, "total": total,
                     "link": link},
        )
    return len(managers)

"""Render a mail template (subject, text, HTML) in the recipient's language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale

from app.accounts.profile import get_profile
from app.notify.logo import LOGO_CID, logo_path
from app.notify.urls import external_url

#: Longest subject we store (mail clients cut long ones anyway).
MAX_SUBJECT = 500


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


class MailTemplateError(RuntimeError):
    """A mail template does not define its subject."""


def mail_language(language: str | None) -> str:
    """``language`` if we ship it, else the owner's default, else the first language."""
    languages = current_app.config["SPORTELLO_LANGUAGES"]
    for candidate in (language, get_profile().default_language):
        if candidate in languages:
            return candidate
    return languages[0]


def render_mail(template: str, context: dict, language: str) -> RenderedMail:
    """Render ``mail/<template>.txt`` and ``.html``.

    The text template sets the subject with ``{% set subject = ... %}`` at
    its top level; the HTML template gets it as ``subject``. Both get the
    owner's profile, the portal link and, when a logo is set, its CID.
    """
    values = {
        "profile": get_profile(),
        "portal_url": external_url("main.index"),
        "logo_cid": LOGO_CID if logo_path() else None,
        "language": language,
        **context,
    }
    with force_locale(language):
        subject, text = _render_text(f"mail/{template}.txt", values)
        html = render_template(f"mail/{template}.html", subject=subject, **values)
    return RenderedMail(subject, text, html)


def _render_text(name: str, values: dict) -> tuple[str, str]:
    app = current_app._get_current_object()
    context = dict(values)
    app.update_template_context(context)
    module = app.jinja_env.get_template(name).make_module(context)
    subject = " ".join(str(getattr(module, "subject", "")).split())
    if not subject:
        raise MailTemplateError(f"{name} sets no subject")
    return subject[:MAX_SUBJECT], str(module).strip() + "\n"

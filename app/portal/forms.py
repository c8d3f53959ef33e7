"""Portal forms besides the ticket forms built from the Ticket Fields table."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import Optional


def upload_help() -> str:
    """The general upload limits, in words."""
    config = current_app.config
    return _("Up to %(mb)s MB per file. Accepted types: %(types)s.",
             mb=config["SPORTELLO_MAX_UPLOAD_MB"],
             types=", ".join(sorted(config["SPORTELLO_ALLOWED_EXTENSIONS"])))


def upload_accept() -> str:
    return ",".join(f".{ext}" for ext in sorted(current_app.config["SPORTELLO_ALLOWED_EXTENSIONS"]))


class FilesForm(FlaskForm):
    """The general "attachments" input of the new-ticket form (files in no field).

    It is part of the same HTML form as the ticket fields, whose form carries
    the CSRF token.
    """

    class Meta:
        csrf = False

    attachments = MultipleFileField(_l("Attachments"))


class ReplyForm(FlaskForm):
    """A public reply; the write path checks that it holds a message or a file."""

    body = TextAreaField(_l("Your reply"), render_kw={"rows": 6})
    attachments = MultipleFileField(_l("Attachments"))


class RevokeLinksForm(FlaskForm):
    """The owner's revocation of signed links: by ticket, by person, both, or all."""

    number = StringField(_l("Ticket number"), validators=[Optional()],
                         description=_l("Leave empty for every ticket."))
    email = EmailField(_l("Person's e-mail"), validators=[Optional()],
                       description=_l("Leave empty for every person."))
    everything = BooleanField(_l("Yes, revoke every link of every ticket and person"))

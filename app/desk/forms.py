"""Forms of the desk's own actions (ticket fields use the schema's cached form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FileField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.desk.settings import MAX_REOPEN_DAYS
from app.fields.types.reference import int_or_none

NOTE_LIMIT = 2000
LANGUAGES = [SelectChoice("it", "Italiano"), SelectChoice("en", "English")]


def _note(label=None):
    return TextAreaField(label or _l("Note (optional)"), validators=[Optional(),
                         Length(max=NOTE_LIMIT)],
                         description=_l("Kept in the history; customers who may see the field "
                                        "see the note too."))


class _OnTicketPage(FlaskForm):
    """A form among several on the ticket page, named with a prefix. CSRFProtect checks
    the page's ``csrf_token`` on every POST; a prefixed form would look for its own."""

    class Meta:
        csrf = False


class ReplyForm(_OnTicketPage):
    body = TextAreaField(_l("Message"), validators=[Length(max=50_000)],
                         description=_l("Markdown: **bold**, *italic*, lists, links."))
    attachments = MultipleFileField(_l("Attach files"))


class AssignForm(_OnTicketPage):
    assignee = SelectField(_l("Assign to"), coerce=int_or_none, validate_choice=False)
    note = _note()


class StatusForm(_OnTicketPage):
    status = SelectField(_l("New status"), validators=[DataRequired()], validate_choice=False)
    note = _note()


class MergeForm(_OnTicketPage):
    target = StringField(_l("Number of the ticket to keep"),
                         validators=[DataRequired(), Length(max=20)],
                         description=_l("This ticket is closed and its requester is told "
                                        "where the request continues."))
    note = _note()


class SaveViewForm(FlaskForm):
    name = StringField(_l("Save this view as"), validators=[DataRequired(), Length(max=100)])


class CompanyChoiceForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: choosing a company changes nothing

    company = SelectField(_l("Customer company"), coerce=int_or_none, validate_choice=False)


class StatusEditForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=100)])
    name_it = StringField(_l("Name in Italian"), validators=[Optional(), Length(max=100)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    colour = StringField(_l("Colour"), validators=[Optional()], render_kw={"type": "color"},
                         default="#6b7280")


class TransitionsForm(FlaskForm):
    staff_reply = SelectField(_l("When staff reply publicly to a new or open ticket"),
                              validate_choice=False)
    customer_reply = SelectField(_l("When the customer replies to a ticket waiting for them"),
                                 validate_choice=False)
    reopen = SelectField(_l("When the customer replies to a closed ticket"),
                         validate_choice=False)
    reopen_days = IntegerField(
        _l("Days after closing during which a customer's reply re-opens the ticket"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_REOPEN_DAYS)],
        description=_l("Later, the customer is invited to open a new ticket that mentions the "
                       "old one. 0: never re-open."))
    merged = SelectField(_l("Status of a duplicate merged into another ticket"),
                         validate_choice=False)


class RuleForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    assignee = SelectField(_l("Assign to"), coerce=int_or_none, validate_choice=False)
    active = BooleanField(_l("Active"), default=True)


class InviteAgentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    surname = StringField(_l("Surname"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    language = SelectField(_l("Language"), choices=LANGUAGES)


class ReassignForm(FlaskForm):
    assignee = SelectField(_l("Reassign every open ticket to"), coerce=int_or_none,
                           validate_choice=False)
    note = _note()


class ProfileForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Support e-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=500)])
    vat_number = StringField(_l("VAT number"), validators=[Optional(), Length(max=32)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    logo = FileField(_l("Logo"), description=_l("PNG, JPEG, GIF or WebP, at most 1 MB."))
    remove_logo = BooleanField(_l("Remove the logo"))
    timezone = SelectField(_l("Time zone"), validate_choice=False)
    default_language = SelectField(_l("Default language"),
                                   choices=LANGUAGES)
    holidays = TextAreaField(
        _l("Holidays"), validators=[Optional(), Length(max=5000)],
        description=_l("One date per line, e.g. 2026-12-25 or 25/12/2026."))


class ActivateForm(FlaskForm):
    password = StringField(_l("Choose a password"), validators=[DataRequired(), Length(max=200)],
                           render_kw={"type": "password", "autocomplete": "new-password"})
    confirm = StringField(_l("Repeat the password"), validators=[DataRequired()],
                          render_kw={"type": "password", "autocomplete": "new-password"})

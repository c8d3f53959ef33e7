"""Forms of the onboarding pages: companies, persons, invite links, registration."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional

from app.accounts.services import AccountError

#: Each language named in itself, as language pickers do.
LANGUAGE_NAMES = {"en": "English", "it": "Italiano"}


def show_error(form: FlaskForm, error: AccountError) -> None:
    """Put a refusal from a service next to the field it concerns (the e-mail otherwise)."""
    field = getattr(form, error.field or "", None) or form.email
    field.errors = [*field.errors, str(error)]


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config[
        "SPORTELLO_LANGUAGES"]]


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    vat_number = StringField(_l("VAT number"), validators=[Optional(), Length(max=32)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    ticketing_enabled = BooleanField(
        _l("Ticketing on"),
        description=_l("When off, the company's persons cannot log in to the portal."),
    )
    hourly_rate = DecimalField(
        _l("Hourly rate"), places=2, validators=[Optional(), NumberRange(min=0, max=99999999)],
        description=_l("Used for intervention reports; leave empty if not billed by the hour."),
    )


class _PersonFields(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    surname = StringField(_l("Surname"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = TelField(_l("Phone"), validators=[DataRequired(), Length(max=40)])
    mobile = TelField(_l("Mobile (optional)"), validators=[Optional(), Length(max=40)])
    job_role = StringField(_l("Job role"), validators=[DataRequired(), Length(max=100)])
    language = SelectField(_l("Language"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        if not self.language.data:
            self.language.data = str(get_locale() or "")

    def person_details(self) -> dict:
        fields = ("name", "surname", "email", "phone", "mobile", "job_role", "language")
        return {key: (getattr(self, key).data or "").strip() for key in fields}


class PersonForm(_PersonFields):
    """Staff add or edit a person; the phone may be unknown to them."""

    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    job_role = StringField(_l("Job role"), validators=[Optional(), Length(max=100)])
    is_company_manager = BooleanField(
        _l("Company manager"),
        description=_l("Sees all of the company's tickets, not only their own."),
    )


class RegistrationForm(_PersonFields):
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=200)],
        description=_l("At least 10 characters; common passwords are refused."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class NewCompanyRegistrationForm(RegistrationForm):
    """Registration through a link that creates the company."""

    company_name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    vat_number = StringField(_l("VAT number"), validators=[Optional(), Length(max=32)])


class InviteForm(FlaskForm):
    company = SelectField(_l("Company"), coerce=int)
    days = IntegerField(_l("Valid for (days)"), validators=[DataRequired(), NumberRange(1, 365)])
    max_uses = IntegerField(
        _l("Maximum uses"), validators=[DataRequired(), NumberRange(1, 1000)],
        description=_l("How many persons may register with this link."),
    )
    note = StringField(
        _l("Note"), validators=[Optional(), Length(max=200)],
        description=_l("For you: whom the link is for. Persons who register do not see it."),
    )


class SendInviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    language = SelectField(_l("Language of the e-mail"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

"""Forms of the owner's Ticket Fields pages."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
KEY_MESSAGE = _l("Lower-case letters, digits and _, starting with a letter (e.g. product_family).")
COLOUR_PATTERN = r"^(#[0-9a-fA-F]{6})?$"


class FieldForm(FlaskForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Regexp(KEY_PATTERN,
                                                                     message=KEY_MESSAGE)],
                      description=_l("Used by the API, exports and schema files. It cannot "
                                     "change once tickets hold values."))
    type = SelectField(_l("Type"), choices=[], validate_choice=True)
    label_en = StringField(_l("Label (English)"), validators=[DataRequired(), Length(max=200)])
    label_it = StringField(_l("Label (Italian)"), validators=[Optional(), Length(max=200)])
    help_en = TextAreaField(_l("Help text (English)"), validators=[Optional(), Length(max=2000)])
    help_it = TextAreaField(_l("Help text (Italian)"), validators=[Optional(), Length(max=2000)])
    placeholder_en = StringField(_l("Placeholder (English)"), validators=[Length(max=200)])
    placeholder_it = StringField(_l("Placeholder (Italian)"), validators=[Length(max=200)])
    list = SelectField(_l("Dropdown list"), choices=[], validate_choice=False,
                       description=_l("For dropdown and multi-select fields."))
    default = StringField(_l("Default value"), validators=[Length(max=500)],
                          description=_l("Written as a person would type it; empty for none."))
    required = BooleanField(_l("Required"), description=_l(
        "Must be filled in when the ticket is opened and cannot be emptied later."))
    min_length = IntegerField(_l("Minimum length"), validators=[Optional(), NumberRange(min=0)])
    max_length = IntegerField(_l("Maximum length"), validators=[Optional(), NumberRange(min=1)])
    min_value = DecimalField(_l("Minimum value"), validators=[Optional()])
    max_value = DecimalField(_l("Maximum value"), validators=[Optional()])
    decimal_places = IntegerField(_l("Decimal places"),
                                  validators=[Optional(), NumberRange(min=0, max=6)])
    regex = StringField(_l("Pattern (regular expression)"), validators=[Length(max=500)],
                        description=_l("The whole value must match it."))
    regex_message_en = StringField(_l("Message when the pattern fails (English)"),
                                   validators=[Length(max=300)])
    regex_message_it = StringField(_l("Message when the pattern fails (Italian)"),
                                   validators=[Length(max=300)])
    allowed_extensions = StringField(_l("Allowed file types"), validators=[Length(max=300)],
                                     description=_l("Extensions separated by commas, e.g. "
                                                    "pdf, png, jpg. Empty: the global list."))
    max_size_mb = DecimalField(_l("Maximum size per file (MB)"),
                               validators=[Optional(), NumberRange(min=0.01)])
    max_files = IntegerField(_l("Maximum number of files"),
                             validators=[Optional(), NumberRange(min=1)])
    customer_visibility = RadioField(_l("Customers"), choices=[
        SelectChoice("hidden", _l("Staff only (hidden from customers everywhere)")),
        SelectChoice("read", _l("Customers can see it")),
        SelectChoice("write", _l("Customers can see it and fill it in")),
    ], default="write")
    edit_create = BooleanField(_l("When opening the ticket"), default=True)
    edit_open = BooleanField(_l("While the ticket is open"))
    edit_closed = BooleanField(_l("After the ticket is closed"))
    required_to_close = BooleanField(_l("Required to close"), description=_l(
        "Staff cannot close a ticket while this field is empty."))
    show_in_customer_list = BooleanField(_l("Shown in the customer's ticket list"))
    filterable = BooleanField(_l("Filterable"), default=True)
    condition_field = SelectField(_l("Show only when"), choices=[], validate_choice=False)
    condition_values = StringField(_l("has one of the values"), validators=[Length(max=500)],
                                   description=_l("Item keys or labels, separated by commas."))
    cascade_from = SelectField(_l("Items depend on"), choices=[], validate_choice=False,
                               description=_l("For a dropdown whose items each name the "
                                              "items of another dropdown they belong to."))

    def validate_regex(self, field) -> None:
        if field.data:
            try:
                re.compile(field.data)
            except re.error as error:
                raise ValidationError(str(error)) from None


class ItemForm(Form):
    """One row of a list's items (a sub-form: the CSRF token is the page's)."""

    key = StringField(_l("Key"), validators=[Optional(), Regexp(KEY_PATTERN,
                                                                message=KEY_MESSAGE)])
    label_en = StringField(_l("Label (English)"), validators=[Length(max=200)])
    label_it = StringField(_l("Label (Italian)"), validators=[Length(max=200)])
    colour = StringField(_l("Colour"), validators=[Regexp(COLOUR_PATTERN, message=_l(
        "A colour like #1f5fbf, or empty."))], render_kw={"placeholder": "#1f5fbf"})
    parents = StringField(_l("Offered under"), validators=[Length(max=500)])
    position = IntegerField(_l("Order"), validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    remove = BooleanField(_l("Remove"))
    existing = HiddenField()


class ListForm(FlaskForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Regexp(KEY_PATTERN,
                                                                     message=KEY_MESSAGE)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_it = StringField(_l("Name (Italian)"), validators=[Length(max=200)])
    items = FieldList(FormField(ItemForm), min_entries=0)


class ImportForm(FlaskForm):
    document_file = FileField(_l("Schema file (JSON)"))
    document = TextAreaField(_l("…or paste the document"))
    confirm = HiddenField()


class ActionForm(FlaskForm):
    """Buttons that change something (move, archive): only the CSRF token."""

"""Forms of the token page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.api.models import Scope
from app.api.tokens import NAME_LENGTH


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the token a name.")),
                                Length(max=NAME_LENGTH)],
        description=_l("What will use it, e.g. \"ERP integration\"."),
    )
    scope = RadioField(
        _l("Access"), default=Scope.READ.value,
        choices=[SelectChoice(Scope.READ.value, _l("Read only")),
                 SelectChoice(Scope.READ_WRITE.value, _l("Read and write"))],
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token: revoking takes no input."""

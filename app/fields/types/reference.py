"""Types that refer to other records: persons, attachments, and the built-in
status, company and assignee."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import MultipleFileField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import Optional

from app.accounts.models import Company, Role, User
from app.extensions import db
from app.fields.types.base import (
    MAX_ID,
    NO_CHOICE,
    CheckContext,
    ChoiceContext,
    ConversionError,
    DisplayContext,
    FieldType,
    Storage,
)
from app.fields.types.choice import DropdownType

_REFERENCE_OPERATORS = ("in", "not_in", "empty", "not_empty")


def int_or_none(value: Any) -> int | None:
    """A select's submitted id as an int; None for no choice or anything else."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _select(field, **kwargs) -> UnboundField:
    # Choices are filled per form from data; the write path checks the value.
    return SelectField(choices=[], coerce=int_or_none, validate_choice=False,
                       validators=[Optional()], **kwargs)


class PersonType(FieldType):
    """A person (customer user) of the ticket's company."""

    name = "person"
    prints_alike = True  # names come from the directory
    label = _l("Person of the customer company")
    storage = Storage.NUMBER
    operators = _REFERENCE_OPERATORS
    #: Ids do not sort meaningfully; lists sort people by other columns.
    sortable = False

    def form_field(self, field, **kwargs) -> UnboundField:
        return _select(field, **kwargs)

    def dynamic_choices(self, field, context: ChoiceContext) -> list | None:
        if context.company_id is None:
            return [NO_CHOICE]
        persons = db.session.execute(
            select(User.id, User.name, User.surname)
            .where(User.company_id == context.company_id, User.active.is_(True))
            .order_by(User.surname, User.name)
        )
        return [NO_CHOICE] + [
            SelectChoice(p.id, f"{p.name} {p.surname}".strip()) for p in persons
        ]

    def json_schema(self, field) -> dict:
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}

    def check(self, field, value, context: CheckContext) -> str | None:
        if value not in context.lookups.company_person_ids:
            return _("Choose a person of the ticket's company.")
        return None

    def to_scalar(self, field, value) -> float:
        return float(value)

    def from_scalar(self, field, scalar) -> int:
        return int(scalar)

    def display_one(self, field, value, context: DisplayContext) -> str:
        return context.name_of("person", value)


class CompanyType(PersonType):
    """The ticket's customer company (built-in only)."""

    name = "company"
    label = _l("Customer company")
    storage = Storage.COLUMN
    creatable = False

    def dynamic_choices(self, field, context: ChoiceContext) -> list | None:
        companies = db.session.execute(
            select(Company.id, Company.name)
            .where(Company.ticketing_enabled.is_(True))
            .order_by(Company.name)
        )
        return [NO_CHOICE] + [SelectChoice(c.id, c.name) for c in companies]

    def check(self, field, value, context: CheckContext) -> str | None:
        if value not in context.lookups.company_ids:
            return _("Choose a company whose ticketing is switched on.")
        return None

    def display_one(self, field, value, context: DisplayContext) -> str:
        return context.name_of("company", value)


class AgentType(PersonType):
    """A member of staff: the assignee (built-in only)."""

    name = "agent"
    label = _l("Agent")
    storage = Storage.COLUMN
    creatable = False

    def dynamic_choices(self, field, context: ChoiceContext) -> list | None:
        staff = db.session.execute(
            select(User.id, User.name, User.surname)
            .where(User.role.in_([Role.OWNER.value, Role.AGENT.value]), User.active.is_(True))
            .order_by(User.surname, User.name)
        )
        return [NO_CHOICE] + [
            SelectChoice(a.id, f"{a.name} {a.surname}".strip()) for a in staff
        ]

    def check(self, field, value, context: CheckContext) -> str | None:
        if value not in context.lookups.agent_ids:
            return _("Choose an active agent.")
        return None

    def display_one(self, field, value, context: DisplayContext) -> str:
        return context.name_of("agent", value)


class StatusType(DropdownType):
    """The ticket's status (built-in only). The schema gives this field a list made
    of the configured statuses, so it renders and validates like a dropdown."""

    name = "status"
    label = _l("Status")
    storage = Storage.COLUMN
    uses_list = False
    creatable = False
    operators = ("in", "not_in")

    def form_field(self, field, **kwargs) -> UnboundField:
        choices = [SelectChoice(item.key, item.label) for item in field.list.active_items]
        return SelectField(choices=choices, validate_choice=False, **kwargs)

    def check(self, field, value, context: CheckContext) -> str | None:
        item = field.list.by_key.get(value)
        if item is not None and not item.active and value != context.previous:
            return _("This status is no longer in use.")
        return None


class AttachmentType(FieldType):
    """Files uploaded into a field; the value is the list of attachment ids."""

    name = "attachment"
    label = _l("Attachment")
    storage = Storage.NUMBER
    multiple = True
    sortable = False
    operators = ("empty", "not_empty")
    settings_allowed = frozenset({"allowed_extensions", "max_size_mb", "max_files"})

    def form_field(self, field, **kwargs) -> UnboundField:
        extensions = field.setting("allowed_extensions") or []
        accept = ",".join(f".{ext}" for ext in extensions) or None
        return MultipleFileField(render_kw={"accept": accept} if accept else {}, **kwargs)

    def form_to_json(self, field, data) -> Any:
        return None  # files travel beside the values; the write path stores them

    def json_schema(self, field) -> dict:
        schema: dict[str, Any] = {"type": "array",
                                  "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
        if field.setting("max_files"):
            schema["maxItems"] = int(field.setting("max_files"))
        return schema

    def to_scalar(self, field, value) -> float:
        return float(value)

    def from_scalar(self, field, scalar) -> int:
        return int(scalar)

    def display_one(self, field, value, context: DisplayContext) -> str:
        return context.name_of("attachment", value)

    def from_text(self, field, text: str) -> Any:
        raise ConversionError(text)

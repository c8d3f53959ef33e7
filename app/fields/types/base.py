"""The contract every field type fulfils.

A value travels in its JSON form everywhere (the write path, the gate,
history, the API, exports): strings, numbers, booleans, ISO 8601 dates, item
keys, lists of item keys, ids of persons and attachments. A type converts that
form to its WTForms data, to its storage rows, and to text for a list, an
e-mail, a CSV or a PDF.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

if TYPE_CHECKING:
    from app.fields.schema import FieldDef


#: The largest id a database integer column holds (persons, companies, files).
MAX_ID = 2**31 - 1

#: The empty first option of a dropdown.
NO_CHOICE = SelectChoice("", "—")


class Storage(enum.StrEnum):
    """The column of ``ticket_value`` a type stores into."""

    TEXT = "text"  # short, indexed
    LONG = "long"  # long text, not indexed
    NUMBER = "number"
    MOMENT = "moment"
    COLUMN = "column"  # built-in only: a column of the ticket table


class Row(NamedTuple):
    text: str | None = None
    long: str | None = None
    number: float | None = None
    moment: datetime | None = None


class ConversionError(ValueError):
    """A value cannot be read as this type (for type changes and text imports)."""


@dataclass(frozen=True)
class DisplayContext:
    """What printing a value needs beyond the value: language, time zone, names."""

    language: str = "en"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    #: (kind, id) -> display name, kind in "person", "company", "agent", "attachment".
    name_of: Callable[[str, int], str] = lambda kind, ident: f"#{ident}"
    decimal_separator: str = "."


class Lookups(Protocol):
    """Sets of ids a check may need, loaded only when asked for."""

    @property
    def company_person_ids(self) -> frozenset[int]:
        """Active persons of the ticket's company."""

    @property
    def agent_ids(self) -> frozenset[int]:
        """Active staff."""

    @property
    def company_ids(self) -> frozenset[int]:
        """Companies whose ticketing is on."""


@dataclass(frozen=True)
class CheckContext:
    """What validating a value needs beyond the schema: the other values, lookups."""

    values: Mapping[str, Any]
    lookups: Lookups
    #: The value stored before this write (a kept inactive item is not a new choice).
    previous: Any = None


@dataclass(frozen=True)
class ChoiceContext:
    """Data a form needs for choices: the ticket's company, the language."""

    company_id: int | None
    language: str = "en"
    #: The value already stored, kept as a choice even when no longer offered.
    current: Any = None


class FieldType(ABC):
    """Base class: subclasses set the class attributes and override what differs."""

    name: ClassVar[str]
    label: ClassVar[Any]
    storage: ClassVar[Storage]
    multiple: ClassVar[bool] = False
    uses_list: ClassVar[bool] = False
    #: Offered when the owner adds a field; built-in-only types are not.
    creatable: ClassVar[bool] = True
    sortable: ClassVar[bool] = True
    operators: ClassVar[tuple[str, ...]] = ("eq", "ne", "empty", "not_empty")
    #: Keys of ``Field.settings`` that mean something for this type.
    settings_allowed: ClassVar[frozenset[str]] = frozenset()
    #: Its values print the same while the schema, the directory's names and the
    #: context's language, zone and separator are the same, so a process may keep
    #: their printed cells. A type whose display reads anything else leaves it False.
    prints_alike: ClassVar[bool] = False

    # -- forms ----------------------------------------------------------------
    @abstractmethod
    def form_field(self, field: FieldDef, **kwargs: Any) -> UnboundField:
        """The WTForms field (unbound) that edits this type; ``kwargs`` carry label etc."""

    def form_to_json(self, field: FieldDef, data: Any) -> Any:
        """The JSON value of what the WTForms field parsed (None when left empty)."""
        return None if data in (None, "") else data

    def json_to_form(self, field: FieldDef, value: Any) -> Any:
        """The WTForms data that shows ``value`` in an edit form."""
        return value

    # -- validation -----------------------------------------------------------
    @abstractmethod
    def json_schema(self, field: FieldDef) -> dict:
        """The JSON Schema of one value of ``field`` (constraints from its settings)."""

    def pattern_message(self, field: FieldDef) -> str | None:
        """The message for a value that does not match the ``pattern`` of
        :meth:`json_schema` (None: a generic one)."""
        return None

    def check(self, field: FieldDef, value: Any, context: CheckContext) -> str | None:
        """Checks the JSON Schema cannot express; an error message, or None."""
        return None

    def is_empty(self, value: Any) -> bool:
        return value is None or value == "" or value == []

    def empty(self) -> Any:
        """The one form of "no value" that is stored and compared."""
        return [] if self.multiple else None

    def normalise(self, field: FieldDef, value: Any) -> Any:
        """The canonical form of a valid value, as it is stored and compared."""
        return self.empty() if self.is_empty(value) else value

    # -- storage --------------------------------------------------------------
    def to_scalar(self, field: FieldDef, value: Any) -> Any:
        """One JSON value as it is stored in a column."""
        return value

    def from_scalar(self, field: FieldDef, scalar: Any) -> Any:
        return scalar

    def to_rows(self, field: FieldDef, value: Any) -> list[Row]:
        if self.is_empty(value):
            return []
        values = value if self.multiple else [value]
        return [Row(**{self.storage.value: self.to_scalar(field, v)}) for v in values]

    def from_rows(self, field: FieldDef, rows: Sequence[Row]) -> Any:
        scalars = [self.from_scalar(field, getattr(row, self.storage.value)) for row in rows]
        if self.multiple:
            return scalars
        return scalars[0] if scalars else None

    # -- display --------------------------------------------------------------
    def display(self, field: FieldDef, value: Any, context: DisplayContext) -> str:
        """Plain text for a list, an e-mail or a PDF."""
        if self.is_empty(value):
            return ""
        if self.multiple:
            return ", ".join(self.display_one(field, v, context) for v in value)
        return self.display_one(field, value, context)

    def display_one(self, field: FieldDef, value: Any, context: DisplayContext) -> str:
        return str(value)

    def display_csv(self, field: FieldDef, value: Any, context: DisplayContext) -> str:
        return self.display(field, value, context)

    # -- conversion (type changes, text import) -------------------------------
    def dynamic_choices(self, field: FieldDef, context: ChoiceContext) -> list | None:
        """Choices that depend on data rather than on the schema (persons, agents)."""
        return None

    def to_text(self, field: FieldDef, value: Any) -> str:
        if self.is_empty(value):
            return ""
        if self.multiple:
            return ", ".join(str(v) for v in value)
        return str(value)

    def from_text(self, field: FieldDef, text: str) -> Any:
        """Read a value written as text; raise ConversionError if it is not one."""
        raise ConversionError(text)

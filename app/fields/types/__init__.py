"""Field types: one class per type, collected in a registry by name.

Plugin authors subclass :class:`FieldType` (or a core type) and return the
class from the ``sportello_field_types`` hook.
"""

from app.fields.types.base import (
    CheckContext,
    ChoiceContext,
    ConversionError,
    DisplayContext,
    FieldType,
    Row,
    Storage,
)
from app.fields.types.choice import DropdownType, MultiSelectType
from app.fields.types.scalar import (
    CheckboxType,
    DateTimeType,
    DateType,
    DecimalType,
    EmailType,
    IntegerType,
    LongTextType,
    PhoneType,
    TextType,
    UrlType,
)

__all__ = [
    "CheckContext", "CheckboxType", "ChoiceContext", "ConversionError", "DateTimeType",
    "DateType", "DecimalType", "DisplayContext", "DropdownType", "EmailType", "FieldType",
    "IntegerType", "LongTextType", "MultiSelectType", "PhoneType", "Row", "Storage",
    "TextType", "UrlType",
]

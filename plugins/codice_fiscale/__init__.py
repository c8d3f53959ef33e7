"""Italian fiscal code and VAT number field types, proof that a type can come from a plugin.

Enable it and the owner can add fields of type ``codice_fiscale`` and
``partita_iva`` to the Ticket Fields table (by the schema document or the
owner's pages), like any core type.
"""

from app.plugins import hookimpl

from .types import FiscalCodeType, VatNumberType


@hookimpl
def sportello_field_types():
    return [FiscalCodeType, VatNumberType]

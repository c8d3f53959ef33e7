"""An exact decimal column: ``NUMERIC`` on PostgreSQL, a decimal string on SQLite.

SQLite has no decimal type: SQLAlchemy's ``Numeric`` goes through a float
there. Money, rates and quantities are therefore stored on SQLite as their
canonical decimal text (``"1234.50"``), written with exactly ``scale``
places, and read back as :class:`~decimal.Decimal` without ever becoming a
float. PostgreSQL stores them as ``NUMERIC(precision, scale)``. Sums and
roundings are made in Python (see ``app.reports.pricing``), never in SQL.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactDecimal(TypeDecorator):
    """A :class:`~decimal.Decimal` with at most ``scale`` places, stored exactly."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "sqlite":
            # digits, a sign and a point
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect: Dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"ExactDecimal takes a Decimal, not {type(value).__name__}")
        exact = value.quantize(self._quantum)
        if exact != value:
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        if len(exact.as_tuple().digits) > self.precision:
            raise ValueError(f"{value} has more than {self.precision} digits")
        return str(exact) if dialect.name == "sqlite" else exact

    def process_result_value(self, value, dialect: Dialect):
        if value is None:
            return None
        try:
            return Decimal(value).quantize(self._quantum)
        except InvalidOperation:  # only a hand-edited row gets here
            raise ValueError(f"not a decimal in the database: {value!r}") from None

    def __repr__(self) -> str:
        return f"ExactDecimal(precision={self.precision}, scale={self.scale})"

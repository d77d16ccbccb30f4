"""Exact decimals in TEXT columns: SQLite has no decimal type, and floats lose money."""

from decimal import Decimal

from sqlalchemy.types import String, TypeDecorator

from ..numbers import plain


class DecimalText(TypeDecorator):
    """A ``Decimal`` stored as a plain decimal string ("376400000000", "2.6667"), no exponent."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"DecimalText takes Decimal, not {type(value).__name__}")
        return format(plain(value), "f")

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)

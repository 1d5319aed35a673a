"""Column types shared by the models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC.

    SQLite has no time zones and PostgreSQL's `timestamptz` converts on the way out, so we normalise
    in one place: nothing naive ever reaches the database, nothing naive ever comes back.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Money(TypeDecorator[Decimal]):
    """Money to the cent, exact on both databases.

    PostgreSQL keeps `numeric(18, 2)` exactly. SQLite has no decimal type: its NUMERIC column keeps a value with
    cents as a float (99999999999999999 came back as 100000000000000000), and SQLAlchemy's Numeric binds through
    float there. So on SQLite the value is a whole number of cents (an 8-byte integer SQLite keeps exactly, and
    sums exactly in SQL); migration 0012 converted what earlier versions stored. A value finer than a cent is
    refused, never rounded: the services' limits word that refusal long before it gets here.
    """

    impl = Numeric(18, 2)
    cache_ok = True

    # The column stays NUMERIC(18, 2) (its affinity keeps an integer exactly, and the migrations match the models);
    # only the values change form on SQLite, so the processors below replace Numeric's float ones there.

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def cents(value: Any) -> int | None:
            amount = self.process_bind_param(value, dialect)
            return None if amount is None else int(amount.scaleb(2))

        return cents

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def money(value: Any) -> Decimal | None:
            # Whole cents; a float only where SQLite computed one (a sum over a REAL): rounded to the cent it is.
            return None if value is None else Decimal(round(value)).scaleb(-2).quantize(CENT)

        return money

    def process_bind_param(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        if amount != amount.quantize(CENT):
            raise ValueError(f"{amount} is finer than a cent; money columns keep cents")
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))

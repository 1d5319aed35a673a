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
MIL = Decimal("0.001")  # the money columns' step: the finest minor unit ISO 4217 has (KWD, BHD, JOD, OMR, TND…)
STORED_DIGITS = 3


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
    """Money to the thousandth, exact on both databases: every currency's minor unit fits (cents for CNY and USD,
    fils for KWD, BHD, JOD, OMR, TND, IQD, LYD), and each currency's own unit is kept by the services' limits.

    PostgreSQL keeps `numeric(18, 3)` exactly. SQLite has no decimal type: its NUMERIC column keeps a value with
    decimals as a float (99999999999999999 came back as 100000000000000000), and SQLAlchemy's Numeric binds through
    float there. So on SQLite the value is a whole number of thousandths (an 8-byte integer SQLite keeps exactly,
    and sums exactly in SQL: up to 9.2 × 10^15 in major units, against a limit of 10^12 for one amount); migration
    0012 made it cents, and 0019 thousandths. A value finer than a thousandth is refused, never rounded: the
    services' limits refuse anything finer than the currency's unit in words long before it gets here.
    """

    impl = Numeric(18, STORED_DIGITS)
    cache_ok = True

    # The column stays NUMERIC(18, 2) (its affinity keeps an integer exactly, and the migrations match the models);
    # only the values change form on SQLite, so the processors below replace Numeric's float ones there.

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def cents(value: Any) -> int | None:
            amount = self.process_bind_param(value, dialect)
            return None if amount is None else int(amount.scaleb(STORED_DIGITS))

        return cents

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def money(value: Any) -> Decimal | None:
            # Whole thousandths; a float only where SQLite computed one (a sum over a REAL): the thousandth it is.
            return None if value is None else _shown(Decimal(round(value)).scaleb(-STORED_DIGITS))

        return money

    def process_bind_param(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        if amount != amount.quantize(MIL):
            raise ValueError(f"{amount} is finer than a thousandth; money columns keep thousandths")
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return _shown(value if isinstance(value, Decimal) else Decimal(str(value)))


def _shown(amount: Decimal) -> Decimal:
    """A stored amount with the decimals it needs, two at least: 12.50 stays 12.50 (as the columns gave it before
    they kept thousandths, so exports and payloads read as they did), 10.125 KWD keeps its third digit."""
    cents = amount.quantize(CENT)
    return cents if cents == amount else amount.quantize(MIL)

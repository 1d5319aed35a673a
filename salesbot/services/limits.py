"""Limits on what people type, in one place: every flow and channel refuses the same input with the same words.

A limit is checked before anything is written, and a refusal is an `Invalid` the router words in the user's
language, so nothing out of bounds reaches the database (where PostgreSQL would refuse it mid-turn, and SQLite
would keep it, changed). docs/security.md lists them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

from salesbot.services.errors import Invalid

MAX_MESSAGE_CHARS = 4000  # a chat message read at all; Telegram's own cap is 4096
MAX_NAME_CHARS = 100  # a customer's name or alias (the column holds 200)
MAX_NOTE_CHARS = 2000  # a note, comment or next step kept with a record
MAX_AMOUNT = Decimal(10) ** 12  # in any currency: far above any one deal, far below what a money column holds
STORED_DIGITS = 3  # the money columns keep thousandths: every ISO 4217 minor unit fits (KWD, BHD… have three)
STORED_UNIT = Decimal(1).scaleb(-STORED_DIGITS)
MAX_INSTALLMENTS = 60
MAX_NET_DAYS = 365
MAX_FOLLOW_UP_DAYS = 730  # a follow-up, reminder or due date: within two years
MAX_DUE_MOVE_DAYS = 365  # an installment moved by at most a year from the day it was due
MAX_SEQUENCE = 999  # an installment's number as typed (分3期 → 1..3)

# Control characters have no place in a name or a note; a NUL byte is refused by PostgreSQL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def message(text: str) -> None:
    """A whole incoming message: not too long to read, no control characters."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise Invalid("message_too_long", max=MAX_MESSAGE_CHARS)
    if _CONTROL.search(text):
        raise Invalid("text_control_chars")


def name(text: str) -> str:
    """A customer's name or alias: spaces collapsed, printable, at most `MAX_NAME_CHARS`."""
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    if _CONTROL.search(cleaned):
        raise Invalid("text_control_chars")
    if len(cleaned) > MAX_NAME_CHARS:
        raise Invalid("name_too_long", max=MAX_NAME_CHARS)
    return cleaned


def note(text: str | None) -> str | None:
    """A free-text note kept with a record."""
    if text is None:
        return None
    if _CONTROL.search(text):
        raise Invalid("text_control_chars")
    if len(text) > MAX_NOTE_CHARS:
        raise Invalid("note_too_long", max=MAX_NOTE_CHARS)
    return text


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency(code: str) -> str:
    """An ISO 4217 code that babel's currency data knows (CNY, USD, JPY…); anything else is refused."""
    if not isinstance(code, str) or code not in _currencies():
        raise Invalid("currency_invalid", currency=str(code)[:12])
    return code


# ISO 4217's currencies with a minor unit of three digits. CLDR (babel) agrees but for the Iraqi dinar, whose fils
# it gives 0 digits because they are not in use; an amount in IQD is still allowed its three, as ISO defines them.
THREE_DIGITS = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})


def minor_digits(code: str) -> int:
    """How many decimals an amount in this currency may have: its minor unit (JPY 0, CNY 2, KWD 3), at most what
    the money columns keep."""
    return min(3 if code in THREE_DIGITS else get_currency_precision(code), STORED_DIGITS)


def unit(code: str) -> Decimal:
    """The currency's smallest amount: 0.01 for CNY, 1 for JPY, 0.001 for KWD. Arithmetic on money (a share of a
    contract, an upfront part) is cut to it, never finer; what is stored is always a whole number of it."""
    return Decimal(1).scaleb(-minor_digits(code))


def money(amount: Decimal, code: str) -> Decimal:
    """An amount of money as typed: positive, at most `MAX_AMOUNT`, and no finer than the currency's minor unit.
    Never rounded: 10.005 yuan is refused, not turned into 10.01."""
    currency(code)
    if not amount.is_finite() or amount <= 0:
        raise Invalid("amount_not_positive")
    if amount > MAX_AMOUNT:
        raise Invalid("amount_too_big", max=f"{MAX_AMOUNT:,.0f}")
    digits = minor_digits(code)
    if amount != amount.quantize(Decimal(1).scaleb(-digits)):
        raise Invalid("amount_too_precise", currency=code, digits=digits)
    return amount


def installments(count: int | None) -> None:
    if count is not None and not 1 <= count <= MAX_INSTALLMENTS:
        raise Invalid("installments_out_of_range", max=MAX_INSTALLMENTS)


def upfront_percent(percent: Decimal | None) -> None:
    if percent is not None and not 0 < percent <= 100:
        raise Invalid("upfront_out_of_range")


def net_days(days: int | None) -> None:
    if days is not None and not 0 <= days <= MAX_NET_DAYS:
        raise Invalid("net_days_out_of_range", max=MAX_NET_DAYS)


def ahead(day: date, *, today: date) -> None:
    """A follow-up, reminder or new due date: no more than `MAX_FOLLOW_UP_DAYS` away."""
    if day > today + timedelta(days=MAX_FOLLOW_UP_DAYS):
        raise Invalid("date_too_far", day=day.isoformat(), years=MAX_FOLLOW_UP_DAYS // 365)


def moved(due_on: date, *, was: date) -> None:
    """An installment's new due day: at most `MAX_DUE_MOVE_DAYS` from the day it was due."""
    if abs((due_on - was).days) > MAX_DUE_MOVE_DAYS:
        raise Invalid("due_moved_too_far", day=due_on.isoformat(), days=MAX_DUE_MOVE_DAYS)


def sequence(seq: int | None) -> None:
    """An installment's number as typed."""
    if seq is not None and not 1 <= seq <= MAX_SEQUENCE:
        raise Invalid("installment_number_out_of_range", seq=seq)

"""Reads the sentence corpus (tests/nlp/corpus/*.tsv) and scores understand() against it.

Shared by the held-out floor test (tests/nlp/test_corpus.py) and bench/nlp.py. The team: the customers of
tests/nlp/corpus.py plus EXTRA, the default stages, the `cn` working-day calendar; now is 2026-11-25 10:00 in
Asia/Shanghai (see tests/nlp/corpus/generate.py for what each column means).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from salesbot.calendars import working_calendar
from salesbot.nlp.customers import CustomerIndex, CustomerName
from salesbot.nlp.dates import DateError, parse_date
from salesbot.nlp.intents import Understanding, understand
from tests.nlp.corpus import CUSTOMERS, reason_lexicon, stage_lexicon

CORPUS = Path(__file__).resolve().parent / "corpus"
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DEFAULT_CURRENCY = "CNY"
# Customers the corpus needs beyond tests/nlp/corpus.py's list.
EXTRA = (("华润集团", ("华润",)), ("蓝海传媒", ()), ("长江电力", ()))
TEAM: tuple[CustomerName, ...] = CUSTOMERS + tuple(
    CustomerName(len(CUSTOMERS) + i + 1, name, aliases) for i, (name, aliases) in enumerate(EXTRA)
)
SLOTS = ("intent", "customer", "date", "occurred_on", "amount", "currency", "stage")


# The parts of the sentence corpus and what each is. heldout.tsv was held out until the session of 2026-12-07 folded
# its misses into tuning: it is scored and shown, but no longer blind. heldout2.tsv and heldout3.tsv were written
# apart from this code (by writers who neither read it nor ran it) and never read while tuning: each is the half of
# its set that was not handed to tuning. Scored when they are there.
PARTS = (
    ("tune", "tune"),
    ("heldout", "heldout v1 (seen during tuning, session 2026-12-07)"),
    ("heldout2", "held-out v2 (written 2026-12-07, never seen while tuning)"),
    ("heldout3", "held-out v3 (written 2026-12-08, never seen while tuning)"),
)
BLINDS = ("heldout2", "heldout3")


def corpus_parts() -> list[tuple[str, str]]:
    """(part, label) of the parts present."""
    return [(part, label) for part, label in PARTS if (CORPUS / f"{part}.tsv").exists()]


def rows(part: str) -> list[dict[str, str]]:
    with (CORPUS / f"{part}.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def team_index(extra: int = 0) -> CustomerIndex:
    """The corpus team, with `extra` made-up customers added to make the book bigger."""
    more = (CustomerName(10_000 + i, f"客户{i:05d}号贸易", (f"Client {i:05d} Ltd",)) for i in range(extra))
    return CustomerIndex((*TEAM, *more))


@dataclass
class Reader:
    index: CustomerIndex = field(default_factory=team_index)

    def __post_init__(self) -> None:
        self.stages, self.reasons, self.calendar = stage_lexicon(), reason_lexicon(), working_calendar("cn")

    def __call__(self, text: str) -> Understanding:
        return understand(
            text, now=NOW, customers=self.index, stages=self.stages, reasons=self.reasons, calendar=self.calendar
        )


def reading_of(said: Understanding) -> dict[str, str]:
    """The corpus columns as understand() filled them."""
    res = said.customer
    if res.kind == "one" and res.match is not None:
        customer = res.match.customer.name
    elif res.unknown_name:
        customer = "+" + res.unknown_name
    else:
        customer = "-"
    date = "-"
    if said.date is not None:
        date = said.date.date.isoformat() + (f" {said.date.time:%H:%M}" if said.date.time else "")
    return {
        "intent": said.intent,
        "customer": customer,
        "date": date,
        "occurred_on": said.occurred_on.isoformat() if said.occurred_on else "-",
        "amount": format(said.amount.amount.normalize(), "f") if said.amount else "-",
        "currency": (said.amount.currency or DEFAULT_CURRENCY) if said.amount else "-",
        "stage": said.stage.stage if said.stage else "-",
        "activity": said.activity or "-",
    }


def asks(said: Understanding) -> bool:
    """Whether the conversation asks before acting: an unsure reading, two intents close (the chat asks which) or a
    customer to pick or confirm."""
    return not said.confident or said.runner_up is not None or said.customer.kind in ("choose", "confirm")


@dataclass
class Score:
    total: int = 0
    right: int = 0  # every slot as expected
    asked: int = 0
    wrong_silently: int = 0  # a wrong reading the bot would have acted on without asking
    slot_misses: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[str, dict[str, tuple[str, str]]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def ask_rate(self) -> float:
        return self.asked / self.total if self.total else 0.0


def score(part: str, reader: Reader | None = None) -> Score:
    reader = reader or Reader()
    result = Score()
    for row in rows(part):
        said = reader(row["text"])
        got = reading_of(said)
        wrong = {slot: (row[slot], got[slot]) for slot in SLOTS if row[slot] != got[slot]}
        result.total += 1
        result.asked += asks(said)
        if wrong:
            result.slot_misses.update(wrong.keys())
            result.misses.append((row["text"], wrong))
            result.wrong_silently += not asks(said)
        else:
            result.right += 1
    return result


# ---- date phrases (tests/nlp/corpus/dates_*.tsv): read as `salesbot parse-date` does, as for a follow-up on the
# `cn` calendar; "past" expects the refusal of a past day. Written to DESIGN.md's date conventions, the expected value
# by hand. dates_heldout.tsv (v1) is a quarter of the first set, split by a hash of the phrase; dates_heldout3.tsv is
# the blind half of a set written 2026-12-08 apart from this code (its other half is in dates_tune.tsv).
DATE_PARTS = (
    ("tune", "tune"),
    ("heldout", "held-out v1"),
    ("heldout3", "held-out v3 (written 2026-12-08, never seen while tuning)"),
)


def date_parts() -> list[tuple[str, str]]:
    """(part, label) of the date-phrase parts present."""
    return [(part, label) for part, label in DATE_PARTS if (CORPUS / f"dates_{part}.tsv").exists()]


def date_rows(part: str) -> list[dict[str, str]]:
    with (CORPUS / f"dates_{part}.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def date_reading(phrase: str, calendar: object) -> str:
    try:
        got = parse_date(phrase, now=NOW, calendar=calendar)  # type: ignore[arg-type]
    except DateError as exc:
        return "past" if exc.code == "past" else f"error: {exc.code}"
    return got.date.isoformat() + (f" {got.time:%H:%M}" if got.time else "")


def date_score(part: str) -> tuple[int, int, list[tuple[str, str, str]]]:
    """(right, total, misses as (phrase, expected, got))."""
    calendar = working_calendar("cn")
    misses = []
    rows_ = date_rows(part)
    for row in rows_:
        got = date_reading(row["phrase"], calendar)
        if got != row["expected"]:
            misses.append((row["phrase"], row["expected"], got))
    return len(rows_) - len(misses), len(rows_), misses

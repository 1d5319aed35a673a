"""The held-out part of the sentence corpus (tests/nlp/corpus/heldout.tsv, never tuned on) stays read right.

Floors, not targets: bench/nlp.py prints the scores, the ask rate and the misses. A reading counts as right when
intent, customer, date, occurred_on, amount, currency and stage are all as expected.
"""

from __future__ import annotations

from tests.nlp.reading import date_rows, date_score, rows, score

HELD_OUT_FLOOR = 0.85
ASK_RATE_CEILING = 0.10
DATE_FLOOR = 0.98  # issue 17: the date phrases


def test_the_corpus_is_big_enough_and_split() -> None:
    tune, held_out = rows("tune"), rows("heldout")
    assert len(tune) + len(held_out) >= 1000
    assert not {r["text"] for r in tune} & {r["text"] for r in held_out}


def test_the_held_out_part_is_read_right_and_rarely_asks() -> None:
    result = score("heldout")
    shown = "\n".join(f"{text}: {wrong}" for text, wrong in result.misses[:20])
    assert result.rate >= HELD_OUT_FLOOR, shown
    assert result.ask_rate <= ASK_RATE_CEILING


def test_the_held_out_date_phrases_are_read_as_the_conventions_say() -> None:
    assert not {r["phrase"] for r in date_rows("tune")} & {r["phrase"] for r in date_rows("heldout")}
    right, total, misses = date_score("heldout")
    assert right / total >= DATE_FLOOR, misses


def test_the_whole_corpus_rarely_asks() -> None:
    asked = sum(score(part).asked for part in ("tune", "heldout"))
    assert asked / (len(rows("tune")) + len(rows("heldout"))) <= ASK_RATE_CEILING

"""The sentence corpus (tests/nlp/corpus/*.tsv) stays read right.

Floors, not targets: bench/nlp.py prints the scores, the ask rate and the misses. A reading counts as right when
intent, customer, date, occurred_on, amount, currency and stage are all as expected.

- heldout.tsv is "heldout v1": held out until the session of 2026-12-07, when its misses were looked at and their
  causes fixed; it is seen now, and kept as a floor against going back.
- heldout2.tsv is "held-out v2": 137 rows of a hand-written set of 300 (162 were handed to tuning, and one the tuners
  wrote too), never seen while tuning. It read 84.1% before that tuning and 90.5% after (2026-12-07): the 95% is not
  reached yet, so the floor here is what was measured, against going back; bench/nlp.py prints the target beside it.
"""

from __future__ import annotations

import pytest

from tests.nlp.reading import BLIND, CORPUS, corpus_parts, date_rows, date_score, rows, score

SEEN_FLOOR = 0.95  # heldout v1, seen during tuning
BLIND_FLOOR = 0.90  # held-out v2 as measured (90.5%); issue 17's target of 95% is not met yet
ASK_RATE_CEILING = 0.10
DATE_FLOOR = 0.98  # issue 17: the date phrases


def _shown(part: str) -> tuple[float, float, str]:
    result = score(part)
    shown = "\n".join(f"{text}: {wrong}" for text, wrong in result.misses[:20])
    return result.rate, result.ask_rate, shown


def test_the_corpus_is_big_enough_and_its_parts_share_no_sentence() -> None:
    parts = [{r["text"] for r in rows(part)} for part, _label in corpus_parts()]
    assert sum(map(len, parts)) >= 1000
    for i, one in enumerate(parts):
        for other in parts[i + 1 :]:
            assert not one & other


def test_heldout_v1_seen_during_tuning_is_still_read_right_and_rarely_asks() -> None:
    rate, ask_rate, shown = _shown("heldout")
    assert rate >= SEEN_FLOOR, shown
    assert ask_rate <= ASK_RATE_CEILING


@pytest.mark.skipif(not (CORPUS / f"{BLIND}.tsv").exists(), reason="held-out v2 is not in this tree yet")
def test_heldout_v2_never_seen_while_tuning_is_read_right_and_rarely_asks() -> None:
    rate, ask_rate, shown = _shown(BLIND)
    assert rate >= BLIND_FLOOR, shown
    assert ask_rate <= ASK_RATE_CEILING


def test_the_held_out_date_phrases_are_read_as_the_conventions_say() -> None:
    assert not {r["phrase"] for r in date_rows("tune")} & {r["phrase"] for r in date_rows("heldout")}
    right, total, misses = date_score("heldout")
    assert right / total >= DATE_FLOOR, misses


def test_the_whole_corpus_rarely_asks() -> None:
    parts = [part for part, _label in corpus_parts()]
    asked = sum(score(part).asked for part in parts)
    assert asked / sum(len(rows(part)) for part in parts) <= ASK_RATE_CEILING

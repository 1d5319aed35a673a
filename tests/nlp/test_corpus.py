"""The sentence corpus (tests/nlp/corpus/*.tsv) stays read right.

Floors, not targets: bench/nlp.py prints the scores, the ask rate and the misses. A reading counts as right when
intent, customer, date, occurred_on, amount, currency and stage are all as expected.

- heldout.tsv is "heldout v1": held out until the session of 2026-12-07, when its misses were looked at and their
  causes fixed; it is seen now, and kept as a floor against going back.
- heldout2.tsv is "held-out v2": 137 rows of a hand-written set of 300 (162 were handed to tuning, and one the tuners
  wrote too), never seen while tuning. It read 84.1% before that tuning, 90.5% after (2026-12-07) and 94.2% after the
  session of 2026-12-08.
- heldout3.tsv is "held-out v3": 204 rows of 416 written on 2026-12-08 by writers who neither read nor ran the code
  (the other 212 are in tune.tsv, split by a hash of the text), never seen while tuning: 80.4% before, 90.7% after.
  dates_heldout3.tsv is the blind half of 114 date phrases written the same way: 45/51 before, 46/51 after.
The 95% (and 98% for dates) is not reached on the blind parts, so their floors are what was measured, against going
back; bench/nlp.py prints the targets beside them.
"""

from __future__ import annotations

import pytest

from tests.nlp.reading import BLINDS, CORPUS, corpus_parts, date_parts, date_rows, date_score, rows, score

SEEN_FLOOR = 0.95  # heldout v1, seen during tuning
# The blind parts, at what was measured (floors against going back); issue 17's target is 95%, printed by bench/nlp.py.
BLIND_FLOORS = {"heldout2": 0.94, "heldout3": 0.90}
ASK_RATE_CEILING = 0.10
# The held-out date phrases: v1 at issue 17's 98%; v3 (blind) at what was measured, against going back.
DATE_FLOORS = {"heldout": 0.98, "heldout3": 0.90}


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


@pytest.mark.parametrize("part", BLINDS)
def test_the_held_out_parts_never_seen_while_tuning_are_read_right_and_rarely_ask(part: str) -> None:
    if not (CORPUS / f"{part}.tsv").exists():
        pytest.skip(f"{part}.tsv is not in this tree")
    rate, ask_rate, shown = _shown(part)
    assert rate >= BLIND_FLOORS[part], shown
    assert ask_rate <= ASK_RATE_CEILING


def test_the_date_phrase_parts_share_no_phrase() -> None:
    parts = [{r["phrase"] for r in date_rows(part)} for part, _label in date_parts()]
    for i, one in enumerate(parts):
        for other in parts[i + 1 :]:
            assert not one & other


@pytest.mark.parametrize("part", [part for part, _label in date_parts() if part != "tune"])
def test_the_held_out_date_phrases_are_read_as_the_conventions_say(part: str) -> None:
    right, total, misses = date_score(part)
    assert right / total >= DATE_FLOORS[part], misses


def test_the_whole_corpus_rarely_asks() -> None:
    parts = [part for part, _label in corpus_parts()]
    asked = sum(score(part).asked for part in parts)
    assert asked / sum(len(rows(part)) for part in parts) <= ASK_RATE_CEILING

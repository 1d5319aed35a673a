"""The gates in front of the intent modules (salesbot/nlp/prefilter.py) never turn away a sentence a pattern reads.

A gate is derived from its patterns, so a word added to a pattern is in its gate too; these tests check the
derivation itself (on the constructs the patterns use), then every guarded pattern against the corpus sentences and
against strings hypothesis builds from the pattern: wherever a pattern matches, its gate does.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesbot.nlp import intents, prefilter, questions, retention, targets
from salesbot.nlp.numerals import normalize
from tests.nlp.reading import rows

# Each gate with the patterns it guards, and how its module prepares the text (questions lowers it first).
GUARDED: dict[str, tuple[re.Pattern[str], list[re.Pattern[str]], bool]] = {
    "questions": (
        questions._ANY_QUESTION,
        [p for _, p in questions._ASKED + questions._ASKED_UNLESS_REPORTED],
        True,
    ),
    "retention": (retention._ANY_INTENT, [p for _, p in retention._INTENTS], False),
    "core words": (intents._ANY_KEYWORD, [p for _, p in intents._KEYWORDS], False),
    "targets": (
        targets._ANY_TARGET_WORD,
        [*targets._SET, *targets._COMMENT, *targets._REPORT, targets._USAGE, targets._ASK],
        False,
    ),
}
SENTENCES = [normalize(r["text"]) for part in ("tune", "heldout") for r in rows(part)]


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"拜访|见了", {"拜访", "见了"}),
        (r"(?:几|多少)(?:个|家)?客户", {"几客户", "几个客户", "几家客户", "多少客户", "多少个客户", "多少家客户"}),
        (r"\bremind me\b|[设]个?提醒", {"remind me", "设提醒", "设个提醒"}),
        (r"(?:逾期|过期).{0,4}跟进", {"跟进"}),
        (r"follow[ -]?up", {"followup", "follow up", "follow-up"}),
        (r"(?:ab)+c?", {"ab"}),
        (r"^\s*help\s*$", {"help"}),
    ],
)
def test_the_words_a_pattern_needs(pattern: str, needs: set[str]) -> None:
    assert prefilter.required(re.compile(pattern)) == needs


@pytest.mark.parametrize("pattern", [r"\d+", r"(?:嗯|哦)?\s*", r"a|\w", r"[a-z]{3}", r"(?i:x)y?"])
def test_a_pattern_that_needs_no_word_lets_everything_through(pattern: str) -> None:
    assert prefilter.required(re.compile(pattern)) is None
    assert prefilter.gate([re.compile(r"never"), re.compile(pattern)]).search("anything at all")


def test_a_word_added_to_a_pattern_is_in_its_gate() -> None:
    before = prefilter.gate([re.compile(r"投诉|抱怨")])
    after = prefilter.gate([re.compile(r"投诉|抱怨|吐槽")])
    assert not before.search("客户吐槽交货慢") and after.search("客户吐槽交货慢")


def test_case_is_folded_only_where_the_pattern_folds_it() -> None:
    assert prefilter.gate([re.compile(r"\bclaim\b", re.I)]).search("Claim Acme")
    assert not prefilter.gate([re.compile(r"\bclaim\b")]).search("Claim Acme")
    assert prefilter.gate([re.compile("forecast"), re.compile("ADOPTION", re.I)]).search("adoption?")


@pytest.mark.parametrize("module", GUARDED)
def test_every_corpus_sentence_a_pattern_reads_passes_its_gate(module: str) -> None:
    gate, patterns, lowered = GUARDED[module]
    for sentence in SENTENCES:
        text = sentence.lower() if lowered else sentence
        for pattern in patterns:
            if pattern.search(text):
                assert gate.search(text), (module, pattern.pattern[:60], sentence)


@pytest.mark.parametrize("module", GUARDED)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_string_a_pattern_matches_passes_its_gate(module: str, data: st.DataObject) -> None:
    gate, patterns, _lowered = GUARDED[module]
    pattern = data.draw(st.sampled_from(patterns))
    text = data.draw(st.from_regex(pattern))
    if pattern.search(text):  # look-arounds are not always honoured by from_regex
        assert gate.search(text), (module, pattern.pattern[:60], text)

"""One cheap search in front of a group of patterns: a word that must be in the text for any of them to match.

Every message passes every intent module, and most of them are visits: a module's dozen searches find nothing on
most messages. `gate(patterns)` reads the patterns themselves (their parse tree, as `re` compiles them) and returns
one search over the literal strings that any match of any of them must contain: where it finds nothing, none of
the patterns can match, so the module skips them all. Derived from the patterns at import, the gate cannot drift
from them: a word added to a pattern is in its gate too.

A pattern for which no such literal can be proved (it can match with only optional or class-only parts) makes the
gate always pass: slower, never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

# A character class this small is kept as its characters ([设定加] -> 设, 定, 加); larger ones prove nothing useful.
_SMALL_CLASS = 8
_MAX_FIXED = 64  # joined strings kept at most: the gate stays one short search
_ALWAYS = re.compile("")


def required(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings of which every match of `pattern` contains at least one (compared as the pattern compares, so with
    its case folding when it ignores case); None when no such set can be proved."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    return _sequence(list(parsed))


def _sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """A sequence holds all its parts, so any one part's requirement is the sequence's: the most selective wins
    (the longest shortest string, then the fewest strings). Neighbouring parts that match only a few fixed strings
    are joined first ((?:几|多少)(?:个|家)?客户 needs 几客户, 几个客户, … 多少家客户, rarer than 客户 alone)."""
    candidates: list[frozenset[str]] = []
    run: frozenset[str] | None = None  # the fixed strings the current run of parts can match, joined

    def close() -> None:
        if run is not None and "" not in run:
            candidates.append(run)

    for op, av in items:
        fixed = _fixed(op, av)
        if fixed is not None:
            joined = frozenset(a + b for a in (run or {""}) for b in fixed)
            if len(joined) <= _MAX_FIXED:
                run = joined
                continue
            close()
            run = fixed
            continue
        close()
        run = None
        found = _item(op, av)
        if found:
            candidates.append(found)
    close()
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


def _fixed(op: Any, av: Any) -> frozenset[str] | None:
    """Every string this part can match, when they are few and fixed ("" when it may match nothing); else None."""
    if op is sre.LITERAL:
        return frozenset((chr(av),))
    if op is sre.IN and len(av) <= _SMALL_CLASS and all(o is sre.LITERAL for o, _ in av):
        return frozenset(chr(c) for _, c in av)
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return None if (add_flags | del_flags) & sre.SRE_FLAG_IGNORECASE else _fixed_sequence(list(sub))
    if op is sre.BRANCH:
        branches = [_fixed_sequence(list(sub)) for sub in av[1]]
        if any(b is None for b in branches):
            return None
        union = frozenset().union(*branches)  # type: ignore[arg-type]
        return union if len(union) <= _MAX_FIXED else None
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        body = _fixed_sequence(list(sub))
        if body is None or high > 1:
            return None
        return body | {""} if low == 0 else body
    return None


def _fixed_sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    strings = frozenset(("",))
    for op, av in items:
        fixed = _fixed(op, av)
        if fixed is None:
            return None
        strings = frozenset(a + b for a in strings for b in fixed)
        if len(strings) > _MAX_FIXED:
            return None
    return strings


def _item(op: Any, av: Any) -> frozenset[str] | None:
    """What a part that matches no few fixed strings still needs (its own sequence, each branch's, a repeat's
    body when it repeats at least once)."""
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if (add_flags | del_flags) & sre.SRE_FLAG_IGNORECASE:
            return None  # case folding switched inside: the literals would be compared differently
        return _sequence(list(sub))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is sre.BRANCH:
        branches = [_sequence(list(sub)) for sub in av[1]]
        if any(b is None for b in branches):
            return None
        return frozenset().union(*branches)  # type: ignore[arg-type]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    return None  # any char, a wide class, an anchor, a look-around, a back reference: no literal proved


def gate(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    """One search that finds something in every text where any of `patterns` finds something (the converse does
    not hold: it is a filter, the patterns still decide). Literals of patterns that ignore case are searched
    ignoring case."""
    exact: set[str] = set()
    folded: set[str] = set()
    for pattern in patterns:
        found = required(pattern)
        if found is None:
            return _ALWAYS
        (folded if pattern.flags & re.IGNORECASE else exact).update(found)
    parts = [_trie(_minimal(exact))] if exact else []
    if folded:
        parts.append(f"(?i:{_trie(_minimal(folded))})")
    return re.compile("|".join(parts))


def _minimal(words: set[str]) -> list[str]:
    """Without the words that contain another: where "提醒我" is, "提醒" is too."""
    return sorted(w for w in words if not any(o != w and o in w for o in words))


def _trie(words: list[str]) -> str:
    """The words as an alternation sharing prefixes: each position is tried against one branch per first char,
    not one per word. No word is a prefix of another (see _minimal)."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items())]
        if len(branches) <= 1:
            return "".join(branches)
        return "(?:" + "|".join(branches) + ")"

    return pattern(tree)

"""How long salesbot.nlp takes on the worst inputs we know of, beside a reference workload timed in the same run.

The property tests (tests/nlp/test_properties.py) assert only that every text gets a well-formed answer; their speed
moved here (issue 18), where a busy machine or coverage can only make the figures noisy, not fail a build. Each call
is timed on this thread's CPU clock with the collector paused, fastest of `--runs`; the reference is a fixed piece of
plain Python (~1 ms on an idle machine), timed the same way, so `x ref` reads the same on a fast or a slow machine.
The budget each call was held to in the tests: 5 ms, about 5x the reference.

Run: .venv/bin/python bench/nlp_worst_cases.py [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesbot.nlp.dates import DateError, find_date, parse_date
from salesbot.nlp.intents import understand
from tests.nlp.corpus import customer_index, reason_lexicon, stage_lexicon
from tests.nlp.test_intents import SHARED, UTTERANCES
from tests.nlp.test_properties import NOW, WORST

BUDGET_S = 0.005


def cpu(work: Callable[[], Any]) -> float:
    collecting = gc.isenabled()
    gc.disable()
    try:
        start = time.thread_time()
        with contextlib.suppress(DateError):
            work()
        return time.thread_time() - start
    finally:
        if collecting:
            gc.enable()


def fastest(work: Callable[[], Any], runs: int) -> float:
    return min(cpu(work) for _ in range(runs))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    index, stages, reasons = customer_index(), stage_lexicon(), reason_lexicon()
    calls: dict[str, Callable[[str], Any]] = {
        "parse_date": lambda text: parse_date(text, now=NOW),
        "find_date": lambda text: find_date(text, now=NOW),
        "find_in_text": index.find_in_text,
        "lookup": index.lookup,
        "understand": lambda text: understand(text, now=NOW, customers=index, stages=stages, reasons=reasons),
    }
    for text in ("明天", "拜访比亚地,下周三再联系"):  # first-use costs: dateparser's import, the pinyin table
        for call in calls.values():
            cpu(lambda call=call, text=text: call(text))
    reference = fastest(lambda: sum(i * i for i in range(20_000)), args.runs * 4)
    print(
        f"reference workload: {reference * 1000:.2f} ms (fastest of {args.runs * 4}); budget {BUDGET_S * 1000:.0f} ms"
    )
    print(f"{'call':14} {'worst input':40} {'ms':>7} {'x ref':>7}")
    over = 0
    for name, call in calls.items():
        times = [(fastest(lambda text=text, call=call: call(text), args.runs), text) for text in WORST]
        worst, text = max(times)
        median = sorted(t for t, _ in times)[len(times) // 2]
        over += sum(1 for t, _ in times if t >= BUDGET_S)
        print(
            f"{name:14} {text[:24]!r:40} {worst * 1000:7.2f} {worst / reference:7.2f}   median {median * 1000:.2f} ms"
        )
    texts = [row[0] for row in SHARED] + [u[0] for u in UTTERANCES]
    per_message = min(cpu(lambda: [calls["understand"](t) for t in texts]) / len(texts) for _ in range(args.runs))
    print(
        f"understand on {len(texts)} everyday messages: {per_message * 1e6:.0f} µs a message, "
        f"{per_message / reference:.2f}x the reference (was held to 1 ms)"
    )
    print(f"worst inputs over the {BUDGET_S * 1000:.0f} ms budget: {over} of {len(WORST) * len(calls)}")


if __name__ == "__main__":
    main()

"""ms per call of the reading functions on the slowest inputs we know of (tests/nlp/test_properties.py WORST), and
on texts hypothesis makes: where the 5 ms bound of a reading lives, now that the property tests check correctness
only (a bound on time failed them under coverage and on a busy machine).

Each call is timed on this thread's CPU clock with the collector paused, fastest of --runs (a neighbour only ever
adds time); beside it, a fixed piece of plain Python measured in the same run, so a figure can be read against how
fast the machine was. A call slower than 5 ms at the machine's unloaded speed is listed.
Run: .venv/bin/python bench/nlp_worst.py [--runs N] [--random N]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from salesbot.nlp.dates import DateError, find_date, parse_date  # noqa: E402
from salesbot.nlp.intents import understand  # noqa: E402
from tests.nlp.test_properties import INDEX, NOW, REASONS, STAGES, WORST, texts  # noqa: E402

BOUND_MS = 5.0


def cpu_ms(call: Callable[[], Any], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.disable()
        try:
            start = time.thread_time()
            with contextlib.suppress(DateError):
                call()
            best = min(best, time.thread_time() - start)
        finally:
            gc.enable()
    return best * 1000


def calls(text: str) -> dict[str, Callable[[], Any]]:
    return {
        "parse_date": lambda: parse_date(text, now=NOW),
        "find_date": lambda: find_date(text, now=NOW),
        "find_in_text": lambda: INDEX.find_in_text(text),
        "lookup": lambda: INDEX.lookup(text),
        "understand": lambda: understand(text, now=NOW, customers=INDEX, stages=STAGES, reasons=REASONS),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--random", type=int, default=200, help="texts drawn from the property tests' strategy")
    args = parser.parse_args(argv)
    reference = cpu_ms(lambda: sum(i * i for i in range(20_000)), 50)
    for text in ("明天", "拜访比亚地,下周三再联系"):  # first-use costs (dateparser's import, the pinyin table)
        for call in calls(text).values():
            cpu_ms(call, 1)
    drawn = [texts.example() for _ in range(args.random)]
    slow: list[tuple[float, str, str]] = []
    worst_per_function: dict[str, float] = {}
    for text in [*WORST, *drawn]:
        for name, call in calls(text).items():
            ms = cpu_ms(call, args.runs)
            worst_per_function[name] = max(worst_per_function.get(name, 0.0), ms)
            if ms >= BOUND_MS:
                slow.append((ms, name, text))
    print(f"reference workload: {reference:.2f} ms (about 1 ms on an idle machine)")
    print(f"texts: {len(WORST)} worst known + {len(drawn)} drawn; fastest of {args.runs} runs each")
    for name, ms in worst_per_function.items():
        print(f"  {name:<13} slowest text {ms:6.2f} ms  ({ms / reference:5.1f}x the reference)")
    print(f"calls at or over {BOUND_MS} ms: {len(slow)}")
    for ms, name, text in sorted(slow, reverse=True)[:20]:
        print(f"  {ms:6.2f} ms  {name:<13} {text[:40]!r}… ({len(text)} chars)")


if __name__ == "__main__":
    main()

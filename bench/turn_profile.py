"""Where one "log a visit" turn spends its time: milliseconds per part of Router.handle (SQLite, or PostgreSQL).

Wraps the parts of a turn with timers (no profiler, so the figures are close to the real cost), runs the
same messages as bench/handler_throughput.py and prints the mean and median of each part, nested as called.
`--cprofile` prints cProfile's top functions instead. `--customers 200 100000` (the default) profiles each book size in
one run, their turns taking turns message by message (the machine's noise then falls on both alike), and prints the
ratio of their median turns, on the wall clock and on this thread's CPU clock (issue 17: at most 1.25x).
Run: .venv/bin/python bench/turn_profile.py [--messages N] [--customers N [N ...]]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from handler_throughput import _seeded_app, _visit, fresh_database  # noqa: E402

from salesbot.handlers import dispatch, router  # noqa: E402
from salesbot.handlers.messages import Incoming  # noqa: E402
from salesbot.services import attachments, audit, conversations, customers, updates, users, visits  # noqa: E402
from salesbot.services.uow import UnitOfWork  # noqa: E402

# (label, owner, attribute): each is replaced by a timed wrapper while the benchmark runs.
PARTS: tuple[tuple[str, Any, str], ...] = (
    ("turn (Router.handle)", router.Router, "handle"),
    ("session open (uow enter)", UnitOfWork, "__enter__"),
    ("update dedupe (first_time)", updates, "first_time"),
    ("identify", users, "identify"),
    ("load_form", conversations, "load_form"),
    ("savepoint open", Session, "begin_nested"),
    ("dispatch (in savepoint)", dispatch, "dispatch"),
    ("understand, all", dispatch, "read"),
    ("customer_index", dispatch, "customer_index"),
    ("nlp understand", dispatch, "understand"),
    ("log_visit", visits, "log_visit"),
    ("get_for_change", customers, "get_for_change"),
    ("loose attachments check", visits, "_has_loose"),
    ("audit.record", audit, "record"),
    ("audit.snapshot", audit, "snapshot"),
    ("reminder insert", visits, "_schedule"),
    ("adopt_loose", attachments, "adopt_loose"),
    ("save_form", conversations, "save_form"),
    ("commit", UnitOfWork, "commit"),
    ("rollback+close (uow exit)", UnitOfWork, "__exit__"),
    ("ORM flushes (anywhere above)", Session, "flush"),
)


CPU = "turn, CPU time (this thread)"


def _timed(current: list[dict[str, list[float]]], label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` timed into current[0] (the figures of the book whose turn it is)."""
    # The whole turn is also timed on this thread's CPU clock: the wall clock counts the waits for the disk
    # (SQLite syncs its log at every commit), which on a shared machine grow with the neighbours' I/O, not the book.
    whole = label == PARTS[0][0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        spent = current[0]
        t0, c0 = time.perf_counter(), time.thread_time() if whole else 0.0
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label].append(time.perf_counter() - t0)
            if whole:
                spent[CPU].append(time.thread_time() - c0)

    return wrapper


def _messages(names: list[str], lo: int, hi: int) -> list[Incoming]:
    out = []
    for i in range(lo, hi):
        rep, _customer, text = _visit(i, names)
        sender = f"rep{rep}"
        out.append(Incoming(platform="console", chat_id=sender, sender_id=sender, text=text, update_id=f"p-{i}"))
    return out


def profile(urls: dict[int, str], messages: int) -> dict[int, dict[str, list[float]]]:
    """Seconds per call of each part of PARTS over `messages` turns per book size, after 100 turns of warm-up.

    The book sizes take turns message by message (one to the 200-customer team, one to the 100,000-customer
    team, …): on a shared machine the neighbours' load then falls on both alike, and the ratio is the book's."""
    apps = {book: _seeded_app(url, book) for book, url in urls.items()}
    todo = {}
    for book, (app, names) in apps.items():
        for incoming in _messages(names, 0, 100):  # warm-up: caches, the customer index, first-call costs
            app.router.handle(incoming)
        todo[book] = _messages(names, 100, 100 + messages)
    spent: dict[int, dict[str, list[float]]] = {book: defaultdict(list) for book in apps}
    current: list[dict[str, list[float]]] = [spent[next(iter(apps))]]
    originals = [(owner, attr, getattr(owner, attr)) for _label, owner, attr in PARTS]
    for (label, owner, attr), (_o, _a, fn) in zip(PARTS, originals, strict=True):
        setattr(owner, attr, _timed(current, label, fn))
    try:
        for i in range(messages):
            for book, (app, _names) in apps.items():
                current[0] = spent[book]
                assert app.router.handle(todo[book][i])
    finally:
        for owner, attr, fn in originals:
            setattr(owner, attr, fn)
        for app, _names in apps.values():
            app.close()
    return spent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument(
        "--customers",
        type=int,
        nargs="+",
        default=[200, 100_000],
        help="book sizes to profile in this run, each in a fresh database (default: 200 100000)",
    )
    parser.add_argument("--database-url", help="a PostgreSQL server to run on (default: a SQLite file)")
    parser.add_argument("--cprofile", action="store_true", help="print cProfile's top functions instead")
    args = parser.parse_args(argv)
    if args.cprofile:
        with fresh_database(args.database_url) as url:
            app, names = _seeded_app(url, args.customers[0])
            for incoming in _messages(names, 0, 100):
                app.router.handle(incoming)
            todo = _messages(names, 100, 100 + args.messages)
            cprofile = cProfile.Profile()
            cprofile.runcall(lambda: [app.router.handle(m) for m in todo])
            pstats.Stats(cprofile).sort_stats("tottime").print_stats(25)
            app.close()
        return
    medians: dict[int, float] = {}
    cpu: dict[int, float] = {}
    with contextlib.ExitStack() as stack:
        urls = {book: stack.enter_context(fresh_database(args.database_url)) for book in args.customers}
        by_book = profile(urls, args.messages)
    for book, spent in by_book.items():
        turns = len(spent["turn (Router.handle)"])
        medians[book] = statistics.median(spent["turn (Router.handle)"])
        cpu[book] = statistics.median(spent[CPU])
        print(f"\n{book:,} customers, {turns} turns")
        print(f"{'part':<30} {'calls/turn':>10} {'mean ms/turn':>13} {'p50 ms/call':>12}")
        for label in [p[0] for p in PARTS[:1]] + [CPU] + [p[0] for p in PARTS[1:]]:
            calls = spent.get(label, [])
            if calls:
                per_turn = sum(calls) / turns * 1000
                median_ms = statistics.median(calls) * 1000
                print(f"{label:<30} {len(calls) / turns:>10.1f} {per_turn:>13.3f} {median_ms:>12.3f}")
    if len(medians) > 1:
        (small, base), *rest = sorted(medians.items())
        print()
        for book, median in rest:
            ratio = median / base
            verdict = "met" if ratio <= 1.25 else "NOT met"
            print(
                f"turn median at {book:,} customers: {median * 1000:.3f} ms against {base * 1000:.3f} ms at "
                f"{small:,}: {ratio:.2f}x (issue 17 target <= 1.25x: {verdict})"
            )
            ratio = cpu[book] / cpu[small]
            print(
                f"turn CPU median at {book:,} customers: {cpu[book] * 1000:.3f} ms against {cpu[small] * 1000:.3f} ms "
                f"at {small:,}: {ratio:.2f}x (without the waits for the disk; {'met' if ratio <= 1.25 else 'NOT met'})"
            )


if __name__ == "__main__":
    main()

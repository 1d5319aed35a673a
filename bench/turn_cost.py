"""What one turn costs: SQL statements and CPU per "log a visit" message, for this checkout and, with --compare, for
another commit measured in the same run (the conversation core before and after a change).

Each side runs in its own process with its own source tree (a temporary git worktree for the compared commit), on
the same seeded book and the same messages as bench/handler_throughput.py; statements are counted at the
connection, CPU is the process's own time. Run:
    .venv/bin/python bench/turn_cost.py --compare e82aa89 [--messages 500] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def measure(root: Path, messages: int, customers: int, server: str | None) -> dict[str, float]:
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(root / "bench"))
    from handler_throughput import _seeded_app, _visit, fresh_database
    from sqlalchemy import event

    from salesbot.handlers.messages import Incoming

    def incoming(i: int, names: list[str]) -> Incoming:
        rep, _customer, text = _visit(i, names)
        return Incoming(platform="console", chat_id=f"rep{rep}", sender_id=f"rep{rep}", text=text, update_id=f"c-{i}")

    with fresh_database(server) as url:
        app, names = _seeded_app(url, customers)
        for i in range(100):  # warm-up: statements compile, the customer index is built
            app.router.handle(incoming(i, names))
        todo = [incoming(i, names) for i in range(100, 100 + messages)]
        counted = [0]

        def count(*_args: Any) -> None:
            counted[0] += 1

        event.listen(app.engine, "before_cursor_execute", count)
        cpu, wall = time.process_time(), time.perf_counter()
        for message in todo:
            assert app.router.handle(message)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        app.close()
    return {"statements": counted[0] / messages, "cpu_ms": cpu / messages * 1000, "wall_ms": wall / messages * 1000}


def _side(root: Path, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(root), "--messages", str(args.messages)]
    command += ["--customers", str(args.customers)]
    if args.database_url:
        command += ["--database-url", args.database_url]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=root).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL server to run on (default: a SQLite file)")
    parser.add_argument("--compare", metavar="COMMIT", help="also measure this commit, in the same run")
    parser.add_argument("--rounds", type=int, default=2, help="alternate the sides this many times")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(Path(args.child), args.messages, args.customers, args.database_url)))
        return
    sides = {"this checkout": ROOT}
    with tempfile.TemporaryDirectory() as tmp:
        if args.compare:
            base = Path(tmp) / "base"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base), args.compare], check=True
            )
            sides = {f"at {args.compare}": base, **sides}
        try:
            results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
            for _ in range(args.rounds):  # alternated, so a noisy neighbour hurts both sides alike
                for name, root in sides.items():
                    results[name].append(_side(root, args))
        finally:
            if args.compare:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    print(f"{'side':<22} {'statements/turn':>16} {'CPU ms/turn':>12} {'wall ms/turn':>13}   (best of {args.rounds})")
    best = {name: {k: min(r[k] for r in runs) for k in runs[0]} for name, runs in results.items()}
    for name, figures in best.items():
        print(f"{name:<22} {figures['statements']:>16.1f} {figures['cpu_ms']:>12.3f} {figures['wall_ms']:>13.3f}")
    if args.compare:
        before, after = best[f"at {args.compare}"], best["this checkout"]
        print(
            f"{'ratio after/before':<22} {after['statements'] / before['statements']:>16.2f} "
            f"{after['cpu_ms'] / before['cpu_ms']:>12.2f} {after['wall_ms'] / before['wall_ms']:>13.2f}"
        )


if __name__ == "__main__":
    main()

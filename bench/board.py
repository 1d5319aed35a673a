"""The managers' board on the big book (issue 22): its data for a team's manager on PostgreSQL, timed beside a key
lookup in the same run, and what the page costs a phone to load.

The book is bench/big_book.py's (10 teams of 100 reps, 100,000 customers, 200,000 deals, 200,000 open installments,
1,000,000 visits; made once and kept in its own database). Timed (medians of `--repeat`, each call in a unit of
work of its own): the baseline (one customer by its key); the board as a team's manager (a week's and a quarter's
activity), as one rep, as a manager narrowed to one rep, and as the admin (the whole company, for comparison);
each with this month's targets and their attainment (one per rep and team, added to the book on first use).
Target: a manager's board under 200 ms. Then the bytes a first visit transfers: the page, its script and styles,
Chart.js (gzip, as served), and the manager's data (gzip). Target: the page under 300 KB.

Run: .venv/bin/python bench/board.py [--database-url postgresql+psycopg://…] [--repeat 15] [--explain]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from big_book import DEFAULT_SERVER, NOW, VERSION, Statements, book_database, timed  # noqa: E402

from salesbot.board.web import _assets  # noqa: E402
from salesbot.bootstrap import build  # noqa: E402
from salesbot.clock import FrozenClock  # noqa: E402
from salesbot.config import settings_from  # noqa: E402
from salesbot.services import board, targets, users  # noqa: E402
from salesbot.store.models import Customer, Target, Team, User  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SALESBOT_TEST_DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement of the manager's board")
    args = parser.parse_args(argv)
    url, made = book_database(args.database_url, fresh=False)
    made_in = f"made in {made:.0f} s" if made is not None else "cached"
    # The machine may be shared: the load says how far these figures are from a quiet one.
    print(f"book: {VERSION} ({made_in}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    app = build(settings_from({}, env={}), clock=FrozenClock(NOW), database_url=url, migrate=False)
    statements = Statements(app)
    with app.uow() as uow:
        manager, rep, admin = (users.by_handle(uow, h) for h in ("mgr1", "rep1", "admin"))
        _targets(uow)

    calls: list[tuple[str, Callable[[Any], Any], float | None]] = [
        ("baseline: one customer by its key", lambda uow: uow.session.get(Customer, 4242), None),
        ("board, a team's manager (7 days)", lambda uow: board.board(uow, manager, days=7), 200),
        ("board, a team's manager (90 days)", lambda uow: board.board(uow, manager, days=90), 200),
        ("board, a manager narrowed to one rep", lambda uow: board.board(uow, manager, rep_id=rep.id), 200),
        ("board, one rep", lambda uow: board.board(uow, rep), 200),
        ("board, the admin (whole company)", lambda uow: board.board(uow, admin), 0),
    ]
    baseline = None
    data: dict[str, Any] = {}
    for label, call, target in calls:
        ms, result = timed(app, call, args.repeat if target != 0 else 3)
        baseline = baseline or ms
        verdict = "" if not target else f"   target < {target} ms: {'met' if ms < target else 'MISSED'}"
        print(f"  {label:<40} {ms:9.2f} ms = {ms / baseline:7.0f}x the baseline{verdict}{_shape(result)}")
        if label.startswith("board, a team's manager (7"):
            data = result
            if args.explain:
                for line in statements.explain(app, call):
                    print(f"      {line}")
    app.close()

    print("a first visit, as transferred (gzip):")
    total = 0
    for name, asset in _assets().items():
        print(f"  {name:<40} {len(asset.gzipped) / 1024:8.1f} KB   ({len(asset.body) / 1024:.1f} KB unzipped)")
        total += len(asset.gzipped)
    body = json.dumps(data, ensure_ascii=False).encode()
    sent = len(gzip.compress(body))
    print(f"  {'the manager data (api/data)':<40} {sent / 1024:8.1f} KB   ({len(body) / 1024:.1f} KB unzipped)")
    total += sent
    print(f"  {'in all':<40} {total / 1024:8.1f} KB   target < 300 KB: {'met' if total < 300 * 1024 else 'MISSED'}")


def _targets(uow: Any) -> None:
    """Targets for this month, as a manager sets them (issue 21): one per rep of every team and one per team, so
    the board counts attainment for a team's 100 reps. Added once to the kept book."""
    if uow.session.scalar(select(func.count()).select_from(Target)):
        return
    first, last = targets.month_of(NOW.date())
    row = {"starts_on": first, "ends_on": last, "currency": "CNY", "archived": False, "created_at": NOW}
    reps = uow.session.execute(select(User.id).where(User.role == "rep")).scalars().all()
    teams = uow.session.execute(select(Team.id)).scalars().all()
    uow.session.add_all(Target(user_id=r, amount=Decimal(500_000), **row) for r in reps)
    uow.session.add_all(Target(team_id=t, amount=Decimal(50_000_000), **row) for t in teams)
    uow.commit()


def _shape(result: Any) -> str:
    if not isinstance(result, dict) or "pipeline" not in result:
        return ""
    open_deals = sum(row["count"] for row in result["pipeline"])
    shown = len(result["targets"] or [])
    return f"   ({open_deals} open deals, {len(result['activity']['by_rep'])} reps active, {shown} targets)"


if __name__ == "__main__":
    main()

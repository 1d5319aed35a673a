"""The questions of issue 19 on the big book (bench/big_book.py: 1,000 reps, 100,000 customers, 1,000,000 visits on
PostgreSQL), each timed beside a key lookup in the same run: the agenda and a customer's story as a rep, a team's
week, month and year, the silent reps, one rep's activity, the funnel and the forecast as a manager, the company's
week and funnel as the admin, and the trend of a month and a year. Target: each answer under 100 ms (the service's
work: the wording and the PNGs are not the database's and are not timed here).

The book is made (or reused) by big_book.py's builder, in a database of its own (`--database`); the schema is
upgraded at every run, so a new migration's indexes are there.

Run: .venv/bin/python bench/asking.py [--database-url postgresql+psycopg://…] [--repeat N] [--explain]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import big_book  # noqa: E402
from big_book import DEFAULT_SERVER, NOW, VERSION, Statements, book_database, report  # noqa: E402

from salesbot.bootstrap import build  # noqa: E402
from salesbot.clock import FrozenClock  # noqa: E402
from salesbot.config import settings_from  # noqa: E402
from salesbot.nlp.questions import period  # noqa: E402
from salesbot.services import asking, users  # noqa: E402
from salesbot.store.models import Customer  # noqa: E402

TARGET_MS = 100
CUSTOMER = 42  # rep42's own (big_book gives customer n to rep (n - 1) % 1000 + 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SALESBOT_TEST_DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement the timed calls run")
    parser.add_argument(
        "--database",
        default="salesbot_bench_asking",
        help="the book's database, made by big_book.py's builder and kept between runs (its own by default: a book "
        "shared with another checkout may carry migrations this one does not know)",
    )
    parser.add_argument("--only", help="time only the answers whose label contains this")
    args = parser.parse_args(argv)
    big_book.DATABASE = args.database
    url, made = book_database(args.database_url, fresh=False)
    print(f"book: {VERSION} ({'cached' if made is None else f'made in {made:.0f} s'})")
    app = build(settings_from({}, env={}), clock=FrozenClock(NOW), database_url=url, migrate=False)
    statements = Statements(app)
    with app.uow() as uow:
        rep = users.by_handle(uow, "rep42")
        manager = users.by_handle(uow, "mgr1")
        admin = users.by_handle(uow, "admin")
    today = NOW.date()

    def days(text: str) -> tuple[Any, Any]:
        found = period(text, today=today)
        assert found is not None
        return found.start, found.end

    def team_period(actor: Any, text: str) -> Callable[[Any], Any]:
        start, end = days(text)
        return lambda uow: (
            asking.team_period(uow, actor, asking.scope_for(uow, actor), start=start, end=end).total.visits
        )

    def trend(actor: Any, text: str) -> Callable[[Any], Any]:
        start, end = days(text)
        return lambda uow: sum(
            asking.trend(uow, actor, asking.scope_for(uow, actor), start=start, end=end).visits  # type: ignore[union-attr]
        )

    def activity(uow: Any) -> Any:
        scope = asking.scope_for(uow, manager)
        person = asking.person_named(uow, scope, "销售0042这周拜访了几个客户")
        assert person is not None
        start, end = days("这周")
        found = asking.team_period(
            uow, manager, asking.Scope("own", (person.id,)), start=start, end=end, customers_of=person.id
        )
        return len(found.visited[person.id])

    calls: list[tuple[str, Callable[[Any], Any], float | None]] = [
        ("baseline: one customer by its key", lambda uow: uow.session.get(Customer, 4242), None),
        (
            "agenda, a rep, the next 7 days",
            lambda uow: len(
                asking.agenda(uow, rep, start=today, end=today + timedelta(days=7), overdue_only=False).items
            ),
            TARGET_MS,
        ),
        ("a customer's story, a rep", lambda uow: asking.story(uow, rep, customer_id=CUSTOMER).customer, TARGET_MS),
        ("team's week, a manager (100 reps)", team_period(manager, "本周"), TARGET_MS),
        ("team's month, a manager", team_period(manager, "本月"), TARGET_MS),
        ("team's year, a manager", team_period(manager, "今年"), TARGET_MS),
        (
            "silent reps this week, a manager",
            lambda uow: len(
                asking.team_period(
                    uow, manager, asking.scope_for(uow, manager), start=days("本周")[0], end=days("本周")[1]
                ).silent
            ),
            TARGET_MS,
        ),
        ("one rep's week, a manager", activity, TARGET_MS),
        (
            "funnel and forecast, a manager",
            lambda uow: asking.funnel(uow, manager, asking.scope_for(uow, manager)).deals,
            TARGET_MS,
        ),
        ("company's week, the admin (1,000 reps)", team_period(admin, "this week"), TARGET_MS),
        (
            "company's funnel, the admin",
            lambda uow: asking.funnel(uow, admin, asking.scope_for(uow, admin)).deals,
            TARGET_MS,
        ),
        # The trend sent with a period answer of a month or longer (days up to a month, weeks beyond).
        ("trend of a team's month, a manager", trend(manager, "本月"), TARGET_MS),
        ("trend of a team's year, a manager", trend(manager, "今年"), TARGET_MS),
        ("trend of the company's month, the admin", trend(admin, "this month"), TARGET_MS),
    ]
    calls = [c for c in calls if not (args.only and c[2] and args.only not in c[0])]
    report(app, calls, repeat=args.repeat, explain=statements if args.explain else None, shape=lambda r: f"({r})")
    app.close()


if __name__ == "__main__":
    main()

"""All digests for 100 reps and 50,000 deals, charts included, beside a plain SELECT COUNT over the deals.

The book: 5 teams of 20 reps, each team with a linked group; 5,000 customers, 50,000 deals (stage history for
each, and 5,000 moves in the 8 days before), 2,000 visits in the 8 days before (a quarter with a follow-up today,
not yet reminded), 2,000 active contracts with 6,000 installments due over the past and coming 120 days, 1,000
payments, 100 contracts waiting for approval. The clock is a Monday 18:00, with no digest run before: every kind
falls due at once (5 daily digests, 5 weekly summaries with 2 charts each, 100 briefs).

Measured, in one process, after a warm-up run on the same book (so the database's pages and matplotlib's font are
loaded, as in a worker that has been running; the warm-up's run rows and queued messages are then deleted and its
reminders made pending again): `digests.run_due` (the facts, the run rows and the outbox rows, committed), and
wording every queued message for its reader with its PNGs drawn. The baseline is `SELECT COUNT(*) FROM deals` on
the same database, its median over 20 runs. matplotlib's import, paid once per worker process with the first
chart, is printed on its own.
Run: .venv/bin/python bench/digests.py [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesbot.bootstrap import App, build  # noqa: E402
from salesbot.clock import FrozenClock  # noqa: E402
from salesbot.config import settings_from  # noqa: E402
from salesbot.handlers.notifications import renderer  # noqa: E402
from salesbot.services import digests  # noqa: E402
from salesbot.services.delivery import Address  # noqa: E402
from salesbot.store.models import (  # noqa: E402
    ApprovalStep,
    Contract,
    Customer,
    Deal,
    Group,
    Installment,
    OutboxMessage,
    Payment,
    Reminder,
    StageChange,
    Team,
    User,
    Visit,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 16, 18, 0, tzinfo=TZ)  # a Monday
TEAMS, REPS, CUSTOMERS, DEALS = 5, 100, 5_000, 50_000
STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")


def book(app: App) -> None:
    rng = random.Random(8)
    utc_now = NOW.astimezone(ZoneInfo("UTC"))
    with app.uow() as uow:
        s = uow.session
        s.execute(
            insert(Team),
            [
                {"id": t + 1, "key": f"t{t}", "name": f"团队{t}", "timezone": str(TZ), "currency": "CNY"}
                for t in range(5)
            ],
        )
        managers = [
            {"id": 1000 + t, "handle": f"mgr{t}", "name": f"经理{t}", "role": "manager", "team_id": t + 1}
            for t in range(TEAMS)
        ]
        reps = [
            {
                "id": r + 1,
                "handle": f"rep{r}",
                "name": f"销售{r:03d}",
                "role": "rep",
                "team_id": r % TEAMS + 1,
                "manager_id": 1000 + r % TEAMS,
            }
            for r in range(REPS)
        ]
        s.execute(
            insert(User),
            [{"lang": "zh", "active": True, "created_at": utc_now, "manager_id": None, **u} for u in managers + reps],
        )
        s.execute(
            insert(Group),
            [
                {"handle": f"g{t}", "name": f"销售群{t}", "team_id": t + 1, "platform": "console",
                 "platform_chat_id": f"group:g{t}", "lang": "zh" if t % 2 else "en"}
                for t in range(TEAMS)
            ],
        )  # fmt: skip
        s.execute(
            insert(Customer),
            [
                {
                    "id": c + 1,
                    "name": f"客户{c:05d}",
                    "owner_id": c % REPS + 1,
                    "archived": False,
                    "created_at": utc_now,
                }
                for c in range(CUSTOMERS)
            ],
        )
        deals = []
        for d in range(DEALS):
            customer = rng.randrange(CUSTOMERS) + 1
            deals.append(
                {
                    "id": d + 1,
                    "customer_id": customer,
                    "owner_id": (customer - 1) % REPS + 1,
                    "title": f"商机{d}",
                    "stage": rng.choice(STAGES),
                    "amount": Decimal(rng.randrange(10, 1000) * 1000),
                    "currency": "USD" if d % 10 == 0 else "CNY",
                    "archived": False,
                    "created_at": utc_now - timedelta(days=200),
                    "updated_at": utc_now,
                }
            )
        s.execute(insert(Deal), deals)
        history = [
            {"deal_id": d["id"], "from_stage": None, "to_stage": "lead", "at": utc_now - timedelta(days=200)}
            for d in deals
        ]
        history += [
            {
                "deal_id": d["id"],
                "from_stage": "proposal",
                "to_stage": d["stage"],
                "at": utc_now - timedelta(minutes=rng.randrange(1, 60 * 24 * 8)),
            }
            for d in rng.sample(deals, 5_000)
        ]
        s.execute(insert(StageChange), history)
        visits = []
        for v in range(2_000):
            customer = rng.randrange(CUSTOMERS) + 1
            follow = v % 4 == 0
            visits.append(
                {
                    "id": v + 1,
                    "user_id": (customer - 1) % REPS + 1,
                    "customer_id": customer,
                    "at": utc_now - timedelta(minutes=rng.randrange(1, 60 * 24 * 8)),
                    "notes": "拜访",
                    "follow_up_on": NOW.date() if follow else None,
                }
            )
        s.execute(insert(Visit), visits)
        nine = datetime.combine(NOW.date(), datetime.min.time(), tzinfo=TZ) + timedelta(hours=9)
        s.execute(
            insert(Reminder),
            [
                {
                    "user_id": v["user_id"],
                    "kind": "follow_up",
                    "subject_type": "visit",
                    "subject_id": v["id"],
                    "customer_id": v["customer_id"],
                    "due_at": nine,
                    "state": "pending",
                    "created_at": utc_now,
                }
                for v in visits
                if v["follow_up_on"]
            ],
        )
        contracts, installments = [], []
        for c in range(2_100):
            deal = deals[c * 20]
            pending = c >= 2_000
            contracts.append(
                {
                    "id": c + 1,
                    "customer_id": deal["customer_id"],
                    "deal_id": deal["id"],
                    "owner_id": deal["owner_id"],
                    "amount": deal["amount"],
                    "currency": deal["currency"],
                    "terms": {"installments": 3},
                    "status": "pending" if pending else "active",
                    "step": 1 if pending else 0,
                    "submitted_at": utc_now - timedelta(days=rng.randrange(0, 30)),
                    "decided_at": None if pending else utc_now - timedelta(days=rng.randrange(0, 30)),
                    "updated_at": utc_now,
                }
            )
            if pending:
                continue
            for seq in range(3):
                due = NOW.date() + timedelta(days=rng.randrange(-120, 120))
                installments.append(
                    {
                        "contract_id": c + 1,
                        "seq": seq + 1,
                        "due_on": due,
                        "amount": (deal["amount"] / 3).quantize(Decimal("0.01")),
                        "currency": deal["currency"],
                        "paid": Decimal(0),
                        "state": "open",
                        "created_at": utc_now,
                    }
                )
        s.execute(insert(Contract), contracts)
        s.execute(insert(Installment), installments)
        s.execute(
            insert(ApprovalStep),
            [
                {
                    "contract_id": c["id"],
                    "seq": 1,
                    "rule": "manager",
                    "approver_id": 1000 + (c["owner_id"] - 1) % TEAMS,
                    "state": "deciding",
                    "started_at": c["submitted_at"],
                }
                for c in contracts
                if c["status"] == "pending"
            ],
        )
        s.execute(
            insert(Payment),
            [
                {
                    "customer_id": rng.randrange(CUSTOMERS) + 1,
                    "amount": Decimal(rng.randrange(1, 100) * 1000),
                    "currency": "CNY",
                    "received_on": date(2026, 3, 10),
                    "state": "confirmed",
                    "created_at": utc_now - timedelta(minutes=rng.randrange(1, 60 * 24 * 8)),
                }
                for _ in range(1_000)
            ],
        )
        uow.commit()


def run_all(app: App) -> tuple[int, float, float, int]:
    """(messages, seconds to gather and queue, seconds to word and draw, charts drawn)."""
    render = renderer(app.settings)
    started = time.perf_counter()
    with app.uow() as uow:
        sent = digests.run_due(uow)
        uow.commit()
    gathered = time.perf_counter()
    with app.uow() as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.state == "pending")).all()
        payloads = [(row.payload, row.target_type) for row in rows]
    drawn = 0
    for payload, target in payloads:
        lang = "en" if target == "group" and payload["params"].get("team", "").endswith(("0", "2", "4")) else "zh"
        reply = render(payload, Address("console", "x", "x", lang, str(TZ)))
        drawn += len(reply.files)
    return sent, gathered - started, time.perf_counter() - gathered, drawn


def count_deals(app: App) -> float:
    times = []
    for _ in range(20):
        started = time.perf_counter()
        with app.uow() as uow:
            uow.session.scalar(select(func.count()).select_from(Deal))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL server (a schema is made for the run and dropped)")
    args = parser.parse_args()
    settings = settings_from({}, env={})
    folder = Path(tempfile.mkdtemp(prefix="salesbot-digests-"))
    schema = None
    try:
        if args.database_url:
            from sqlalchemy import create_engine

            schema = f"bench_digests_{random.randrange(10**9)}"
            admin = create_engine(args.database_url)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.database_url else "?"
            url = f"{args.database_url}{sep}options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{folder / 'bench.db'}"
        clock = FrozenClock(NOW)
        app = build(settings, clock=clock, database_url=url)
        started = time.perf_counter()
        book(app)
        print(f"book: {REPS} reps, {DEALS:,} deals ... made in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        import matplotlib.figure  # noqa: F401  - what the first chart of a worker's life pays

        print(f"matplotlib import (once per worker): {time.perf_counter() - started:.2f} s")
        # Warm-up on the same book: run everything once, then forget the runs and the queued messages.
        run_all(app)
        with app.uow() as uow:
            uow.session.execute(text("DELETE FROM digest_runs"))
            uow.session.execute(text("DELETE FROM outbox"))
            uow.session.execute(text("UPDATE reminders SET state = 'pending', sent_at = NULL"))
            uow.commit()
        baseline = count_deals(app)
        sent, gather, draw, charts = run_all(app)
        total = gather + draw
        print(f"baseline SELECT COUNT(*) FROM deals: {baseline * 1000:.2f} ms (median of 20)")
        print(f"digests: {sent} messages, {charts} charts")
        print(f"  gather and queue: {gather:.3f} s")
        print(f"  word and draw:    {draw:.3f} s")
        print(f"  total:            {total:.3f} s = {total / baseline:,.0f}x the baseline (target: under 2 s)")
        app.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if schema is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()

"""Three `salesbot run` workers on one PostgreSQL database behind a round-robin load balancer, two of them killed
with SIGKILL while 2,000 webhook updates come in (issue 10).

The fake Bot API runs in a process of its own; the workers are real processes in Telegram webhook mode. The
updates are visits with a follow-up from 60 reps (each visit carries its update's marker, `#u<id>`, in its notes)
and lost deals, one customer each, which notify the rep's manager through the outbox. One update in ten is posted
twice, to two different workers, as Telegram retries a webhook it got no answer to: half of them at the same time,
half after the first answer. A third of the way in, a worker that does not lead is killed; two thirds in, the
leader. The balancer then sends only to the survivor, and a POST cut off by a death goes to another worker.

Then: each update took effect once (one visit, one audit row and one reminder per visit update; one stage change,
one deal, one audit row and one outbox row per lost deal); every update answered, one answered twice being one
whose worker died before recording the send, resent by the retry that says so; every outbox row is `sent` and
the fake received every notification, each one it received twice being a resend the survivor logged with its
dedupe key;
and one worker led at a time: one at the start, none other until the leader died, the survivor within a minute.

The outbox lease is 5 s and the limits run 20 times faster (`[outbox]` in the workers' salesbot.toml), so what
the dead leader held comes back in seconds. The survivor takes the lock at its next check: every 20 s
(`leader.CHECK_SECONDS`), which is most of this test's minute.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests import fleet
from tests.conftest import PG_ENV

pytestmark = pytest.mark.skipif(
    not os.environ.get(PG_ENV),
    reason=f"several workers need PostgreSQL (the jobs lock is a PostgreSQL advisory lock, outbox claims use SKIP "
    f"LOCKED, and SQLite is one process by design): set {PG_ENV} to run it",
)

UPDATES = 2_000
TEAMS, REPS_PER_TEAM, VISIT_CUSTOMERS, LOST_CUSTOMERS = 3, 20, 4, 10  # 600 lost deals, 1,400 visits
IN_FLIGHT = 12
CONFIG = "[outbox]\nlease_seconds = 5\nrate_scale = 20\n"
TAKEOVER_LIMIT = 60.0


def _plan(team: fleet.Team) -> list[dict]:
    """Each update: its id, who sends it, the words, and what it should leave behind."""
    rng = random.Random(10)
    reps = list(team.reps)
    lost = [(rep, name) for rep in reps for name in team.customers[rep][VISIT_CUSTOMERS:]]
    kinds = ["lost"] * len(lost) + ["visit"] * (UPDATES - len(lost))
    rng.shuffle(kinds)
    rng.shuffle(lost)
    plan = []
    for n, kind in enumerate(kinds, start=1):
        if kind == "lost":
            rep, customer = lost.pop()
            words = f"{customer}丢单了,输给了竞争对手"
        else:
            rep = rng.choice(reps)
            customer = rng.choice(team.customers[rep][:VISIT_CUSTOMERS])
            words = f"今天拜访了{customer},下周二再跟进 #u{n}"
        plan.append({"id": n, "kind": kind, "rep": rep, "customer": customer, "text": words})
    return plan


async def _traffic(
    plan: list[dict], team: fleet.Team, workers: list[fleet.Worker], watch: fleet.LogWatch
) -> dict[str, float | int]:
    """Post every update (one in ten twice), killing a follower a third of the way in and the leader at two thirds.
    Returns when each death happened and how many POSTs the balancer had to send again."""
    leader_name = (await watch.wait_for(fleet.LEADER_LINE))[0].worker
    leader = next(w for w in workers if w.name == leader_name)
    follower = next(w for w in workers if w is not leader)
    done = 0
    events: dict[str, float | int] = {}
    queue = iter(plan)

    async def one(lb: fleet.Balancer, update: dict) -> None:
        body = fleet.text_update(update["id"], user_id=team.reps[update["rep"]], text=update["text"])
        if update["id"] % 10 == 3:  # a retry of Telegram's, to another worker, at the same time
            first = lb.pick()
            await asyncio.gather(lb.post(body, to=first), lb.post(body, not_to=first))
        elif update["id"] % 10 == 7:  # a retry after the answer (lost on its way back), to another worker
            first, _ = await lb.post(body)
            await lb.post(body, not_to=first)
        else:
            await lb.post(body)

    async def client(lb: fleet.Balancer) -> None:
        nonlocal done
        for update in queue:
            await one(lb, update)
            done += 1
            if done == UPDATES // 3 and "follower_killed" not in events:
                events["follower_killed"] = follower.kill()
            elif done == 2 * UPDATES // 3 and "leader_killed" not in events:
                events["leader_killed"] = leader.kill()

    async with fleet.Balancer(workers) as lb:
        await asyncio.gather(*(client(lb) for _ in range(IN_FLIGHT)))
        events["retried"] = lb.retried
    events["leader"] = workers.index(leader)
    events["follower"] = workers.index(follower)
    return events


def _scalars(url: str, sql: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        engine.dispose()


async def _until_sent(url: str, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        states = dict(_scalars(url, "SELECT state, count(*) FROM outbox GROUP BY state"))
        if set(states) <= {"sent"} or time.monotonic() > deadline:
            return states
        await asyncio.sleep(0.5)


def test_three_workers_two_killed_every_update_once_every_notification_sent(tmp_path: Path) -> None:
    team, team_toml = fleet.make_team(TEAMS, REPS_PER_TEAM, VISIT_CUSTOMERS + LOST_CUSTOMERS)
    plan = _plan(team)
    with fleet.fresh_database(os.environ[PG_ENV]) as url, fleet.FakeBotApiProcess() as api:
        fleet.prepare(url, tmp_path, team, team_toml, config=CONFIG)
        workers = fleet.start_workers(3, database_url=url, bot_api_url=api.url, folder=tmp_path)
        watch = fleet.LogWatch(workers)

        async def scenario() -> tuple[dict, dict[str, int], float]:
            watching = asyncio.ensure_future(watch.run())
            try:
                await fleet.wait_ready(workers)
                started = time.monotonic()
                events = await _traffic(plan, team, workers, watch)
                posted = time.monotonic() - started
                await watch.wait_for(fleet.LEADER_LINE, count=2, timeout=TAKEOVER_LIMIT + 5)
                states = await _until_sent(url, timeout=60)
                return events, states, posted
            finally:
                watching.cancel()

        try:
            events, states, posted = asyncio.run(scenario())
        finally:
            fleet.stop_workers(workers)
            watch.poll()
            watch.close()
        received = api.finish()["sends"]

        visits = _scalars(url, "SELECT id, notes FROM visits")
        visit_audits = Counter(i for (i,) in _scalars(url, "SELECT entity_id FROM audit WHERE entity = 'visit'"))
        reminders = Counter(
            i for (i,) in _scalars(url, "SELECT subject_id FROM reminders WHERE subject_type = 'visit'")
        )
        lost = _scalars(
            url,
            "SELECT c.name, d.id FROM stage_history s JOIN deals d ON d.id = s.deal_id "
            "JOIN customers c ON c.id = d.customer_id WHERE s.to_stage = 'lost'",
        )
        deal_audits = Counter(i for (i,) in _scalars(url, "SELECT entity_id FROM audit WHERE entity = 'deal'"))
        deals = Counter(
            name for (name,) in _scalars(url, "SELECT c.name FROM deals d JOIN customers c ON c.id = d.customer_id")
        )
        outbox = _scalars(url, "SELECT id, target_id, payload, dedupe_key, attempts FROM outbox")
        managers = dict(_scalars(url, "SELECT id, handle FROM users WHERE role = 'manager'"))
        handled = _scalars(url, "SELECT count(*) FROM processed_updates WHERE platform = 'telegram'")[0][0]

    logs = {w.name: w.log_text() for w in workers}
    leader, follower = workers[int(events["leader"])], workers[int(events["follower"])]
    survivor = next(w for w in workers if w is not leader and w is not follower)
    took = watch.matching(fleet.LEADER_LINE)
    takeover = took[-1].at - float(events["leader_killed"]) if len(took) > 1 else float("nan")
    resent = sum(log.count(" resent (attempt ") for log in logs.values())
    replies = Counter(s["text"] for s in received if int(s["chat_id"]) in team.reps.values())
    print(
        f"\n{UPDATES} updates ({len(plan) // 10 * 2} posted twice) in {posted:.1f} s through 3 workers, "
        f"{events['retried']} POST(s) sent again after a death; {leader.name} led until killed, "
        f"{survivor.name} took over {takeover:.1f} s after; outbox {states}, {resent} resend(s) logged, "
        f"{sum(1 for *_, attempts in outbox if attempts > 1)} row(s) claimed more than once; "
        f"{sum(log.count('sends the replies its first handling never sent') for log in logs.values())} "
        "update(s) handled by a worker that died before it could answer, answered by their retry; "
        f"{sum(1 for n in replies.values() if n > 1)} answered twice (sent, then the worker died before recording it)"
    )

    # --- every update's effect happened once
    assert handled == UPDATES
    markers = Counter(m for _id, notes in visits for m in re.findall(r"#u(\d+)\b", notes))
    wanted = {str(u["id"]) for u in plan if u["kind"] == "visit"}
    assert set(markers) == wanted, (
        f"missing {sorted(wanted - set(markers))[:10]}, stray {sorted(set(markers) - wanted)[:10]}"
    )
    assert max(markers.values()) == 1, f"visits logged twice: {[m for m, n in markers.items() if n > 1][:10]}"
    assert all(visit_audits[i] == 1 and reminders[i] == 1 for i, _ in visits), "one audit row and one reminder a visit"
    lost_wanted = {u["customer"] for u in plan if u["kind"] == "lost"}
    assert Counter(name for name, _ in lost) == Counter(lost_wanted), "one lost deal per lost-deal update"
    assert all(deals[name] == 1 and deal_audits[deal_id] == 1 for name, deal_id in lost)
    assert len(replies) == UPDATES, "every update answered, those cut off by a death through their retry"
    # A reply is sent at least once: a worker killed after sending and before recording it leaves it to the
    # retry, which sends it again and says so. Never twice from live workers, never without that line.
    everything = "\n".join(logs.values())
    for words in (w for w, n in replies.items() if n > 1):
        marker = re.search(r"#u(\d+)\b", words)
        lost_one = (u["id"] for u in plan if u["kind"] == "lost" and f"「{u['customer']}」" in words)
        update_id = marker[1] if marker else next(lost_one)
        assert f"a replay of {update_id} sends" in everything, f"answered twice, no resend logged: {words!r}"

    # --- every notification sent, and any resend logged with its dedupe key
    assert states == {"sent": len(lost_wanted)}
    assert len({key for *_, key, _ in outbox}) == len(outbox) == len(lost_wanted)
    chat_of = {handle: telegram_id for handle, telegram_id in team.managers.items()}
    by_chat = Counter((int(s["chat_id"]), s["text"]) for s in received)
    for _id, manager_id, payload, dedupe_key, _attempts in outbox:
        customer = payload["params"]["customer"]
        chat = chat_of[managers[manager_id]]
        copies = sum(n for (c, words), n in by_chat.items() if c == chat and f"「{customer}」" in words)
        assert copies >= 1, f"the notification about {customer} never reached its manager"
        if copies > 1:
            assert f"dedupe {dedupe_key})" in everything, f"{customer}: sent {copies} times, no resend logged"

    # --- one leader at a time, and a quick takeover
    assert [s.worker for s in took] == [leader.name, survivor.name], [(s.worker, s.line) for s in took]
    assert took[0].at < float(events["follower_killed"]) and took[1].at > float(events["leader_killed"])
    assert takeover < TAKEOVER_LIMIT, f"the survivor took over {takeover:.1f} s after the leader died"
    assert not watch.matching(fleet.LOST_LEADER_LINE)
    assert all("handling Incoming" not in log for log in logs.values()), "no update failed in a live worker"

"""The managers' board (issue 22): everything a manager looks at to plan the week, read in one go.

Read-only. Scoped by the chat's own rules (`permissions`): a rep sees their own deals and customers, a manager the
team's, finance and admins everyone. A filter on one rep is the board as that rep sees their own, asked for by
someone allowed to see it. Money stays per currency, as decimal strings; dates are the viewer's calendar days.

What it holds:
- the pipeline: open deals per stage (count and amount per currency), the biggest of each stage with their rep and
  the days since they entered the stage;
- the funnel: the same counts in the configured stage order (won and lost are outcomes, counted in the activity);
- receivables: who owes most (`receivables.who_owes`, over the kept balances), and the aging per rep;
- the team's activity over a period: visits, stage moves, deals won and lost, payments received, per rep;
- the targets covering today (issue 21), per rep and team and currency, with what counted so far.
Each item carries the chat sentence that acts on it (`chat`), so the page can send the reader back to the chat.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, false, func, literal_column, or_, select, true

from salesbot.i18n import t
from salesbot.services import permissions, receivables, targets
from salesbot.services.errors import NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor, actor_of
from salesbot.store.models import Balance, Contract, Customer, Deal, Installment, Payment, StageChange, User, Visit

PERIODS = (7, 30, 90)  # days the activity may cover; the page offers these
DEALS_PER_STAGE = 15  # the biggest open deals listed under each stage (the rest are counted and summed)
DEBTORS = 10
LOST = "lost"
AGING_REPS = 12  # the reps with the most owed, per currency, in the aging (the page draws as many)
# The order of a stage's biggest deals, as ix_deals_biggest has it (a deal with no amount counts as none).
BIGGEST = func.coalesce(Deal.amount, literal_column("0")).desc()


def actor_by_id(uow: UnitOfWork, user_id: int) -> Actor | None:
    """The user a board session belongs to, as the services know them; None for one unknown or gone."""
    user = uow.session.get(User, user_id)
    if user is None or not user.active:
        return None
    return actor_of(uow, user)


def board(uow: UnitOfWork, actor: Actor, *, rep_id: int | None = None, days: int = 7) -> dict[str, Any]:
    """The whole board as JSON-ready data, for `actor`, narrowed to one rep's own book when `rep_id` is given."""
    permissions.require_active(actor)
    if days not in PERIODS:
        days = PERIODS[0]
    settings = uow.settings
    lang = actor.lang
    people = _people(uow, actor)
    viewer = actor
    if rep_id is not None and rep_id != actor.id:
        if rep_id not in people:
            raise NotAllowed("board_rep_not_visible")
        rep = uow.session.get(User, rep_id)
        if rep is None:
            raise NotFound("user_not_found", handle=str(rep_id))
        # One rep's book is what that rep sees of their own; their zone and currency are the viewer's, though.
        viewer = replace(actor_of(uow, rep), role="rep", active=True, lang=lang, timezone=actor.timezone)
    today = receivables.today_of(uow, actor)
    won = settings.approvals.won_stage
    open_stages = [s for s in settings.stages if s not in (won, LOST)]
    pipeline = _pipeline(uow, viewer, today, open_stages, people, lang)
    return {
        "me": {"id": actor.id, "name": actor.name, "role": actor.role, "lang": lang, "scope": _scope(actor)},
        "today": today.isoformat(),
        "filter": {"rep": rep_id, "days": days, "periods": list(PERIODS)},
        "reps": [{"id": uid, "name": name} for uid, name in sorted(people.items(), key=lambda kv: kv[1])],
        "currency": actor.currency,
        "stages": [{"key": s, "label": settings.stage_label(s, lang)} for s in open_stages],
        "pipeline": pipeline,
        "funnel": [{"stage": row["stage"], "label": row["label"], "count": row["count"]} for row in pipeline],
        "receivables": _receivables(uow, viewer, today, people, lang),
        "activity": _activity(uow, viewer, today, days, people, won),
        "targets": _targets(uow, viewer, today, people),
    }


# ------------------------------------------------------------------------------------------------- who is in view


def _scope(actor: Actor) -> str:
    return permissions.scope_of(actor)


def _people(uow: UnitOfWork, actor: Actor) -> dict[int, str]:
    """The people whose work the actor sees, by id: themselves (a rep), the team (a manager), or everyone."""
    query = select(User.id, User.name).where(User.role.in_(("rep", "manager")) | (User.id == actor.id))
    scope = _scope(actor)
    if scope == "own":
        query = query.where(User.id == actor.id)
    elif scope == "team":
        query = (
            query.where(User.team_id == actor.team_id)
            if actor.team_id is not None
            else query.where(User.id == actor.id)
        )
    return {uid: name for uid, name in uow.session.execute(query)}


def _deal_scope(uow: UnitOfWork, viewer: Actor, people: dict[int, str]) -> ColumnElement[bool]:
    """Deals the viewer sees: on customers they may see (the chat's rule), and owned by someone in view (a rep:
    themselves; a manager: the team). The owners' list is what lets the database start from the deals' owner index
    (a team has 20,000 deals among 200,000); it only ever narrows what the customers' rule allows."""
    # `== false()`, as the partial indexes' predicate is written (ix_deals_live, ix_deals_biggest).
    live = Deal.archived == false()
    scope = _scope(viewer)
    if scope == "all":
        # Everyone's deals but those of archived customers (a few): set against their ids, not joined with all
        # 100,000 customers to read the flag (0.25 s for the admin's 133,000 open deals).
        return live & Deal.customer_id.not_in(select(Customer.id).where(Customer.archived.is_(True)))
    shown = permissions.visible_customer(uow, viewer) & live
    if scope == "own":
        shown = shown & (Deal.owner_id == viewer.id)
    elif scope == "team":
        shown = shown & Deal.owner_id.in_(list(people))
    return shown


# ------------------------------------------------------------------------------------------------------ pipeline


def _pipeline(
    uow: UnitOfWork, viewer: Actor, today: date, stages: list[str], people: dict[int, str], lang: str
) -> list[dict[str, Any]]:
    settings = uow.settings
    shown = _deal_scope(uow, viewer, people)
    # Each stage and currency's count and sum in one grouped pass; then each stage's biggest, a query a stage that
    # walks the (stage, amount) index and stops at the last one listed. One pass ranking every deal in view was as
    # fast for a team's 13,000 open deals and 0.8 s for the admin's 133,000.
    totals: dict[str, dict[str, Any]] = {s: {"count": 0, "amounts": {}} for s in stages}
    totals_query = select(Deal.stage, Deal.currency, func.count(), func.sum(Deal.amount))
    if _scope(viewer) != "all":
        totals_query = totals_query.join(Customer, Customer.id == Deal.customer_id)
    for stage, currency, n, total in uow.session.execute(
        totals_query.where(shown, Deal.stage.in_(stages)).group_by(Deal.stage, Deal.currency)
    ):
        totals[stage]["count"] += n
        if total is not None:
            totals[stage]["amounts"][currency] = str(_money(total))
    biggest = [
        select(
            Deal.id,
            Deal.title,
            Deal.stage,
            Deal.amount,
            Deal.currency,
            Deal.owner_id,
            Deal.created_at,
            Customer.name.label("customer"),
        )
        .join(Customer, Customer.id == Deal.customer_id)
        .where(shown, Deal.stage == stage)
        .order_by(BIGGEST, Deal.id)
        .limit(DEALS_PER_STAGE)
        for stage in stages
        if totals[stage]["count"]
    ]
    top = [row for query in biggest for row in uow.session.execute(query)]
    entered = _entered(uow, [row.id for row in top])
    listed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in top:
        since = entered.get(row.id) or row.created_at
        listed[row.stage].append(
            {
                "id": row.id,
                "customer": row.customer,
                "title": row.title,
                "amount": str(_money(row.amount)) if row.amount is not None else None,
                "currency": row.currency,
                "rep": people.get(row.owner_id) or _name(uow, row.owner_id),
                "days": max((today - since.astimezone(viewer.tz).date()).days, 0),
                "chat": _move_sentence(settings, lang, row.customer, row.stage, stages),
            }
        )
    return [
        {
            "stage": stage,
            "label": settings.stage_label(stage, lang),
            "count": totals[stage]["count"],
            "amounts": totals[stage]["amounts"],
            "deals": listed.get(stage, []),
        }
        for stage in stages
    ]


def _entered(uow: UnitOfWork, deal_ids: list[int]) -> dict[int, datetime]:
    """When each deal last moved (into the stage it is in): its newest stage change."""
    if not deal_ids:
        return {}
    rows = uow.session.execute(
        select(StageChange.deal_id, func.max(StageChange.at))
        .where(StageChange.deal_id.in_(deal_ids))
        .group_by(StageChange.deal_id)
    )
    return {deal_id: at for deal_id, at in rows}


def _move_sentence(settings: Any, lang: str, customer: str, stage: str, stages: list[str]) -> str:
    """What a rep says in the chat to move this deal on: to the next stage, or won from the last open one."""
    following = stages.index(stage) + 1
    if following < len(stages):
        return t(lang, "board_chat_move", customer=customer, stage=settings.stage_label(stages[following], lang))
    return t(lang, "board_chat_won", customer=customer)


# --------------------------------------------------------------------------------------------------- receivables


def _receivables(uow: UnitOfWork, viewer: Actor, today: date, people: dict[int, str], lang: str) -> dict[str, Any]:
    book = receivables.who_owes(uow, viewer, per_page=DEBTORS)
    outstanding = Installment.amount - Installment.paid
    bucket = receivables.aging_bucket(Installment.due_on, today).label("bucket")
    # The reps who are owed the most, per currency, from the kept balances (`permissions.visible_balances`: the
    # customers in view who owe, one row per currency, through their partial indexes); then only their customers'
    # open installments, each through its index, by age. The admin's 1,000 reps would otherwise mean every open
    # installment of the company (200,000) for a chart that draws a dozen.
    owed: dict[str, list[tuple[Decimal, int | None]]] = defaultdict(list)
    for owner_id, currency, total in uow.session.execute(
        select(Balance.owner_id, Balance.currency, func.sum(Balance.outstanding))
        .where(permissions.visible_balances(viewer))
        .group_by(Balance.owner_id, Balance.currency)
    ):
        owed[currency].append((_money(total), owner_id))
    chosen = {
        (owner_id, currency)
        for currency, ranked in owed.items()
        for _, owner_id in sorted(ranked, key=lambda r: (-r[0], r[1] or 0))[:AGING_REPS]
    }
    owners = sorted({o for o, _ in chosen if o is not None})
    among = Balance.owner_id.in_(owners)
    if any(o is None for o, _ in chosen):
        among = or_(among, Balance.owner_id.is_(None))
    rows = (
        uow.session.execute(
            select(Balance.owner_id, Installment.currency, bucket, func.sum(outstanding))
            .select_from(Balance)
            .join(Contract, Contract.customer_id == Balance.customer_id)
            .join(Installment, (Installment.contract_id == Contract.id) & (Installment.currency == Balance.currency))
            .where(*receivables.OPEN, permissions.visible_balances(viewer), among)
            .group_by(Balance.owner_id, Installment.currency, bucket)
        ).all()
        if chosen
        else []
    )
    rows = [row for row in rows if (row[0], row[1]) in chosen]
    per: dict[tuple[int | None, str], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(receivables.BUCKETS, Decimal(0))
    )
    for owner_id, currency, name, amount in rows:
        per[(owner_id, currency)][name] += _money(amount)
    by_rep = [
        {
            "rep": people.get(owner_id) or _name(uow, owner_id),
            "currency": currency,
            "buckets": {b: str(v) for b, v in buckets.items()},
            "total": str(sum(buckets.values(), Decimal(0))),
        }
        for (owner_id, currency), buckets in per.items()
    ]
    by_rep.sort(key=lambda r: (r["currency"] != viewer.currency, r["currency"], -Decimal(r["total"]), r["rep"]))
    return {
        "buckets": [{"key": b, "label": t(lang, f"bucket_{b}")} for b in receivables.BUCKETS],
        "totals": {c: str(v) for c, v in book.totals.items()},
        "overdue": {c: str(v) for c, v in book.overdue.items()},
        "due_soon": {c: str(v) for c, v in book.due_soon.items()},
        "debtors": [
            {
                "customer": d.customer,
                "rep": d.owner,
                "currency": d.currency,
                "outstanding": str(d.outstanding),
                "overdue": str(d.overdue),
                "days": d.oldest_overdue_days,
                "chat": t(lang, "board_chat_owes", customer=d.customer),
            }
            for d in book.debtors
        ],
        "count": book.count,
        "by_rep": by_rep,
    }


# ------------------------------------------------------------------------------------------------------- targets


def _targets(uow: UnitOfWork, viewer: Actor, today: date, people: dict[int, str]) -> list[dict[str, Any]] | None:
    """The targets covering today, with what counted so far (`[reports] measure`), per rep and team and currency:
    a rep's own, a manager's team and its reps, everyone's for an admin; None when none is set."""
    scope = _scope(viewer)
    if scope == "own":
        user_ids, team_ids = [viewer.id], []
    elif scope == "team":
        user_ids, team_ids = list(people), [viewer.team_id] if viewer.team_id is not None else []
    else:
        user_ids = team_ids = None
    found = targets.standings_for(uow, user_ids=user_ids, team_ids=team_ids, day=today)
    return [{"kind": kind, **standing.as_params()} for kind, standing in found] or None


# ------------------------------------------------------------------------------------------------------ activity


def _activity(
    uow: UnitOfWork, viewer: Actor, today: date, days: int, people: dict[int, str], won: str
) -> dict[str, Any]:
    """Per rep, over the `days` ending today (the viewer's days): visits, stage moves, wins, losses, payments."""
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(0), tzinfo=viewer.tz)
    until = datetime.combine(today + timedelta(days=1), time(0), tzinfo=viewer.tz)
    scope = _scope(viewer)
    members = [viewer.id] if scope == "own" else list(people)
    per: dict[int | None, dict[str, Any]] = defaultdict(
        lambda: {"visits": 0, "moves": 0, "won": 0, "lost": 0, "payments": 0, "received": {}}
    )

    def mine(column: Any) -> ColumnElement[bool]:
        return column.in_(members) if scope != "all" else true()

    for user_id, n in uow.session.execute(
        select(Visit.user_id, func.count())
        .where(mine(Visit.user_id), Visit.at >= since, Visit.at < until)
        .group_by(Visit.user_id)
    ):
        per[user_id]["visits"] += n
    outcome = case((StageChange.to_stage == won, "won"), (StageChange.to_stage == LOST, "lost"), else_="moves")
    for owner_id, kind, n in uow.session.execute(
        select(Deal.owner_id, outcome, func.count())
        .join(Deal, Deal.id == StageChange.deal_id)
        .where(
            mine(Deal.owner_id),
            StageChange.from_stage.is_not(None),
            StageChange.at >= since,
            StageChange.at < until,
        )
        .group_by(Deal.owner_id, outcome)
    ):
        per[owner_id][kind] += n
        if kind != "moves":
            per[owner_id]["moves"] += n
    for owner_id, currency, n, amount in uow.session.execute(
        select(Customer.owner_id, Payment.currency, func.count(), func.sum(Payment.amount))
        .join(Customer, Customer.id == Payment.customer_id)
        .where(
            permissions.visible_customer(uow, viewer),
            Payment.state == "confirmed",
            Payment.received_on >= first,
            Payment.received_on <= today,
        )
        .group_by(Customer.owner_id, Payment.currency)
    ):
        row = per[owner_id]
        row["payments"] += n
        row["received"][currency] = str(_money(amount))
    by_rep = [{"rep": people.get(uid) or _name(uow, uid), **counts} for uid, counts in per.items()]
    by_rep.sort(key=lambda r: (-r["visits"], -r["moves"], r["rep"]))
    totals: dict[str, Any] = {k: sum(r[k] for r in by_rep) for k in ("visits", "moves", "won", "lost", "payments")}
    received: dict[str, Decimal] = defaultdict(Decimal)
    for row in per.values():
        for currency, amount in row["received"].items():
            received[currency] += Decimal(amount)
    totals["received"] = {c: str(v) for c, v in received.items()}
    return {"since": first.isoformat(), "until": today.isoformat(), "by_rep": by_rep, "totals": totals}


def _name(uow: UnitOfWork, user_id: int | None) -> str:
    if user_id is None:
        return "-"
    return uow.session.scalar(select(User.name).where(User.id == user_id)) or "-"


def _money(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))

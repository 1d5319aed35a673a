"""Work reports (日报): each rep's day drafted from what they logged, sent in one tap, summarised for the manager.

When, in each team's own time zone ([reports] in salesbot.toml; on by default), on the working days of the team's
calendar only ([team] working_days: China's, with its 调休 weekends, or Monday to Friday):
- at `daily_hour`, each active rep's report for the day is drafted from the tables: visits with their notes, deals
  moved, contracts submitted, payments recorded, and, as the plan, the follow-ups and reminders of their next
  working day (not on leave). It goes to the rep as a card (Send / Add a line / Skip). A rep who logged nothing and
  has nothing planned gets nothing; the row is still written (state `empty`) so the job knows it has looked. A rep
  on leave (services/leave.py) gets nothing either (state `leave`). The 周报 comes with the 日报 of the week's
  周报 day (`weekly_day`: the team's weekday, or the week's last working day when that one is off).
- at `summary_hour`, each manager gets ONE summary of their reps' reports of the day: who sent one (with its
  highlights), who skipped, who has not sent theirs yet (with a button to nudge them), who is on leave, and a
  button per sent report to comment on it; the rep is told the comment.
- asked in chat ("写日报"), a rep's report is drafted there and then, the same card (`draft_now`).

A day the bot slept through is not drafted afterwards (as with digests). What a report says is plain data here
(names, stage keys, amounts as decimal strings, ISO dates); `i18n/reports.py` words it for its reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from salesbot.calendars import MonFri, next_working_day, team_calendar
from salesbot.config import DigestTime
from salesbot.services import adoption, audit, cards, leave, outbox, targets
from salesbot.services.errors import NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.inserts import insert_for
from salesbot.store.models import (
    Contract,
    Customer,
    Deal,
    DigestRun,
    Payment,
    Reminder,
    StageChange,
    Team,
    User,
    Visit,
    WorkReport,
)

DAY = timedelta(days=1)
FLOW = "report"  # the conversation flow that handles a report card's buttons (handlers/reports.py)
MAX_COMMENT_BUTTONS = 5  # WeCom's cards take 6 buttons: five reports to comment on, and the nudge


def weekly_day(monday: date, weekday: int, calendar: MonFri) -> date | None:
    """The day of the 周报 in the week of `monday`: the team's weekday ([reports] weekly_weekday) when it is a working
    day, else the last working day of that week (a holiday Friday moves it to Thursday, or to a 调休 Sunday that
    is worked); None when the week has no working day or no 周报 is configured."""
    if not weekday:
        return None
    day = monday + timedelta(days=weekday - 1)
    if calendar.is_working_day(day):
        return day
    working = [d for d in (monday + timedelta(days=n) for n in range(7)) if calendar.is_working_day(d)]
    return working[-1] if working else None


@dataclass(frozen=True)
class _Person:
    id: int
    name: str
    manager_id: int | None
    tz: ZoneInfo
    calendar: MonFri


# --- the jobs -------------------------------------------------------------------------------------------------------


def run_due(uow: UnitOfWork) -> int:
    """Draft every rep's report (and, on the week's 周报 day, their 周报) and send every manager's summary whose time
    has come today; returns how many messages were queued. A rep on leave gets nothing: a `leave` row says the job
    has looked, and the summary names them as on leave."""
    policy = uow.settings.reports
    if not policy.enabled:
        return 0
    now = uow.now()
    sent = 0
    reps = _people(uow, "rep")
    done = _done(uow, reps, now)
    pending = {
        rep.id: [(k, on) for k, on in _kinds(uow, _today(now, rep), rep.calendar) if (rep.id, k, on) not in done]
        for rep in reps
        if _due(now, rep, policy.daily)
    }
    due = [rep for rep in reps if pending.get(rep.id)]
    away = leave.on_leave(uow, [rep.id for rep in due], {_today(now, rep) for rep in due})
    for rep in due:
        day = _today(now, rep)
        if (rep.id, day) in away:
            for kind, on in pending[rep.id]:
                _mark(uow, rep.id, kind, on, "leave")
            continue
        for kind, _ in pending[rep.id]:
            sent += _draft(uow, rep, kind, day)
        if ("daily", day) in pending[rep.id]:
            sent += _nudge_if_silent(uow, rep, day)
    managers = _people(uow, "manager")
    summarised = _summarised(uow, managers, now)  # read once: the job runs every minute, the claim is an INSERT
    for manager in managers:
        day = _today(now, manager)
        if (manager.id, day) in summarised or not _due(now, manager, policy.summary):
            continue
        if not _claim_summary(uow, manager.id, day):
            continue
        params = summary(uow, manager.id, day)
        if params is None:
            continue
        outbox.notify_user(uow, manager.id, "report.summary", params, buttons=_summary_buttons(uow, manager.id, params))
        sent += 1
    return sent


def next_due(uow: UnitOfWork) -> datetime | None:
    """When a draft or a summary next falls (now, if one is due and not done)."""
    policy = uow.settings.reports
    if not policy.enabled:
        return None
    now = uow.now()
    reps = _people(uow, "rep")
    done = _done(uow, reps, now)
    managers = _people(uow, "manager")
    summarised = _summarised(uow, managers, now)
    times = []
    for rep in reps:
        today = _today(now, rep)
        pending = [(kind, on) for kind, on in _kinds(uow, today, rep.calendar) if (rep.id, kind, on) not in done]
        times.append(_next_slot(now, rep, policy.daily, not pending))
    for manager in managers:
        done_today = (manager.id, _today(now, manager)) in summarised
        times.append(_next_slot(now, manager, policy.summary, done_today))
    return min(times, default=None)


def _today(now: datetime, person: _Person) -> date:
    return now.astimezone(person.tz).date()


def _summarised(uow: UnitOfWork, managers: list[_Person], now: datetime) -> set[tuple[int, date]]:
    """(manager, day) of the summaries already sent (or looked at) on each manager's today."""
    days = {now.astimezone(m.tz).date() for m in managers}
    if not days:
        return set()
    rows = uow.session.execute(
        select(DigestRun.target_id, DigestRun.on).where(DigestRun.kind == "reports", DigestRun.on.in_(days))
    ).all()
    return {(target_id, on) for target_id, on in rows}


def _kinds(uow: UnitOfWork, day: date, calendar: MonFri) -> list[tuple[str, date]]:
    """The reports a working day brings: the 日报, and on the week's 周报 day the 周报 (keyed by its Monday)."""
    kinds = [("daily", day)]
    if weekly_day(monday_of(day), uow.settings.reports.weekly_weekday, calendar) == day:
        kinds.append(("weekly", monday_of(day)))
    return kinds


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _due(now: datetime, person: _Person, at: DigestTime) -> bool:
    local = now.astimezone(person.tz)
    return person.calendar.is_working_day(local.date()) and local.time() >= time(at.hour, at.minute)


def _next_slot(now: datetime, person: _Person, at: DigestTime, done_today: bool) -> datetime:
    today = _today(now, person)
    calendar = person.calendar
    day = today if calendar.is_working_day(today) and not done_today else next_working_day(calendar, today + DAY)
    return max(datetime.combine(day, time(at.hour, at.minute), tzinfo=person.tz), now)


def _people(uow: UnitOfWork, role: str) -> list[_Person]:
    rows = uow.session.execute(
        select(User.id, User.name, User.manager_id, Team.timezone, Team.key)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.active, User.role == role)
        .order_by(User.id)
    ).all()
    settings = uow.settings
    return [
        _Person(i, name, manager, ZoneInfo(tz or settings.timezone), team_calendar(settings, key))
        for i, name, manager, tz, key in rows
    ]


def _done(uow: UnitOfWork, reps: list[_Person], now: datetime) -> set[tuple[int, str, date]]:
    """(rep, kind, day) of the reports already drafted (or looked at) for each rep's today and this week."""
    days = {now.astimezone(rep.tz).date() for rep in reps}
    if not days:
        return set()
    keys = days | {monday_of(day) for day in days}
    rows = uow.session.execute(
        select(WorkReport.user_id, WorkReport.kind, WorkReport.on).where(WorkReport.on.in_(keys))
    ).all()
    return {(user_id, kind, on) for user_id, kind, on in rows}


def _claim_summary(uow: UnitOfWork, manager_id: int, day: date) -> bool:
    """The once-only guard of a manager's summary: a `digest_runs` row of kind `reports`."""
    return _claim(uow, "reports", manager_id, day)


def _claim(uow: UnitOfWork, kind: str, user_id: int, day: date) -> bool:
    now = uow.now()
    returned = uow.session.execute(
        insert_for(uow.dialect)(DigestRun)
        .values(
            kind=kind,
            target_type="user",
            target_id=user_id,
            on=day,
            since=now,
            until=now,
            sent=True,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(DigestRun.id)
    ).all()
    return bool(returned)


# --- the draft ------------------------------------------------------------------------------------------------------


def draft(
    uow: UnitOfWork, user_id: int, day: date, tz: ZoneInfo, *, kind: str = "daily", calendar: MonFri | None = None
) -> dict[str, Any]:
    """What `user_id` logged on `day` (their whole local day; a 周报: from that week's Monday) and what they
    plan for their next working day, on their team's calendar and not on leave (a 周报: from then to the end of
    that week), as data."""
    calendar = calendar or leave.calendar_of(uow, user_id)
    first = monday_of(day) if kind == "weekly" else day
    since = datetime.combine(first, time(0), tzinfo=tz)
    # The whole local day, not "up to now": a visit logged this very second (the same instant on a frozen clock, or
    # one said for later today) belongs to today's report.
    until = datetime.combine(day + DAY, time(0), tzinfo=tz)
    session = uow.session
    visits = session.execute(
        select(Customer.name, Visit.notes, Visit.next_step, Visit.follow_up_on)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.user_id == user_id, Visit.at >= since, Visit.at < until, Visit.archived.is_(False))
        .order_by(Visit.at, Visit.id)
    ).all()
    moves = session.execute(
        select(Customer.name, Deal.title, StageChange.from_stage, StageChange.to_stage)
        .join(Deal, Deal.id == StageChange.deal_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .where(
            StageChange.by_user_id == user_id,
            StageChange.from_stage.is_not(None),
            StageChange.at >= since,
            StageChange.at < until,
        )
        .order_by(StageChange.at, StageChange.id)
    ).all()
    contracts = session.execute(
        select(Customer.name, Contract.amount, Contract.currency, Contract.status)
        .join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.owner_id == user_id, Contract.submitted_at >= since, Contract.submitted_at < until)
        .order_by(Contract.submitted_at, Contract.id)
    ).all()
    payments = session.execute(
        select(Customer.name, Payment.amount, Payment.currency)
        .join(Customer, Customer.id == Payment.customer_id)
        .where(
            Payment.recorded_by == user_id,
            Payment.state != "rejected",
            Payment.created_at >= since,
            Payment.created_at < until,
        )
        .order_by(Payment.created_at, Payment.id)
    ).all()
    plan_on = next_working_day(calendar, day + DAY, off=leave.days_off(uow, user_id, day + DAY, day + 31 * DAY))
    plan_until = monday_of(plan_on) + timedelta(days=6) if kind == "weekly" else plan_on
    plan_start = datetime.combine(plan_on, time(0), tzinfo=tz)
    plan_end = datetime.combine(plan_until + DAY, time(0), tzinfo=tz)
    follow_ups = session.execute(
        select(Customer.name, Visit.next_step, Visit.follow_up_at, Visit.follow_up_on)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(
            Visit.user_id == user_id,
            Visit.follow_up_on >= plan_on,
            Visit.follow_up_on <= plan_until,
            Visit.archived.is_(False),
        )
        .order_by(Visit.follow_up_on, Visit.follow_up_at, Visit.id)
    ).all()
    noted = session.execute(
        select(Customer.name, Reminder.note, Reminder.due_at)
        .outerjoin(Customer, Customer.id == Reminder.customer_id)
        .where(
            Reminder.user_id == user_id,
            Reminder.kind == "note",
            Reminder.state == "pending",
            Reminder.due_at >= plan_start,
            Reminder.due_at < plan_end,
        )
        .order_by(Reminder.due_at, Reminder.id)
    ).all()
    facts: dict[str, Any] = {
        "visits": [{"customer": c, "notes": notes or "", "next_step": step} for c, notes, step, _ in visits],
        "moves": [{"customer": c, "deal": title, "from": old, "to": new} for c, title, old, new in moves],
        "contracts": [
            {"customer": c, "amount": str(amount), "currency": cur, "status": status}
            for c, amount, cur, status in contracts
        ],
        "payments": [{"customer": c, "amount": str(amount), "currency": cur} for c, amount, cur in payments],
        "plan": sorted(
            [
                {
                    "on": on.isoformat(),
                    "customer": c,
                    "what": step or "",
                    "time": at.astimezone(tz).strftime("%H:%M") if at else None,
                }
                for c, step, at, on in follow_ups
            ]
            + [
                {
                    "on": due.astimezone(tz).date().isoformat(),
                    "customer": c or "",
                    "what": note or "",
                    "time": None
                    if due.astimezone(tz).time() == _morning(uow)
                    else due.astimezone(tz).strftime("%H:%M"),
                }
                for c, note, due in noted
            ],
            key=lambda item: (item["on"], item["time"] or ""),
        ),
    }
    if not any(facts.values()):
        return {}
    facts.update(kind=kind, day=first.isoformat(), plan_on=plan_on.isoformat())
    if kind == "weekly":
        facts.update(until_on=day.isoformat(), plan_until=plan_until.isoformat())
    return facts


def _morning(uow: UnitOfWork) -> time:
    return time(uow.settings.morning_hour)


def _draft(uow: UnitOfWork, rep: _Person, kind: str, day: date) -> int:
    facts = _facts(uow, rep, kind, day)
    returned = uow.session.execute(
        insert_for(uow.dialect)(WorkReport)
        .values(
            user_id=rep.id,
            kind=kind,
            on=monday_of(day) if kind == "weekly" else day,
            state="drafted" if facts else "empty",
            facts=facts,
            drafted_at=uow.now(),
        )
        .on_conflict_do_nothing()
        .returning(WorkReport.id)
    ).all()
    if not returned or not facts:
        return 0  # another worker drafted it first, or there is nothing to report
    _send_card(uow, rep.id, returned[0][0], facts)
    return 1


def _facts(uow: UnitOfWork, rep: _Person, kind: str, day: date) -> dict[str, Any]:
    facts = draft(uow, rep.id, day, rep.tz, kind=kind, calendar=rep.calendar)
    if facts:
        standing = targets.standing(uow, user_id=rep.id, day=day)
        if standing is not None:
            facts["target"] = standing
    return facts


def _send_card(uow: UnitOfWork, user_id: int, report_id: int, facts: dict[str, Any]) -> None:
    cards.send(
        uow,
        user_id,
        card=f"report:{report_id}",
        key="report.draft",
        params={"report_id": report_id, **facts},
        buttons=[
            [
                cards.CardButton("btn_report_send", {"flow": FLOW, "do": "send", "report_id": report_id}),
                cards.CardButton("btn_report_add", {"flow": FLOW, "do": "add", "report_id": report_id}),
                cards.CardButton("btn_report_skip", {"flow": FLOW, "do": "skip", "report_id": report_id}),
            ]
        ],
    )


def _mark(uow: UnitOfWork, user_id: int, kind: str, on: date, state: str) -> None:
    """A report the job looked at and drafted nothing for (state `leave`): the once-only guard, like `empty`."""
    uow.session.execute(
        insert_for(uow.dialect)(WorkReport)
        .values(user_id=user_id, kind=kind, on=on, state=state, facts={}, drafted_at=uow.now())
        .on_conflict_do_nothing()
    )


@dataclass(frozen=True)
class Asked:
    """What a typed "写日报" got: the card sent (state `drafted`), or why not (`sent`, `skipped`, `empty`)."""

    kind: str
    day: date
    state: str


def draft_now(uow: UnitOfWork, actor: Actor, *, weekly: bool = False) -> Asked:
    """A report asked for in chat ("写日报" / "my weekly report"): today's 日报 (or this week's 周报) drafted now, the
    same card as at the hour. A draft not yet sent is drafted again with what was logged since; one sent or skipped
    stays as it is. Asked on any day, leave or not: the rep asked. Nothing logged: no card, and no row, so the hour
    still drafts it later."""
    rep = _person(uow, actor)
    day = _today(uow.now(), rep)
    kind = "weekly" if weekly else "daily"
    on = monday_of(day) if weekly else day
    facts = _facts(uow, rep, kind, day)
    row = uow.session.scalar(
        select(WorkReport).where(WorkReport.user_id == rep.id, WorkReport.kind == kind, WorkReport.on == on)
        .with_for_update()
    )
    if row is not None and row.state in ("sent", "skipped"):
        return Asked(kind, on, row.state)
    if not facts:
        return Asked(kind, on, "empty")
    if row is None:
        uow.session.execute(
            insert_for(uow.dialect)(WorkReport)
            .values(user_id=rep.id, kind=kind, on=on, state="drafted", facts=facts, drafted_at=uow.now())
            .on_conflict_do_nothing()
        )
        row = uow.session.scalar(
            select(WorkReport).where(WorkReport.user_id == rep.id, WorkReport.kind == kind, WorkReport.on == on)
            .with_for_update()
        )
        assert row is not None
    else:
        row.state, row.facts, row.drafted_at = "drafted", facts, uow.now()
    if row.state in ("sent", "skipped"):  # another worker's turn sent it in between
        return Asked(kind, on, row.state)
    uow.session.flush()
    _send_card(uow, rep.id, row.id, facts)
    return Asked(kind, on, "drafted")


def _person(uow: UnitOfWork, actor: Actor) -> _Person:
    key = uow.session.scalar(select(Team.key).where(Team.id == actor.team_id)) if actor.team_id else None
    return _Person(actor.id, actor.name, None, actor.tz, team_calendar(uow.settings, key))


# --- the rep's side -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    report_id: int
    kind: str
    day: date
    state: str
    facts: dict[str, Any]
    added: str | None


def wording_key(kind: str, what: str) -> str:
    """The catalogue key of a message about a report of this kind: "report.commented" / "report.weekly_commented"."""
    return f"report.{what}" if kind == "daily" else f"report.{kind}_{what}"


def send(uow: UnitOfWork, actor: Actor, *, report_id: int, added: str | None = None) -> Sent:
    """The rep sends their drafted report, with the lines they typed (kept as typed) or as it is."""
    report = _own_drafted(uow, actor, report_id)
    before = audit.snapshot(report)
    report.state, report.sent_at = "sent", uow.now()
    if added and added.strip():
        report.added = added.strip()
    _closed(uow, actor, report, before, action="send")
    return Sent(report.id, report.kind, report.on, report.state, dict(report.facts), report.added)


def skip(uow: UnitOfWork, actor: Actor, *, report_id: int) -> Sent:
    report = _own_drafted(uow, actor, report_id)
    before = audit.snapshot(report)
    report.state = "skipped"
    _closed(uow, actor, report, before, action="skip")
    return Sent(report.id, report.kind, report.on, report.state, dict(report.facts), None)


def _closed(uow: UnitOfWork, actor: Actor, report: WorkReport, before: dict[str, Any], *, action: str) -> None:
    """A report sent or skipped: audited, and its card closed saying which (`closed_sent` / `closed_skipped`)."""
    audit.record(
        uow,
        actor_id=actor.id,
        entity="work_report",
        entity_id=report.id,
        action=action,
        before=before,
        after=audit.snapshot(report),
    )
    cards.close(
        uow,
        card=f"report:{report.id}",
        key=wording_key(report.kind, f"closed_{report.state}"),
        params={"day_on": report.on.isoformat()},
    )


def ensure_drafted(uow: UnitOfWork, actor: Actor, *, report_id: int) -> date:
    """The report is the actor's and still waits to be sent: its day."""
    return _own_drafted(uow, actor, report_id).on


def _own_drafted(uow: UnitOfWork, actor: Actor, report_id: int) -> WorkReport:
    report = uow.session.get(WorkReport, report_id, with_for_update=True)
    if report is None or report.user_id != actor.id:
        raise NotFound("report_not_found")
    if report.state != "drafted":
        raise NotAllowed(f"report_already_{report.state}")
    return report


# --- the manager's side ---------------------------------------------------------------------------------------------


def summary(uow: UnitOfWork, manager_id: int, day: date) -> dict[str, Any] | None:
    """The team's reports of `day` for their manager: sent (with highlights), skipped, not sent yet, and who is on
    leave (never "not sent"). None when no rep of theirs had anything to report and nobody is silent."""
    calendar = leave.calendar_of(uow, manager_id)
    rows = uow.session.execute(
        select(User.id, User.name, WorkReport.id, WorkReport.kind, WorkReport.state, WorkReport.facts, WorkReport.added)
        .join(WorkReport, WorkReport.user_id == User.id)
        .where(User.manager_id == manager_id, User.active, _of_day(uow, day, calendar))
        .order_by(WorkReport.kind, User.name)
    ).all()
    reps = dict(
        uow.session.execute(
            select(User.id, User.name)
            .where(User.active, User.role == "rep", User.manager_id == manager_id)
            .order_by(User.name)
        ).all()
    )
    away = {user_id for user_id, _ in leave.on_leave(uow, reps, [day])}
    sent, skipped, missing = [], [], []
    for user_id, name, report_id, kind, state, facts, added in rows:
        if state == "sent":
            sent.append({"rep": name, "kind": kind, "report_id": report_id, **highlights(facts), "added": added})
        elif state == "skipped":
            skipped.append({"rep": name, "kind": kind})
        elif state == "drafted" and user_id not in away:  # leave taken after the draft: on leave, not late
            missing.append({"rep": name, "kind": kind, "user_id": user_id})
    quiet = adoption.silent(uow, {i: n for i, n in reps.items() if i not in away}, day, calendar)
    if not (sent or skipped or missing or quiet):
        return None
    params: dict[str, Any] = {
        "day": day.isoformat(),
        "sent": sent,
        "skipped": skipped,
        "missing": missing,
        "away": [{"rep": name} for user_id, name in reps.items() if user_id in away],
        "silent": quiet,
    }
    if weekly_day(monday_of(day), uow.settings.reports.weekly_weekday, calendar) == day:
        # The 周报 day's summary says, too, who is using the bot this week.
        tz = adoption.zone_of(uow, manager_id)
        params["usage"] = [u.as_params() for u in adoption.for_reps(uow, reps, since=monday_of(day), until=day, tz=tz)]
        team_id = uow.session.scalar(select(User.team_id).where(User.id == manager_id))
        standings = targets.team_standings(uow, team_id, day=day) if team_id is not None else []
        if standings:  # the targets' progress too, with a chart of it
            params["targets"] = standings
            params["charts"] = [targets.chart(standings)]
    return params


def _nudge_if_silent(uow: UnitOfWork, rep: _Person, day: date) -> int:
    """A friendly nudge for a rep silent for [reports] silent_days working days: once a silence, not once a day."""
    wanted = uow.settings.reports.silent_days
    if wanted <= 0:
        return 0
    last = adoption.last_active(uow, rep.id)
    days = adoption.silent_days(uow, rep.id, last, day, rep.calendar)
    if days < wanted:
        return 0
    earlier = uow.session.scalar(
        select(DigestRun.id).where(DigestRun.kind == "silent", DigestRun.target_id == rep.id, DigestRun.on > last)
    )
    if earlier is not None or not _claim(uow, "silent", rep.id, day):
        return 0  # nudged already in this silence, or another worker is nudging now
    outbox.notify_user(uow, rep.id, "report.silent_nudge", {"days": days})
    return 1


def _of_day(uow: UnitOfWork, day: date, calendar: MonFri) -> Any:
    """The reports a day's summary covers: that day's 日报, and on the week's 周报 day that week's 周报."""
    return or_(
        *[and_(WorkReport.kind == kind, WorkReport.on == on) for kind, on in _kinds(uow, day, calendar)],
    )


def highlights(facts: dict[str, Any]) -> dict[str, Any]:
    """A report in one line's worth of facts: counts, and the money per currency."""
    money: dict[str, dict[str, str]] = {}
    for kind in ("contracts", "payments"):
        totals: dict[str, Any] = {}
        for item in facts.get(kind, []):
            totals[item["currency"]] = totals.get(item["currency"], Decimal(0)) + Decimal(item["amount"])
        money[kind] = {cur: str(amount) for cur, amount in totals.items()}
    return {
        "visits": len(facts.get("visits", [])),
        "moves": len(facts.get("moves", [])),
        "contracts": money["contracts"],
        "payments": money["payments"],
        "plan": len(facts.get("plan", [])),
    }


def _summary_buttons(uow: UnitOfWork, manager_id: int, params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for item in params["sent"][:MAX_COMMENT_BUTTONS]:
        action = {"flow": FLOW, "do": "comment", "report_id": item["report_id"]}
        rows.append(
            [
                {
                    "key": cards.button(uow, manager_id, action),
                    "label": wording_key(item["kind"], "btn_comment"),
                    "params": {"rep": item["rep"]},
                }
            ]
        )
    if params["missing"]:
        action = {"flow": FLOW, "do": "nudge", "day": params["day"]}
        rows.append(
            [
                {
                    "key": cards.button(uow, manager_id, action),
                    "label": "btn_report_nudge",
                    "params": {"n": len(params["missing"])},
                }
            ]
        )
    return rows


def ensure_commentable(uow: UnitOfWork, actor: Actor, *, report_id: int) -> str:
    """The actor may comment on this report (its rep's manager, or an admin): the rep's name."""
    _, rep = _commentable(uow, actor, report_id)
    return rep.name


def comment(uow: UnitOfWork, actor: Actor, *, report_id: int, text: str) -> str:
    """The manager's comment on a sent report; the rep is told. Returns the rep's name."""
    report, rep = _commentable(uow, actor, report_id)
    before = audit.snapshot(report)
    report.comment, report.commented_by, report.commented_at = text.strip(), actor.id, uow.now()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="work_report",
        entity_id=report.id,
        action="comment",
        before=before,
        after=audit.snapshot(report),
    )
    outbox.notify_user(
        uow,
        rep.id,
        wording_key(report.kind, "commented"),
        {"manager": actor.name, "day_on": report.on.isoformat(), "comment": text.strip()},
    )
    return rep.name


def comment_latest(uow: UnitOfWork, actor: Actor, *, rep_name: str, text: str) -> str:
    """A comment typed rather than tapped ("点评张伟:…"): on that rep's latest sent report. The rep's name."""
    rep = targets.find_rep(uow, handle=None, name=rep_name)
    report_id = uow.session.scalar(
        select(WorkReport.id)
        .where(WorkReport.user_id == rep.id, WorkReport.state == "sent")
        .order_by(WorkReport.sent_at.desc(), WorkReport.id.desc())
        .limit(1)
    )
    if report_id is None:
        raise NotFound("report_none_sent", rep=rep.name)
    return comment(uow, actor, report_id=report_id, text=text)


def _commentable(uow: UnitOfWork, actor: Actor, report_id: int) -> tuple[WorkReport, User]:
    report = uow.session.get(WorkReport, report_id)
    if report is None or report.state != "sent":
        raise NotFound("report_not_found")
    rep = uow.session.get(User, report.user_id)
    assert rep is not None
    if not (actor.role == "admin" or (actor.role == "manager" and rep.manager_id == actor.id)):
        raise NotAllowed("report_not_yours")
    return report, rep


def nudge(uow: UnitOfWork, actor: Actor, *, day: date) -> list[str]:
    """The manager's nudge: each of their reps whose report of `day` is drafted and not sent is reminded (once a
    day). Returns their names."""
    if actor.role not in ("manager", "admin"):
        raise NotAllowed("report_not_yours")
    rows = uow.session.execute(
        select(User.id, User.name, WorkReport.kind, WorkReport.on)
        .join(WorkReport, WorkReport.user_id == User.id)
        .where(User.manager_id == actor.id, _of_day(uow, day, leave.calendar_of(uow, actor.id)))
        .where(WorkReport.state == "drafted")
        .order_by(User.name, WorkReport.kind)
    ).all()
    away = {user_id for user_id, _ in leave.on_leave(uow, {row[0] for row in rows}, [day])}
    rows = [row for row in rows if row[0] not in away]  # on leave that day: not chased
    for user_id, _, kind, on in rows:
        outbox.notify_user(uow, user_id, wording_key(kind, "nudged"), {"manager": actor.name, "day_on": on.isoformat()})
    return sorted({name for _, name, _, _ in rows})


def manager_name(uow: UnitOfWork, actor: Actor) -> str | None:
    """Who a rep's report goes to."""
    manager_id = uow.session.scalar(select(User.manager_id).where(User.id == actor.id))
    if manager_id is None:
        return None
    return uow.session.scalar(select(User.name).where(User.id == manager_id))

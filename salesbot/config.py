"""salesbot.toml, with every key overridable from the environment as SALESBOT_<SECTION>_<KEY>.

Secrets (tokens, keys) are read from the environment only; a secret written in the file is refused.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

DEFAULT_STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
DEFAULT_STAGE_LABELS = {
    "zh": {
        "lead": "线索",
        "qualified": "已确认需求",
        "proposal": "方案",
        "negotiation": "商务谈判",
        "won": "赢单",
        "lost": "丢单",
    },
    "en": {
        "lead": "Lead",
        "qualified": "Qualified",
        "proposal": "Proposal",
        "negotiation": "Negotiation",
        "won": "Won",
        "lost": "Lost",
    },
}
# The eight reasons customers leave (price, experience, features, service, unanswered questions,
# a competitor's move, ethics or compliance, involuntary).
# An open deal's chance of being won, per stage (the forecast's weights; [forecast] in salesbot.toml, in percent).
DEFAULT_FORECAST = {
    "lead": Decimal("0.1"),
    "qualified": Decimal("0.25"),
    "proposal": Decimal("0.5"),
    "negotiation": Decimal("0.75"),
}
DEFAULT_LOST_REASONS = (
    "price",
    "experience",
    "features",
    "service",
    "unanswered",
    "competitor",
    "ethics",
    "involuntary",
)
DEFAULT_LOST_REASON_LABELS = {
    "zh": {
        "price": "价格",
        "experience": "体验不佳",
        "features": "功能不满足",
        "service": "服务接触不愉快",
        "unanswered": "问题没有得到答复",
        "competitor": "竞争对手",
        "ethics": "合规或道德顾虑",
        "involuntary": "非自愿(搬迁、倒闭等)",
    },
    "en": {
        "price": "Price",
        "experience": "Poor experience",
        "features": "Missing features",
        "service": "Negative service contact",
        "unanswered": "Questions left unanswered",
        "competitor": "A competitor's move",
        "ethics": "Ethics or compliance concern",
        "involuntary": "Involuntary (moved, bankrupt)",
    },
}
DEFAULT_APPROVAL_RULES: tuple[dict[str, Any], ...] = (
    {"currency": "CNY", "below": "100000", "steps": ["manager"]},
    {"currency": "CNY", "up_to": "1000000", "steps": ["manager", "admin"]},
    {"currency": "CNY", "steps": ["manager", "admin", "finance"]},
    {"currency": "USD", "below": "15000", "steps": ["manager"]},
    {"currency": "USD", "up_to": "150000", "steps": ["manager", "admin"]},
    {"currency": "USD", "steps": ["manager", "admin", "finance"]},
    {"steps": ["manager", "admin"]},
)
STEP_KINDS = ("manager", "admin", "finance")
COLLECTION_ROLES = ("rep", "manager", "finance", "admin")
# Before the due date the rep is warned; on it and after, the circle widens as the debt ages.
DEFAULT_COLLECTION_STEPS: tuple[dict[str, Any], ...] = (
    {"days": -3, "to": ["rep"]},
    {"days": 0, "to": ["rep"]},
    {"days": 3, "to": ["rep"]},
    {"days": 7, "to": ["rep", "manager"]},
    {"days": 30, "to": ["manager", "finance"]},
)


@dataclass(frozen=True)
class ApprovalRule:
    """Which approvers a contract needs: the first rule whose conditions all hold gives the steps."""

    steps: tuple[str, ...]
    currency: str | None = None  # None: any currency
    below: Decimal | None = None  # amount < below
    up_to: Decimal | None = None  # amount <= up_to
    net_days_over: int | None = None  # payment later than this many days after approval
    installments_over: int | None = None

    def matches(self, amount: Decimal, currency: str, *, net_days: int | None, installments: int | None) -> bool:
        return (
            (self.currency is None or self.currency == currency)
            and (self.below is None or amount < self.below)
            and (self.up_to is None or amount <= self.up_to)
            and (self.net_days_over is None or (net_days or 0) > self.net_days_over)
            and (self.installments_over is None or (installments or 1) > self.installments_over)
        )


@dataclass(frozen=True)
class ApprovalPolicy:
    rules: tuple[ApprovalRule, ...]
    remind_after_hours: int = 24  # an approver who has not decided by then is reminded
    escalate_after_hours: int = 48  # and after this long their manager is told
    won_stage: str = "won"  # where the deal goes when its contract is finally approved
    installment_interval_days: int = 30

    def steps_for(
        self, amount: Decimal, currency: str, *, net_days: int | None = None, installments: int | None = None
    ) -> tuple[str, ...]:
        for rule in self.rules:
            if rule.matches(amount, currency, net_days=net_days, installments=installments):
                return rule.steps
        return ("manager",)


@dataclass(frozen=True)
class CollectionStep:
    days: int  # relative to the due date: -3 is three days before, 0 the day itself, 7 a week late
    to: tuple[str, ...]  # rep (the customer's owner), manager (the rep's), finance, admin


@dataclass(frozen=True)
class CollectionPolicy:
    """When an open installment is chased, and whom each reminder goes to; everything stops once it is paid."""

    steps: tuple[CollectionStep, ...]
    # After the last step, the last step's people are reminded again every this many days (0: never again).
    repeat_every_days: int = 30
    hour: int | None = None  # local hour of the one daily collection message; None: the team's morning hour
    # A day the job did not run (the bot was down) is caught up the next time, back to this many days.
    catch_up_days: int = 7
    # True: a payment recorded by a rep waits for finance to confirm it before it settles anything.
    finance_confirms: bool = False

    def steps_on(self, days_from_due: int) -> tuple[CollectionStep, ...]:
        """The steps that fall on this day, counted from the due date (negative: before it)."""
        hits = tuple(step for step in self.steps if step.days == days_from_due)
        last = self.steps[-1] if self.steps else None
        if (
            not hits
            and last is not None
            and self.repeat_every_days > 0
            and days_from_due > last.days
            and (days_from_due - last.days) % self.repeat_every_days == 0
        ):
            return (last,)
        return hits


@dataclass(frozen=True)
class QuietLadder:
    """Days without activity after which a quiet customer is told to its rep, to the rep and the manager, and
    released to the team's pool (0: never released)."""

    rep: int
    manager: int
    pool: int


@dataclass(frozen=True)
class RetentionPolicy:
    """Keeping the customers (issue 20): the quiet-customer ladder per tier, and complaints' and needs' due dates."""

    # Off by default: a team turns the daily quiet-customer messages on ([retention] enabled = true). Asking
    # "哪些客户很久没联系了" works either way.
    enabled: bool = False
    normal: QuietLadder = QuietLadder(30, 45, 60)
    key: QuietLadder = QuietLadder(14, 21, 30)  # the 80/20 customers by revenue go quiet sooner
    release: bool = True  # False: the ladder stops at the manager; nobody's customer goes to the pool
    hour: int | None = None  # local hour of the daily message; None: the team's morning hour
    item_due_days: int = 2  # working days a complaint or a need has before it is overdue

    def ladder(self, key: bool) -> QuietLadder:
        return self.key if key else self.normal

    def level(self, days: int, *, key: bool) -> int:
        """How far up the ladder a customer quiet for `days` is: 0 not yet, 1 rep, 2 manager, 3 pool."""
        ladder = self.ladder(key)
        if self.release and ladder.pool and days >= ladder.pool:
            return 3
        if days >= ladder.manager:
            return 2
        return 1 if days >= ladder.rep else 0


DIGEST_CHARTS = ("funnel", "aging")


@dataclass(frozen=True)
class DigestTime:
    hour: int
    minute: int = 0


@dataclass(frozen=True)
class DigestPolicy:
    """When the team digests and personal briefs go out, in each team's own time zone."""

    enabled: bool = True
    daily: DigestTime = DigestTime(18)  # the team group's daily digest: the 24 hours up to this time
    # A group's own daily time, by group handle ([digests.groups.<handle>] hour, minute).
    groups: Mapping[str, DigestTime] = field(default_factory=dict)
    weekly_weekday: int = 1  # ISO weekday of the weekly summary of last week (1 = Monday)
    weekly: DigestTime = DigestTime(9)
    brief: DigestTime | None = None  # each person's morning brief; None: the team's morning hour
    top: int = 5  # overdue receivables named in the daily digest
    # Issue 17: false (the default, as in the example config) keeps daily digests, briefs, collection and
    # quiet-customer messages and complaint escalations off the team's days off ([team] working_days); they go on
    # its next working day. True sends them every day.
    on_days_off: bool = False
    daily_charts: tuple[str, ...] = ()
    weekly_charts: tuple[str, ...] = DIGEST_CHARTS

    def daily_for(self, group_handle: str) -> DigestTime:
        return self.groups.get(group_handle, self.daily)


TARGET_MEASURES = ("payments", "contracts")


@dataclass(frozen=True)
class ReportPolicy:
    """The 日报 the bot drafts for each rep, the manager's summary of them, and how targets are measured (issue 21).

    On by default, as the issue asks: every rep gets their 日报 at the end of each working day ([reports] enabled =
    false turns the drafts, summaries and nudges off)."""

    enabled: bool = True
    daily: DigestTime = DigestTime(18)  # each rep's draft, on working days, in the team's time zone
    summary: DigestTime = DigestTime(20)  # the manager's one summary of the team's reports that day
    silent_days: int = 3  # a rep silent for this many working days gets a nudge, and their manager a line; 0: off
    weekly_weekday: int = 5  # ISO weekday of the 周报, drafted with that day's 日报 (5 = Friday; 0 = no 周报)
    measure: str = "payments"  # what counts against a target: payments received, or contracts approved


SECRETS = {
    ("telegram", "token"),
    ("wecom", "secret"),
    ("wecom", "token"),
    ("wecom", "aes_key"),
    ("board", "secret"),
}


class ConfigError(ValueError):
    pass


@dataclass(frozen=True, eq=False)  # hashed by identity: one Settings per process, used as a cache key
class Settings:
    database_url: str = "sqlite:///salesbot.db"
    timezone: str = "Asia/Shanghai"
    currency: str = "CNY"
    language: str = "zh"
    morning_hour: int = 9
    # Issue 17: the working-day calendar ("cn" or "mon-fri"), by default and per team key.
    working_days: str = "cn"
    working_days_by_team: Mapping[str, str] = field(default_factory=dict)
    conversation_ttl_minutes: int = 24 * 60
    undo_minutes: int = 30  # how far back "撤销" / "undo" and "不对,是…" reach into a user's own changes
    stages: tuple[str, ...] = DEFAULT_STAGES
    stage_labels: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: DEFAULT_STAGE_LABELS)
    stage_synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lost_reasons: tuple[str, ...] = DEFAULT_LOST_REASONS
    lost_reason_labels: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: DEFAULT_LOST_REASON_LABELS)
    approvals: ApprovalPolicy = field(default_factory=lambda: _approval_policy({}))
    collections: CollectionPolicy = field(default_factory=lambda: _collection_policy({}))
    digests: DigestPolicy = field(default_factory=DigestPolicy)
    # [forecast]: the chance, 0-1, that an open deal in each stage is won; the forecast weighs the pipeline by it.
    forecast: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_FORECAST)
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    reports: ReportPolicy = field(default_factory=ReportPolicy)
    raw: Mapping[str, Any] = field(default_factory=dict)

    def stage_probability(self, stage: str) -> Decimal:
        """An open stage's chance of being won (0 for a stage the config gives none)."""
        return self.forecast.get(stage, Decimal(0))

    def stage_label(self, stage: str, lang: str) -> str:
        return self.stage_labels.get(lang, {}).get(stage) or self.stage_labels.get("en", {}).get(stage, stage)

    def lost_reason_label(self, reason: str, lang: str) -> str:
        labels = self.lost_reason_labels
        return labels.get(lang, {}).get(reason) or labels.get("en", {}).get(reason, reason)

    def calendar_kind(self, team: str | None = None) -> str:
        """The working-day calendar of a team (by its key), or the default."""
        return self.working_days_by_team.get(team or "", self.working_days)

    def section(self, name: str) -> Mapping[str, Any]:
        return self.raw.get(name, {})


def load_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    path = path or env.get("SALESBOT_CONFIG") or "salesbot.toml"
    data: dict[str, Any] = {}
    if Path(path).exists():
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    elif env.get("SALESBOT_CONFIG"):
        raise ConfigError(f"SALESBOT_CONFIG points at {path}, which does not exist")
    return settings_from(data, env)


def _calendar_kind(kind: object, where: str) -> str:
    if kind not in ("cn", "mon-fri"):
        raise ConfigError(f"{where}: {kind!r} is not a working-day calendar (cn or mon-fri)")
    return str(kind)


def settings_from(data: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    raw = _with_env_overrides(data, env)
    for section, key in SECRETS:
        if key in data.get(section, {}):
            raise ConfigError(
                f"[{section}] {key} is a secret: set SALESBOT_{section.upper()}_{key.upper()} "
                "in the environment instead of writing it in the file"
            )
    team = raw.get("team", {})
    stages_cfg = raw.get("stages", {})
    lost_cfg = raw.get("lost_reasons", {})
    stages = tuple(stages_cfg.get("order", DEFAULT_STAGES))
    for needed in ("won", "lost"):
        if needed not in stages:
            raise ConfigError(f"[stages] order must include '{needed}'")
    return Settings(
        database_url=raw.get("database", {}).get("url", Settings.database_url),
        timezone=team.get("timezone", Settings.timezone),
        currency=team.get("currency", Settings.currency),
        language=team.get("language", Settings.language),
        morning_hour=int(team.get("morning_hour", Settings.morning_hour)),
        working_days=_calendar_kind(team.get("working_days", Settings.working_days), "[team] working_days"),
        working_days_by_team={
            handle: _calendar_kind(kind, f"[team.working_days_by_team] {handle}")
            for handle, kind in team.get("working_days_by_team", {}).items()
        },
        conversation_ttl_minutes=int(raw.get("conversation", {}).get("ttl_minutes", 24 * 60)),
        undo_minutes=int(raw.get("conversation", {}).get("undo_minutes", Settings.undo_minutes)),
        stages=stages,
        stage_labels=_merge_labels(DEFAULT_STAGE_LABELS, stages_cfg.get("labels", {})),
        stage_synonyms={k: tuple(v) for k, v in stages_cfg.get("synonyms", {}).items()},
        lost_reasons=tuple(lost_cfg.get("order", DEFAULT_LOST_REASONS)),
        lost_reason_labels=_merge_labels(DEFAULT_LOST_REASON_LABELS, lost_cfg.get("labels", {})),
        approvals=_approval_policy(raw.get("approvals", {}), stages),
        collections=_collection_policy(raw.get("collections", {})),
        digests=_digest_policy(raw.get("digests", {})),
        forecast=_forecast(raw.get("forecast", {}), stages),
        retention=_retention_policy(raw.get("retention", {})),
        reports=_report_policy(raw.get("reports", {})),
        raw=raw,
    )


def _forecast(cfg: Mapping[str, Any], stages: tuple[str, ...]) -> Mapping[str, Decimal]:
    """[forecast] stage = percent (0-100): each open stage's chance of being won; unset stages keep the defaults."""
    chances = dict(DEFAULT_FORECAST)
    for stage, percent in cfg.items():
        if stage not in stages:
            raise ConfigError(f"[forecast] {stage!r} is not one of [stages] order")
        value = Decimal(str(percent))
        if not 0 <= value <= 100:
            raise ConfigError(f"[forecast] {stage} must be a percentage from 0 to 100, not {percent!r}")
        chances[stage] = value / 100
    return chances


def _approval_policy(cfg: Mapping[str, Any], stages: tuple[str, ...] = DEFAULT_STAGES) -> ApprovalPolicy:
    rules = []
    for n, spec in enumerate(cfg.get("rules", DEFAULT_APPROVAL_RULES), start=1):
        steps = tuple(spec.get("steps", ()))
        if not steps:
            raise ConfigError(f"[[approvals.rules]] number {n} has no steps")
        for step in steps:
            if step not in STEP_KINDS and not step.startswith("user:"):
                raise ConfigError(f"[[approvals.rules]] step {step!r}: use manager, admin, finance or user:<handle>")
        rules.append(
            ApprovalRule(
                steps=steps,
                currency=spec.get("currency"),
                below=_decimal(spec, "below"),
                up_to=_decimal(spec, "up_to"),
                net_days_over=spec.get("net_days_over"),
                installments_over=spec.get("installments_over"),
            )
        )
    won_stage = cfg.get("won_stage", "won")
    if won_stage not in stages:
        raise ConfigError(f"[approvals] won_stage {won_stage!r} is not one of [stages] order")
    return ApprovalPolicy(
        rules=tuple(rules),
        remind_after_hours=int(cfg.get("remind_after_hours", 24)),
        escalate_after_hours=int(cfg.get("escalate_after_hours", 48)),
        won_stage=won_stage,
        installment_interval_days=int(cfg.get("installment_interval_days", 30)),
    )


def _collection_policy(cfg: Mapping[str, Any]) -> CollectionPolicy:
    steps = []
    for n, spec in enumerate(cfg.get("steps", DEFAULT_COLLECTION_STEPS), start=1):
        to = tuple(spec.get("to", ()))
        if "days" not in spec or not to:
            raise ConfigError(f"[[collections.steps]] number {n} needs days and to")
        for who in to:
            if who not in COLLECTION_ROLES:
                raise ConfigError(f"[[collections.steps]] to {who!r}: use {', '.join(COLLECTION_ROLES)}")
        steps.append(CollectionStep(days=int(spec["days"]), to=to))
    steps.sort(key=lambda step: step.days)
    hour = cfg.get("hour")
    if hour is not None and not 0 <= int(hour) <= 23:
        raise ConfigError("[collections] hour must be 0 to 23")
    return CollectionPolicy(
        steps=tuple(steps),
        repeat_every_days=int(cfg.get("repeat_every_days", 30)),
        hour=int(hour) if hour is not None else None,
        catch_up_days=int(cfg.get("catch_up_days", 7)),
        finance_confirms=bool(cfg.get("finance_confirms", False)),
    )


def _retention_policy(cfg: Mapping[str, Any]) -> RetentionPolicy:
    default = RetentionPolicy()

    def ladder(prefix: str, fallback: QuietLadder) -> QuietLadder:
        rep = int(cfg.get(f"{prefix}rep_days", fallback.rep))
        manager = int(cfg.get(f"{prefix}manager_days", fallback.manager))
        pool = int(cfg.get(f"{prefix}pool_days", fallback.pool))
        if not 0 < rep <= manager or (pool and pool < manager):
            raise ConfigError(
                f"[retention] {prefix}rep_days <= {prefix}manager_days <= {prefix}pool_days (0: never), all above 0"
            )
        return QuietLadder(rep, manager, pool)

    hour = cfg.get("hour")
    if hour is not None and not 0 <= int(hour) <= 23:
        raise ConfigError("[retention] hour must be 0 to 23")
    return RetentionPolicy(
        enabled=bool(cfg.get("enabled", default.enabled)),
        normal=ladder("", default.normal),
        key=ladder("key_", default.key),
        release=bool(cfg.get("release", default.release)),
        hour=int(hour) if hour is not None else None,
        item_due_days=int(cfg.get("item_due_days", default.item_due_days)),
    )


def _digest_policy(cfg: Mapping[str, Any]) -> DigestPolicy:
    def at(spec: Mapping[str, Any], where: str, default: DigestTime | None) -> DigestTime | None:
        if "hour" not in spec and "minute" not in spec:
            return default
        hour, minute = int(spec.get("hour", default.hour if default else 0)), int(spec.get("minute", 0))
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise ConfigError(f"{where}: hour must be 0 to 23 and minute 0 to 59")
        return DigestTime(hour, minute)

    def charts(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        kinds = tuple(cfg.get(key, default))
        for kind in kinds:
            if kind not in DIGEST_CHARTS:
                raise ConfigError(f"[digests] {key}: {kind!r} is not one of {', '.join(DIGEST_CHARTS)}")
        return kinds

    weekday = int(cfg.get("weekly_weekday", 1))
    if not 1 <= weekday <= 7:
        raise ConfigError("[digests] weekly_weekday must be 1 (Monday) to 7 (Sunday)")
    groups = {}
    for handle, spec in cfg.get("groups", {}).items():
        groups[handle] = at(spec, f"[digests.groups.{handle}]", DigestPolicy.daily)
    brief_hour = cfg.get("brief_hour")
    return DigestPolicy(
        enabled=bool(cfg.get("enabled", True)),
        daily=at(cfg, "[digests]", DigestPolicy.daily) or DigestPolicy.daily,
        groups=groups,
        weekly_weekday=weekday,
        weekly=at(
            {"hour": cfg["weekly_hour"], "minute": cfg.get("weekly_minute", 0)} if "weekly_hour" in cfg else {},
            "[digests] weekly_hour",
            DigestPolicy.weekly,
        )
        or DigestPolicy.weekly,
        brief=at(
            {"hour": brief_hour, "minute": cfg.get("brief_minute", 0)} if brief_hour is not None else {},
            "[digests] brief_hour",
            None,
        ),
        top=int(cfg.get("top", 5)),
        on_days_off=bool(cfg.get("on_days_off", DigestPolicy.on_days_off)),
        daily_charts=charts("daily_charts", ()),
        weekly_charts=charts("weekly_charts", DIGEST_CHARTS),
    )


def _report_policy(cfg: Mapping[str, Any]) -> ReportPolicy:
    def at(hour_key: str, minute_key: str, default: DigestTime) -> DigestTime:
        hour, minute = int(cfg.get(hour_key, default.hour)), int(cfg.get(minute_key, default.minute))
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise ConfigError(f"[reports] {hour_key}: hour must be 0 to 23 and minute 0 to 59")
        return DigestTime(hour, minute)

    measure = str(cfg.get("measure", ReportPolicy.measure))
    if measure not in TARGET_MEASURES:
        raise ConfigError(f"[reports] measure: {measure!r} is not one of {', '.join(TARGET_MEASURES)}")
    weekday = int(cfg.get("weekly_weekday", ReportPolicy.weekly_weekday))
    if not 0 <= weekday <= 7:
        raise ConfigError("[reports] weekly_weekday must be 1 (Monday) to 7 (Sunday), or 0 for no 周报")
    return ReportPolicy(
        enabled=bool(cfg.get("enabled", ReportPolicy.enabled)),
        weekly_weekday=weekday,
        silent_days=int(cfg.get("silent_days", ReportPolicy.silent_days)),
        daily=at("daily_hour", "daily_minute", ReportPolicy.daily),
        summary=at("summary_hour", "summary_minute", ReportPolicy.summary),
        measure=measure,
    )


def _decimal(spec: Mapping[str, Any], key: str) -> Decimal | None:
    # Amounts in the file are written as strings ("100000") or integers; never read through a float.
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, float):
        raise ConfigError(f"[[approvals.rules]] {key} = {value}: write amounts as integers or strings")
    return Decimal(str(value))


def _merge_labels(
    defaults: Mapping[str, Mapping[str, str]], given: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    merged = {lang: dict(labels) for lang, labels in defaults.items()}
    for lang, labels in given.items():
        merged.setdefault(lang, {}).update(labels)
    return merged


def _with_env_overrides(data: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """SALESBOT_<SECTION>_<KEY> wins over the file; values are parsed as TOML scalars where they can be."""
    raw: dict[str, Any] = {k: dict(v) if isinstance(v, Mapping) else v for k, v in data.items()}
    known_sections = {
        "database",
        "server",
        "telegram",
        "wecom",
        "team",
        "conversation",
        "stages",
        "lost_reasons",
        "reminders",
        "approvals",
        "collections",
        "digests",
        "forecast",
        "reports",
        "outbox",
        "board",
        "retention",
    } | {k for k, v in data.items() if isinstance(v, Mapping)}
    for name, value in env.items():
        if not name.startswith("SALESBOT_"):
            continue
        rest = name[len("SALESBOT_") :].lower()
        for section in sorted(known_sections, key=len, reverse=True):
            if rest.startswith(section + "_"):
                raw.setdefault(section, {})[rest[len(section) + 1 :]] = _scalar(value)
                break
    return raw


def _scalar(value: str) -> Any:
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return value

"""Questions about the work rather than reports of it (issue 19): the asker's agenda, a customer's story, how the
team is doing over a period, who has been silent, one rep's activity, the funnel and the forecast. Pure: the day
is passed in.

`intent(text)` names the question (or None: the other intents decide); `period(text, today=…)` reads the period a
sentence asks about: 今天, 本周, 上周, 本月, 上个月, 本季度, 今年, Q4, this week, last month, YTD…
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from salesbot.nlp import prefilter

# The text is lowered once and the patterns are case-sensitive: IGNORECASE costs every pattern its literal
# prefix scan, and every message passes here.
_I = re.NOFLAG

# A report of work done ("拜访了华为,聊了情况") is not a question about it, whatever else it says.
_REPORT = re.compile(
    r"拜访|见了|去了|聊了|开会|签了|吃饭|吃了|电话|了解了|问了|演示|上门"
    r"|\bvisited\b|\bmet\b|\bcalled\b|\bspoke\b|\blunch\b|\bdinner\b|\bdemo(?:ed)?\b|\bgave\b|\bsent\b"
    r"|\b(?:stopped|dropped|swung)\s+by\b|\bhosted\b|\bwent\s+to\s+see\b|\bchatted\b|\bcame\s+(?:by|in|to)\b|\bhad\s+(?:a\s+)?(?:call|meeting|coffee)\b"
    r"|\bwalked\b.{1,30}\bthrough\b|\bpresented\b|\bpitched\b|\bcaught\s+up\b|\bphoned\b|\bgrabbed\s+(?:coffee|lunch|dinner|drinks)\b"
    # "fabrikam visit done follow up next week": an activity reported over, with its next step
    r"|\b(?:visit|call|meeting|demo|mtg|lunch|dinner)\s+(?:is\s+|was\s+)?(?:done|over|finished|complete[d]?|went\s+well)\b"
    r"|\b(?:done|finished)\s+(?:with\s+)?(?:the\s+|my\s+)?(?:visit|call|meeting|demo)\b",
    _I,
)
_ABOUT_MONEY = re.compile(
    r"[款钱账]收得|欠款|应收|尾款|回款(?:进度|进展|情况)|[款钱账](?:现在)?(?:啥|什么)情况|拖款|拖欠|欠(?:钱|多少)|欠的钱",
    _I,
)
_FORECAST = re.compile(r"预测|预估|加权|\bforecast\b|\bweighted\b", _I)
# "pipeline" alone: a rep's own deals (as before), a manager's or admin's team funnel; see docs/asking.md.
_FUNNEL = re.compile(r"漏斗|销售管道|\bfunnel\b|^\s*pipeline\s*[?？]?\s*$|\bteam'?s? pipeline\b", _I)
_SILENT = re.compile(
    r"(?:谁|哪些人|哪几个人|哪个|哪些销售).{0,8}(?:没|没有|未)(?:有)?.{0,6}(?:拜访|记录|登记|动静)"
    r"|没(?:有)?(?:人)?(?:记录)?拜访的(?:人|销售|同事)"
    r"|\bwho\b.{0,20}\b(?:hasn'?t|has not|haven'?t|have not|didn'?t|did not)\b.{0,30}\b(?:visits?|log(?:ged)?)"
    r"|\bsilent reps?\b|\binactive reps?\b|\bno visits?\b",
    _I,
)
_ACTIVITY = re.compile(
    r"拜访了?(?:几|多少)|见了?(?:几|多少)|(?<!哪)(?:几|多少)(?:个|家)?客户|多少(?:次)?拜访|的(?:活动|动态|工作量)"
    r"|\bhow many (?:visits|customers|calls)\b|'s activity\b|\bactivity (?:of|for)\b"
    r"|\bwhat has .+ (?:done|been up to)\b",
    _I,
)
_AGENDA = re.compile(
    r"跟进哪些|跟进哪几|要跟进|需要跟进|该跟进|待跟进|我的跟进|跟进(?:列表|清单|计划|安排)|(?:逾期|过期|超期).{0,4}跟进"
    r"|没跟进的|我的日程|今天的日程|我的待办|要做什么|该做什么|\bagenda\b|\bmy to-?dos?\b|\bto-?do list\b"
    r"|\bmy follow[- ]?ups?\b|\bfollow[- ]?ups?\b.{0,20}\b(?:today|tomorrow|this week|next week|due|overdue)\b"
    r"|\boverdue follow[- ]?ups?\b|\bwho (?:do|should) i (?:follow up|call|visit)\b|\bwhat'?s (?:on )?my plate\b"
    # 2026-12-07 set: 今天我要跟哪些客户, 明天有什么安排, "what do i have tomorrow".
    r"|(?:要|该|得|需要)(?:跟|联系|拜访|见)(?:哪些|哪几个|哪个|谁)|有(?:什么|啥|哪些)(?:安排|日程|行程)"
    r"|(?:今天|明天|后天|这周|本周|下周)的(?:日程|安排|行程)"
    r"|\bwhat (?:do i have|have i got)\b.{0,10}\b(?:today|tomorrow|this week|next week)\b"
    r"|\bwhat'?s on my (?:schedule|calendar|list)\b"
    # 2026-12-08 set: "whats on tmrw", "what's on for today", "anything on this week", "what's on my calendar"
    r"|\b(?:what'?s|what\s+is|whats|anything|what\s+do\s+i\s+have)\s+(?:on|planned|scheduled|lined\s+up)\s+"
    r"(?:for\s+)?(?:me\s+)?(?:today|tonight|tomorrow|tmrw|tmr|this\s+week|next\s+week|this\s+afternoon|"
    r"(?:on\s+)?(?:mon|tues?|wed|thu(?:rs)?|fri|sat|sun)(?:day|nesday|sday|urday)?)\b"
    r"|\bwhat'?s\s+on\s+(?:my\s+)?(?:calendar|schedule|plate|agenda)\b|\bwhats\s+on\s+(?:my\s+)?(?:calendar|schedule|plate)\b"
    r"|(?:\bmy|^\s*(?:any|the))\s+(?:schedule|calendar|plans?|to-?dos?|meetings?|appointments?|"
    r"follow[- ]?ups?)\s+(?:for\s+|on\s+)?(?:today|tomorrow|tmrw|this\s+week|next\s+week|"
    r"(?:mon|tues?|wed|thu(?:rs)?|fri|sat|sun)(?:day|nesday|sday|urday)?)\b"
    # literal spaces: the derived gate (prefilter) then looks for these rare phrases, not for "today" or "meeting"
    r"|^\s*(?:any calls?|any visits?|my calls|my visits)\s+(?:for\s+|on\s+)?"
    r"(?:today|tomorrow|tmrw|this\s+week|next\s+week|"
    r"(?:mon|tues?|wed|thu(?:rs)?|fri|sat|sun)(?:day|nesday|sday|urday)?)\b"
    r"|^\s*(?:to-?dos?|plans?) for\s+(?:today|tomorrow|tmrw)\b|\bwho am i\s+(?:seeing|meeting|visiting|calling)\b"
    r"|\banything\s+(?:due|on|scheduled|planned)\s+(?:for\s+|on\s+)?(?:today|tomorrow|tmrw|this\s+week|next\s+week|"
    r"(?:mon|tues?|wed|thu(?:rs)?|fri|sat|sun)(?:day|nesday|sday|urday)?)\b"
    r"|\bwho\s+(?:do|should|must)\s+i\s+(?:need\s+to\s+|have\s+to\s+)?(?:follow\s+up|f/u|call|visit|see|chase|contact)"
    r"|\bwhich\s+(?:customers?|clients?|accounts?)\s+(?:should\s+i|i\s+should|do\s+i|must\s+i|i\s+must|i\s+need\s+to)\s+"
    r"(?:need\s+to\s+)?(?:follow|visit|call|see|contact)"
    # tune4: 今天有啥要跟的, 周五都有啥事, 明天 安排, 哪些客户要跟, "who do i need to f/u w tmrw", "anything due
    # on monday?", "today which customer i should follow?".
    r"|有(?:啥|什么|哪些)(?:要|需要|该|得)(?:跟|做|办|联系|拜访|见)"
    r"|(?:今天|明天|后天|这周|本周|下周|周[一二三四五六日天末]|星期[一二三四五六日天]|礼拜[一二三四五六日天])"
    r"\s*(?:都|还)?有(?:啥|什么|哪些)(?:事|安排|要做|活)"
    r"|^\s*(?:嗯|哦|那个|hi|hello|hey|你好)?[\s,，]*(?:今天|明天|后天|这周|本周|下周|周[一二三四五六日天末])\s*的?\s*"
    r"(?:安排|日程|行程|待办)\s*[?？.。!！]*\s*$"
    r"|哪(?:些|几个|几家|个)(?:客户|人)?(?:要|需要|该|得)(?:跟|联系|拜访|见)"
    r"|\bwho (?:do|should) i (?:need to |have to )?(?:follow up|f/u|call|visit|see|chase)\b"
    r"|^\s*(?:hi|hello|hey|so|ok|okay)?[\s,]*anything (?:due|on|scheduled|planned)\b"
    r"|\bwhich (?:customers?|clients?|accounts?) (?:do |should |must )?i (?:should |need to |have to )?"
    r"(?:follow|f/u|call|visit|see|chase)",
    _I,
)
_WHICH_TO_SEE = re.compile(
    r"(?:要|该|得|需要)(?:跟|联系|拜访|见|跟进)(?:哪些|哪几|哪个|谁)"
    # v3 set (2026-12-08): the customers first, the verb after (今天有哪些客户要跟, 哪几家该去拜访)
    r"|(?:哪些|哪几个?|哪几家|哪家|什么)(?:客户|公司|人)?(?:我)?(?:要|该|得|需要)(?:去)?(?:跟|联系|拜访|见|回访)"
    # (a filler before and a full stop after are kept: 嗯 今天跟谁。)
    r"|(?:要|该|得|需要)去(?:哪些|哪几|哪个|哪家)"
    r"|^\s*(?:嗯|哦|那个)?[\s,，]*(?:今天|明天|这周|本周|下周)?我?(?:要|该|得)?(?:跟|见|拜访|联系)谁[?？。.!！]*\s*$"
    r"|^\s*(?:嗯|哦|那个)?[\s,，]*(?:今天|明天|这周|本周|下周)(?:的|有什么|有啥)(?:任务|待办)[?？。.!！]*\s*$"
    r"|^\s*(?:嗯|哦|那个)?[\s,，]*(?:今天|明天|后天|这周|本周|下周|周[一二三四五六日])[\s,，]*的?[\s,，]*"
    r"(?:安排|日程|行程|任务)[?？。.!！]*\s*$"
    r"|(?:今天|明天|后天|这周|本周|下周|周[一二三四五六日])(?:都|还)?有(?:啥|什么)(?:事|要跟|要做|要联系|要拜访)",
    _I,
)
_OVERDUE_ONLY = re.compile(r"逾期|过期|超期|没跟进的|\boverdue\b|\blate\b", _I)
# The team named with a question about it: "和华为团队吃饭" names a team, and is a visit.
_TEAM = re.compile(
    r"(?:团队|全公司|大家).{0,8}(?:业绩|怎么样|如何|情况|表现|数据|战报|汇总|总结|做得)|业绩|战报"
    r"|\bteam(?:'s)? (?:performance|numbers|results|report|summary|stats|figures)\b|\bteam performance\b"
    r"|\bhow (?:are|is|did|was|'s) (?:we|the team|everyone|my team)\b"
    r"|\bhow'?s (?:the|my) team\b|\b(?:our|the team's) (?:numbers|results)\b"
    r"|\bsales (?:report|summary)\b|\b(?:q[1-4]|ytd|mtd) (?:numbers|results)\b|\bperformance (?:this|last)\b",
    _I,
)
_STORY = re.compile(
    r"的情况|什么情况|(?<!回款)(?<!欠款)(?<!应收)(?<!付款)情况(?:怎么样|如何)|怎么样了|进展(?:如何|怎么样)|什么进展|最新进展|近况|概况"
    # v3 set (2026-12-08): X的背景介绍一下, X什么来头, X的简介
    r"|啥情况|的(?:资料|档案)[?？。.!！]*\s*$|背景|简介|什么来头|底细|基本信息|的(?:资料|情况)?介绍一下|^\s*(?:嗯|哦|那个)?[\s,，]*(?:请|帮我|给我)?介绍一?下(?!午|产品|方案|我们)"
    r"|\btell me about\b|\bbrief (?:me )?on\b|\bwhat'?s (?:up|new|happening) with\b|\bwhat'?s the status (?:of|with)\b"
    r"|\bhow(?:'s| is) .+ (?:doing|going)\b|\bwhere are we with\b"
    # 2026-12-08 set: "whats been going on with X lately", "catch me up on X", "any news from X", "fill me in on X"
    r"|\b(?:what'?s|whats|what\s+has)\s+(?:been\s+)?(?:going\s+on|happening|new|up)\s+(?:with|at|over\s+at)\b"
    r"|\b(?:catch|fill)\s+me\s+(?:up|in)\s+on\b|\bany\s+(?:news|updates?)\s+(?:on|from|with|about)\b"
    r"|\bgive\s+me\s+(?:the\s+|a\s+)?(?:rundown|lowdown|background|overview|summary)\s+(?:on|of)\b"
    r"|\blatest\s+(?:on|with|w/?)\s|\btell\s+me\s+abt\b|\bhow(?:s|'s)\s+(?!it\b|things\b|everything\b|life\b).+\s+(?:doing|going)\b"
    r"|\bwhere\s+(?:do\s+)?(?:things|we)\s+stand\s+(?:with|on)\b|^\s*status\s+(?:on|of|for|with)\b"
    r"|\bstatus\s+update\s+(?:on|for)\b|^\s*[a-z][\w&'-]*(?:\s+[a-z][\w&'-]*)?\s+updates?\s*\?\s*$|\bwhat\s+do\s+(?:we|i)\s+know\s+about\b|\bwhat'?s\s+the\s+(?:story|scoop|situation)\s+(?:with|on|at)\b"
    # tune4: "what's the story with X", "where we are with X", "the rundown on X", "X recent situation how?".
    r"|\bwhat'?s the (?:story|latest|situation|deal) (?:with|on)\b|\bwhere (?:we are|we stand|do we stand) with\b"
    r"|\b(?:rundown|run-down|lowdown|low-down) on\b|\brecent situation\b|\bsituation how\b",
    _I,
)


# The questions in the order tried: these decide alone; the next ones only where the sentence reports no work.
_ASKED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("forecast", _FORECAST),
    ("funnel", _FUNNEL),
    ("silent_reps", _SILENT),
    ("rep_activity", _ACTIVITY),
    ("agenda", _WHICH_TO_SEE),  # "这周要拜访哪些客户" asks whom to see, though it names a visit
)
_ASKED_UNLESS_REPORTED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("agenda", _AGENDA),
    ("team_report", _TEAM),
    ("customer_brief", _STORY),
)
# Most messages report work and ask nothing: one search for the words every question above needs.
_ANY_QUESTION = prefilter.gate(pattern for _, pattern in _ASKED + _ASKED_UNLESS_REPORTED)


def intent(text: str) -> str | None:
    """The question a message asks, or None: agenda, customer_brief, team_report, silent_reps, rep_activity,
    funnel, forecast."""
    text = text.lower()
    if not _ANY_QUESTION.search(text):
        return None
    for asked, pattern in _ASKED:
        if pattern.search(text):
            if asked == "rep_activity" and _ABOUT_MONEY.search(text):
                return None  # "小王负责的那几个客户谁拖款最久" asks who owes: the receivables' words decide
            return asked
    for asked, pattern in _ASKED_UNLESS_REPORTED:
        if pattern.search(text):
            if asked == "customer_brief" and _ABOUT_MONEY.search(text):
                return None  # "X的款收得怎么样了" asks what X owes: the receivables' words decide
            return None if _REPORT.search(text) else asked
    return None


def overdue_only(text: str) -> bool:
    """ "逾期没跟进的" / "overdue follow-ups": only what is late."""
    return bool(_OVERDUE_ONLY.search(text.lower()))


def asks_team(text: str) -> bool:
    """Whether the sentence asks about the team, not the asker alone (a rep is then told what they see)."""
    text = text.lower()
    return bool(_TEAM.search(text)) or bool(_SILENT.search(text))


@dataclass(frozen=True)
class Period:
    """Calendar days [start, end): `key` names it for the reader (this_week, last_month, q4, …)."""

    key: str
    start: date
    end: date


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: date, months: int) -> date:
    n = day.year * 12 + day.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


_QUARTER = re.compile(r"\bq([1-4])\b|第([一二三四1-4])季度?|([一二三四1-4])季度", _I)
_QUARTER_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4}

# (key, pattern) in the order tried: the longer phrase first (上个月 before 月, 本季度 before 季度).
_PERIODS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern, _I))
    for key, pattern in (
        ("last_quarter", r"上个?季度|\blast quarter\b"),
        ("this_quarter", r"本季度?|这个?季度|\bthis quarter\b|\bqtd\b|\bquarter to date\b"),
        ("last_month", r"上个?月|\blast month\b"),
        ("this_month", r"本月|这个?月|\bthis month\b|\bmtd\b|\bmonth to date\b"),
        ("last_week", r"上(?:个)?(?:周|星期|礼拜)|\blast week\b"),
        ("next_week", r"下(?:个)?(?:周|星期|礼拜)|\bnext week\b"),
        ("this_week", r"本周|这(?:个)?(?:周|星期|礼拜)|\bthis week\b|\bwtd\b|\bweek to date\b"),
        ("last_year", r"去年|上一?年|\blast year\b"),
        ("this_year", r"今年|本年|\bthis year\b|\bytd\b|\byear to date\b"),
        ("yesterday", r"昨天|昨日|\byesterday\b"),
        ("tomorrow", r"明天|明日|\btomorrow\b"),
        ("today", r"今天|今日|\btoday\b"),
    )
)


def period(text: str, *, today: date) -> Period | None:
    """The period a sentence names, as calendar days in the asker's zone; None when it names none. A quarter
    named alone (Q4, 第四季度) is the latest one of that number that has begun."""
    text = text.lower()
    for key, pattern in _PERIODS:
        if pattern.search(text):
            return _period(key, today)
    quarter = _QUARTER.search(text)
    if quarter is not None:
        raw = next(g for g in quarter.groups() if g)
        n = _QUARTER_NUMBERS.get(raw) or int(raw)
        start = date(today.year, 3 * (n - 1) + 1, 1)
        if start > today:
            start = date(today.year - 1, start.month, 1)
        return Period(f"q{n}", start, _add_months(start, 3))
    return None


def _period(key: str, today: date) -> Period:
    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    quarter = _quarter_start(today)
    start, end = {
        "today": (today, today + timedelta(days=1)),
        "yesterday": (today - timedelta(days=1), today),
        "tomorrow": (today + timedelta(days=1), today + timedelta(days=2)),
        "this_week": (monday, monday + timedelta(days=7)),
        "last_week": (monday - timedelta(days=7), monday),
        "next_week": (monday + timedelta(days=7), monday + timedelta(days=14)),
        "this_month": (month, _add_months(month, 1)),
        "last_month": (_add_months(month, -1), month),
        "this_quarter": (quarter, _add_months(quarter, 3)),
        "last_quarter": (_add_months(quarter, -3), quarter),
        "this_year": (date(today.year, 1, 1), date(today.year + 1, 1, 1)),
        "last_year": (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
    }[key]
    return Period(key, start, end)

"""Targets in a sentence (issue 21): "给张伟定12月目标50万" / "set Tom's December target to 80k USD" sets one;
"我的业绩完成多少了" / "how am I doing against target" asks how far along it is; "写日报" / "my daily report" asks
for the day's report now. Pure: today is passed in."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from salesbot.nlp import prefilter
from salesbot.nlp.amounts import Money, find_amounts

_SET = (
    re.compile(
        r"给\s*(?P<who>.+?)\s*(?:定|设|设定|设置)(?:一?个)?\s*(?P<period>.*?)(?:的)?(?:销售)?目标\s*(?:为|是)?(?P<amount>.+)$"
    ),
    re.compile(r"set\s+(?P<who>.+?)(?:'s|’s)\s+(?P<period>.*?)\s*target\s+(?:to|at|of|as)\s+(?P<amount>.+)$", re.I),
    # "set Tom's target for this month to 100k": the period after the target
    re.compile(
        r"set\s+(?P<who>.+?)(?:'s|’s)\s+target\s+for\s+(?P<period>.+?)\s+(?:to|at|of|as)\s+(?P<amount>.+)$", re.I
    ),
)
_ASK = re.compile(
    # "本周团队业绩怎么样" asks how the team did (issue 19's question); a target's progress names the target or its
    # completion: "我的业绩完成多少了", "目标完成得怎么样".
    r"(业绩|目标|指标).{0,6}(完成|进度|达成)|(目标|指标).{0,6}(多少|怎么样)|完成.{0,4}(目标|业绩)|达成率"
    r"|how am i doing|against (?:my |the )?target|my target|target progress|attainment"
    r"|我(?:这个月|本月|这季度|本季度|今年)?(?:的)?完成(?:得|了)?(?:怎么样|如何|多少)",
    re.I,
)
_USAGE = re.compile(r"使用情况|谁在用|谁没用|活跃度|用得怎么样|adoption|who is using|who's using|usage", re.I)
_COMMENT = (
    re.compile(r"^\s*(?:点评|评价)\s*(?P<who>[^::,,\s]+?)\s*(?:的)?(?:日报|周报)?\s*[::,,]\s*(?P<text>.+)$", re.S),
    re.compile(
        r"^\s*comment on (?P<who>.+?)(?:'s|’s)?\s*(?:weekly report|report)?\s*[:,-]\s*(?P<text>.+)$", re.I | re.S
    ),
)
# "发日报", "写日报", "今天的日报", "帮我写一下周报", "my daily report", "write my weekly report": the report,
# drafted now.
_REPORT = (
    re.compile(
        r"^\s*(?:帮我|给我|我要|我想)?(?:发|写|交|提交|生成|出|看|看看|查看)?(?:一下|个|一份)?"
        r"(?:我的|今天的?|今日的?|本周的?|这周的?|团队的?|我们组的?)?(?:工作)?(?:日报|周报)(?:吧|呢|一下)?\s*[!!。.??]?\s*$"
    ),
    re.compile(
        r"^\s*(?:(?:please\s+)?(?:write|send|draft|show|do|get)\s+(?:me\s+)?)?(?:(?:my|today'?s|this\s+week'?s|the|"
        r"our|the\s+team'?s)\s+)?(?:(?:daily|weekly|work|day'?s|week'?s)\s+)?report\s*(?:please|now)?\s*[.!?]?\s*$",
        re.I,
    ),
)
_MONTHS_EN = {name.lower(): n for n, name in enumerate(calendar.month_name) if name} | {
    name.lower(): n for n, name in enumerate(calendar.month_abbr) if name
}
_ZH_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_TEAM_WORDS = ("团队", "全组", "我们组", "the team", "team", "our team")


@dataclass(frozen=True)
class TargetSaid:
    who: str  # as said: a name, a first name, or "" for the speaker's team
    team: bool
    starts_on: date
    ends_on: date
    money: Money


# Every pattern intent() tries: a message holding none of their words is none of these (nlp/prefilter.py).
_ANY_TARGET_WORD = prefilter.gate((*_SET, *_COMMENT, *_REPORT, _USAGE, _ASK))


def intent(text: str) -> str | None:
    """`set_target`, `attainment` or `adoption` (who is using the bot), or None."""
    if not _ANY_TARGET_WORD.search(text):
        return None
    if any(p.search(text) for p in _SET) and find_amounts(text):
        return "set_target"
    if comment(text) is not None:
        return "report_comment"
    if any(p.match(text) for p in _REPORT):
        return "report_draft"
    if _USAGE.search(text):
        return "adoption"
    if _ASK.search(text):
        return "attainment"
    return None


def parse(text: str, *, today: date) -> TargetSaid | None:
    """Who, which period (this month when none is said) and how much; None when the sentence is not one."""
    for pattern in _SET:
        match = pattern.search(text.strip())
        if match is None:
            continue
        amounts = find_amounts(match["amount"])
        if not amounts:
            return None
        period = _period(match["period"].strip(), today)
        if period is None:
            return None
        who = match["who"].strip()
        team = who.lower() in _TEAM_WORDS
        return TargetSaid("" if team else who, team, period[0], period[1], amounts[0])
    return None


def _period(said: str, today: date) -> tuple[date, date] | None:
    said = said.lower().strip()
    if said in ("", "本月", "这个月", "当月", "this month", "this month's"):
        return _month(today.year, today.month)
    if said in ("下个月", "下月", "next month", "next month's"):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return _month(year, month)
    quarter = re.fullmatch(r"(?:q([1-4])|第?([一二三四1-4])季度?)", said)
    if quarter:
        q = int(quarter[1]) if quarter[1] else _ZH_DIGITS.get(quarter[2]) or int(quarter[2])
        year = today.year if q >= (today.month - 1) // 3 + 1 else today.year + 1
        first = date(year, 3 * q - 2, 1)
        return first, _month(year, 3 * q)[1]
    month = None
    zh = re.fullmatch(r"(\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:份)?", said)
    if zh:
        month = int(zh[1]) if zh[1].isdigit() else _ZH_DIGITS[zh[1]]
    elif said in _MONTHS_EN:
        month = _MONTHS_EN[said]
    if month is None or not 1 <= month <= 12:
        return None
    # The nearest such month from now on: December said in March is this December; January said in December, next.
    year = today.year if month >= today.month else today.year + 1
    return _month(year, month)


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def period(text: str, *, today: date) -> tuple[date, date]:
    """The period a question names: this or last week, this or last month; the last 7 days when none."""
    lowered = text.lower()
    monday = today - timedelta(days=today.weekday())
    if "上周" in text or "last week" in lowered:
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if "本周" in text or "这周" in text or "this week" in lowered:
        return monday, today
    if "上个月" in text or "上月" in text or "last month" in lowered:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if "本月" in text or "这个月" in text or "this month" in lowered:
        return today.replace(day=1), today
    return today - timedelta(days=6), today


def comment(text: str) -> tuple[str, str] | None:
    """"点评张伟:方案周四前给我" / "comment on Tom's report: good call": (who, the comment), or None."""
    for pattern in _COMMENT:
        match = pattern.match(text)
        if match and match["text"].strip():
            return match["who"].strip(), match["text"].strip()
    return None


def weekly_asked(text: str) -> bool:
    """A typed request for the report asks for the 周报, not the 日报."""
    return "周报" in text or bool(re.search(r"\bweek(?:ly|'?s)\b", text, re.I))

"""Money owed and received: which question a receivables sentence asks, the date a payment came in, and which
installment a schedule change names ("华为第二期改到6月30日", "split Acme's 2nd installment")."""

from __future__ import annotations

import re
from datetime import date, datetime

from salesbot.nlp import prefilter
from salesbot.nlp.dates import DateError, find_date
from salesbot.nlp.numerals import normalize, parse_cn_int

_AGING = re.compile(r"账龄|逾期分布|逾期结构|\bag(?:e)?ing\b", re.IGNORECASE)
_TOP = re.compile(
    r"二八|80/20|80%的?(?:收入|营收|业绩|revenue)|大客户|重点客户|核心客户|贡献最大|"
    r"\btop\s+(?:\d+\s+)?(?:customers|accounts|clients)\b|\bbiggest\s+(?:customers|accounts|clients)\b|"
    r"\bkey\s+accounts\b|\bpareto\b",
    re.IGNORECASE,
)
_MINE = re.compile(
    r"我的(?:应收|回款|欠款|收款)|\bmy\s+(?:receivables|collections|outstanding|debtors)\b", re.IGNORECASE
)
# The asker reaches past a rep's own book: "全公司谁还欠款", "who owes the whole team".
_WIDE = re.compile(
    r"全公司|整个公司|公司所有|所有客户|全部客户|全团队|整个团队|团队|全部门|\b(?:company|whole\s+team|team's|"
    r"all\s+(?:customers|clients|accounts)|everyone)\b",
    re.IGNORECASE,
)
_EXPORT = re.compile(
    r"^\s*(?:请|帮我)?(?:导出|导出来|导出表格|导出excel|下载|发(?:个|一份)?excel|发(?:个|一份)?表格|"
    r"export(?:\s+(?:it|this|that|them|to\s+excel|as\s+xlsx|xlsx|excel|the\s+list))?|excel|xlsx|download)"
    r"\s*(?:吧|一下)?\s*[.!。！]?\s*$",
    re.IGNORECASE,
)
_MORE = re.compile(r"^\s*(?:更多|下一页|再来|继续|more|next(?:\s+page)?|show\s+more)\s*[.!。]?\s*$", re.IGNORECASE)
_YES = re.compile(r"^\s*(?:确认|是|是的|对|好|好的|没问题|ok|okay|yes|y|confirm|sure|correct)\s*[.!。！]?\s*$", re.I)

_CN_ORDINAL = re.compile(r"第\s*(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?:期|笔|次付款)")
_EN_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8}
_EN_ORDINAL = re.compile(
    r"\b(?:(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth)|(?P<num>\d+)(?:st|nd|rd|th))\s+"
    r"(?:installment|instalment|payment|tranche)\b|\b(?:installment|instalment|tranche)\s*#?\s*(?P<after>\d+)\b",
    re.IGNORECASE,
)
_FIRST = re.compile(r"首期|首付款|首笔", re.IGNORECASE)
_SPLIT = re.compile(r"拆|分成两|分两笔|\bsplit\b", re.IGNORECASE)
# A schedule change names an installment and a change: moved, pushed back, split.
SCHEDULE_CHANGE = re.compile(
    r"改到|改成|改为|推迟|延期|延后|顺延|推到|挪到|调整|提前到|拆|往后推|往后挪|推后|延迟|"
    r"延到|延至|推至|改至|改期|宽限到|往后延|拖到|改\s*(?=\d)|(?:回款|付款|到期)日期?[\s,，]*改|"
    r"\b(?:move[ds]?|moving|push(?:ed)?|postpone[ds]?|reschedule[ds]?|delay(?:ed)?|split|change[ds]?|bring\s+forward|"
    r"defer(?:red|s)?)\b",
    re.IGNORECASE,
)


def question(text: str) -> str:
    """Which receivables answer a sentence wants: aging, top (the 80/20), mine, or who_owes (the default)."""
    if _AGING.search(text):
        return "aging"
    if _TOP.search(text):
        return "top"
    if _MINE.search(text):
        return "mine"
    return "who_owes"


def asks_wider(text: str) -> bool:
    return bool(_WIDE.search(text))


def is_export(text: str) -> bool:
    return bool(_EXPORT.match(text))


def is_more(text: str) -> bool:
    return bool(_MORE.match(text))


def is_yes(text: str) -> bool:
    return bool(_YES.match(text))


def installment_number(text: str) -> int | None:
    """The installment a sentence names: 第二期 / 首期 / 2nd installment / installment 2."""
    clean = normalize(text)
    if match := _CN_ORDINAL.search(clean):
        n = match["n"]
        return int(n) if n.isdigit() else parse_cn_int(n)
    if match := _EN_ORDINAL.search(clean):
        if match["word"]:
            return _EN_WORDS[match["word"].lower()]
        return int(match["num"] or match["after"])
    if _FIRST.search(clean):
        return 1
    return None


def is_split(text: str) -> bool:
    return bool(_SPLIT.search(text))


# A payment due named without its number (2026-12-07 set): 尾款, 付款日, 定金, "the deposit", "final payment". The
# handler asks which installment.
_DUE_THING = re.compile(
    r"尾款|定金|订金|首付|预付款|付款|回款|款项|[这那]笔款|到期日|账期|(?<=[的期])款|货款|设备款|"
    r"[这那]笔[\u4e00-\u9fff]{0,4}?[款钱]|[这那]笔[^,，。;；]{0,8}?(?:款|钱)|回款日|付款日|"
    r"\b(?:deposit|down\s*payment|final\s+payment|balance\s+payment|payment\s+date|due\s+date|installment|instalment)s?\b",
    re.IGNORECASE,
)


# "hooli payment now due dec 15", "the deposit is now due on the 20th": a due day said anew, a change without a
# change verb.
_NOW_DUE = re.compile(
    r"\b(?:payment|deposit|installment|instalment|invoice|balance|tranche)s?\s+(?:is\s+|are\s+)?now\s+due\b|"
    r"\bdue\s+date\s+(?:is\s+)?now\b|\bnew\s+due\s+date\b|"
    # "push the initech payment to 12/20": a payment moved (a payment reported is never pushed or postponed)
    r"\b(?:move|push|postpone|reschedule|delay|bump)(?:s|ed|d)?\b[^.,;!?]{0,30}?\bpayments?\b|"
    r"\bpayments?\b[^.,;!?]{0,20}?\b(?:moved|pushed|postponed|rescheduled|delayed|bumped)\b|"
    # "umbrella wants to pay on jan 15 instead": a new day for a payment
    r"\bpay(?:ing|ment)?\b[^.!?]{0,30}?\binstead\b",
    re.IGNORECASE,
)
# tune4: a payment moved said around it: "move their payment to the 15th", "payment need postpone to 12.20",
# "instalment be deferred until…", "wants to pay on jan 15 instead", 要延到12月20号才能付.
_MOVED_PAYMENT = re.compile(
    r"\b(?:move[ds]?|moving|push(?:ed|es|ing)?|postpone[ds]?|delay(?:ed|s)?|defer(?:red|s)?|reschedule[ds]?|"
    r"shift(?:ed|s)?|bump(?:ed|s)?)\b[^.;!?]{0,30}?"
    r"\b(?:payments?|installments?|instalments?|deposit)\b[^.;!?]{0,12}?\b(?:to|until|till|back|out)\b|"
    r"\b(?:payments?|installments?|instalments?|deposit)\b[^.;!?]{0,30}?"
    r"\b(?:postpone[ds]?|delay(?:ed)?|defer(?:red)?|push(?:ed)?|moved?)\b|"
    r"\bpay\s+(?:on|by|in)\b[^.;!?]{1,20}?\binstead\b|"
    r"(?:延到|推到|拖到|改到|挪到|推迟到)[^,，。;；]{1,14}?(?:才|再)(?:能|可以)?(?:付|打|结|给钱)",
    re.IGNORECASE,
)
_MAY_MOVE_PAYMENT = prefilter.gate((_MOVED_PAYMENT,))  # payment, 延到…: one search before the pattern


def names_schedule_change(text: str) -> bool:
    """ "华为第二期改到6月30日", "美团的付款日改成12.15", "reschedule Stark's deposit": a payment due and a change to
    it (not "第二期还欠多少")."""
    if _NOW_DUE.search(text) or (_MAY_MOVE_PAYMENT.search(text) and _MOVED_PAYMENT.search(text)):
        return True
    if not SCHEDULE_CHANGE.search(text):
        return False
    return installment_number(text) is not None or bool(_DUE_THING.search(text))


def payment_day(text: str, *, now: datetime) -> date:
    """The day a payment came in: a date said in the sentence (yesterday and last Friday included), else today.

    Raises DateError("future") for a day after today: money cannot have arrived yet.
    """
    try:
        reading = find_date(text, now=now, allow_past=True)
    except DateError:
        reading = None
    if reading is None:
        return now.date()
    if reading.date > now.date():
        raise DateError("future", text, "a payment cannot arrive after today")
    return reading.date

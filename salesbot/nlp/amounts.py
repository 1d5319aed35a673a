"""Money amounts and payment terms as reps write them, in Chinese and English.

`find_amount` reads the amount in a sentence ("京东合同提交审批,金额45.5万,分三期" -> 455000),
`parse_amount` reads an answer that is only an amount ("45.5万", "约8,500"), and `find_terms` reads
payment terms (分三期, 30% upfront, net 60, 货到付款). Pure: no I/O, nothing else of salesbot's
but the numeral helpers. Formatting for display is not done here.

What is read as money:
- A number with a currency: a prefix (¥ ￥ RMB CNY 人民币, $ US$ USD 美元, € EUR 欧元, HK$ HKD
  港币 港元) or a suffix (元 块 块钱 人民币 RMB, 美元 美金 USD dollars, 欧元 EUR euros, 港币 港元
  HKD). HK$ is HKD, never USD; a $ glued to other letters (NT$, A$) is no currency we know, and the
  number after it is not read. Without a currency, `currency` is None and the caller applies the
  team's default.
- A number with a magnitude: 万 亿 千 百 (and 千万, 百万), w (chat shorthand for 万), k, m/mn,
  bn, thousand, million, billion. Colloquial tails are read: 3万5 = 35000, 3万5千 = 35000,
  3万2500 = 32500, 1亿2 = 120000000, 2千5 = 2500.
- Chinese numerals with a unit (三千, 三十万, 一点五万); full-width digits are read like ASCII ones.
- A number written with thousands separators (1,200,000; 8,500; 1,200,000.50).
- THE RULE FOR BARE NUMBERS: a plain Arabic number with none of the above (8500, 45.5) counts only
  when the sentence also carries a money word (金额 合同 款 付 收到 到账 报价 价 费 额 预算 发票
  欠, amount contract paid payment received invoice wired transferred deposit price quote worth
  total budget deal owe balance ...). A bare Chinese numeral without a unit (三, 十五) never counts
  in a sentence: Chinese writers name money with a unit. An unseparated run of 11 or more digits is
  a phone or account number, never money. `parse_amount` drops the money-word requirement, since
  the question already asked "how much?".

What is never money, whatever the markers:
- Dates and times: a number followed by 月 日 号 点 时 年 周..., or joined to another number by
  - / : . ~ (12月5日, 下午3点, 2026-12-05, 12/5, 10:30, 3-5万 as a range), or next to an English
  month name (Dec 5), or a bare 19xx/20xx after in/since/by/until... (in 2026).
- Percentages (30%, 30 percent, 百分之三十) and ordinals (第3, 3rd).
- Counts: a number followed by a classifier (3天, 分三期, 见了3个人, 拜访了3家, 3千台, 10多次) or,
  when no currency is written, by an English count noun (3 licenses, 20k users, 60 days).
- References: numbers after net, 第, #, No., stage/phase/version, phone/WeChat/QQ words, or an
  invoice or order number (invoice 1234).

Several amounts in one sentence: a marked one (currency, magnitude, separators or a Chinese unit)
beats a bare one; among those, the whole sum beats a part (after 首付/定金/尾款/每期/deposit/balance,
or before each/per month//月); then the first in the text wins. So "首付10万,合同50万" gives 500000,
and "收到首付10万" still gives 100000.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from babel.numbers import list_currencies

from salesbot.nlp.numerals import normalize, parse_cn_int

__all__ = ["Money", "Terms", "find_amount", "find_amounts", "find_terms", "parse_amount"]


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None  # ISO 4217 when the text names one; None: the caller applies the team's default
    start: int  # span in the text as given (normalising keeps offsets)
    end: int


@dataclass(frozen=True)
class Terms:
    installments: int | None = None  # 分三期, 3 installments
    upfront_percent: Decimal | None = None  # 30% upfront, 首付30%
    net_days: int | None = None  # net 60, 60天账期, 月结30天
    on_delivery: bool = False  # 货到付款, cash on delivery


# --- the amount grammar ----------------------------------------------------------------------

_CN_DIGITS = "零〇○一二两兩三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖"
_CN_UNITS = "十拾百佰千仟万萬亿億廿卅"
_CN_BIG = frozenset("百佰千仟万萬亿億")

_PREFIX_CURRENCY = {
    "hk$": "HKD",
    "us$": "USD",
    "$": "USD",
    "¥": "CNY",
    "￥": "CNY",
    "€": "EUR",
    "rmb": "CNY",
    "cny": "CNY",
    "usd": "USD",
    "eur": "EUR",
    "hkd": "HKD",
    "人民币": "CNY",
    "美元": "USD",
    "欧元": "EUR",
    "港币": "HKD",
    "港元": "HKD",
    "港幣": "HKD",
}
def currency_named(text: str) -> str | None:
    """The currency a short answer names ("美元", "usd", "$", "港币"), or None."""
    word = text.strip().lower()
    if len(word) == 3 and word.isalpha() and word.isascii():
        return word.upper()
    return _PREFIX_CURRENCY.get(word) or _SUFFIX_CURRENCY.get(word)


_SUFFIX_CURRENCY = {
    "元": "CNY",
    "圆": "CNY",
    "块": "CNY",
    "块钱": "CNY",
    "人民币": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "美元": "USD",
    "美金": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "欧元": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "港币": "HKD",
    "港元": "HKD",
    "港幣": "HKD",
    "hkd": "HKD",
}
_MULTIPLIERS = {
    "百": 100,
    "佰": 100,
    "千": 1000,
    "仟": 1000,
    "万": 10**4,
    "萬": 10**4,
    "亿": 10**8,
    "億": 10**8,
    "w": 10**4,
    "k": 1000,
    "thousand": 1000,
    "m": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "bn": 10**9,
    "billion": 10**9,
}

# Words after a number that make it a count, a date or a time rather than money. 多/余/来/几 may sit
# in between ("10多次").
_CLASSIFIERS = (
    "个|家|人|位|名|次|天|日|号|月|年|"
    # 周一 / 星期五 after a sum is the day it came (¥36,000周一到账), not a count of weeks.
    "周(?![一二三四五六日天末])|星期(?![一二三四五六日天])|礼拜(?![一二三四五六日天])|"
    "小时|钟|分|秒|点|时|期|台|套|件|条|份|张|单|笔|批|箱|"
    "瓶|只|辆|部|本|页|项|种|层|楼|倍|成|折|岁|度|米|吨|斤|克|公斤|公里|寸|级|轮|遍|趟|季|届|栋|间|场|回|版|"
    "集|处|所|座|支|双|对|组|册|节|门|款|户|例|起|盒|包|袋|桌|头|码|股|元旦"
)
# 块 is also a classifier (3块屏幕); it is money only before 钱, a particle, punctuation or the end.
_KUAI = r"块钱|块(?=$|[\s,.;:!?)、]|[了的吧啊呢哦左右多整到已给付过]|[A-Za-z0-9])"

_PREFIX = (
    r"(?<![A-Za-z])(?i:hk|us)?\$|[¥￥€]|(?<![A-Za-z])(?i:rmb|cny|usd|eur|hkd)(?![A-Za-z])|"
    r"人民币|美元|欧元|港币|港元|港幣"
)
_SUFFIX = (
    rf"{_KUAI}|元(?!旦)|圆|人民币|美元|美金|欧元|港币|港元|港幣|"
    r"(?i:rmb|cny|usd|hkd|eur|dollars?|bucks|euros?)(?![A-Za-z])"
)
_MULT = (
    r"[千仟百佰]?[万萬亿億]|[千仟百佰]|"
    r"(?i:[kw]|mn|bn|m)(?![A-Za-z])|\s?(?i:thousand|million|billion)(?![A-Za-z])"
)
# A colloquial tail after 万/亿/千: 3万5, 3万5千, 3万2500, 1亿2, 2千5. Never after a decimal (1.5万3); a full stop
# after it ends the sentence (1万5。).
_TAIL = (
    r"(?:(?<=[万萬])(?P<tw>\d[千仟]|\d{4}(?!\d)|\d)|(?<=[亿億千仟])(?P<t1>\d))"
    rf"(?![\d:/\-~%]|[.,]\d|\s?(?:多|余|来|几)?\s?(?:{_CLASSIFIERS}))"
)
# Where a number may not start without a prefix: inside a word or another number, after a date,
# time or range separator (12/5, 10:30, 3-5, 3~5, 1.2.3), after 周/第/初 (周一, 第三), or after 百分之
# (a percentage). A colon or tilde alone is fine: "金额:8500", "~5000".
_START = r"(?<![0-9_#+@/\-$¥￥€周第初])(?<!\d[.,:~])(?<!星期)(?<!礼拜)(?<!百分之)(?<!分之)"

_AMOUNT = re.compile(
    rf"""
    (?:(?P<pre>{_PREFIX})\s?)?
    (?(pre)|{_START})
    (?:
        (?(pre)|(?<![A-Za-z]))
        (?P<int>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?!\d))(?:\.(?P<frac>\d+)(?!\d))?
        (?![.:/\-~]\d)
        (?:(?P<mult>{_MULT})(?:(?(frac)(?!)|{_TAIL}))?)?
      |
        (?P<cn>[{_CN_DIGITS}{_CN_UNITS}]+)
        (?:点(?P<cnfrac>[{_CN_DIGITS}]+)(?P<cnunit>[万萬亿億]))?
    )
    (?:\s?(?P<suf>{_SUFFIX}))?
    """,
    re.VERBOSE,
)

_AFTER_PERCENT = re.compile(r"\s?(?:%|(?i:percent|pct)(?![A-Za-z])|个百分点)")
# 块 here is the classifier sense that _SUFFIX left unread (5块屏幕): a count, not money.
# "35万 分3期": 分 there starts the installments (issue 17), it does not count the 35万.
_AFTER_CLASSIFIER = re.compile(
    rf"\s?(?:多|余|来|几)?\s?(?:{_CLASSIFIERS}|块)(?<!分(?=\s?[\d一二两三四五六七八九十]+\s?[期次笔]))"
)
_AFTER_WORD = re.compile(r"\s*([A-Za-z][A-Za-z']*)")


def _words(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


# Singular nouns that make a number a count, a date or a time. Not payment, order or installment:
# "a 5000 payment" is a sum.
_COUNT_WORDS = _words(
    "day week month year hour hr minute min second sec time person people user seat license licence unit",
    "piece pc item visit call meeting customer client box page employee staff member site store branch",
    "device server node account quarter km kg lb ton am pm o'clock percent times x st nd rd th",
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september",
    "oct october nov november dec december",
)
# English words ending in "s" that are not plural nouns, so "paid 5000 as deposit" is not a count.
_NOT_PLURAL = _words(
    "is was as has does this thus plus minus less unless its his hers ours yours theirs us yes thanks across",
    "towards afterwards always besides perhaps whereas gross dollars bucks euros",
)
_MONTH_BEFORE = re.compile(
    r"(?i:\b(?:jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    r"september|oct|october|nov|november|dec|december)\.?\s*)$"
)
# Numbers that are references, not sums: net 60, 第3, #12, No. 5, stage 3, a phone number.
_NEVER_AFTER = re.compile(
    r"(?:(?i:\b(?:net|no\.|number|ext\.?|id|tel|phone|mobile|cell|call|fax|wechat|whatsapp|qq|stage|phase|step|"
    r"round|version|level|tier|room|floor|line|item|page|section|clause|chapter|week|day|batch|part))|"
    r"电话|手机|号码|微信|传真|单号|编号|工号|尾号|邮编|阶段|版本|第|#)\s*[:：]?\s*$"
)
_ID_AFTER = re.compile(
    r"(?:(?i:\binvoice|\border|\bpo|\bticket|\bcase|\bref)|发票|订单|合同号)\s*(?:(?i:no\.?|number|#))?\s*[:：]?\s*$"
)
_YEAR_AFTER = re.compile(r"(?i:\b(?:in|since|until|till|by|before|after|of|from|year|fy|to)\s*)$")
# A part of the sum rather than the whole, said before the number ("首付10万", "deposit of $5k") ...
_PART_AFTER = re.compile(
    r"(?:首付|预付|定金|订金|首款|头款|尾款|余款|每期|每月|每年|每笔|"
    r"(?i:deposit|upfront|down payment|balance|each|per (?:month|year|installment|instalment)))"
    r"\s*(?:款)?\s*(?:为|是|(?i:of)|:)?\s*$"
)
# ... or after it: "3 installments of 10k each, total 30k".
_PART_BEFORE = re.compile(
    r"\s*(?:/月|/年|/期|(?i:each|apiece|a month|a year|per (?:month|year|quarter|installment|instalment))(?![A-Za-z]))"
)
# Labels that make the number after them money in any sentence ("报价80万", "budget 50k").
_LABEL_AFTER = re.compile(
    r"(?:金额|报价|预算|价格|总价|总额|合同额|合同金额|单价|售价|价钱|费用|"
    r"(?i:amount|budget|price[ds]?|priced at|quoted?|quote of|worth|valued at|value|deal size|fee))"
    r"(?:\s*(?:是|为|约|大约|大概|在|(?i:of|at|is|about|around|roughly)|:))*\s*$"
)
_MONEY_WORDS = re.compile(
    r"金额|合同|款|付|收到|收了|到账|打了|转了|汇了|报价|价|费|额|预算|发票|开票|成交|欠|"
    r"(?i:\b(?:amount|contract|paid|pay|payment|received?|invoiced?|wired|transferred|deposit|price[ds]?|quoted?|"
    r"worth|value|total|budget|deal|sum|fee|owes?|owed|owing|outstanding|balance|cost|revenue|remitted))"
)
_PHONE_DIGITS = 11
_LOOKBACK = 24  # enough for the longest phrase checked before a number ("budget of around ")


@dataclass(frozen=True)
class _Candidate:
    money: Money
    marked: bool  # currency, magnitude, separators or a Chinese unit: money on its face
    part: bool  # a down payment, balance or instalment rather than the whole sum


def find_amounts(text: str) -> tuple[Money, ...]:
    """Every amount in a sentence, in text order (the rules are in the module docstring)."""
    return tuple(c.money for c in _candidates(normalize(text), answer=False))


def find_amount(text: str, *, exclude: Iterable[tuple[int, int]] = (), explicit: bool = False) -> Money | None:
    """The amount a sentence is about, or None.

    `exclude` are spans already taken by something else (a customer called "3M", a date).
    `explicit` keeps only amounts that are money on their face: the currency is written (¥50万,
    50万元, $120k) or a money label comes right before (金额50万, 报价80万, 预算50万, budget 50k) —
    for sentences that are not about money, where a bare 20万 may be followers, units or headcount.
    """
    clean = normalize(text)
    spans = tuple(exclude)
    best: _Candidate | None = None
    for c in _candidates(clean, answer=False):
        m = c.money
        if explicit and m.currency is None and not _LABEL_AFTER.search(clean, max(0, m.start - _LOOKBACK), m.start):
            continue
        if any(m.start < end and start < m.end for start, end in spans):
            continue
        if best is None or (c.marked, not c.part) > (best.marked, not best.part):
            best = c
    return best.money if best else None


_ANSWER_BEFORE = re.compile(
    r"\s*(?:(?:大约|大概|约|差不多|共|一共|总共|总计|合计|金额|"
    r"(?i:around|about|approx\.?|approximately|roughly|total|amount))\s*[:：]?\s*|[~≈]\s*)?"
)
_ANSWER_AFTER = re.compile(r"\s*(?:左右|上下|吧|整|多)?\s*[.!。]?\s*")


def parse_amount(text: str) -> Money | None:
    """An answer that is only an amount ("45.5万", "8500", "约$120k"); None if it is anything else."""
    clean = normalize(text)
    found = _candidates(clean, answer=True)
    if len(found) != 1:
        return None
    m = found[0].money
    if not (_ANSWER_BEFORE.fullmatch(clean, 0, m.start) and _ANSWER_AFTER.fullmatch(clean, m.end)):
        return None
    return m


def _candidates(text: str, *, answer: bool) -> list[_Candidate]:
    found: list[_Candidate] = []
    has_money_word: bool | None = None  # looked up once, only when a bare number needs it
    for match in _AMOUNT.finditer(text):
        # A bare number in a sentence is money only beside a money word; decide that from the
        # match's form first, so a line of numbers ("at 3 at 3 …") is not read number by number.
        if not answer and not _marked(match):
            if match["cn"] is not None:
                continue
            if has_money_word is None:
                has_money_word = _MONEY_WORDS.search(text) is not None
            if not has_money_word:
                continue
        with localcontext() as exact:
            # Decimal's default 28 digits would round a long number (or fail to quantize it): read it whole, and
            # let the service refuse an amount too large rather than the reading crash or change it.
            exact.prec = len(text) + 28  # more digits than the text has, and room for 亿 and the like
            reading = _read(match, text)
        if reading is None:
            continue
        amount, currency = reading
        before = text[max(0, match.start() - _LOOKBACK) : match.start()]
        found.append(
            _Candidate(
                Money(amount, currency, match.start(), match.end()),
                marked=_marked(match),
                part=_PART_AFTER.search(before) is not None or _PART_BEFORE.match(text, match.end()) is not None,
            )
        )
    return found


def _marked(match: re.Match[str]) -> bool:
    """Whether the match's own form says money: a currency, a multiplier (万, k), a thousands comma, a 角 part."""
    if match["pre"] or match["suf"]:
        return True
    if match["cn"] is not None:
        return match["cnfrac"] is not None or any(c in _CN_BIG for c in match["cn"])
    return match["mult"] is not None or "," in match["int"]


def _read(match: re.Match[str], text: str) -> tuple[Decimal, str | None] | None:
    """The value and currency of one match, or None when it is not money."""
    pre, suf = match["pre"], match["suf"]
    currency = _PREFIX_CURRENCY[pre.lower()] if pre else None
    if suf:
        currency = currency or _SUFFIX_CURRENCY[suf.lower()]
    start, end = match.start(), match.end()
    code = _CODE_AFTER.match(text, end) if currency is None else None
    # An ISO code after the amount (500 GBP, 9万 JPY) names its currency; an unknown one ending a clause (9万 XYZ) is
    # kept as written, for the service to refuse rather than to take the amount as the team's own currency.
    if code is not None and (code[1] in _ISO_CODES or code.end() == len(text) or text[code.end()] in _CLAUSE_END):
        currency = code[1]
    before = text[max(0, start - _LOOKBACK) : start]
    if _NEVER_AFTER.search(before):
        return None
    if not suf:
        if _AFTER_PERCENT.match(text, end) or _AFTER_CLASSIFIER.match(text, end):
            return None
        if end < len(text) and text[end].isascii() and text[end].isalpha():
            return None  # 3pm, 5kg, 4G, 15th
        if currency is None and _is_count_word(text, end):
            return None
    if currency is None and _MONTH_BEFORE.search(before):
        return None
    if match["cn"] is not None:
        return _read_chinese(match, currency)
    digits = match["int"]
    if match["frac"] is None and match["mult"] is None and currency is None and "," not in digits:
        # A bare integer: a phone number, an id, or a year is not money.
        if len(digits) >= _PHONE_DIGITS or _ID_AFTER.search(before):
            return None
        if len(digits) == 4 and digits[:2] in ("19", "20") and _YEAR_AFTER.search(before):
            return None
    amount = Decimal(digits.replace(",", "") + (f".{match['frac']}" if match["frac"] else ""))
    mult = match["mult"]
    if mult:
        value = _multiplier(mult)
        amount *= value
        amount += _tail(match, value)
    return _clean(amount), currency


def _read_chinese(match: re.Match[str], currency: str | None) -> tuple[Decimal, str | None] | None:
    run = match["cn"]
    whole = parse_cn_int(run)
    if whole is None:
        return None
    amount = Decimal(whole)
    if match["cnfrac"]:
        frac_digits = "".join(str(parse_cn_int(c)) for c in match["cnfrac"])
        amount = Decimal(f"{whole}.{frac_digits}") * _multiplier(match["cnunit"])
    return _clean(amount), currency


_CODE_AFTER = re.compile(r" ?([A-Z]{3})(?![A-Za-z])")
_ISO_CODES = frozenset(list_currencies())
_CLAUSE_END = frozenset(",，.。;；!！?？、)）")


def _multiplier(word: str) -> int:
    word = word.strip().lower()
    if word in _MULTIPLIERS:
        return _MULTIPLIERS[word]
    value = 1
    for ch in word:  # 千万, 百万: the units multiply
        value *= _MULTIPLIERS[ch]
    return value


def _tail(match: re.Match[str], unit: int) -> Decimal:
    tail = match["tw"] or match["t1"]
    if not tail:
        return Decimal(0)
    if tail[-1] in "千仟":
        return Decimal(int(tail[0]) * 1000)
    if len(tail) == 4:
        return Decimal(int(tail))
    return Decimal(int(tail) * unit // 10)  # 3万5: the digit counts in the next unit down


def _is_count_word(text: str, end: int) -> bool:
    word_match = _AFTER_WORD.match(text, end)
    if word_match is None:
        return False
    word = word_match[1].lower()
    if word in _COUNT_WORDS:
        return True
    return len(word) > 2 and word.endswith("s") and word not in _NOT_PLURAL


def _clean(amount: Decimal) -> Decimal:
    """No exponent and no trailing zeros: 455000 rather than 4.55E+5 or 455000.0."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.normalize()


# --- payment terms ---------------------------------------------------------------------------

_EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
# Any count is read as written (分0期, 分99999期): the service refuses what makes no sense, never reads it as no terms.
_COUNT = rf"(\d{{1,20}}|[{_CN_DIGITS}十拾]+|(?i:{'|'.join(_EN_NUMBERS)}))"
_PERCENT = (
    rf"(?:(\d{{1,6}}(?:\.\d+)?)\s?(?:%|(?i:percent|pct)(?![A-Za-z]))|"
    rf"百分之([{_CN_DIGITS}十]+)|([{_CN_DIGITS}])成)"
)
_UPFRONT_EN = (
    r"(?i:up[- ]?front|deposit|down(?:\s+payment)?|in advance|advance(?:\s+payment)?|prepaid|prepayment|"
    r"on signing|at signing|upon signing)"
)
_UPFRONT_ZH = r"(?:首付款?|预付款?|定金|订金|首款|头款|先付|签约(?:后|时)?(?:先)?付|签合同(?:后|时)?(?:先)?付)"

_INSTALLMENTS = (
    re.compile(rf"分\s?{_COUNT}\s?期"),
    re.compile(rf"分\s?{_COUNT}\s?次\s?(?:付|支付|打款|结清|回款|还款)"),
    re.compile(rf"{_COUNT}\s?期\s?(?:付款|支付|付清|还款)"),
    re.compile(
        rf"(?<![A-Za-z]){_COUNT}\s+(?i:(?:equal|monthly|quarterly|annual|yearly)\s+)?"
        r"(?i:installments?|instalments?|tranches?|payments)(?![A-Za-z])"
    ),
)
_UPFRONT = (
    re.compile(rf"{_PERCENT}\s*(?:(?i:of\s+(?:the\s+)?(?:total|contract|amount|value|price)\s+))?{_UPFRONT_EN}"),
    re.compile(rf"{_UPFRONT_EN}\s*(?:(?i:of))?\s*[:：]?\s*{_PERCENT}"),
    re.compile(rf"{_UPFRONT_ZH}\s*(?:为|是|付)?\s*[:：]?\s*{_PERCENT}"),
    re.compile(rf"{_PERCENT}\s*(?:的)?\s*(?:首付|预付|定金|订金|首款|头款)"),
)
_NET = (
    (re.compile(r"(?i:\bnet)\s?[- ]?\s?(\d{1,20})(?!\d)"), 1),
    (re.compile(r"(?<!\d)(\d{1,20})\s?[- ]?(?i:days?\s+net\b|day\s+(?:payment\s+)?terms?\b)"), 1),
    (re.compile(r"(?i:payment\s+terms?\s*(?:of|:)?\s*)(\d{1,20})\s?(?i:days?)\b"), 1),
    (re.compile(r"(?i:\bbalance\s+(?:due\s+)?(?:in|within)\s+)(\d{1,20})\s?(?i:days)\b"), 1),
    (re.compile(rf"{_COUNT}\s?天\s?(?:的)?账期"), 1),
    (re.compile(rf"(?:账期|月结)\s?(?:为|是)?\s?[:：]?\s?{_COUNT}\s?天"), 1),
    (re.compile(rf"账期\s?(?:为|是)?\s?[:：]?\s?{_COUNT}\s?个?月"), 30),
)
_ON_DELIVERY = re.compile(
    r"货到付款|货到即付|货到付|到货付款|到货后付款?|交货(?:时|后)?付款?|"
    r"(?i:\bcash\s+on\s+delivery\b|\b(?:on|upon|at)\s+delivery\b|\bC\.?O\.?D\b)"
)
# One cheap look before the detailed patterns: most messages name no terms at all.
_ANY_TERMS = re.compile(
    r"期|次|%|％|百分之|成|首付|预付|定金|订金|首款|头款|先付|账期|月结|货到|到货|交货|"
    r"(?i:install|instalment|tranche|payments|net|upfront|up front|up-front|deposit|down|advance|prepa|signing|"
    r"day|terms|delivery|cod\b|c\.o\.d)"
)


def find_terms(text: str) -> Terms | None:
    """Payment terms named in a sentence; several may appear together. None when there are none."""
    clean = normalize(text)
    if not _ANY_TERMS.search(clean):
        return None
    installments = next((n for p in _INSTALLMENTS if (n := _first_count(p, clean)) is not None), None)
    upfront = next((pct for p in _UPFRONT if (pct := _first_percent(p, clean)) is not None), None)
    net_days = next(
        (n * scale for p, scale in _NET if (n := _first_count(p, clean)) is not None),
        None,
    )
    on_delivery = _ON_DELIVERY.search(clean) is not None
    if installments is None and upfront is None and net_days is None and not on_delivery:
        return None
    return Terms(installments=installments, upfront_percent=upfront, net_days=net_days, on_delivery=on_delivery)


def _first_count(pattern: re.Pattern[str], text: str) -> int | None:
    for match in pattern.finditer(text):
        word = match[1]
        value = _EN_NUMBERS.get(word.lower()) if word.isascii() and word.isalpha() else parse_cn_int(word)
        if value is not None:
            return value
    return None


def _first_percent(pattern: re.Pattern[str], text: str) -> Decimal | None:
    for match in pattern.finditer(text):
        digits, chinese, tenths = match[1], match[2], match[3]
        if digits:
            value = Decimal(digits)
        elif chinese:
            whole = parse_cn_int(chinese)
            if whole is None:
                continue
            value = Decimal(whole)
        else:
            tenth = parse_cn_int(tenths)
            if tenth is None:
                continue
            value = Decimal(tenth * 10)  # 三成 = 30%
        return _clean(value)  # 首付150% is read as said, and refused as terms, not dropped
    return None

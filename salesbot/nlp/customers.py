"""Recognise which customer a sales rep means.

Reps write in Chinese and English, abbreviate (华为 for 华为技术), misspell (Initec), and pick the
wrong IME candidate (比亚地 / 比亚弟 for 比亚迪).  Everything here is pure and in memory: the caller
builds one :class:`CustomerIndex` per customer list and reuses it for every message.

Decision rules (``_decide``):

* An exact name or alias beats everything else; if several customers match exactly, the rep
  must choose.  Inside a sentence, an exact mention contained in a longer exact mention is
  dropped (with customers 华为 and 华为技术, "华为技术" means 华为技术), and fuzzy hits that
  overlap an exact mention are dropped -- except a misspelt multi-word Latin name around an
  exact shorter one ("Acme Logistcs" with customers Acme and Acme Logistics): then both are
  offered, the longer first.
* Otherwise the best score wins only if no other customer is within ``MARGIN`` (0.05) of it;
  otherwise the result is "choose" with up to ``MAX_CHOICES`` candidates, best first.
* Scores below ``MIN_SCORE`` are ignored.

Scores (all in 0..1):

=========================  =============================================  =================
how                        when                                           score
=========================  =============================================  =================
exact                      normalised name equals                         1.00
alias                      normalised alias equals                        0.97
contains (core)            name minus region prefix, >= 3 chars left      0.90
prefix                     short form, >= 2 CJK chars / 3 Latin letters   0.75 + 0.15 * cover
contains (core prefix)     short form of the region-less name (腾讯)      0.70 + 0.15 * cover
contains (lookup only)     query inside a name, or a name inside query    0.60 + 0.20 * cover
homophone                  differing chars share a toneless reading       0.88 - 0.03 per extra char
homophone (near)           zh/z, ch/c, sh/s, l/n, -ng/-n confusions       0.78 - 0.03 per extra char
homophone (pinyin typed)   "jingdong" for 京东                            0.80
typo (Chinese)             one char differs                               0.55 + 0.35 * same/len
typo (Latin)               OSA distance <= 1 (len 4-7) / <= 2 (len >= 8)  0.60 + 0.30 * (1 - d/len)
=========================  =============================================  =================

``cover`` is the fraction of the name the mention covers, so a short form is weaker evidence
against a long name than against a short one (阿里 -> 阿里云 0.85, -> 阿里巴巴 0.825: still within
the margin, so the rep chooses).

Sentences are stricter than ``lookup`` answers, because a sentence is mostly words that are not
customer names:

* Chinese: a fuzzy window must keep the name's first two or last two characters (or, for
  3-char names, the first and last) and at least half of all characters; one non-homophone
  typo is allowed only in names of >= 4 chars (新地方 must not be 新东方), near homophones only
  one char in names of >= 3 chars, and 2-char names must be written exactly (今天 "today"
  would otherwise be the customer 金天, 没得 would be 美的).  ``lookup`` accepts 京冬 for 京东.
* Latin: typos need a name of >= 5 letters (Acme must not match "acne"); short forms must be
  whole leading words of the name, not starting with a common word (not "the home" or
  "home" for The Home Depot); names need word boundaries ("aacme" is not Acme).
* A short form shared by more than ``_MAX_SHORT_FORM_FANOUT`` customers is generic there.
* No mention crosses punctuation: "华为,技术总监" is not 华为技术.

Known limits: without a word list, a name that is also an ordinary word still matches
(很美的 -> 美的), and so does a 2-char short form of a 3-char name (新东西 -> 新东方).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, product
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "MARGIN",
    "MAX_CHOICES",
    "MIN_SCORE",
    "CustomerIndex",
    "CustomerMatch",
    "CustomerName",
    "Resolution",
]


@dataclass(frozen=True)
class CustomerName:
    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerMatch:
    customer: CustomerName
    score: float  # 0..1, 1 = exact
    how: str  # "exact" | "alias" | "prefix" | "contains" | "typo" | "homophone"
    start: int | None = None  # span of the mention in the text searched
    end: int | None = None


@dataclass(frozen=True)
class Resolution:
    # "one" | "choose" | "none" | "confirm": a longer name that only contains a known one (华为云 with 华为 known):
    # matches[0] is the guess, unknown_name the name as written; ask, never assume (issue 17).
    kind: str
    matches: tuple[CustomerMatch, ...] = ()
    unknown_name: str | None = None  # a name in the sentence that no customer has: offer it as a new customer

    @property
    def match(self) -> CustomerMatch | None:
        return self.matches[0] if self.kind == "one" else None

    @property
    def slipped(self) -> bool:
        """The one match was guessed through a slip (a typo, a near sound, a two-character homophone): confirm it."""
        m = self.match
        return m is not None and m.how in ("typo", "homophone") and m.score < _SURE_SLIP


# --- decision thresholds -------------------------------------------------------------------

MARGIN = 0.05
_SURE_SLIP = 0.85  # a homophone of a name of three or more characters (比亚地) is read without asking
_TWO_CHAR_HOMOPHONE = 0.8  # 华闰 for 华润 inside a sentence: matched, but confirmed
MAX_CHOICES = 5
MIN_SCORE = 0.6
# A short form matching more customers than this (in a sentence) is a generic word, not a
# reference to any of them: "北京" for 300 北京xx companies.
_MAX_SHORT_FORM_FANOUT = 8
# Entries kept by each index's memo of per-mention answers before it starts afresh.
_CACHE_SIZE = 8192

_Found = tuple[tuple[float, str, int], ...]  # (score, how, customer) for each customer a mention gives
_ExactStep = tuple[int, bool, _Found]  # (length, ends in a Latin letter/digit, what it gives)
_PrefixStep = tuple[int, bool, bool, _Found]  # (length, ends in a Latin letter/digit, valid, what it gives)

_EXACT = 1.0
_ALIAS = 0.97
_CORE = 0.9
_PREFIX_BASE = 0.75
_CORE_PREFIX_BASE = 0.7
_PREFIX_SPAN = 0.15
_CONTAINS_BASE = 0.6
_CONTAINS_SPAN = 0.2
_HOMOPHONE = 0.88
_NEAR_HOMOPHONE = 0.78
_HOMOPHONE_STEP = 0.03
_PINYIN_TYPED = 0.8
_FUZZY_CORE_PENALTY = 0.05
_INSIDE_QUERY_PENALTY = 0.05

_KIND_SCORE = {"exact": _EXACT, "alias": _ALIAS, "core": _CORE}
_KIND_HOW = {"exact": "exact", "alias": "alias", "core": "contains"}
_KIND_RANK = {"exact": 0, "alias": 1, "core": 2}
_HOW_ORDER = {"exact": 0, "alias": 1, "prefix": 2, "contains": 3, "homophone": 4, "typo": 5}
_EXACT_HOWS = frozenset(("exact", "alias"))

_NONE = Resolution("none", ())
# Where a short name may stand in a sentence: after these characters (拜访了X, 和X, 给X) and before these (X的, X那边).
# 去了趟安塔总部 (2026-12-07 set): 趟 before a name, 总部 / 公司 / 团队 after it. 2026-12-08 sets: after 的 too
# (的浪朝那个项目); a company suffix as written after the slip (华闰集团, 华闰股份), and the money, the news or the
# visit right after it (找华闰收款, 找格历要钱, 格历没戏了, 华闰也签了, 华闰都付了, 去华闰拜访, 腾迅尾款到了).
_NAME_BEFORE = frozenset("了和跟给约到在访见去与同问找催帮趟的")
_NAME_AFTER = frozenset("的了那这签还打进开来说聊谈合欠回付已赢输丢黄拿总公团现目集股收没也都拜要尾首定")
# A run-on sentence: the follow-up's day right after the name (去了趟恒锐下周三再约).
_DAY_AFTER_NAME = re.compile(r"下(?:周|个|月|礼拜|星期)|明天|后天|周[一二三四五六日天]|月底|过两天")

# --- normalisation data --------------------------------------------------------------------

_CJK_SUFFIXES = (
    "集团股份有限公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
    "股份",
)


def _wordlist(*lines: str) -> list[str]:
    return " ".join(lines).split()


_LATIN_SUFFIXES = frozenset(
    _wordlist(
        "inc incorporated ltd limited co corp corporation company llc llp lp plc gmbh ag sa srl bv",
        "pte pty group holdings",
    )
)
# Legal names often start with where the company is registered; reps never say that part.
_REGIONS = tuple(
    sorted(
        _wordlist(
            "中国 北京 上海 天津 重庆 广东 广州 深圳 杭州 浙江 江苏 南京 苏州 无锡 宁波 成都 四川 武汉",
            "湖北 湖南 长沙 西安 陕西 山东 济南 青岛 福建 厦门 福州 河南 郑州 河北 石家庄 安徽 合肥",
            "江西 南昌 辽宁 沈阳 大连 吉林 长春 黑龙江 哈尔滨 云南 昆明 贵州 贵阳 广西 南宁 海南",
            "海口 山西 太原 内蒙古 宁夏 新疆 西藏 青海 甘肃 兰州 香港 澳门 台湾 东莞 佛山 珠海",
        ),
        key=len,
        reverse=True,
    )
)
# Words that appear in many company names or in ordinary sentences; on their own they say
# nothing about which customer is meant.
_GENERIC = frozenset(
    _wordlist(
        "公司 集团 科技 技术 信息 网络 电子 实业 发展 投资 控股 贸易 国际 中华 全国 全球 有限 股份",
        "工业 服务 管理 咨询 商贸 销售 客户 产品 今天 明天 昨天 上午 下午 晚上 下周 本周 我们 他们",
        "你们 这个 那个 一个 什么 没有 方案 合同 报价 采购 经理 总监 老板 谈判 跟进 联系 拜访 会议",
        "电话 开会 项目 市场 银行 保险 医院 大学 学校 政府 工厂 中心 研究 设计 建设 工程 能源 智能",
        "数字 数据 软件 系统 物流 汽车 医药 食品 电器",
        "the a an and or of to in on at by for with from as is it its be we us our you your he she",
        "they them me my no not so do go ok hi hello hey help thanks up out new get got inc ltd co",
        "corp llc group company tech technology technologies global international china systems",
        "solutions services holdings limited industries general united national data digital",
        "software cloud network networks media bank capital partners consulting labs ai it",
        "meeting meet met call called calling deal deals proposal negotiation won lost move moved",
        "follow next week today tomorrow yesterday monday tuesday wednesday thursday friday",
        "saturday sunday cto ceo cfo team sales customer client order price quote contract signed",
        "sign demo trial renewal this that there here what when where who will would should can",
        "please about after before",
        # chat short forms: "call w hooli" is no typo of Hooli spelt "whooli"
        "w re abt pls plz thx u ur r yday tmrw tmr mtg f2f asap fyi",
        # Ordinary words that open many English company names: fine inside an exact name,
        # meaningless as a short form ("home" for The Home Depot).
        "home first american best big blue green red black white gold silver north south east west",
        "royal smart star sun bright city state union world open one power energy health care life",
        "pacific atlantic central great good",
    )
    + list(_REGIONS)
)
_REGION_HEADS: dict[str, tuple[str, ...]] = {}
for _region in _REGIONS:
    _REGION_HEADS[_region[:2]] = (*_REGION_HEADS.get(_region[:2], ()), _region)
_WORD_RE = re.compile(r"[^\W_]+")
_SOFT_PUNCT = frozenset("-_.·&'’+/")
_SEP = "\x00"  # stands in for hard punctuation in compacted text; never part of a key
_MAX_CHAR = "\U0010ffff"


_CJK_CHAR = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f]")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def _is_word(ch: str) -> bool:
    """A letter/digit of a space-separated script: such names need word boundaries."""
    return ch.isalnum() and not _is_cjk(ch)


def _meaningful(mention: str) -> bool:
    # Single characters (and two Latin letters) collide with everything.
    cjk = sum(1 for ch in mention if _is_cjk(ch))
    other = len(mention) - cjk
    return cjk >= 2 or other >= 3 or (cjk >= 1 and other >= 2)


def _all_cjk(s: str) -> bool:
    return all(_is_cjk(ch) for ch in s)


def _drop_parentheses(s: str) -> str:
    """Drop "(中国)"-style qualifiers unless the parentheses are all there is."""
    if "(" not in s:
        return s
    depth = 0
    kept: list[str] = []
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            kept.append(ch)
    out = "".join(kept)
    return out if any(ch.isalnum() for ch in out) else s


def _strip_suffixes(words: list[str]) -> list[str]:
    while words:
        last = words[-1]
        if len(words) > 1 and last in _LATIN_SUFFIXES:
            words = words[:-1]
            continue
        for suffix in _CJK_SUFFIXES:
            if last.endswith(suffix):
                rest = last[: -len(suffix)]
                # Keep "X集团" whole: a single char left over is no name.
                if len(rest) >= 2 or (rest and len(words) > 1):
                    words = [*words[:-1], rest]
                    break
                if not rest and len(words) > 1:
                    words = words[:-1]
                    break
        else:
            return words
    return words


def _name_key(raw: str) -> tuple[str, tuple[int, ...]]:
    """Comparable form of a name: NFKC, lower case, no spaces/punctuation/legal suffixes.

    Also returns the offsets where words end, so Latin short forms can be kept to whole words.
    """
    s = _drop_parentheses(unicodedata.normalize("NFKC", raw).lower())
    words = _strip_suffixes(_WORD_RE.findall(s))
    return "".join(words), tuple(accumulate(len(w) for w in words))


def _region_len(key: str) -> int:
    for region in _REGION_HEADS.get(key[:2], ()):
        if key.startswith(region):
            n = len(region)
            if key[n : n + 1] in ("市", "省"):
                n += 1
            return n
    return 0


@lru_cache(maxsize=4096)
def _norm_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).lower()


class _NormTable(dict[int, str]):
    """str.translate table: each char's NFKC lower-case form, worked out on first sight and then
    looked up at C speed (a 500-char message no longer costs a Python call a character)."""

    def __missing__(self, code: int) -> str:
        value = _norm_char(chr(code))
        if len(self) < _NORM_TABLE_SIZE:  # bounded: a text of rare symbols must not grow it for ever
            self[code] = value
        return value


_NORM_TABLE_SIZE = 65536
_NORM_TABLE = _NormTable()
# Runs of what str.isalnum() accepts ([^\W_] is exactly that), and of those that are not CJK (_is_word).
_ALNUM_RUN = re.compile(r"[^\W_]+")
_LATIN_RUN = re.compile(r"(?:(?![\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f])[^\W_])+")


def _lcp(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _typo_budget(n: int) -> int:
    return 0 if n < 4 else 1 if n <= 7 else 2


def _padded_bigrams(s: str) -> set[str]:
    p = f"^{s}$"
    return {p[i : i + 2] for i in range(len(p) - 1)}


def _osa(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (adjacent swaps cost 1), capped at ``limit + 1``."""
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        ai = a[i - 1]
        cur = [i] + [0] * lb
        row_min = i
        for j in range(1, lb + 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ai != b[j - 1]))
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[lb]


# --- pinyin --------------------------------------------------------------------------------
#
# ``import pypinyin`` costs 0.2-0.9 s and ~52 MB, almost all of it the phrase dictionary we do
# not need: names are compared char by char, a polyphonic char matching on either of its two
# most common readings.  So the single-char table is loaded lazily, on the first homophone
# comparison, straight from pypinyin's data file (~75 ms, ~2.3 MB once toneless and interned).
# If another module already imported pypinyin we reuse its table; if the data file moved, we
# fall back to importing the module.

_pinyin_table: dict[int, str] | None = None


@lru_cache(maxsize=2048)
def _toneless(syllable: str) -> str:
    s = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def _load_pinyin_table() -> dict[int, str]:
    loaded = sys.modules.get("pypinyin.pinyin_dict")
    if loaded is not None:
        return loaded.pinyin_dict  # type: ignore[no-any-return]
    try:
        spec = importlib.util.find_spec("pypinyin")  # locates the package without importing it
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
        try:
            raw: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        table: dict[int, str] = {}
        for code, readings in raw.items():
            o = int(code)
            if o < 0x10000 and _is_cjk(chr(o)):
                table[o] = sys.intern(",".join(_common_readings(readings)))
        if table:
            return table
    try:
        from pypinyin import pinyin_dict
    except ImportError:  # homophones degrade to "never", everything else still works
        return {}
    return pinyin_dict.pinyin_dict  # type: ignore[no-any-return]


def _table() -> dict[int, str]:
    global _pinyin_table
    if _pinyin_table is None:
        _pinyin_table = _load_pinyin_table()
    return _pinyin_table


def _common_readings(readings: str) -> tuple[str, ...]:
    """The two most common toneless readings (pypinyin lists them most common first).

    Rare literary readings would make far too much sound alike: 方 is also read fēng, which
    would make 新东风 a homophone of 新东方.
    """
    out: list[str] = []
    for r in readings.split(","):
        t = _toneless(r)
        if t not in out:
            out.append(t)
            if len(out) == 2:
                break
    return tuple(out)


@lru_cache(maxsize=8192)
def _readings(ch: str) -> frozenset[str]:
    raw = _table().get(ord(ch))
    return frozenset(_common_readings(raw)) if raw else frozenset()


def _fuzzy_syllable(s: str) -> str:
    """Collapse the confusions common in regional accents and IME slips."""
    for retroflex, flat in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(retroflex):
            s = flat + s[2:]
            break
    if s.startswith("l"):
        s = "n" + s[1:]
    for back, front in (("ang", "an"), ("eng", "en"), ("ing", "in")):
        if s.endswith(back):
            return s[: -len(back)] + front
    return s


@lru_cache(maxsize=8192)
def _near_readings(ch: str) -> frozenset[str]:
    return frozenset(_fuzzy_syllable(r) for r in _readings(ch))


@lru_cache(maxsize=8192)  # pure; a long message asks about the same windows again and again
def _compare_cjk(window: str, key: str, anchored: bool) -> tuple[float, str] | None:
    """Score an all-CJK window against an equally long CJK key, or None.

    ``anchored`` (sentences) demands identical characters around the difference, because
    ordinary words are one homophone away from many short names.
    """
    n = len(key)
    diffs = [i for i in range(n) if window[i] != key[i]]
    nd = len(diffs)
    if nd == 0 or (anchored and nd > (1 if n == 2 else n // 2)):
        return None
    if not all(_is_cjk(window[i]) for i in diffs):
        return None
    near = other = 0
    for i in diffs:
        a, b = window[i], key[i]
        if _readings(a) & _readings(b):
            continue
        if _near_readings(a) & _near_readings(b):
            near += 1
        else:
            other += 1
    if other == 0 and near == 0:
        return _HOMOPHONE - _HOMOPHONE_STEP * (nd - 1), "homophone"
    if other == 0:
        if anchored and (n < 3 or nd > 1):
            return None
        return _NEAR_HOMOPHONE - _HOMOPHONE_STEP * (nd - 1), "homophone"
    if other == 1 and nd == 1 and n >= (4 if anchored else 3):
        return 0.55 + 0.35 * (n - 1) / n, "typo"
    return None


_SOUNDS = (("ch", "k"), ("ck", "k"), ("ph", "f"), ("c", "k"), ("q", "k"), ("z", "s"), ("y", "i"))
_DOUBLED = re.compile(r"(.)\1+")


def _sound(word: str) -> str:
    """How a Latin name sounds, roughly: the spellings of one sound made one (ch/ck/c/q as k, ph as f, doubled
    letters as one), so a name written by ear (Initek, Umbrela) meets the name it is."""
    for written, said in _SOUNDS:
        word = word.replace(written, said)
    return _DOUBLED.sub(r"\1", word)


def _latin_typo_score(dist: int, n: int) -> float:
    return 0.6 + 0.3 * (1 - dist / n)


# --- text preparation ----------------------------------------------------------------------


class _Prepared:
    """A text in three coordinate systems: original, normalised, compact.

    Compact text drops spaces (names span them: "acme logistics", and Chinese is written
    without them) and joining punctuation inside words (AT&T, Hewlett-Packard, Initech's), and
    turns any other punctuation into ``_SEP`` so no match crosses a comma: "华为,技术总监" must not
    read as 华为技术.
    """

    __slots__ = ("c2n", "compact", "n2o", "norm")

    def __init__(self, text: str) -> None:
        self.n2o: list[int] | None = None
        if text.isascii():
            norm = text.lower()
        else:
            norm = text.translate(_NORM_TABLE)
            if len(norm) != len(text):  # some char expanded (㈱ -> (株)): map positions back one by one
                n2o: list[int] = []
                for i, ch in enumerate(text):
                    n2o.extend([i] * len(_NORM_TABLE[ord(ch)]))
                self.n2o = n2o
        self.norm = norm
        # Runs of letters and digits are kept; between two runs, whitespace and a single joining
        # character (AT&T) vanish, anything else becomes one _SEP (never before the first run).
        compact: list[str] = []
        c2n: list[int] = []
        gap_start = 0
        for m in _ALNUM_RUN.finditer(norm):
            start, end = m.span()
            if compact and start > gap_start:
                self._separate(norm, gap_start, start, compact, c2n, inner=True)
            compact.append(m.group())
            c2n.extend(range(start, end))
            gap_start = end
        if compact and len(norm) > gap_start:
            self._separate(norm, gap_start, len(norm), compact, c2n, inner=False)
        self.compact = "".join(compact)
        self.c2n = c2n

    @staticmethod
    def _separate(norm: str, start: int, end: int, compact: list[str], c2n: list[int], *, inner: bool) -> None:
        if inner and end - start == 1 and norm[start] in _SOFT_PUNCT:
            return
        for i in range(start, end):
            if not norm[i].isspace():
                compact.append(_SEP)
                c2n.append(i)
                return

    def orig(self, n: int) -> int:
        return n if self.n2o is None else self.n2o[n]

    def span(self, cstart: int, cend: int) -> tuple[int, int]:
        return self.orig(self.c2n[cstart]), self.orig(self.c2n[cend - 1]) + 1

    def norm_span(self, nstart: int, nend: int) -> tuple[int, int]:
        return self.orig(nstart), self.orig(nend - 1) + 1

    def boundary_before(self, p: int) -> bool:
        n = self.c2n[p]
        return n == 0 or not _is_word(self.norm[n - 1])

    def boundary_after(self, p: int) -> bool:
        n = self.c2n[p]
        return n + 1 >= len(self.norm) or not _is_word(self.norm[n + 1])

    def latin_words(self) -> Iterator[tuple[int, int]]:
        """Normalised spans of runs of non-CJK letters/digits."""
        for m in _LATIN_RUN.finditer(self.norm):
            yield m.span()


def _soft_gap(gap: str) -> bool:
    return gap.isspace() or (len(gap) == 1 and gap in _SOFT_PUNCT)


# --- the index -----------------------------------------------------------------------------


class _Hit(NamedTuple):
    score: float
    how: str
    cust: int
    start: int  # in the text searched; hits are always located
    end: int
    exact: bool  # the whole key matched literally (exact, alias, region-less core)
    # Latin-window fuzzy hits outweigh an exact shorter name inside them ("Acme Logistcs"
    # names Acme Logistics, not Acme); Chinese ones may not (华为终于 is not 华为终端).
    contests: bool = False
    contested: bool = False  # an exact hit inside such a fuzzy hit: no longer beats everything


class CustomerIndex:
    """Built once per customer list (cheap to build for a few thousand customers; reused across messages).

    Keys (normalised names, aliases and region-less "cores") live in one sorted list: exact hits,
    short forms and their fan-out are bisections, so no per-prefix tables are stored.  Fuzzy
    matching only looks at windows that share an anchor with some key (first/last two chars,
    chars 1 and 3 of three-char names, enough padded Latin bigrams); ``lookup`` also reaches
    names through the reading of their first char.  Pinyin indexes are built on first use.
    """

    def __init__(self, customers: Iterable[CustomerName]) -> None:
        self._customers: list[CustomerName] = list(customers)
        staged: dict[str, dict[int, str]] = {}
        word_ends: dict[str, set[int]] = {}
        regions: dict[str, int] = {}
        max_words = 1
        short_cores: dict[str, list[int]] = {}

        def add(key: str, cust: int, kind: str) -> None:
            per_key = staged.setdefault(key, {})
            old = per_key.get(cust)
            if old is None or _KIND_RANK[kind] < _KIND_RANK[old]:
                per_key[cust] = kind

        for idx, customer in enumerate(self._customers):
            for raw, kind in ((customer.name, "exact"), *((a, "alias") for a in customer.aliases)):
                key, ends = _name_key(raw)
                if not key:
                    continue
                add(key, idx, kind)
                if len(ends) > 1:
                    word_ends.setdefault(key, set()).update(ends)
                    max_words = max(max_words, len(ends))
                region = _region_len(key)
                if region:
                    regions[key] = region
                # A core of two chars is too often an ordinary word (中国移动 -> 移动 "move").
                if region and len(key) - region >= 3 and _all_cjk(key):
                    add(key[region:], idx, "core")
                elif region and len(key) - region == 2 and _all_cjk(key):
                    short_cores.setdefault(key[region:], []).append(idx)

        self._entries: dict[str, tuple[tuple[int, str], ...]] = {
            k: tuple(sorted(v.items(), key=lambda item: _KIND_RANK[item[1]])) for k, v in staged.items()
        }
        self._keys: list[str] = sorted(self._entries)
        self._word_ends: dict[str, frozenset[int]] = {k: frozenset(v) for k, v in word_ends.items()}
        self._region: dict[str, int] = regions
        # 中国联通 -> 联通: a two-character core, read only where the message opens with it (联通说…, 联通的款):
        # anywhere else it is too often an ordinary word (移动 "move", 联通 "connected").
        self._short_cores: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in short_cores.items()}
        self._max_len = max((len(k) for k in self._keys), default=0)
        self._max_words = min(max_words, 4)
        self._start: frozenset[str] = frozenset(k[:2] for k in self._keys if len(k) >= 2)

        # Anchors for one-char-off Chinese windows of names with >= 3 chars: such a window keeps
        # its first two chars, its last two, or (three-char names) chars 1 and 3.  Generic
        # bigrams (XX科技, 北京XX) anchor hundreds of names and almost never a typo, so they are
        # left out; region-led legal names are reached through their cores instead.
        self._fuzzy3: set[str] = set()
        self._end_bigram: dict[str, list[str]] = {}
        self._skip3: dict[str, list[str]] = {}
        # Latin typo candidates: each edit destroys at most 3 distinct padded bigrams, so a key
        # within distance d shares at least (its bigram count - 3d) of them with the window.
        # Postings are split by key length because only lengths within the budget can match.
        self._lat_keys: list[str] = []
        self._lat_sound: dict[str, list[str]] = {}  # a Latin key by how it sounds (initech and initek alike)
        self._lat_min_shared: list[int] = []  # bigrams a window must share with the key to be worth an OSA
        self._lat_post: dict[int, dict[str, list[int]]] = {}  # key length -> bigram -> key numbers
        self._cjk_keys: list[str] = []
        for key in self._keys:
            if key in _GENERIC:
                continue
            if _all_cjk(key):
                if len(key) < 2:
                    continue
                self._cjk_keys.append(key)
                if len(key) == 2 or key in regions:
                    continue
                if key[:2] not in _GENERIC:
                    self._fuzzy3.add(key)
                if key[-2:] not in _GENERIC:
                    self._end_bigram.setdefault(key[-2:], []).append(key)
                if len(key) == 3:
                    self._skip3.setdefault(key[0] + key[2], []).append(key)
            elif not any(_is_cjk(ch) for ch in key) and len(key) >= 4:
                bigrams = _padded_bigrams(key)
                i = len(self._lat_keys)
                self._lat_keys.append(key)
                self._lat_min_shared.append(len(bigrams) - 3 * _typo_budget(len(key)))
                if len(key) >= 5:
                    self._lat_sound.setdefault(_sound(key), []).append(key)
                for bg in bigrams:
                    self._lat_post.setdefault(len(key), {}).setdefault(bg, []).append(i)

        # Two-character names by their reading (华润 under ("hua", "run")), for a same-sound slip in a sentence.
        self._two: dict[tuple[str, str], list[str]] = {}
        for key in self._cjk_keys:
            if len(key) == 2:
                for r0 in _readings(key[0]):
                    for r1 in _readings(key[1]):
                        self._two.setdefault((r0, r1), []).append(key)
        self._two_first = frozenset(r for r, _ in self._two)
        # Names whose tail is generic (宏达贸易): the fuzzy scan never starts from the tail, so a same-sound slip in
        # the first two characters (宏大贸易) is found here, by their reading, with the tail as written.
        # Looked up where the text holds the tail as written: tail -> (reading, reading) -> names.
        self._core_two: dict[str, dict[tuple[str, str], list[str]]] = {}
        for key in self._cjk_keys:
            if 4 <= len(key) <= 6 and key[-2:] in _GENERIC and all(_is_cjk(ch) for ch in key):
                by_sound = self._core_two.setdefault(key[2:], {})
                for r0 in _readings(key[0]):
                    for r1 in _readings(key[1]):
                        by_sound.setdefault((r0, r1), []).append(key)
        self._core_ends = frozenset(tail[-2:] for tail in self._core_two)
        # The fuzzy candidates starting with each bigram (a key's first bigram is never generic here).
        self._fuzzy3_by_start: dict[str, list[str]] = {}
        for key in self._keys:
            if key in self._fuzzy3:
                self._fuzzy3_by_start.setdefault(key[:2], []).append(key)
        # Short-form and typo answers per mention: pure functions of the index, asked again and
        # again by a long message.
        self._prefix_cache: dict[tuple[str, bool], tuple[bool, _Found]] = {}
        self._plans: dict[str, tuple[tuple[_ExactStep, ...], tuple[_PrefixStep, ...]]] = {}
        self._typo_cache: dict[tuple[str, int], tuple[tuple[str, float], ...]] = {}
        self._blob_cache: tuple[str, list[int]] | None = None
        # Built on first use, since they need the pinyin table.
        self._py_first: dict[tuple[int, str], list[str]] | None = None
        self._py_joined: dict[str, list[str]] | None = None

    # -- public API -----------------------------------------------------------------------

    def lookup(self, query: str) -> Resolution:
        """Resolve a rep's answer to "which customer?"; the whole query is meant as a name."""
        key, _ = _name_key(query)
        if not key:
            return _NONE
        stripped = query.strip()
        span = (len(query) - len(query.lstrip()), len(query.rstrip()))
        hits: list[_Hit] = []
        entries = self._entries.get(key)
        if entries:
            for cust, kind in entries:
                hits.append(_Hit(_KIND_SCORE[kind], _KIND_HOW[kind], cust, *span, True))
            return self._decide(hits)
        if _meaningful(key) and key not in _GENERIC:
            self._prefix_hits(key, len(key), span, hits, whole_words=False)
            self._contains_hits(key, span, hits)
            if _all_cjk(key):
                self._cjk_query_hits(key, span, hits)
            elif not any(_is_cjk(ch) for ch in key):
                self._latin_hits(key, 4, span, hits)
        # A name written inside a longer answer ("阿里巴巴杭州分公司", "拜访比亚地") still counts,
        # but below whole-answer evidence, and the less of the answer it explains the weaker:
        # in "新东风" the short form 新东 leaves 风 unexplained, the typo reading explains it.
        for h in self._scan(stripped):
            cover = (h.end - h.start) / max(len(stripped), 1)
            start, end = h.start + span[0], h.end + span[0]
            if h.exact:
                score = _CONTAINS_BASE + _CONTAINS_SPAN * cover
                hits.append(_Hit(score, "contains", h.cust, start, end, False))
            else:
                score = h.score - _INSIDE_QUERY_PENALTY - _CONTAINS_SPAN * (1 - cover)
                hits.append(h._replace(score=score, start=start, end=end))
        return self._decide(hits)

    def find_in_text(self, text: str) -> Resolution:
        """Find the customer mentioned somewhere in a free-form sentence."""
        return self._decide(self._scan(text))

    # -- scanning -------------------------------------------------------------------------

    def _scan(self, text: str) -> list[_Hit]:
        if not text or not self._keys:
            return []
        prep = _Prepared(text)
        c = prep.compact
        hits: list[_Hit] = []
        covered = bytearray(len(c) + 1)  # compact chars inside an exact mention
        # Positions of Chinese characters (not the last), found by one regex pass rather than a test per char.
        cjk_at = [m.start() for m in _CJK_CHAR.finditer(c, 0, len(c) - 1)]
        start = self._start
        for p in range(len(c) - 1):
            # no key holds _SEP, so a separator never starts a key's bigram
            if c[p : p + 2] in start and (_is_cjk(c[p]) or prep.boundary_before(p)):
                self._exact_and_prefix_at(prep, p, hits, covered)
        if self._cjk_keys:
            # Every fuzzy window looked at from p holds p or p + 1, and a Chinese fuzzy hit that
            # overlaps an exact mention is dropped by _drop_shadowed: such positions are skipped,
            # which is what keeps a message repeating a name from costing a comparison a char.
            seen: set[tuple[str, int]] = set()
            starts, ends, skips = self._fuzzy3_by_start, self._end_bigram, self._skip3
            last = len(c) - 2
            for p in cjk_at:
                if covered[p] or covered[p + 1]:
                    continue
                bigram = c[p : p + 2]
                if bigram in starts or bigram in ends or (p < last and c[p] + c[p + 2] in skips):
                    self._cjk_fuzzy_at(prep, p, hits, seen)
        if self._two:
            self._two_char_homophones(prep, cjk_at, covered, hits)
        if self._core_two:
            self._core_homophones(prep, cjk_at, hits)
        if (custs := self._short_cores.get(c[:2])) and not covered[0] and not covered[1]:
            after = c[2] if len(c) > 2 else _SEP
            free = after in _NAME_AFTER or not (_is_cjk(after) or after.isdigit())  # 移动一下: 一 is compacted to 1
            if free or (len(c) > 2 and prep.c2n[2] > prep.c2n[1] + 1):
                hits.extend(_Hit(_CORE, "contains", cust, *prep.span(0, 2), False, False) for cust in custs)
        exact_spans = _SpanIndex((h.start, h.end) for h in hits if h.exact)
        if self._lat_keys or self._cjk_keys:
            self._latin_windows(prep, hits, exact_spans)
        return _drop_shadowed(hits, exact_spans)

    def _two_char_homophones(self, prep: _Prepared, cjk_at: list[int], covered: bytearray, hits: list[_Hit]) -> None:
        """华闰 for 华润: a two-character window with one character swapped for a same-sound one, where a name can
        stand (after a verb or punctuation, before 的/了/a verb): ordinary words sound like short names too often
        anywhere else. The match is confirmed with the rep (Resolution.slipped)."""
        c = prep.compact
        first = self._two_first
        for p in cjk_at:
            if p + 2 > len(c) or covered[p] or covered[p + 1] or not _is_cjk(c[p + 1]):
                continue
            r0s = _readings(c[p])
            if not r0s & first:
                continue
            before = c[p - 1] if p else _SEP
            after = c[p + 2] if p + 2 < len(c) else _SEP
            # a space in the sentence (恒锐 下周三) is a boundary too, though the compact text drops it
            free = (before in _NAME_BEFORE or not _is_cjk(before) or prep.c2n[p] > prep.c2n[p - 1] + 1) and (
                after in _NAME_AFTER
                or not _is_cjk(after)
                or prep.c2n[p + 2] > prep.c2n[p + 1] + 1
                or _DAY_AFTER_NAME.match(c, p + 2) is not None
            )
            if not free:
                continue
            window = c[p : p + 2]
            for r0 in r0s:
                for r1 in _readings(c[p + 1]):
                    for key in self._two.get((r0, r1), ()):
                        if key != window and (key[0] == window[0] or key[1] == window[1]):
                            self._add_fuzzy(key, (_TWO_CHAR_HOMOPHONE, "homophone"), prep.span(p, p + 2), hits)

    def _core_homophones(self, prep: _Prepared, cjk_at: list[int], hits: list[_Hit]) -> None:
        """宏大贸易 for 宏达贸易: the generic tail as written (贸易), a same-sound slip in the two characters before."""
        c, ends = prep.compact, self._core_ends
        for q in cjk_at:
            if c[q : q + 2] not in ends:
                continue
            for length in (2, 3, 4):
                start = q - length
                by_sound = self._core_two.get(c[start + 2 : q + 2]) if start >= 0 else None
                if not by_sound:
                    continue
                window = c[start : q + 2]
                for r0 in _readings(window[0]):
                    for r1 in _readings(window[1]):
                        for key in by_sound.get((r0, r1), ()):
                            if key != window and (result := _compare_cjk(window, key, anchored=True)):
                                self._add_fuzzy(key, result, prep.span(start, q + 2), hits)

    def _exact_and_prefix_at(self, prep: _Prepared, p: int, hits: list[_Hit], covered: bytearray) -> None:
        keys = self._keys
        s = prep.compact[p : p + self._max_len]
        i = bisect_left(keys, s)
        # In a sorted list the longest prefix shared with any key is shared with a neighbour.
        lcp = max(_lcp(s, keys[i]) if i < len(keys) else 0, _lcp(s, keys[i - 1]) if i else 0)
        if lcp < 2:
            return
        plan = self._plans.get(s[:lcp])
        if plan is None:
            if len(self._plans) >= _CACHE_SIZE:
                self._plans.clear()
            plan = self._plans[s[:lcp]] = self._plan(s[:lcp])
        exact_steps, prefix_steps = plan
        for length, at_word, found in exact_steps:
            if at_word and not prep.boundary_after(p + length - 1):
                continue
            start, end = prep.span(p, p + length)
            covered[p : p + length] = b"\x01" * length
            hits.extend(_Hit(score, how, cust, start, end, True) for score, how, cust in found)
        for length, at_word, valid, found in prefix_steps:
            if at_word and not prep.boundary_after(p + length - 1):
                continue
            if valid:
                start, end = prep.span(p, p + length)
                hits.extend(_Hit(score, how, cust, start, end, False) for score, how, cust in found)
                return

    def _plan(self, window: str) -> tuple[tuple[_ExactStep, ...], tuple[_PrefixStep, ...]]:
        """What a compact window starting a mention can mean, before word boundaries are checked:
        the keys it spells exactly (shortest first), then its short forms (longest first, up to
        the first cut that is too short or too generic to mean anything). Pure, so cached."""
        exact_steps: list[_ExactStep] = []
        for length in range(2, len(window) + 1):
            k = window[:length]
            entries = self._entries.get(k)
            if entries is None or k in _GENERIC:
                continue
            found = tuple((_KIND_SCORE[kind], _KIND_HOW[kind], cust) for cust, kind in entries)
            exact_steps.append((length, _is_word(k[-1]), found))
        prefix_steps: list[_PrefixStep] = []
        for length in range(len(window), 1, -1):
            mention = window[:length]
            if not _meaningful(mention) or mention in _GENERIC:
                break
            valid, short = self._short_forms(mention, length, whole_words=True)
            at_word = _is_word(mention[-1])
            prefix_steps.append((length, at_word, valid, short))
            if valid and not at_word:
                break  # always taken: no shorter cut is ever looked at
        return tuple(exact_steps), tuple(prefix_steps)

    def _prefix_hits(
        self, mention: str, length: int, span: tuple[int, int], hits: list[_Hit], *, whole_words: bool
    ) -> bool:
        """Add short-form hits for ``mention``; False if it is no valid short form of anything."""
        cached = self._prefix_cache.get((mention, whole_words))
        if cached is None:
            if len(self._prefix_cache) >= _CACHE_SIZE:
                self._prefix_cache.clear()
            cached = self._prefix_cache[mention, whole_words] = self._short_forms(mention, length, whole_words)
        valid, found = cached
        hits.extend(_Hit(score, how, cust, *span, False) for score, how, cust in found)
        return valid

    def _short_forms(self, mention: str, length: int, whole_words: bool) -> tuple[bool, _Found]:
        """(whether ``mention`` is a valid short form, the (score, how, customer) it gives)."""
        keys = self._keys
        lo = bisect_left(keys, mention)
        hi = bisect_left(keys, mention + _MAX_CHAR, lo)
        if whole_words and hi - lo > 4 * _MAX_SHORT_FORM_FANOUT:
            return True, ()  # generic; a shorter cut would be even more so
        found: list[tuple[float, str, int]] = []
        for k in keys[lo:hi]:
            if len(k) == length or not self._valid_cut(k, length, whole_words):
                continue
            cover = length / len(k)
            for cust, kind in self._entries[k]:
                if kind == "core":
                    found.append((_CORE_PREFIX_BASE + _PREFIX_SPAN * cover, "contains", cust))
                else:
                    found.append((_PREFIX_BASE + _PREFIX_SPAN * cover, "prefix", cust))
        if not found:
            return False, ()
        if whole_words and len({cust for _, _, cust in found}) > _MAX_SHORT_FORM_FANOUT:
            return True, ()
        return True, tuple(found)

    def _valid_cut(self, key: str, length: int, whole_words: bool) -> bool:
        # "北京京" is not a short form of 北京京东世纪贸易: the mention must reach into the name proper.
        region = self._region.get(key, 0)
        if region and length < region + 2:
            return False
        if not whole_words or not _is_word(key[0]):
            return True
        ends = self._word_ends.get(key, frozenset())
        if ends and key[: min(ends)] in _GENERIC:
            return False  # "the home" is not a short form of The Home Depot
        return not _is_word(key[length]) or not _is_word(key[length - 1]) or length in ends

    def _contains_hits(self, query: str, span: tuple[int, int], hits: list[_Hit]) -> None:
        latin = _is_word(query[0]) or _is_word(query[-1])
        blob, starts = self._blob()
        pos = blob.find(query)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            k = self._keys[i]
            at = pos - starts[i]
            pos = blob.find(query, pos + 1)
            if at == 0:
                continue  # a prefix, scored as a short form
            if latin:
                ends = self._word_ends.get(k, frozenset())
                if at not in ends or (at + len(query) not in ends and at + len(query) != len(k)):
                    continue
            cover = len(query) / len(k)
            for cust, _kind in self._entries[k]:
                hits.append(_Hit(_CONTAINS_BASE + _CONTAINS_SPAN * cover, "contains", cust, *span, False))

    def _add_fuzzy(
        self,
        key: str,
        result: tuple[float, str],
        span: tuple[int, int],
        hits: list[_Hit],
        contests: bool = False,
    ) -> None:
        score, how = result
        for cust, kind in self._entries[key]:
            penalty = _FUZZY_CORE_PENALTY if kind == "core" else 0.0
            hits.append(_Hit(score - penalty, how, cust, *span, False, contests))

    def _cjk_fuzzy_at(self, prep: _Prepared, p: int, hits: list[_Hit], seen: set[tuple[str, int]]) -> None:
        c = prep.compact
        ch = c[p]
        bigram = c[p : p + 2]
        candidates: list[tuple[str, int]] = [(k, p) for k in self._fuzzy3_by_start.get(bigram, ())]
        for k in self._end_bigram.get(bigram, ()):
            if p + 2 - len(k) >= 0:
                candidates.append((k, p + 2 - len(k)))
        if p + 2 < len(c):
            candidates.extend((k, p) for k in self._skip3.get(ch + c[p + 2], ()))
        for k, s0 in candidates:
            if (k, s0) in seen:
                continue
            seen.add((k, s0))
            window = c[s0 : s0 + len(k)]
            if len(window) != len(k) or window == k:
                continue
            result = _compare_cjk(window, k, anchored=True)
            if result is not None:
                self._add_fuzzy(k, result, prep.span(s0, s0 + len(k)), hits)

    def _cjk_query_hits(self, query: str, span: tuple[int, int], hits: list[_Hit]) -> None:
        n = len(query)
        if n < 2:
            return
        candidates: set[str] = set()
        if n >= 3:
            keys = self._keys
            lo = bisect_left(keys, query[:2])
            hi = bisect_left(keys, query[:2] + _MAX_CHAR, lo)
            candidates.update(k for k in keys[lo:hi] if len(k) == n)
            candidates.update(k for k in self._end_bigram.get(query[-2:], ()) if len(k) == n)
            if n == 3:
                candidates.update(self._skip3.get(query[0] + query[2], ()))
        # An answer may get every character wrong and still sound right (IME slips); this is
        # also the only route for two-char names.
        py_first = self._pinyin_first_index()
        for reading in _readings(query[0]) | {"~" + r for r in _near_readings(query[0])}:
            candidates.update(py_first.get((n, reading), ()))
        for k in candidates:
            if len(k) == n and k != query and _all_cjk(k):
                result = _compare_cjk(query, k, anchored=False)
                if result is not None:
                    self._add_fuzzy(k, result, span, hits)

    def _latin_near(self, word: str, min_key_len: int) -> tuple[tuple[str, float], ...]:
        """The Latin keys a typo away from ``word``, with their scores; remembered across calls."""
        if len(word) < 4:
            return ()
        found = self._typo_cache.get((word, min_key_len))
        if found is None:
            if len(self._typo_cache) >= _CACHE_SIZE:
                self._typo_cache.clear()
            found = self._typo_cache[word, min_key_len] = self._latin_typos(word, min_key_len)
        return found

    def _pinyin_typed(self, word: str) -> Sequence[str]:
        """The Chinese keys whose pinyin, typed without tones or spaces, is ``word`` ("jingdong")."""
        if len(word) < 5 or not self._cjk_keys:
            return ()
        return self._pinyin_joined_index().get(word, ())

    def _latin_hits(
        self, word: str, min_key_len: int, span: tuple[int, int], hits: list[_Hit], contests: bool = False
    ) -> None:
        for k, score in self._latin_near(word, min_key_len):
            self._add_fuzzy(k, (score, "typo"), span, hits, contests)
        for k in self._pinyin_typed(word):
            self._add_fuzzy(k, (_PINYIN_TYPED, "homophone"), span, hits, contests)

    def _latin_typos(self, word: str, min_key_len: int) -> tuple[tuple[str, float], ...]:
        """The Latin keys within typo distance of ``word``, or spelt as they sound (Initek), with their scores."""
        m = len(word)
        # A name written as it sounds may be more than a typo away (initek: two edits from initech) and the same in
        # how it sounds: read as two typos, so it is confirmed (Resolution.slipped).
        by_sound = tuple(
            (k, min(_latin_typo_score(2, len(k)), _SURE_SLIP - 0.01))
            for k in self._lat_sound.get(_sound(word), ())
            if k != word and len(k) >= min_key_len and _osa(word, k, _typo_budget(len(k))) > _typo_budget(len(k))
        )
        postings = [
            post
            for n in range(max(m - 2, min_key_len), m + 3)
            if abs(n - m) <= _typo_budget(n) and (post := self._lat_post.get(n)) is not None
        ]
        if not postings:
            return by_sound  # no key of a length within reach: the common case for long windows
        bigrams = _padded_bigrams(word)
        counts: Counter[int] = Counter()
        for post in postings:
            counts.update(chain.from_iterable(post[bg] for bg in bigrams & post.keys()))
        min_shared = self._lat_min_shared
        found: list[tuple[str, float]] = []
        for i, shared in counts.items():
            if shared < min_shared[i]:
                continue
            k = self._lat_keys[i]
            n = len(k)
            budget = _typo_budget(n)
            dist = _osa(word, k, budget)
            if 0 < dist <= budget:
                found.append((k, _latin_typo_score(dist, n)))
        return tuple(found) + by_sound

    def _latin_windows(self, prep: _Prepared, hits: list[_Hit], exact_spans: _SpanIndex) -> None:
        """Latin typos ("initec's") and pinyin-typed names ("jingdong") over runs of 1..n words."""
        norm = prep.norm
        words = list(prep.latin_words())
        for i in range(len(words)):
            parts: list[str] = []
            for j in range(i, min(i + self._max_words, len(words))):
                gap = norm[words[j - 1][1] : words[j][0]] if j > i else ""
                if j > i and not _soft_gap(gap):
                    break
                parts.append(norm[words[j][0] : words[j][1]])
                if gap in ("'", "’") and parts[-1] == "s":
                    break  # possessive: the name is the window before it
                # Names do not start or end with a function word; "met initec" is not a name.
                if parts[0] in _GENERIC or parts[-1] in _GENERIC:
                    continue
                if parts[-1].isdigit() or parts[0].isdigit():
                    continue  # "Initech 8,500": a number next to a name is not a typo of it (issue 17)
                joined = "".join(parts)
                if len(joined) < 5 or joined in self._entries:
                    continue
                # Most windows are near no key; find that out before working out where they sit.
                if not self._latin_near(joined, 5) and not self._pinyin_typed(joined):
                    continue
                span = prep.norm_span(words[i][0], words[j][1])
                # Windows that cut into an exact mention are noise; ones that extend it may be a
                # misspelt longer name.
                a, b = span
                if any(not (a <= s and e <= b) for s, e in exact_spans.overlapping(a, b)):
                    continue
                self._latin_hits(joined, 5, span, hits, contests=True)

    def _blob(self) -> tuple[str, list[int]]:
        """All keys in one string, so substring search runs in C instead of a loop over keys."""
        if self._blob_cache is None:
            starts = list(accumulate((len(k) + 1 for k in self._keys[:-1]), initial=0))
            self._blob_cache = "\n".join(self._keys), starts
        return self._blob_cache

    # -- pinyin indexes -------------------------------------------------------------------

    def _pinyin_first_index(self) -> dict[tuple[int, str], list[str]]:
        if self._py_first is None:
            index: dict[tuple[int, str], list[str]] = {}
            for k in self._cjk_keys:
                for reading in _readings(k[0]) | {"~" + r for r in _near_readings(k[0])}:
                    index.setdefault((len(k), reading), []).append(k)
            self._py_first = index
        return self._py_first

    def _pinyin_joined_index(self) -> dict[str, list[str]]:
        if self._py_joined is None:
            index: dict[str, list[str]] = {}
            for k in self._cjk_keys:
                options = [sorted(_readings(ch)) for ch in k]
                combos = 1
                for o in options:
                    combos *= len(o)
                # Unknown chars or an explosion of polyphones: nobody types those from memory.
                if 0 < combos <= 8:
                    for combo in product(*options):
                        index.setdefault("".join(combo), []).append(k)
            self._py_joined = index
        return self._py_joined

    # -- decision -------------------------------------------------------------------------

    def _decide(self, hits: list[_Hit]) -> Resolution:
        # The best hit per customer by _rank; its last two terms are the customer's own, so within one
        # customer the first three decide (and this runs for every hit of a long message).
        best: dict[int, tuple[tuple[float, int, int], _Hit]] = {}
        for h in hits:
            if h.score < MIN_SCORE:
                continue
            key = (-h.score, _HOW_ORDER[h.how], h.start - h.end)
            cur = best.get(h.cust)
            if cur is None or key < cur[0]:
                best[h.cust] = (key, h)
        if not best:
            return _NONE
        ranked = sorted((h for _, h in best.values()), key=self._rank)
        if ranked[0].how in _EXACT_HOWS and not ranked[0].contested:
            ranked = [h for h in ranked if h.how in _EXACT_HOWS and not h.contested]
        top = ranked[0].score
        close = [h for h in ranked if top - h.score <= MARGIN + 1e-9][:MAX_CHOICES]
        matches = tuple(CustomerMatch(self._customers[h.cust], round(h.score, 4), h.how, h.start, h.end) for h in close)
        return Resolution("one" if len(matches) == 1 else "choose", matches)

    def _rank(self, h: _Hit) -> tuple[float, int, int, int, int]:
        customer = self._customers[h.cust]
        width = h.end - h.start
        return (-h.score, _HOW_ORDER[h.how], -width, len(customer.name), customer.id)


class _SpanIndex:
    """Spans sorted by start, to ask which of them overlap or contain a span without a pass over
    all of them: a sentence repeating a name ("华为华为华为…") has hundreds, and asking each hit
    about every one made a 500-character message take 20 ms."""

    __slots__ = ("_starts", "_widest", "spans")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(set(spans))
        self._starts = [s for s, _ in self.spans]
        self._widest = max((e - s for s, e in self.spans), default=0)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def overlapping(self, a: int, b: int) -> Iterator[tuple[int, int]]:
        # A span overlapping [a, b) starts before b and, being at most `_widest` long, after a - _widest.
        lo = bisect_right(self._starts, a - self._widest)
        for s, e in self.spans[lo : bisect_left(self._starts, b, lo)]:
            if e > a:
                yield s, e

    def containing(self, a: int, b: int) -> Iterator[tuple[int, int]]:
        lo = bisect_left(self._starts, b - self._widest)
        for s, e in self.spans[lo : bisect_right(self._starts, a, lo)]:
            if e >= b:
                yield s, e


def _drop_shadowed(hits: list[_Hit], exact: _SpanIndex) -> list[_Hit]:
    """Longer literal mentions explain the shorter ones inside them and any fuzzy overlap."""
    if not exact:
        return hits
    # reach[a]: the furthest end of an exact span starting before a; reach_from[a]: of one starting at a.
    size = max(e for _, e in exact.spans) + 2
    reach_from = [0] * size
    for s, e in exact.spans:
        reach_from[s] = max(reach_from[s], e)
    reach = list(accumulate(reach_from, max, initial=0))
    kept: list[_Hit] = []
    contesting: list[_Hit] = []
    for h in hits:
        a, b = h.start, h.end
        if h.exact:
            if reach[min(a, size)] >= b or (a < size and reach_from[a] > b):
                continue  # a wider exact span holds it
        elif reach[min(b, size)] > a:  # it overlaps an exact span
            width = b - a
            if not (h.contests and all(a <= s and e <= b and e - s < width for s, e in exact.overlapping(a, b))):
                continue
            contesting.append(h)
        kept.append(h)
    if not contesting:
        return kept
    rival_score: dict[tuple[int, int], float] = {}
    for f in contesting:
        rival_score[f.start, f.end] = max(f.score, rival_score.get((f.start, f.end), f.score))
    rivals_at = _SpanIndex(rival_score)
    out: list[_Hit] = []
    for h in kept:
        if h.exact:
            rivals = [rival_score[span] for span in rivals_at.containing(h.start, h.end)]
            if rivals:
                # "Acme Logistcs" with Acme and Acme Logistics customers: the misspelt longer name explains the
                # whole span typed, the exact Acme only its first word and leaves "Logistcs" unexplained. The
                # longer name wins outright (past the margin, so no choice is offered); its score still says
                # whether the slip is sure enough to take without asking.
                h = h._replace(score=min(h.score, max(rivals) - MARGIN - 0.01), contested=True)
        out.append(h)
    return out

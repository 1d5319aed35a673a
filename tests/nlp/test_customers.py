"""Tests for salesbot.nlp.customers: which customer does a rep mean?"""

from __future__ import annotations

import dataclasses
import random
import subprocess
import sys
import time

import pytest

from salesbot.nlp.customers import (
    MARGIN,
    MAX_CHOICES,
    CustomerIndex,
    CustomerMatch,
    CustomerName,
    Resolution,
)

C = CustomerName

# Sample customers from the spec plus near-duplicates that force a choice.
CUSTOMERS = (
    C(1, "阿里巴巴", ("阿里",)),
    C(2, "比亚迪", ("BYD",)),
    C(3, "Initech", ("Initech Inc",)),
    C(4, "京东"),
    C(5, "华为技术"),
    C(6, "华为终端"),
    C(7, "阿里云"),
    C(8, "美的"),
    C(9, "美团"),
    C(10, "Acme"),
    C(11, "Acme Logistics"),
    C(12, "深圳市腾讯计算机系统有限公司"),
    C(13, "新东方"),
    C(14, "小米科技有限责任公司"),
    C(15, "The Home Depot", ("Home Depot",)),
    C(16, "Globex Corporation"),
)

# Small lists for rules that need a specific neighbourhood.
INDEXES = {
    "main": CustomerIndex(CUSTOMERS),
    # An exact short name next to a longer name that starts with it.
    "pair": CustomerIndex([C(101, "华为"), C(102, "华为技术")]),
    # Same as main but without the 阿里 alias: 阿里 is only a short form of both.
    "ali": CustomerIndex([C(201, "阿里巴巴"), C(202, "阿里云")]),
    "dup": CustomerIndex([C(301, "京东"), C(302, "京东")]),
    "hw": CustomerIndex([C(311, "华为"), C(312, "华为终端")]),
    # "Apex" is one customer's name and another's alias.
    "apex": CustomerIndex([C(401, "Apex"), C(402, "Apex Systems", ("Apex",))]),
    # 金天 sounds exactly like 今天 ("today").
    "jintian": CustomerIndex([C(501, "金天"), C(502, "京东")]),
}

LOOKUP_CASES = [
    # -- exact: case, spaces, punctuation and legal suffixes do not matter
    pytest.param("main", "阿里巴巴", "one", ("阿里巴巴",), "exact", id="exact-cjk"),
    pytest.param("main", "阿里云", "one", ("阿里云",), "exact", id="exact-not-alias-prefix"),
    pytest.param("main", " 京东 ", "one", ("京东",), "exact", id="exact-spaces"),
    pytest.param("main", "美的", "one", ("美的",), "exact", id="exact-meidi"),
    pytest.param("main", "美团", "one", ("美团",), "exact", id="exact-meituan"),
    pytest.param("main", "initech", "one", ("Initech",), "exact", id="exact-lower"),
    pytest.param("main", "INITECH", "one", ("Initech",), "exact", id="exact-upper"),
    pytest.param("main", "Initech, Inc.", "one", ("Initech",), "exact", id="exact-suffix-inc"),
    pytest.param("main", "initech ltd", "one", ("Initech",), "exact", id="exact-suffix-ltd"),
    pytest.param("main", "globex corp.", "one", ("Globex Corporation",), "exact", id="exact-suffix-corp"),
    pytest.param("main", "阿里巴巴集团", "one", ("阿里巴巴",), "exact", id="exact-suffix-jituan"),
    pytest.param("main", "阿里巴巴（中国）有限公司", "one", ("阿里巴巴",), "exact", id="exact-paren-suffix"),
    pytest.param("main", "华为技术有限公司", "one", ("华为技术",), "exact", id="exact-suffix-youxian"),
    pytest.param("main", "Acme", "one", ("Acme",), "exact", id="exact-beats-longer-prefix"),
    pytest.param("main", "acme logistics", "one", ("Acme Logistics",), "exact", id="exact-multiword"),
    pytest.param("main", "Acme-Logistics", "one", ("Acme Logistics",), "exact", id="exact-hyphen"),
    pytest.param("main", "the home depot", "one", ("The Home Depot",), "exact", id="exact-the"),
    pytest.param("pair", "华为技术", "one", ("华为技术",), "exact", id="exact-longer-of-pair"),
    pytest.param("pair", "华为", "one", ("华为",), "exact", id="exact-shorter-of-pair"),
    # -- aliases
    pytest.param("main", "阿里", "one", ("阿里巴巴",), "alias", id="alias-beats-prefix-of-阿里云"),
    pytest.param("main", "BYD", "one", ("比亚迪",), "alias", id="alias-latin"),
    pytest.param("main", "byd", "one", ("比亚迪",), "alias", id="alias-lower"),
    pytest.param("main", "ＢＹＤ", "one", ("比亚迪",), "alias", id="alias-fullwidth"),
    pytest.param("main", "Home Depot", "one", ("The Home Depot",), "alias", id="alias-multiword"),
    # -- several exact hits: the rep must choose
    pytest.param("dup", "京东", "choose", ("京东", "京东"), "exact", id="choose-duplicate-names"),
    pytest.param("apex", "apex", "choose", ("Apex", "Apex Systems"), None, id="choose-name-vs-alias"),
    # -- short forms
    pytest.param("main", "华为", "choose", ("华为技术", "华为终端"), "prefix", id="choose-huawei"),
    pytest.param("ali", "阿里", "choose", ("阿里云", "阿里巴巴"), "prefix", id="choose-ali-no-alias"),
    pytest.param("main", "华为技", "one", ("华为技术",), "prefix", id="prefix-longer"),
    pytest.param("main", "小米", "one", ("小米科技有限责任公司",), "prefix", id="prefix-suffix-stripped"),
    pytest.param("main", "Acme Log", "one", ("Acme Logistics",), "prefix", id="prefix-latin"),
    # Initec is also a typo of Initech, but it literally is a prefix, which scores higher.
    pytest.param("main", "Initec", "one", ("Initech",), "prefix", id="prefix-initec"),
    # -- contains
    pytest.param("main", "腾讯", "one", ("深圳市腾讯计算机系统有限公司",), "contains", id="contains-region-core"),
    pytest.param("main", "终端", "one", ("华为终端",), "contains", id="contains-tail"),
    pytest.param("main", "阿里巴巴杭州分公司", "one", ("阿里巴巴",), "contains", id="contains-name-in-query"),
    # -- typos
    pytest.param("main", "Inetech", "one", ("Initech",), "typo", id="typo-substitution"),
    pytest.param("main", "Intiech", "one", ("Initech",), "typo", id="typo-transposition"),
    pytest.param("main", "Globx", "one", ("Globex Corporation",), "typo", id="typo-deletion"),
    pytest.param("main", "Acme Logistcs", "one", ("Acme Logistics",), "typo", id="typo-long-name"),
    pytest.param("main", "新东风", "one", ("新东方",), "typo", id="typo-cjk-one-char"),
    # -- homophones
    pytest.param("main", "比亚地", "one", ("比亚迪",), "homophone", id="homophone-比亚地"),
    pytest.param("main", "比亚弟", "one", ("比亚迪",), "homophone", id="homophone-比亚弟"),
    pytest.param("main", "京冬", "one", ("京东",), "homophone", id="homophone-two-chars"),
    pytest.param("main", "新东放", "one", ("新东方",), "homophone", id="homophone-新东放"),
    pytest.param("main", "jingdong", "one", ("京东",), "homophone", id="homophone-pinyin-typed"),
    pytest.param("main", "Jing Dong", "one", ("京东",), "homophone", id="homophone-pinyin-spaced"),
    # -- nothing plausible
    pytest.param("main", "", "none", (), None, id="none-empty"),
    pytest.param("main", "   ", "none", (), None, id="none-blank"),
    pytest.param("main", "美", "none", (), None, id="none-single-cjk"),
    pytest.param("main", "阿", "none", (), None, id="none-single-cjk-2"),
    pytest.param("main", "x", "none", (), None, id="none-single-latin"),
    pytest.param("main", "Ac", "none", (), None, id="none-two-latin-letters"),
    pytest.param("main", "公司", "none", (), None, id="none-generic-公司"),
    pytest.param("main", "有限公司", "none", (), None, id="none-generic-suffix"),
    pytest.param("main", "科技", "none", (), None, id="none-generic-科技"),
    pytest.param("main", "深圳", "none", (), None, id="none-region"),
    pytest.param("main", "Inc", "none", (), None, id="none-inc"),
    pytest.param("main", "the", "none", (), None, id="none-the"),
    pytest.param("main", "help", "none", (), None, id="none-help"),
    pytest.param("main", "Zebra", "none", (), None, id="none-unknown"),
    pytest.param("main", "今天天气不错", "none", (), None, id="none-sentence"),
]

TEXT_CASES = [
    # -- the spec's sentences
    pytest.param(
        "main",
        "上午去了阿里,见了技术总监,下周三给方案",
        "one",
        ("阿里巴巴",),
        "alias",
        "阿里",
        id="spec-阿里",
    ),
    pytest.param(
        "main",
        "拜访比亚迪采购部,他们在比价,三天后再联系",
        "one",
        ("比亚迪",),
        "exact",
        "比亚迪",
        id="spec-比亚迪",
    ),
    pytest.param(
        "main",
        "met Initech's CTO, follow up next friday",
        "one",
        ("Initech",),
        "exact",
        "Initech",
        id="spec-possessive",
    ),
    pytest.param("main", "BYD moved to negotiation", "one", ("比亚迪",), "alias", "BYD", id="spec-BYD"),
    pytest.param("main", "move 阿里 to proposal", "one", ("阿里巴巴",), "alias", "阿里", id="spec-mixed"),
    pytest.param("main", "京东赢单了", "one", ("京东",), "exact", "京东", id="spec-京东"),
    pytest.param("main", "今天拜访了比亚地", "one", ("比亚迪",), "homophone", "比亚地", id="spec-比亚地"),
    pytest.param("main", "initech signed", "one", ("Initech",), "exact", "initech", id="spec-lowercase"),
    # -- more exact mentions
    pytest.param("main", "INITECH renewal", "one", ("Initech",), "exact", "INITECH", id="exact-upper"),
    pytest.param("main", "ＢＹＤ签了", "one", ("比亚迪",), "alias", "ＢＹＤ", id="exact-fullwidth-span"),
    pytest.param("main", "华为终端的报价", "one", ("华为终端",), "exact", "华为终端", id="exact-not-choose"),
    pytest.param("main", "华为技术有限公司来电", "one", ("华为技术",), "exact", "华为技术", id="exact-before-suffix"),
    pytest.param("main", "阿里云续费", "one", ("阿里云",), "exact", "阿里云", id="exact-longer-beats-alias"),
    pytest.param("main", "美团外卖", "one", ("美团",), "exact", "美团", id="exact-美团"),
    pytest.param("main", "美的空调", "one", ("美的",), "exact", "美的", id="exact-美的"),
    pytest.param("main", "新东方的课", "one", ("新东方",), "exact", "新东方", id="exact-新东方"),
    pytest.param(
        "main",
        "acme logistics moved to proposal",
        "one",
        ("Acme Logistics",),
        "exact",
        "acme logistics",
        id="exact-multiword-beats-acme",
    ),
    pytest.param(
        "main",
        "ACME-Logistics renewal",
        "one",
        ("Acme Logistics",),
        "exact",
        "ACME-Logistics",
        id="exact-hyphen",
    ),
    pytest.param("main", "called Acme today", "one", ("Acme",), "exact", "Acme", id="exact-acme"),
    pytest.param(
        "main",
        "Home Depot call tomorrow",
        "one",
        ("The Home Depot",),
        "alias",
        "Home Depot",
        id="alias-words",
    ),
    pytest.param("pair", "华为技术的人", "one", ("华为技术",), "exact", "华为技术", id="longer-exact-wins"),
    pytest.param("pair", "华为的人", "one", ("华为",), "exact", "华为", id="exact-beats-prefix"),
    pytest.param("main", "阿里和京东都在谈", "choose", ("京东", "阿里巴巴"), None, None, id="choose-two-mentioned"),
    pytest.param("dup", "京东下单了", "choose", ("京东", "京东"), "exact", "京东", id="choose-duplicates"),
    # -- short forms and contains
    pytest.param("main", "华为那边下周签", "choose", ("华为技术", "华为终端"), "prefix", "华为", id="choose-华为"),
    pytest.param("ali", "阿里那边", "choose", ("阿里云", "阿里巴巴"), "prefix", "阿里", id="choose-阿里"),
    # The comma keeps 华为,技术 from reading as 华为技术.
    pytest.param(
        "main",
        "华为,技术总监说",
        "choose",
        ("华为技术", "华为终端"),
        "prefix",
        "华为",
        id="no-match-across-comma",
    ),
    pytest.param("main", "小米那边", "one", ("小米科技有限责任公司",), "prefix", "小米", id="prefix-小米"),
    pytest.param("main", "acme is late", "one", ("Acme",), "exact", "acme", id="exact-word"),
    pytest.param(
        "main",
        "腾讯那边要报价",
        "one",
        ("深圳市腾讯计算机系统有限公司",),
        "contains",
        "腾讯",
        id="region-core-prefix",
    ),
    pytest.param(
        "main",
        "腾讯计算机系统来电",
        "one",
        ("深圳市腾讯计算机系统有限公司",),
        "contains",
        "腾讯计算机系统",
        id="region-core-exact",
    ),
    # A period ends the mention: only Acme is named here.
    pytest.param("main", "acme. logistics later", "one", ("Acme",), "exact", "acme", id="no-match-across-period"),
    # -- typos and homophones
    pytest.param("main", "今天拜访了比亚弟", "one", ("比亚迪",), "homophone", "比亚弟", id="homophone-比亚弟"),
    pytest.param("main", "met initec's cto", "one", ("Initech",), "typo", "initec", id="typo-latin"),
    # A misspelt longer name around an exact shorter one: the longer name explains the whole span typed, the
    # shorter leaves a word unexplained.
    pytest.param(
        "main",
        "见了 Acme Logistcs 的人",
        "one",
        ("Acme Logistics",),
        "typo",
        "Acme Logistcs",
        id="typo-contests-exact",
    ),
    pytest.param(
        "main",
        "visited Acme Logistcs yesterday, follow up tomorrow",
        "one",
        ("Acme Logistics",),
        "typo",
        "Acme Logistcs",
        id="typo-of-longer-name-beats-exact-part",
    ),
    pytest.param(
        "main", "call with acme logistic this morning", "one", ("Acme Logistics",), "typo", None, id="typo-plural"
    ),
    # The word after an exact name that is near nothing longer stays outside it.
    pytest.param("main", "met Acme logistics team", "one", ("Acme Logistics",), "exact", None, id="exact-long"),
    pytest.param("main", "met Acme lately", "one", ("Acme",), "exact", "Acme", id="exact-short-then-word"),
    # ...but a Chinese one-char-off window does not outweigh the exact name inside it.
    pytest.param("hw", "华为终于签了", "one", ("华为",), "exact", "华为", id="cjk-typo-does-not-contest"),
    # The longest short form wins over the two-char one shared with 华为技术.
    pytest.param("main", "华为终瑞的人", "one", ("华为终端",), "prefix", "华为终", id="longest-short-form"),
    pytest.param("main", "met jingdong buyer", "one", ("京东",), "homophone", "jingdong", id="pinyin-typed"),
    # -- no false positives
    pytest.param("main", "今天天气不错", "none", (), None, None, id="none-weather"),
    pytest.param("main", "help", "none", (), None, None, id="none-help"),
    pytest.param("main", "", "none", (), None, None, id="none-empty"),
    pytest.param("main", "公司开会讨论技术方案", "none", (), None, None, id="none-generic-cjk"),
    pytest.param("main", "我们的技术团队很强", "none", (), None, None, id="none-技术"),
    pytest.param("main", "科技集团", "none", (), None, None, id="none-科技集团"),
    pytest.param("main", "深圳出差", "none", (), None, None, id="none-region"),
    pytest.param("main", "美国客户", "none", (), None, None, id="none-shared-char"),
    pytest.param("main", "the meeting went well", "none", (), None, None, id="none-the"),
    pytest.param("main", "the home improvement", "none", (), None, None, id="none-generic-short-form"),
    pytest.param("main", "inc and ltd", "none", (), None, None, id="none-inc"),
    pytest.param("main", "logistics is slow", "none", (), None, None, id="none-second-word"),
    pytest.param("main", "acne treatment", "none", (), None, None, id="none-short-latin-typo"),
    pytest.param("main", "initiative", "none", (), None, None, id="none-mid-word"),
    pytest.param("main", "aacme corp", "none", (), None, None, id="none-inside-word"),
    # 没得 sounds like 美的 but shares no character with it.
    pytest.param("main", "没得问题", "none", (), None, None, id="none-homophone-no-anchor"),
    # 今 jin / 京 jing is only a near homophone, and two-char names need exact spelling here.
    pytest.param("main", "今冬订单多", "none", (), None, None, id="none-near-homophone"),
    # 3-char names only match homophones in a sentence: 地 is not 东.
    pytest.param("main", "新地方", "none", (), None, None, id="none-3char-typo"),
    # Two-char names are written exactly in sentences: 今天 would otherwise be 金天.
    pytest.param("jintian", "今天天气不错", "none", (), None, None, id="none-今天-金天"),
    # Issue 17: a same-sound slip of a two-char name where a name stands is matched (and confirmed with the rep).
    pytest.param("jintian", "京冬赢单了", "one", ("京东",), "homophone", None, id="2char-homophone-in-text"),
]


def _check(res: Resolution, kind: str, names: tuple[str, ...], how: str | None) -> None:
    assert res.kind == kind, res
    assert tuple(m.customer.name for m in res.matches) == names, res
    if how is not None:
        assert {m.how for m in res.matches} == {how}, res
    scores = [m.score for m in res.matches]
    assert all(0 <= s <= 1 for s in scores)
    assert scores == sorted(scores, reverse=True), "best first"
    if kind == "one":
        assert res.match is res.matches[0]
    else:
        assert res.match is None
    if kind == "choose":
        assert 2 <= len(res.matches) <= MAX_CHOICES
        assert scores[0] - scores[-1] <= MARGIN + 1e-9
    if kind == "none":
        assert res.matches == ()


@pytest.mark.parametrize(("index", "query", "kind", "names", "how"), LOOKUP_CASES)
def test_lookup(index: str, query: str, kind: str, names: tuple[str, ...], how: str | None) -> None:
    _check(INDEXES[index].lookup(query), kind, names, how)


@pytest.mark.parametrize(("index", "text", "kind", "names", "how", "mention"), TEXT_CASES)
def test_find_in_text(
    index: str, text: str, kind: str, names: tuple[str, ...], how: str | None, mention: str | None
) -> None:
    res = INDEXES[index].find_in_text(text)
    _check(res, kind, names, how)
    if mention is not None:
        for m in res.matches:
            assert m.start is not None and m.end is not None
            assert text[m.start : m.end] == mention


def test_lookup_span_is_the_stripped_answer() -> None:
    m = INDEXES["main"].lookup("  比亚地 ").match
    assert m is not None and (m.start, m.end) == (2, 5)


def test_lookup_span_of_name_inside_answer() -> None:
    query = "拜访比亚迪"
    m = INDEXES["main"].lookup(query).match
    assert m is not None and m.how == "contains"
    assert m.start is not None and m.end is not None and query[m.start : m.end] == "比亚迪"


def test_choose_is_capped_and_best_first() -> None:
    names = ["华为技术", "华为终端", "华为云", "华为海洋", "华为数字能源", "华为软件", "华为软件开发"]
    index = CustomerIndex(C(i, n) for i, n in enumerate(names))
    res = index.lookup("华为")
    assert res.kind == "choose"
    assert len(res.matches) == MAX_CHOICES
    assert res.matches[0].customer.name == "华为云"  # the short form covers most of it
    assert index.find_in_text("华为那边").kind == "choose"


def test_short_form_shared_by_too_many_is_generic_in_text() -> None:
    index = CustomerIndex(C(i, f"华为{suffix}") for i, suffix in enumerate("一二三四五六七八九十"))
    assert index.find_in_text("华为那边下周签").kind == "none"
    assert index.lookup("华为").kind == "choose"  # an answer to "which customer?" still deserves a menu
    assert index.find_in_text("华为三的合同").match is not None


def test_empty_index() -> None:
    index = CustomerIndex([])
    assert index.lookup("阿里").kind == "none"
    assert index.find_in_text("上午去了阿里") == Resolution("none", ())


def test_index_accepts_any_iterable_and_is_reusable() -> None:
    index = CustomerIndex(c for c in CUSTOMERS)
    for _ in range(3):
        assert index.find_in_text("京东赢单了").kind == "one"


def test_values_are_frozen() -> None:
    match = CustomerMatch(CUSTOMERS[0], 1.0, "exact", 0, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.score = 0.5  # type: ignore[misc]
    assert hash(CUSTOMERS[0]) == hash(C(1, "阿里巴巴", ("阿里",)))


def test_pypinyin_package_is_never_imported() -> None:
    # Importing pypinyin costs ~50 MB for a phrase table we do not use; homophones still work.
    code = (
        "import sys\n"
        "from salesbot.nlp.customers import CustomerIndex, CustomerName\n"
        "ix = CustomerIndex([CustomerName(1, '比亚迪')])\n"
        "assert ix.lookup('比亚弟').match.how == 'homophone'\n"
        "assert ix.find_in_text('拜访了比亚地').match.how == 'homophone'\n"
        "print('pypinyin' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- timing (information only, no assertions on speed) ------------------------------------

_BRAND = (
    "安邦宝北贝博辰诚达德鼎丰福富光国海瀚航豪合恒宏华汇佳嘉建金锦晶"
    "凯康蓝朗力立联隆龙明南鹏齐启瑞润森盛顺泰通维伟祥信星兴旭扬耀益英永优宇远泽兆正卓"
)
_INDUSTRY = [
    "科技",
    "电子",
    "物流",
    "医药",
    "食品",
    "汽车",
    "软件",
    "信息技术",
    "贸易",
    "机械",
    "化工",
    "传媒",
]
_REGION = ["北京", "上海", "深圳市", "杭州", "广州市", "成都"]
_SYLLABLES = [
    "vel",
    "tron",
    "ix",
    "nova",
    "quant",
    "zen",
    "apex",
    "blue",
    "ridge",
    "cor",
    "lum",
    "stra",
    "tek",
]
_LATIN_SUFFIX = ["", " Logistics", " Systems", " Inc", " Labs", " Foods"]
_SENTENCES = [
    "上午去了阿里,见了技术总监,下周三给方案",
    "拜访比亚迪采购部,他们在比价,三天后再联系",
    "met Initech's CTO, follow up next friday",
    "BYD moved to negotiation",
    "move 阿里 to proposal",
    "京东赢单了",
    "今天拜访了比亚地",
    "今天天气不错",
    "help",
    "met initec's cto about the renewal quote",
]


def _synthetic(n: int) -> list[CustomerName]:
    rnd = random.Random(7)
    out = [
        C(1, "阿里巴巴", ("阿里",)),
        C(2, "比亚迪", ("BYD",)),
        C(3, "Initech", ("Initech Inc",)),
        C(4, "京东"),
    ]
    for i in range(n - len(out)):
        if i % 3:
            brand = "".join(rnd.choice(_BRAND) for _ in range(rnd.choice((2, 2, 3))))
            region = rnd.choice(_REGION) if rnd.random() < 0.3 else ""
            legal = "有限公司" if rnd.random() < 0.5 else ""
            name = region + brand + rnd.choice(_INDUSTRY) + legal
            aliases: tuple[str, ...] = (brand,) if rnd.random() < 0.3 else ()
        else:
            word = "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.choice((2, 3))))
            name, aliases = word.capitalize() + rnd.choice(_LATIN_SUFFIX), ()
        out.append(C(100 + i, name, aliases))
    return out


@pytest.mark.parametrize("size", [200, 5000])
def test_timing_information(size: int) -> None:
    customers = _synthetic(size)
    t0 = time.perf_counter()
    index = CustomerIndex(customers)
    build_ms = (time.perf_counter() - t0) * 1000
    for s in _SENTENCES:  # warm the lazily loaded pinyin table
        index.find_in_text(s)
    rounds = 20
    t0 = time.perf_counter()
    for _ in range(rounds):
        for s in _SENTENCES:
            index.find_in_text(s)
    per_us = (time.perf_counter() - t0) / (rounds * len(_SENTENCES)) * 1e6
    print(f"\n{size} customers: build {build_ms:.1f} ms, find_in_text {per_us:.0f} us/sentence")
    assert index.find_in_text("拜访比亚迪采购部").match is not None

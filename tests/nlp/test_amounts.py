"""Tests for salesbot.nlp.amounts: money amounts and payment terms, in tables worked out from the rules."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from salesbot.nlp.amounts import Money, Terms, find_amount, find_amounts, find_terms, parse_amount

# (sentence, amount, currency, the span of text read). Currency None: the text names none.
FIND = [
    # -- the forms the bot must read, alone
    ("120万", "1200000", None, "120万"),
    ("45.5万", "455000", None, "45.5万"),
    ("1.2亿", "120000000", None, "1.2亿"),
    ("三十万", "300000", None, "三十万"),
    ("十五万元", "150000", "CNY", "十五万元"),
    ("¥1.2m", "1200000", "CNY", "¥1.2m"),
    ("1,200,000", "1200000", None, "1,200,000"),
    ("85,000 USD", "85000", "USD", "85,000 USD"),
    ("$120k", "120000", "USD", "$120k"),
    ("20k", "20000", None, "20k"),
    ("8,500", "8500", None, "8,500"),
    ("3千", "3000", None, "3千"),
    ("2.5k", "2500", None, "2.5k"),
    ("1.2M", "1200000", None, "1.2M"),
    ("1,200,000.50", "1200000.50", None, "1,200,000.50"),
    # -- full-width digits and punctuation from Chinese IMEs
    ("１２０万", "1200000", None, "１２０万"),
    ("４５．５万", "455000", None, "４５．５万"),
    ("￥８，５００", "8500", "CNY", "￥８，５００"),
    ("金额：１，２００，０００", "1200000", None, "１，２００，０００"),
    # -- currencies, before and after
    ("HK$5,000", "5000", "HKD", "HK$5,000"),
    ("US$3,000", "3000", "USD", "US$3,000"),
    ("USD 85,000", "85000", "USD", "USD 85,000"),
    ("USD85,000", "85000", "USD", "USD85,000"),
    ("RMB 1.2m", "1200000", "CNY", "RMB 1.2m"),
    ("rmb50万", "500000", "CNY", "rmb50万"),
    ("€20k", "20000", "EUR", "€20k"),
    ("20k EUR", "20000", "EUR", "20k EUR"),
    ("5000 euros", "5000", "EUR", "5000 euros"),
    ("300 dollars", "300", "USD", "300 dollars"),
    ("$ 500", "500", "USD", "$ 500"),
    ("50万美元", "500000", "USD", "50万美元"),
    ("50万美金", "500000", "USD", "50万美金"),
    ("100万港币", "1000000", "HKD", "100万港币"),
    ("100万港元", "1000000", "HKD", "100万港元"),
    ("200 HKD", "200", "HKD", "200 HKD"),
    ("人民币45万", "450000", "CNY", "人民币45万"),
    ("三千块", "3000", "CNY", "三千块"),
    ("500块钱", "500", "CNY", "500块钱"),
    ("五千元", "5000", "CNY", "五千元"),
    ("3.5万块", "35000", "CNY", "3.5万块"),
    ("合同额120万元", "1200000", "CNY", "120万元"),
    ("1.2 million dollars", "1200000", "USD", "1.2 million dollars"),
    ("$1.2 million", "1200000", "USD", "$1.2 million"),
    # -- magnitudes and colloquial tails
    ("3 thousand", "3000", None, "3 thousand"),
    ("2bn", "2000000000", None, "2bn"),
    ("10w", "100000", None, "10w"),
    ("3千万", "30000000", None, "3千万"),
    ("1.5万元", "15000", "CNY", "1.5万元"),
    ("3万5", "35000", None, "3万5"),
    ("3万5千", "35000", None, "3万5千"),
    ("3万2500", "32500", None, "3万2500"),
    ("1亿2", "120000000", None, "1亿2"),
    ("2千5", "2500", None, "2千5"),
    ("8千8", "8800", None, "8千8"),
    ("两万五", "25000", None, "两万五"),
    ("两千", "2000", None, "两千"),
    ("一百万", "1000000", None, "一百万"),
    ("十万", "100000", None, "十万"),
    ("一亿", "100000000", None, "一亿"),
    ("二十万零五千", "205000", None, "二十万零五千"),
    ("一点五万", "15000", None, "一点五万"),
    ("三十点五万", "305000", None, "三十点五万"),
    ("阿里付了一千五", "1500", None, "一千五"),
    ("合同一共一百二十万", "1200000", None, "一百二十万"),
    # -- in sentences, Chinese
    ("京东合同提交审批,金额45.5万,分三期", "455000", None, "45.5万"),
    ("京东合同提交审批，金额45.5万，分三期", "455000", None, "45.5万"),
    ("京东打款15万到账了", "150000", None, "15万"),
    ("京东的货款收到了5万", "50000", None, "5万"),
    ("客户付了5000", "5000", None, "5000"),
    ("合同金额 300000", "300000", None, "300000"),
    ("合同签了,50000", "50000", None, "50000"),
    ("合同价 8500", "8500", None, "8500"),
    ("报价12.5万,下周五前回复", "125000", None, "12.5万"),
    ("预算500万", "5000000", None, "500万"),
    ("约1.5万", "15000", None, "1.5万"),
    ("金额:8500", "8500", None, "8500"),
    ("合同 ~5000", "5000", None, "5000"),
    ("15万3天后到账", "150000", None, "15万"),
    ("周一三十万到账", "300000", None, "三十万"),
    ("下周一打款20万", "200000", None, "20万"),
    ("12月5日签约,金额80万", "800000", None, "80万"),
    ("下午3点见面,带上50万的合同", "500000", None, "50万"),
    ("京东还欠我们5万", "50000", None, "5万"),
    ("付款 ¥ 8,500", "8500", "CNY", "¥ 8,500"),
    ("拜访了3家,收到5万", "50000", None, "5万"),
    ("见了3个人,签了30万", "300000", None, "30万"),
    ("分2期付款,总额20万", "200000", None, "20万"),
    ("比亚迪二期项目三十万", "300000", None, "三十万"),
    ("第3期的款15万到了", "150000", None, "15万"),
    # -- in sentences, English
    ("received 8,500 from Initech", "8500", None, "8,500"),
    ("new contract Initech $120k, 30% upfront", "120000", "USD", "$120k"),
    ("received 2000 from Initech", "2000", None, "2000"),
    ("invoice total 4500", "4500", None, "4500"),
    ("paid 5000 as deposit", "5000", None, "5000"),
    ("got paid 12,000 today", "12000", None, "12,000"),
    ("Initech wired $20k yesterday", "20000", "USD", "$20k"),
    ("BYD transferred 1.5M", "1500000", None, "1.5M"),
    ("payment of 20k from BYD", "20000", None, "20k"),
    ("BYD paid us 45,000 USD", "45000", "USD", "45,000 USD"),
    ("received a 5000 payment", "5000", None, "5000"),
    ("30% upfront on a $50k contract", "50000", "USD", "$50k"),
    ("Deal worth 1,200,000.50 signed", "1200000.50", None, "1,200,000.50"),
    ("the contract is 3万2500", "32500", None, "3万2500"),
    ("price: 9,999", "9999", None, "9,999"),
    ("Initech Inc paid 7500", "7500", None, "7500"),
    ("received 1,000 on Dec 5", "1000", None, "1,000"),
    ("signed for 2.5k on march 3", "2500", None, "2.5k"),
    # -- several numbers: the one that is money
    ("call 13800138000 about the 50万 contract", "500000", None, "50万"),
    ("paid in 2026, 3万", "30000", None, "3万"),
    ("invoice #1234 for 5,000", "5000", None, "5,000"),
    ("invoice 1234 paid 800", "800", None, "800"),
    ("Q3 contract 50k", "50000", None, "50k"),
    ("stage 3 deal, 80k", "80000", None, "80k"),
    ("contract 2000 licenses for 1.2M", "1200000", None, "1.2M"),
    # -- a marked amount beats a bare one; the whole sum beats a part; then the first wins
    ("合同5000,另加服务费1万", "10000", None, "1万"),
    ("首付10万,合同50万", "500000", None, "50万"),
    ("合同50万,首付10万", "500000", None, "50万"),
    ("收到首付10万", "100000", None, "10万"),
    ("合同3年,每年12万", "120000", None, "12万"),
    ("分三期,每期10万", "100000", None, "10万"),
    ("deposit of $5k on the $50k contract", "50000", "USD", "$50k"),
    ("received 8,500 of the 20k", "8500", None, "8,500"),
    ("收到5万,合同总额50万", "50000", None, "5万"),
    # the 2026-12-08 writers' currencies and magnitudes
    ("annual plan at £45,000", "45000", "GBP", "£45,000"),
    ("worth 1.1 million pounds", "1100000", "GBP", "1.1 million pounds"),
    ("deal是80k刀", "80000", "USD", "80k刀"),
    ("total 650,000 yuan", "650000", "CNY", "650,000 yuan"),
    ("budget approved 2.5 mil", "2500000", None, "2.5 mil"),
    ("settled their invoice 40 grand", "40000", None, "40 grand"),
    ("closed won 1.2个亿", "120000000", None, "1.2个亿"),
    ("赢了两个亿的单", "200000000", None, "两个亿"),
    ("钱打过来了四十二万一分不少", "420000", None, "四十二万"),
    ("联想88w 成交了", "880000", None, "88w"),
    ("报价阶段 50万", "500000", None, "50万"),
]


@pytest.mark.parametrize(("text", "amount", "currency", "span"), FIND, ids=[f[0] for f in FIND])
def test_find_amount(text: str, amount: str, currency: str | None, span: str) -> None:
    money = find_amount(text)
    assert money is not None
    assert money.amount == Decimal(amount)
    assert isinstance(money.amount, Decimal)
    assert money.currency == currency
    assert text[money.start : money.end] == span


# Dates, times, percentages, counts, phone numbers, installment counts, ids: never money.
NOT_MONEY = [
    "12月5日",
    "下午3点",
    "30%",
    "3天后",
    "分三期",
    "net 60",
    "Net-30",
    "60天账期",
    "账期60天",
    "2026-12-05",
    "2026/12/05",
    "2026.12.05",
    "12/5再联系",
    "10:30开会",
    "3点半",
    "见了3个人",
    "拜访了3家",
    "call 13800138000",
    "电话 13800138000",
    "13800138000",
    "微信 12345678",
    "订单号: 88990",
    "合同号12345",
    "百分之三十",
    "首付30%",
    "30% upfront",
    "三成",
    "3-5万",
    "两三万",
    "第3期",
    "our 3rd visit",
    "5G方案",
    "paid in 2026",
    "contract signed in 2026",
    "合同2026年签",
    "20k users",
    "contract for 3 licenses",
    "shipped 8,500 units",
    "1,200 users signed up",
    "3千台设备",
    "10万台",
    "见了一百个客户",
    "他们有3-5个供应商在比价",
    "预算砍了1/3",
    "价格谈到85折",
    "打了3次电话",
    "合同3份",
    "合同第3条",
    "NT$500",
    "下周一上午10点提醒我去比亚迪",
    "拜访比亚迪采购部,他们在比价,三天后再联系",
    "remind me to send Initech the quote tomorrow",
    "付款3天后",
    "contract due Dec 5",
    "v2.5 contract",
    "2.5.1版本合同",
    "in 5 days",
    "received 3 payments",
    "万一客户不付款",
    "千万别忘了催款",
    "百度合同",
    "一起去京东签合同",
    "拜访京东,见了王总",
    "5块屏幕的报价",
    "3个月后付款",
    "下个月15号付款",
    "合同谈了10多次",
    "拜访了3",  # a bare small number with no money word
    "met 20 people at the expo",
    "合同签了三",  # a Chinese numeral with no unit is never money in a sentence
    "对方价格比我们低两成",  # 两成 is 20%
    "stage 3",
    "",
]


@pytest.mark.parametrize("text", NOT_MONEY)
def test_not_money(text: str) -> None:
    assert find_amount(text) is None
    assert find_amounts(text) == ()


# (answer, amount, currency) or (answer, None, None): a reply that is only an amount.
ANSWERS = [
    ("45.5万", "455000", None),
    ("8500", "8500", None),
    ("8,500", "8500", None),
    ("约8500", "8500", None),
    ("大概50万吧", "500000", None),
    ("$120k", "120000", "USD"),
    ("about 20k", "20000", None),
    ("50万左右", "500000", None),
    ("十五万元整", "150000", "CNY"),
    ("三十", "30", None),  # no money word needed: the question asked how much
    ("5", "5", None),
    ("  1.2M  ", "1200000", None),
    ("1,200,000.50", "1200000.50", None),
    ("¥1.2m。", "1200000", "CNY"),
    ("合计: 3万5", "35000", None),
    ("2026", "2026", None),
    ("12月5日", None, None),
    ("30%", None, None),
    ("3天后", None, None),
    ("明天", None, None),
    ("50万,分三期", None, None),
    ("京东50万", None, None),
    ("8500 or 9000", None, None),
    ("13800138000", None, None),
    ("", None, None),
    ("net 60", None, None),
    ("两三万", None, None),
]


@pytest.mark.parametrize(("text", "amount", "currency"), ANSWERS, ids=[a[0] or "empty" for a in ANSWERS])
def test_parse_amount(text: str, amount: str | None, currency: str | None) -> None:
    money = parse_amount(text)
    if amount is None:
        assert money is None
        return
    assert money is not None
    assert (money.amount, money.currency) == (Decimal(amount), currency)


def test_parse_amount_span_is_the_amount_without_the_words_around_it() -> None:
    text = " 约 8,500 左右"
    money = parse_amount(text)
    assert money is not None and text[money.start : money.end] == "8,500"


def test_find_amounts_lists_every_amount_in_order() -> None:
    text = "首付10万,合同50万,call 13800138000"
    assert [(m.amount, text[m.start : m.end]) for m in find_amounts(text)] == [
        (Decimal(100000), "10万"),
        (Decimal(500000), "50万"),
    ]


def test_exclude_skips_spans_taken_by_something_else() -> None:
    text = "3M合同50万"
    assert find_amount(text) == Money(Decimal(3000000), None, 0, 2)  # alone, 3M reads as 3 million
    assert find_amount(text, exclude=[(0, 2)]) == Money(Decimal(500000), None, 4, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("拜访京东,他们粉丝20万", None),
        ("拜访京东,预算¥50万", "500000"),
        ("拜访京东,预算50万", "500000"),
        ("阿里进入商务谈判,报价80万", "800000"),
        ("budget of around 50k", "50000"),
        ("they have 20k followers and 3万 stores", None),
        ("met BYD, 50k", None),
        ("met BYD, $50k in play", "50000"),
        ("拜访京东,粉丝20万,预算30万元", "300000"),
        ("吃饭聊了聊 大概三百万的盘子", "3000000"),  # a sum right before the deal it sizes
        ("talked 350k expansion", "350000"),
        ("they need 1.2M budget sign off", "1200000"),
        ("budget approved 2.5 mil", "2500000"),
    ],
)
def test_explicit_keeps_only_amounts_that_are_money_on_their_face(text: str, expected: str | None) -> None:
    money = find_amount(text, explicit=True)
    assert (money.amount if money else None) == (Decimal(expected) if expected else None)


def test_spans_point_into_the_original_full_width_text() -> None:
    text = "京东合同，金额４５．５万，ＵＳＤ１２０ｋ"
    assert find_amounts(text) == (Money(Decimal(455000), None, 7, 12), Money(Decimal(120000), "USD", 13, 20))
    assert [text[m.start : m.end] for m in find_amounts(text)] == ["４５．５万", "ＵＳＤ１２０ｋ"]


def test_amounts_are_exact_decimals_without_exponent() -> None:
    for text in ("1.2亿", "45.5万", "0.1万", "1,200,000.50", "3千万"):
        money = find_amount(text)
        assert money is not None
        assert "E" not in str(money.amount)
    assert find_amount("0.1万") == Money(Decimal("1000"), None, 0, 4)
    assert str(find_amount("1.23456万").amount) == "12345.6"  # type: ignore[union-attr]


# (sentence, installments, upfront percent, net days, on delivery)
TERMS = [
    ("分三期", 3, None, None, False),
    ("分3期付款", 3, None, None, False),
    ("分两期", 2, None, None, False),
    ("分十二期", 12, None, None, False),
    ("分两次付清", 2, None, None, False),
    ("3期付款", 3, None, None, False),
    ("3 installments", 3, None, None, False),
    ("in three installments", 3, None, None, False),
    ("in 4 equal instalments", 4, None, None, False),
    ("split into two payments", 2, None, None, False),
    ("30% upfront", None, "30", None, False),
    ("30 % up-front", None, "30", None, False),
    ("首付30%", None, "30", None, False),
    ("预付30%", None, "30", None, False),
    ("30% deposit", None, "30", None, False),
    ("deposit of 25%", None, "25", None, False),
    ("定金百分之二十", None, "20", None, False),
    ("首付三成", None, "30", None, False),
    ("50% in advance", None, "50", None, False),
    ("20%的预付款", None, "20", None, False),
    ("12.5% down payment", None, "12.5", None, False),
    ("net 60", None, None, 60, False),
    ("Net-45", None, None, 45, False),
    ("net30", None, None, 30, False),
    ("60天账期", None, None, 60, False),
    ("账期60天", None, None, 60, False),
    ("账期为90天", None, None, 90, False),
    ("月结30天", None, None, 30, False),
    ("账期3个月", None, None, 90, False),
    ("30-day terms", None, None, 30, False),
    ("payment terms: 45 days", None, None, 45, False),
    ("on delivery", None, None, None, True),
    ("货到付款", None, None, None, True),
    ("cash on delivery", None, None, None, True),
    ("COD", None, None, None, True),
    ("pay upon delivery", None, None, None, True),
    # several together
    ("30% upfront, balance in 60 days", None, "30", 60, False),
    ("50% on signing, 50% on delivery", None, "50", None, True),
    ("new contract Initech $120k, 30% upfront", None, "30", None, False),
    ("京东合同提交审批,金额45.5万,分三期", 3, None, None, False),
    ("首付30%,分三期,货到付清尾款", 3, "30", None, True),
    ("30% upfront, rest on delivery, net 30", None, "30", 30, True),
    ("合同50万,首付三成,账期60天,分两期", 2, "30", 60, False),
    ("BYD signed for $80k in 3 installments, net 45", 3, None, 45, False),
]


@pytest.mark.parametrize(
    ("text", "installments", "upfront", "net_days", "on_delivery"), TERMS, ids=[t[0] for t in TERMS]
)
def test_find_terms(
    text: str, installments: int | None, upfront: str | None, net_days: int | None, on_delivery: bool
) -> None:
    assert find_terms(text) == Terms(
        installments=installments,
        upfront_percent=Decimal(upfront) if upfront else None,
        net_days=net_days,
        on_delivery=on_delivery,
    )


@pytest.mark.parametrize(
    "text",
    [
        "比亚迪 CRM 二期",
        "京东合同50万",
        "3天后付款",
        "下周三见",
        "30%的客户在比价",
        "payment received",
        "分享了方案",
        "第三期项目",
        "internet",
        "in 5 days",
        "",
    ],
)
def test_no_terms(text: str) -> None:
    assert find_terms(text) is None


def test_values_are_frozen() -> None:
    money = find_amount("45.5万")
    terms = find_terms("分三期")
    assert money is not None and terms is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = Decimal(1)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        terms.installments = 2  # type: ignore[misc]

"""Keeping the customers (issue 20), read from a sentence: "哪些客户很久没联系了" / "quiet accounts", "认领华为" /
"claim Acme", a complaint or a need raised ("华为投诉交货延迟了", "Acme complained about support response times",
"美的提了个需求:要和他们的ERP对接"), one handled ("华为的投诉处理完了"), and which of the eight reasons customers
leave a complaint is about. Pure: no I/O."""

from __future__ import annotations

import re

from salesbot.nlp import prefilter

_QUIET = re.compile(
    r"(?:很久|好久|长时间|一直|好长时间|挺久)没(?:有)?(?:联系|跟进|跟|拜访|动静|去|见)|沉睡客户|休眠客户|沉默客户|"
    r"(?:一个多月|一个月|两个月|几个月|[一二三四五六七八九十两几\d]+(?:个多?月|周|星期))(?:都|了)?没(?:人|有人)?(?:联系|跟进|跟|拜访|去)|"
    r"\bquiet\s+(?:accounts?|customers?|clients?)\b|\bgone\s+quiet\b|\bgoing\s+quiet\b|"
    r"\bhaven'?t\s+(?:we\s+|i\s+)?(?:heard\s+from|contacted|talked\s+to)\b|"
    r"\b(?:going|gone|went|gotten|getting)\s+(?:cold|quiet|dark|silent)\b|"
    # 2026-12-08 set: "which accounts havent i touched in a while", "customers i haven't called in a month",
    # "accounts with no contact for 30 days", "who have i neglected"
    r"\b(?:haven'?t|have not|hasn'?t|didn'?t)\s+(?:i\s+|we\s+|been\s+)?(?:touched|contacted|visited|called|"
    r"seen|spoken\s+to|talked\s+to|reached\s+out\s+to|followed\s+up(?:\s+with)?)\b"
    r"[^.?!]{0,30}\b(?:in|for)\s+(?:over\s+|more\s+than\s+)?(?:a\s+while|ages|a\s+long\s+time|long\s+time|a\s+month|"
    r"a\s+week|\w+\s+(?:days|weeks|months))\b|"
    r"\b(?:haven'?t|have not|hasn'?t|didn'?t)\s+(?:i\s+|we\s+|been\s+)?(?:touched|contacted|visited|called|seen|"
    r"spoken\s+to|talked\s+to)\b[^.?!]{0,30}\b(?:lately|recently)\b|"
    # "which clients have we not spoken to in over a month", "which customers nobody contact for long time"
    r"\b(?:have we|have i|has anyone|has nobody) not\s+"
    r"(?:touched|contacted|visited|called|seen|spoken\s+to|talked\s+to)[^.?!]{0,30}\b"
    r"(?:(?:in|for)\s+(?:over\s+|more\s+than\s+)?(?:a\s+while|ages|a\s+long\s+time|long\s+time|a\s+month|"
    r"\w+\s+(?:days|weeks|months))|lately|recently)\b|"
    r"\b(?:nobody|no one|no-one)\s+(?:has\s+)?(?:contact(?:ed)?|visit(?:ed)?|call(?:ed)?|touch(?:ed)?|talk(?:ed)?\s+to)"
    r"\b[^.?!]{0,30}\b(?:for|in)\s+(?:a\s+)?(?:long\s+time|while|ages|\w+\s+(?:days|weeks|months))\b|"
    r"\b(?:no contact|no touch(?:es|points?)?|no activity|no visits?)\s+(?:in|for)\s+"
    r"(?:a\s+while|ages|\w+\s+(?:days|weeks|months))\b|"
    r"\b(?:neglected|dormant|stale|cold)\s+(?:accounts?|customers?|clients?)\b|\bwho\s+have\s+i\s+neglected\b|"
    # tune4: which customers, then how long nobody reached them: 哪些客户一个多月没人联系了, "which accounts
    # havent been touched in a while", "which clients have we not spoken to", "which customers nobody contact".
    r"哪(?:些|几个|几家|个)客户[^,，。?？]{0,12}?没(?:人|有人)?(?:联系|跟进|跟|拜访|去|见|碰|动)|"
    r"\bwhich\s+(?:customers?|clients?|accounts?)\b[^.?!]{0,30}?(?:\bnot\b|n'?t\b|\bnobody\b|\bno\s+one\b)"
    r"[^.?!]{0,12}?\b(?:touched|contact(?:ed)?|spoken|talked|visited|called|heard)\b",
    re.IGNORECASE,
)
_CLAIM = re.compile(r"^\s*(?:我要|我来)?认领|^\s*(?:i(?:'ll| will)?\s+)?claim\b", re.IGNORECASE)
_CLOSE = re.compile(
    r"(?:投诉|需求)[^,，。;；]{0,8}?(?:处理完|处理好|解决了|解决好|搞定|完成了|做完|关闭|结束)|"
    r"\b(?:complaint|request|need)\b[^,.;]{0,30}?\b(?:is\s+|was\s+|has\s+been\s+)?"
    r"(?:resolved|handled|closed|done|sorted(?:\s+out)?|fixed)\b|"
    r"\b(?:resolved|handled|closed|fixed|sorted\s+out)\s+(?:\w+'s\s+|the\s+|their\s+|its\s+)?[^,.;]{0,20}?"
    r"\b(?:complaint|request)\b",
    re.IGNORECASE,
)
_WHY_LOST = re.compile(
    r"丢单原因|输单原因|为什么(?:会|总|老)?(?:是)?(?:丢单|输单|丢客户)|流失原因|客户流失分析|"
    r"\bwhy\b[^.?!]{0,20}\b(?:los(?:e|ing)|lost)\b|\bloss(?:es)?\s+(?:analysis|reasons?)\b|"
    r"\blost\s+deals?\s+(?:analysis|report|by\s+reason)\b",
    re.IGNORECASE,
)
_COMPLAINT = re.compile(r"投诉|抱怨|\bcomplain(?:ed|s|ing|ts?)?\b|\bcomplaints?\b", re.IGNORECASE)
_NEED = re.compile(
    r"提(?:了|出了?)?(?:个|一个|些|新)?(?:新)?需求|有(?:个|一个)新?需求|新需求|"
    # 2026-12-07 set: 记一下这个需求, "log a need".
    r"(?:记|记录|登记)(?:一下|下)?[^,，。;；:：]{0,12}?需求|需求(?:记|记录|登记)(?:一下|下)|"
    r"\b(?:log|note|record)\s+(?:a|this|the|their)\s+(?:need|request|feature\s+request)\b|"
    r"\bfeature\s+requests?\b|\brequested\s+(?:a|an|to)\b|"
    # not "requested that their instalment be deferred": a payment moved (tune4)
    r"\brequested\s+that\b(?![^.;]*\b(?:deferred|postponed|moved|delayed|pushed|rescheduled)\b)|\braised\s+a\s+(?:need|request)\b|"
    r"\basked\s+(?:us\s+)?for\s+(?:a|an)\s+(?:feature|integration|new)\b",
    re.IGNORECASE,
)

# The eight reasons, each by the words that name it; checked in this order, the first that appears wins (a late
# delivery is a poor experience even when "service" is said; "support response times" is a question left waiting).
_REASONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("ethics", r"回扣|贿赂|不诚信|欺骗|合规|道德|\bethic|\bbrib|\bkickback|\bdishonest|\bcompliance\b"),
        ("involuntary", r"倒闭|破产|被收购|合并|搬迁|关门|\bbankrupt|\bacquired\b|\bmerged\b|\bclosing\s+down\b"),
        ("competitor", r"竞争对手|竞品|对手|友商|\bcompetitor|\brival\b"),
        ("price", r"价格|太贵|贵了|涨价|报价高|费用|\bprice|\bpricing\b|\bexpensive\b|\bcost(?:s|ly)?\b"),
        (
            "unanswered",
            r"没(?:人)?(?:回复|回答|答复|回应)|不回|回复慢|响应慢|响应时间|没有答复|\bunanswered\b|"
            r"\bresponse\s+times?\b|\bno\s+(?:reply|response|answer)\b|\bslow\s+to\s+(?:reply|respond|answer)\b|"
            r"\bnever\s+(?:replied|answered|got\s+back)\b",
        ),
        ("features", r"功能|不支持|缺少|做不了|\bfeatures?\b|\bmissing\b|\bcan'?t\s+do\b|\bdoesn'?t\s+support\b"),
        ("service", r"服务态度|客服|售后|态度差|态度不好|\bsupport\b|\bservice\b|\brude\b|\bunfriendly\b"),
        (
            "experience",
            r"交货|交付|延迟|延期|质量|故障|难用|体验|卡顿|出错|\bdeliver(?:y|ies)?\b|\bdelay|\blate\b|"
            r"\bquality\b|\bbugs?\b|\bbroken\b|\bcrash|\bexperience\b|\bhard\s+to\s+use\b",
        ),
    )
)


# In the order tried; most messages hold none of their words, and one search says so (nlp/prefilter.py).
_INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("claim_customer", _CLAIM),
    ("item_close", _CLOSE),
    ("why_lost", _WHY_LOST),
    ("complaint", _COMPLAINT),
    ("need", _NEED),
    ("quiet_accounts", _QUIET),
)
_ANY_INTENT = prefilter.gate(pattern for _, pattern in _INTENTS)


def asks_quiet(text: str) -> bool:
    return _QUIET.search(text) is not None


def intent(text: str) -> str | None:
    """The retention intent a message carries, or None: quiet_accounts, claim_customer, item_close, why_lost,
    complaint, need. A handled item is read before a new one: "华为的投诉处理完了" names a complaint too."""
    if not _ANY_INTENT.search(text):
        return None
    for found, pattern in _INTENTS:
        if pattern.search(text):
            return found
    return None


def reason(text: str) -> str | None:
    """Which of the eight reasons a complaint names, or None when the sentence does not say."""
    for key, pattern in _REASONS:
        if pattern.search(text):
            return key
    return None


def what_was_said(text: str) -> str:
    """The complaint or need itself, without the words that announced it: "要和他们的ERP对接"."""
    for sep in (":", ":", "—", " - "):
        if sep in text:
            rest = text.split(sep, 1)[1].strip()
            if rest:
                return rest
    return text.strip()

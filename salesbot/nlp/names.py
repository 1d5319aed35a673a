"""Company names in a sentence that the customer list does not explain (issue 17).

- A look-alike: a known name with a company-name tail right after it (华为云, 腾讯音乐, 京东物流, Hooli Labs) is a
  different company unless the team made it an alias. The matcher finds 华为 in it; `look_alike` turns that into a
  "confirm" resolution: the guess, and the longer name as written, so the rep picks.
- An unknown name: a name where a sentence puts one (拜访了蓝鲸科技, 和星河软件开了个会, met with Brightside Labs) that
  matches no customer, offered as a new customer with one tap.
Pure: text in, names out.
"""

from __future__ import annotations

import re
from dataclasses import replace

from salesbot.nlp.customers import Resolution

_CJK_TAIL = re.compile(
    r"(?:云|音乐|物流|健康|科技|软件|电子|金融|汽车|医疗|医药|药业|银行|保险|地产|置业|能源|新能源|传媒|文化|游戏|"
    r"智能|网络|数据|资本|影业|体育|教育|支付|证券|生活|外卖|出行|旅游|航空|芯片|半导体|电商|零售|实业|超市|微电子|"
    r"智造|光电|材料|环保|建设|工程|食品|服饰|家居|电器|投资|租赁|动力|通信|"
    # a numbered or subordinate unit (中建三局, 中铁十一局, 华为深圳分公司): another customer until the team says not
    r"[一二三四五六七八九十\d]{1,3}(?:局|院|所|厂|处|公司)|[\u4e00-\u9fff]{0,3}?(?:分公司|子公司|研究院|设计院))(?!会)"
)
_LATIN_TAIL = re.compile(
    r"\s+(?P<tail>foods?|labs?|media|systems|health|cloud|music|capital|bank|motors|energy|software|tech|studios|"
    r"games|pharma|retail|ventures|solutions|digital|finance|insurance|airlines|networks|security|partners|"
    r"consulting|electronics|foods)(?![A-Za-z])",  # "Hooli Labs今天…": a Chinese word may follow it
    re.IGNORECASE,
)
_CJK = r"[\u4e00-\u9fff]"
# Where a sentence names a company: after a verb of meeting it, or at the start before 的合同 and the like.
_CJK_NAME = re.compile(
    rf"^(?:嗯|哦|那个)?\s*(?P<l2>{_CJK}{{2,8}}?)[\s,，:：]*(?=新线索|新商机)"
    rf"|(?:新线索|新商机|新客户)[\s:：,，]*(?P<l>{_CJK}{{2,8}}?)(?=[\s,，。.!！?？:：;；的有在想要]|$)"
    rf"|(?:拜访了?|去了?一?趟|去了?(?!拜访|见|找|约|一?趟)|见了|约了|(?<!再)(?:和|跟)(?!进)|给|请|陪|来自|找|催)(?P<n>{_CJK}{{2,8}}?)"
    rf"(?=的|开|聊|吃|打|见|谈|沟通|视频|签|合同|了|那边|总部|公司|来|送|拿|收|要|催|确认|对接|,|，|。|、|\s|$"
    rf"|{_CJK}总(?!部)"  # a person by title right after the company, no space: 拜访了星辰科技王总
    # a run-on sentence: the follow-up's day right after the name (拜访了星河软件过两天再跟进)
    rf"|过两天|明天|后天|下周|下个|下月|今天|周[一二三四五六日]|月底|\d|[一二三四五六七八九十两]+(?:天|周|个))"
    rf"|^(?:嗯|哦|那个)?\s*(?P<s>{_CJK}{{2,8}}?)(?=的?(?:合同|这单|那单|单子|尾款|回款|来访|人|那边)|还欠|欠|打款|打了|付|到账|进入|推进|签)"
)
_LATIN_NAME = re.compile(
    r"\b(?:visited|met\s+with|met|meeting\s+with|call\s+with|lunch\s+with|dinner\s+with|dropped\s+by|"
    r"stopped\s+by|zoom\s+with|contract\s+for|from|chase|call)\s+"
    r"(?P<n>[A-Z][A-Za-z0-9&-]*(?:\s+[A-Z][A-Za-z0-9&-]*){0,3})"
    r"|^(?P<s>[A-Z][A-Za-z0-9&-]*(?:\s+[A-Z][A-Za-z0-9&-]*){0,3})(?='s|\s+(?:contract|deal|came|is|owes|paid|signed|"
    r"moved|wired|sent|settled|still))"
)
# Not names: people, pronouns, time words, a rep's own side.
# 完 / 过 finish a verb (拜访完了, 去过了): no name starts there.
_NOT_A_NAME_START = set("我你他她它们这那客老对今明昨后前上下周每一二三四五六七八九十两几个再又也就都还刚趟谁现完过")
# Words no company name holds: the rep, a verb of the sentence, a measure of time.
_NOT_IN_A_NAME = re.compile(
    r"[我你他她们]|外面|总共|现在|目前|一共|到底|提醒|开会|一趟|一下|看看|合同|客户|采购|老板|拜访|回访|跟进|明天|今天|昨天|下周|上午|下午"
)
_NOT_A_NAME = re.compile(
    r"^(?:The|This|That|Our|My|Their|His|Her|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
    r"Oct|Nov|Dec|Today|Tomorrow|Yesterday|I|We|They|Them|Him|Procurement|CFO|CTO|CEO)\b"
)


def look_alike(text: str, resolution: Resolution) -> Resolution:
    """The resolution as "confirm" when its one match is only part of a longer name written in the text."""
    match = resolution.match
    if match is None or match.end is None or match.start is None:
        return resolution
    rest = text[match.end :]
    mention = text[match.start : match.end]
    cjk = mention[-1:] and "\u4e00" <= mention[-1] <= "\u9fff"
    tail = _CJK_TAIL.match(rest) if cjk else _LATIN_TAIL.match(rest)
    if tail is None or tail.group(0).strip().lower() in match.customer.name.lower():
        return resolution
    if not cjk and mention[:1].isupper() and tail["tail"][:1].islower():
        return resolution  # "met the Gekko partners": a name written with a capital keeps it on every word it has

    longer = (mention + tail.group(0)).strip()
    return replace(resolution, kind="confirm", unknown_name=longer)


def unknown_name(text: str) -> str | None:
    """A company name where the sentence puts one, for a sentence whose customer the list does not have."""
    for m in _CJK_NAME.finditer(text):
        name = m["n"] or m["s"] or m["l"] or m["l2"]
        if name and name[0] not in _NOT_A_NAME_START and not _NOT_IN_A_NAME.search(name):
            return name
    for m in _LATIN_NAME.finditer(text):
        name = re.sub(r"'s$", "", m["n"] or m["s"]).strip()
        if not _NOT_A_NAME.match(name):
            return name
    return None


def with_unknown_name(text: str, resolution: Resolution) -> Resolution:
    """Look-alikes made "confirm", and the unknown name of a sentence that names no customer. A customer guessed
    through a slip keeps the name as written (华闰), so the rep can say it is a new customer after all."""
    if resolution.kind == "one":
        resolution = look_alike(text, resolution)
        match = resolution.match
        if resolution.slipped and match is not None and match.start is not None and match.end is not None:
            return replace(resolution, unknown_name=text[match.start : match.end].strip() or None)
        return resolution
    if resolution.kind == "none":
        name = unknown_name(text)
        if name:
            return replace(resolution, unknown_name=name)
    return resolution

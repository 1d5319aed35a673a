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
    r"智造|光电|材料|环保|建设|工程|食品|服饰|家居|电器|电气|投资|租赁|动力|通信|"
    # a joint venture named by its two parents (上汽通用, 一汽大众, 广汽丰田): not the first parent
    r"通用|大众|丰田|本田|日产|奥迪|福特|现代|起亚|宝马|奔驰|"
    # a numbered or subordinate unit (中建三局, 中铁十一局, 华为深圳分公司): another customer until the team says not
    r"[一二三四五六七八九十\d]{1,3}(?:局|院|所|厂|处|公司)|[\u4e00-\u9fff]{0,3}?(?:分公司|子公司|研究院|设计院))(?!会)"
)
_LATIN_TAIL = re.compile(
    r"\s+(?P<tail>foods?|labs?|media|systems|health|cloud|music|capital|bank|motors|energy|software|tech|studios|"
    r"games|pharma|retail|ventures|solutions|digital|finance|insurance|airlines|networks|security|partners|"
    r"consulting|electronics|foods|aviation|"
    # 2026-12-08 set: "stark logistics" is not Stark Industries, "acme robotics" not Acme: an industry after the
    # shared first word names another company.
    r"logistics|robotics|marine|grain|mining|steel|solar|shipping|freight|trading|holdings|industries|manufacturing|"
    r"chemicals?|textiles|pharmaceuticals|biotech|farms|automotive|aerospace|construction|telecom|technologies|"
    r"dynamics|analytics|devices|instruments|materials|semiconductors?|airways|hotels|resorts|apparel|brewing|"
    r"beverages|utilities|agri(?:culture)?|fisheries|plastics|metals|minerals|petroleum|realty|properties|"
    r"bakery|dental|clinic|hospital|pharmacy|restaurants?|"
    r"cafe|hotel|academy|university|college|farm|dairy|brewery|winery|outfitters|supply|supplies|works|builders|"
    # no \b at the end: a Chinese word may follow ("Hooli Labs今天")
    r"interiors|furniture|fashion|cosmetics|packaging|printing|logistic|transport|express|couriers|imports|exports)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
# A customer matched by its first word only (harbor for Harbor Freight Lines) with other words after it that end
# in a company-name tail (harbor lane bakery): another company, up to two words in between.
_LATIN_LONGER = re.compile(r"(?P<mid>(?:\s+[A-Za-z][A-Za-z&-]*){1,2}?)" + _LATIN_TAIL.pattern, re.IGNORECASE)
# Reps type names in lower case ("called tidewater grain no answer", "new lead bluepeak foods", "add sable ridge
# mining as a lead"): after a verb that puts a company next, the words up to the first that no name holds.
_LOWER_NAME = re.compile(
    r"(?:\b(?:visited|visit\s+@|visit\s+at|met(?:\s+(?:with|w/?))?|meeting\s+with|call\s+with|(?:cold[\s-]+)?called|phoned|rang|"
    r"(?:spoke|talked|chatted)\s+(?:with|w/?|to)|emailed|saw|(?:guys|folks|team|people)\s+(?:at|from)|"
    r"(?:lunch|dinner|coffee|zoom|f2f|mtg|meeting|call)\s+(?:with|w/?)|went\s+to|on\s+site\s+at|"
    r"new\s+(?:lead|prospect|customer|client|account)\s*[:,-]?|add(?:ed)?|create[d]?|log(?:ged)?|"
    r"enter(?:ed)?|mark(?:ed)?|flag(?:ged)?|"
    # a reminder's, a payment's or a question's company: "remind me to call bluefin analytics", "got 20k from
    # ashford dental", "did cobalt ridge pay yet", "contract for greystone labs"
    r"(?:to|and)\s+(?:call|email|visit|ping|chase|text)|chase|from|(?:contract|invoice|quote|proposal)\s+for|"
    r"^\s*(?:did|has|have)|^\s*(?:how\s+much\s+)?(?:does|do))\s+)"
    # in a lookahead, so that a verb's words do not hide the next verb ("called the guys at redfern logistics")
    r"(?=(?P<n>[a-z][a-z0-9&-]*(?:\s+[a-z][a-z0-9&-]*){0,3}))"
)
_NOT_IN_A_LOWER_NAME = frozenset(
    " ".join(
        (
            "a an the my our their his her him them they us we i you it this that these those there here",
            "for to at in on of from with w about re by abt as and but so or then lol pls",
            "today yesterday yday tmrw tomorrow tonight morning afternoon evening week month year next last",
            "mon tue tues wed thu thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday",
            "is was are were be been said says want wants wanted need needs asked has have had will would can could",
            "again back up no not new yet just already also too all still",
            "team people guys folks procurement purchasing cfo ceo cto coo buyer boss contact office site hq",
            "reminder note lead leads prospect customer client account deal visit call meeting follow",
            "left got sent gave took told showed discussed talked spoke went came signed paid wants",
            "pay pays owe owes sign wire wired anyone anybody someone everyone nobody me marketing legal finance",
            "still yet ever any some every more most much many lately recently recent earlier later soon",
            "who which after before its mom dad home",
        )
    ).split()
)
_CJK = r"[\u4e00-\u9fff]"
# Where a sentence names a company: after a verb of meeting it, or at the start before 的合同 and the like.
_CJK_NAME = re.compile(
    rf"^(?:嗯|哦|那个)?\s*(?P<l2>{_CJK}{{2,8}}?)[\s,，:：]*(?=新线索|新商机)"
    rf"|(?:新线索|新商机|新客户)[\s:：,，]*(?P<l>{_CJK}{{2,8}}?)(?=[\s,，。.!！?？:：;；的有在想要]|$)"
    rf"|(?:拜访了?|去了?一?趟|去了?(?!拜访|见|找|约|一?趟)|见了|约了|(?<!再)(?:和|跟)(?!进)|给|请|陪|来自|找|催|"
    # "New lead from the exhibition: 星辰网络科技": a new lead's name after a colon
    rf"(?i:\b(?:lead|prospect|线索|新客户))[^:：,，。]{{0,30}}[:：]\s*)(?P<n>{_CJK}{{2,8}}?)"
    rf"(?=的|开|聊|吃|打|见|谈|沟通|视频|签|合同|了|那边|总部|公司|来|送|拿|收|要|催|确认|对接|,|，|。|、|\s|$"
    rf"|{_CJK}总(?!部)"  # a person by title right after the company, no space: 拜访了星辰科技王总
    # a run-on sentence: the follow-up's day right after the name (拜访了星河软件过两天再跟进)
    rf"|过两天|明天|后天|下周|下个|下月|今天|周[一二三四五六日]|月底|\d|[一二三四五六七八九十两]+(?:天|周|个))"
    rf"|^(?:嗯|哦|那个)?\s*(?P<s>{_CJK}{{2,8}}?)(?=的?(?:合同|这单|那单|单子|尾款|回款|来访|人|那边)|还欠|欠|打款|打了|付|到账|进入|推进|签)"
)
# Lines of business that end company names far more often than ordinary phrases (not 智能, 数据, 文化: 人工智能).
_TRADES = (
    "钢铁|化学|化工|重工|电器|电气|机械|机电|科技|软件|电子|集团|股份|实业|物流|医药|药业|制药|汽车|建材|建工|食品|纺织|"
    "服饰|家居|传媒|控股|银行|证券|保险|地产|置业|航空|船舶|矿业|水泥|玻璃|造纸|牧业|乳业|酒业|贸易|商贸|网络科技"
)
# A company by its line of business (宝武钢铁, 上海振华重工, 万华化学, 正泰电器) where a name can start: the start of
# the message or a clause, or after 那边 / 的 / a verb of meeting it (2026-12-08 set).
_CJK_COMPANY = re.compile(
    rf"(?:^|(?<=[\s,，。、;；:：!！的和跟给找])|(?<=那边|这边))(?:那个|这个|新客户)?"
    rf"(?P<n>(?:(?![的了那这和跟给找是在])[\u4e00-\u9fff]){{2,6}}?(?:{_TRADES})+)"
    r"(?=的|那边|这边|这家|那家|\s|,|，|。|$|初访|新线索|线索|拜访|来访|报价|签|赢|成交|丢|输)"
)
# A name right before what happened with it, at the start of a terse line (正泰电器 初访, 万华化学 新线索).
_CJK_LEADS = re.compile(
    rf"^(?P<n>{_CJK}{{2,8}}?)\s*(?:初访|首访|新线索|新商机|线索|来访|报价已发|已报价|赢单|成交|丢单|输了|签约|签了)"
)
# A lead introduced by a colon in English (new lead: kestrel aviation, New lead from the exhibition: 星辰网络科技).
_LEAD_COLON = re.compile(
    rf"(?i:\b(?:new\s+)?(?:lead|prospect|opportunity)\b[^:：,.]{{0,30}}[:：])\s*"
    rf"(?P<n>{_CJK}{{2,10}}|[A-Za-z][A-Za-z0-9&'-]*(?:\s+[A-Za-z][A-Za-z0-9&'-]*){{0,3}})(?=\s*(?:[,.;]|$))"
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
_NOT_A_COMPANY_START = set("我你他她它们这那客老对今明昨后前每谁现再又也就都还刚")
# Words no company name holds: the rep, a verb of the sentence, a measure of time.
_NOT_IN_A_NAME = re.compile(
    # adverbs and question words no company holds (决策人都摸清楚, 该怎么弄)
    r"[我你他她们都也该]|怎么|什么|如何|清楚|决策|完了|过了|好了|已经|终于|总算|刚刚|马上|正在|单子|项目|订单|现在|目前|一共|到底|"
    r"外面|总共|提醒|开会|一趟|一下|看看|合同|客户|采购|老板|拜访|回访|跟进|明天|今天|昨天|下周|上午|下午"
)
_NOT_A_NAME = re.compile(
    r"^(?:The|This|That|Our|My|Their|His|Her|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
    r"Oct|Nov|Dec|Today|Tomorrow|Yesterday|I|We|They|Them|Him|Procurement|CFO|CTO|CEO|"
    # a question, a pronoun or a request opening the sentence ("What's the total still outstanding")
    r"What|Who|Which|Where|When|Why|How|Is|Are|Did|Does|Do|Has|Have|Can|Could|Should|Please|Kindly|Sorry|Show|"
    r"Remind|It|He|She|There|Here|Everyone|Everybody|Someone|Somebody|Nobody|Let)\b"
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
    if tail is None and not cjk and match.how == "prefix":
        longer_tail = _LATIN_LONGER.match(rest)
        if longer_tail is not None and not any(w.lower() in _NOT_IN_A_LOWER_NAME for w in longer_tail["mid"].split()):
            tail = longer_tail
    if tail is None or tail.group(0).strip().lower() in match.customer.name.lower():
        return resolution
    if not cjk and mention[:1].isupper() and tail["tail"][:1].islower():
        return resolution  # "met the Gekko partners": a name written with a capital keeps it on every word it has

    longer = (mention + tail.group(0)).strip()
    return replace(resolution, kind="confirm", unknown_name=longer)


def unknown_name(text: str) -> str | None:
    """A company name where the sentence puts one, for a sentence whose customer the list does not have."""
    for m in _CJK_COMPANY.finditer(text):
        # its line of business makes it a company: a region may open it (上海振华重工)
        if m["n"][0] not in _NOT_A_COMPANY_START and not _NOT_IN_A_NAME.search(m["n"]):
            return m["n"]
    for pattern in (_CJK_LEADS, _LEAD_COLON):
        for m in pattern.finditer(text):
            name = m["n"].strip()
            if name[0] not in _NOT_A_NAME_START and not _NOT_IN_A_NAME.search(name) and not _NOT_A_NAME.match(name):
                return name
    for m in _CJK_NAME.finditer(text):
        name = m["n"] or m["s"] or m["l"] or m["l2"]
        if name and name[0] not in _NOT_A_NAME_START and not _NOT_IN_A_NAME.search(name):
            return name
    for m in _LATIN_NAME.finditer(text):
        name = re.sub(r"'s$", "", m["n"] or m["s"]).strip()
        if not _NOT_A_NAME.match(name):
            return name
    for m in _LOWER_NAME.finditer(text):
        words = []
        for word in m["n"].split():
            if word in _NOT_IN_A_LOWER_NAME:
                break
            words.append(word)
        if words:
            return " ".join(words)
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

"""What a message asks for, and the slots it already carries. Pure: now, customers and lexicons are passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from salesbot.nlp import leave, prefilter, questions, receivables, retention, steering, targets
from salesbot.nlp.amounts import Money, Terms, find_amount, find_terms
from salesbot.nlp.contracts import asks_my_approvals
from salesbot.nlp.customers import CustomerIndex, Resolution
from salesbot.nlp.dates import DateError, DateReading, WorkCalendar, find_date, find_dates
from salesbot.nlp.names import with_unknown_name
from salesbot.nlp.numerals import normalize
from salesbot.nlp.stages import ReasonLexicon, StageLexicon, StageMention

INTENTS = (
    "visit",
    "stage",
    "contract",
    "receivables",
    "payment",
    "reminder",
    "help",
    "my_customers",
    "my_deals",
    "schedule",
    "export",
    "my_approvals",
    # questions about the work (nlp/questions.py, issue 19)
    "agenda",
    "customer_brief",
    "team_report",
    "silent_reps",
    "rep_activity",
    "funnel",
    "forecast",
    "set_target",  # issue 21 (nlp/targets.py)
    "attainment",
    "adoption",
    "report_comment",
    "report_draft",  # "写日报" / "my daily report": the report drafted now (nlp/targets.py)
    "leave",  # days off: "我明天请假" / "I'm off on Friday" (nlp/leave.py)
    "leave_cancel",
    "leave_list",
    # steering the conversation (nlp/steering.py)
    "undo",
    "correct",
    "follow_up_move",
    "follow_up_done",
    "decide",
    "pick",
    # keeping the customers (nlp/retention.py, issue 20)
    "quiet_accounts",
    "claim_customer",
    "complaint",
    "need",
    "item_close",
    "why_lost",
    "unknown",
)

# Checked in order: the first family whose words appear wins. Reminder before visit, because "remind me to call"
# names a call. Unpaid before paid, because "没回款" contains "回款" and "haven't paid" contains "paid"; a payment
# before the owing words, because "京东还清了欠款" settles a debt rather than asking about one; the payment words
# before the contract words, because "received payment for the Initech contract" is a payment. The payment words
# are past-tense receipts: terms in a new contract ("分两次付清", "to be paid on delivery", "payment on delivery")
# must not make it a payment. 报价 (a quote) is a stage word, not a contract; an invoice goes with the contract it
# bills.
# A one-word request may come with a filler before it and a full stop after it ("嗯 帮助", "我的客户。").
_FILLER = r"^\s*(?:(?:嗯|哦|那个|hi|hello|hey|你好|ok(?:ay)?|so|um)(?![a-z])[\s,，]*){0,2}"
_END = r"\s*(?:,?\s*(?:please|pls|plz|rn|now))?\s*[.!?。！]*\s*$"
# "show my deals", "list all my accounts", "看看我的客户": a list asked for with a verb.
_SHOW = (
    r"(?:(?:pls\s+|please\s+|can\s+you\s+|can\s+i\s+)?(?:show|list|see|view|pull\s+up|get|give)\s+(?:me\s+)?"
    r"(?:all\s+(?:of\s+)?)?|what'?s\s+in\s+|all\s+(?:of\s+)?|"
    r"(?:看看|看一下|查看|列出|显示)\s*)?"
)
_LOOK = r"(?:看看|看一下|看下|查看|查一下|查下|列出|列一下|显示|打开|给我看看?|发我|调出)"
_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (intent, re.compile(pattern, re.IGNORECASE))
    for intent, pattern in (
        ("help", rf"{_FILLER}(/help|help|帮助|怎么用|使用说明|\?|？){_END}"),
        # Help asked in a sentence (issue 17): "这个机器人怎么用?", "how do I log a visit?".
        (
            "help",
            r"怎么用|如何使用|使用说明|能做什么|会做什么|可以做什么|能干什么|教我|不知道怎么|有什么功能|"
            r"怎么(?:记录|提交|设|登记|录入|输入|添加|查|操作|新建|创建|建|录|导出|记|填|写)|你(?:会|能|可以)(?:干|做)(?:嘛|什么|啥)|"
            r"怎么把[^,，。]{0,12}?(?:记|录|提交|设|加|导出|登记|标)|怎么(?:改|修改|删除|删|取消|撤销|撤回)|你都?(?:能|会|可以)(?:帮我)?(?:干|做)(?:些|点)?(?:什么|啥|嘛)|"
            r"^\s*(?:help\s+(?:me|please)|帮帮我|求助|what\s+do\s+you\s+do)\s*[.!?？！]?\s*$|"
            rf"{_FILLER}help\s+me\s+(?:log|submit|add|set|record|enter|file)\s+(?:a|an)\s+\w+\s*[.!?]?\s*$|"
            r"\bhow\s+(?:do|can|should)\s+i\b|\bhow\s+to\s+(?:use|log|submit|add|set)\b|"
            r"(?:能|会|可以)(?:干|做)(?:嘛|啥)|\bwhat\s+commands\b|\bwhat\s+does\s+(?:this|the)\s+bot\s+do\b|"
            r"有(?:什么|哪些)命令|命令(?:有哪些|列表)|^\s*commands\s*\??\s*$|\bhow\s+do\s+you\s+use\b|"
            r"\bwhat\s+can\s+i\s+(?:ask|say|do)\b|"
            r"\bwhat\s+(?:else\s+|exactly\s+)?(?:can|do|could)\s+(?:you|u|ya|this(?:\s+(?:bot|thing))?|it|the\s+bot)\s+"
            r"(?:do|help(?:\s+me)?\s+with)\b|"
            r"\bshow\s+me\s+how\b|\bhow\s+does\s+(?:this|it|the)\s+(?:bot\s+|thing\s+|app\s+)?work\b",
        ),
        (
            "help",
            # v3 set (2026-12-08): 不会用 求教程, 有没有使用指南
            r"不会用|教程|使用指南|操作指南|用户手册|说明书|新手(?:指南|入门)|怎么上手|怎么玩|"
            r"(?:应该|该|要)怎么(?:输入|弄|记|录|填|操作)|怎么输入|"
            # tune4: help asked around a record to make: 我想记一笔回款应该怎么输入, 要记拜访该怎么弄.
            r"(?:记|录|登记|输入|提交|填)[^,，。;；]{0,8}?(?:应该|该|要)?怎么(?:弄|搞|输入|操作|做|填|记)",
        ),
        (
            "my_customers",
            rf"{_FILLER}{_SHOW}(我的客户|客户列表|my customers|my accounts|my clients|list customers|"
            rf"my (?:customer|client|account) list){_END}",
        ),
        (
            "my_deals",
            rf"{_FILLER}{_SHOW}(我的商机|我的单子|商机列表|my (?:open |active |current )?deals|my pipeline|"
            rf"my opportunities|my opps|pipeline){_END}",
        ),
        # "how many deals do I have open", "what deals do i have": the rep's deals asked for in a sentence
        ("my_deals", r"\b(?:how\s+many|what|which)\s+(?:open\s+|active\s+)?deals\s+(?:do|have)\s+i\b"),
        ("my_customers", rf"{_FILLER}我(?:名下|手上|手里)?(?:有|负责)?(?:哪些|哪几个|多少)客户[?？]?{_END}"),
        ("my_customers", rf"{_FILLER}(?:我名下|我负责)的?(?:所有)?客户[?？]?{_END}"),
        # A list asked with a verb of looking (看看我的客户列表, 查一下我的商机).
        (
            "my_customers",
            rf"{_FILLER}{_LOOK}\s*(?:我的(?:所有|全部)?客户(?:列表|名单|清单)?|客户(?:列表|名单|清单)){_END}",
        ),
        (
            "my_deals",
            rf"{_FILLER}我(?:手上|手里|名下)?的(?:单子|商机|pipeline)(?:都)?(?:给我)?\s*(?:{_LOOK}|列出来|列一下|都列一下){_END}",
        ),
        (
            "my_deals",
            rf"{_FILLER}{_LOOK}\s*(?:我的(?:所有|全部)?(?:商机|单子)(?:列表|清单)?|商机(?:列表|清单)){_END}",
        ),
        # tune4: the lists asked in a sentence: 我名下有哪些客户, 我手上的单子都列一下, "show me all of my accounts".
        (
            "my_customers",
            r"我(?:名下|手上|手里|负责)的?(?:有|都有)?(?:哪些|哪几个|哪几家|几个|几家|多少家?|多少个)客户|"
            r"(?:列|看|查|给我看)(?:一下|下|看)?(?:我的|我名下的?|我手上的?|我手里的?)(?:全部|所有)?客户|"
            r"我(?:的|名下的?|手上的?|手里的?)(?:全部|所有)?客户(?:都)?(?:有哪些|有谁|都有谁|列一下|列出来|给我看看?|有多少)|"
            r"\b(?:list|show(?:\s+me)?|see|view|pull\s+up|give\s+me)\s+(?:all\s+)?(?:of\s+)?my\s+"
            r"(?:customers|accounts|clients)\b|\bwho\s+are\s+my\s+(?:customers|accounts|clients)\b",
        ),
        (
            "my_deals",
            # (全部 / 所有 apart, so the words the prefilter needs stay "我的单子"…, not 单子 alone)
            r"我(?:的|名下的?|手上的?|手里的?)(?:单子|商机|pipeline|deals?|订单)(?:都|给我)?(?:列|看|有哪些|有多少|有几个)|"
            r"我的?(?:全部|所有)(?:单子|商机|订单)(?:都|给我)?(?:列|看)|(?:列|看|查)(?:一下|下)?我(?:的|手上的?|手里的?)(?:单子|商机|pipeline)|"
            r"\b(?:list|show(?:\s+me)?|see|view|pull\s+up)\s+(?:all\s+)?(?:of\s+)?my\s+(?:open\s+|active\s+)?"
            r"(?:deals|opportunities|pipeline)\b|\bwhat'?s\s+in\s+my\s+pipeline\b|"
            r"\bhow\s+many\s+(?:open\s+|active\s+)?deals\s+(?:do\s+i\s+have|have\s+i\s+got)\b|\bmy\s+open\s+deals\b",
        ),
        (
            "reminder",
            r"提醒我|提醒一下|[设定加]个?提醒|设置提醒|^\s*提醒\s+|^\s*(?:嗯|哦|那个|hi|hello|你好)?[\s,，]*(?:请|麻烦)?提醒|^\s*(?:(?:嗯|哦|那个)[\s,，]*){0,2}记得|(?:^|\s)提醒\s*:|别忘了|"
            r"remind me|reminder|\bping\s+me\b|\bnudge\s+me\b|"
            r"\bdon't\s+let\s+me\s+forget\b",
        ),
        (
            "receivables",
            r"欠多少|欠我们|还欠|没回款|未回款|没付|未付|没有付|没给钱|逾期|\bunpaid\b|\boverdue\b|"
            # Everyday forms (issue 17): 尾款收齐了吗, 谁欠钱最多, 账还剩多少没结, 回了多少 还差多少,
            # "open balance on X".
            r"收齐了?[吗没]|收齐没|回了多少|还差多少|多少(?:钱|款)?没(?:回|收|付|给|结|到)|款没回|没收回|没结|欠钱|谁欠|欠得|欠的最|没给|还有多少尾款|尾款还有多少|"
            r"余款|还剩多少|回款(?:情况|进度|进展)|拖得最久|拖欠|拖款|欠得最久|[款钱账]收得(?:怎么样|如何)|"
            r"\blate\s+on\s+(?:the\s+|their\s+|its\s+)?(?:pay|invoice)|(?:结清|付清|还清)了?[吗没]|应收款?(?:还有|有|是)?多少|多少应收|\bhow\s+much\s+is\b.{1,40}\bbehind\b|\bbiggest\s+balance|\bwho\s+owes\b|"
            r"(?:回款|款|钱|尾款|账)(?:都|已经|全部?|也)?(?:到|到账|收到|收回来|回来|收回|结)了?[吗没]|\bopen\s+balance\b|\bbalance\s+due\b|"
            r"\bbehind\s+on\s+(?:the\s+|their\s+|its\s+)?(?:\w+\s+)?(?:pay|invoice|installment|instalment|bill)|\bhaven't\s+paid\b|"
            # Session of 2026-12-08, in one branch (one word-edge test a position): has X paid up, what's left on X,
            # still open for X, how much is open / did X pay, did we get anything from X, up to date on payments.
            r"\b(?:(?:has|have|is|are|was)\b[^.!?]{0,40}\bpaid\s+up\b|paid\s+up\s*\?|what'?s\s+(?:still\s+)?(?:left|open)\s+on\b|"
            r"still\s+open\s+(?:for|on)\b|how\s+much\s+(?:is\s+(?:still\s+)?open\b|(?:did|has)\b.{1,30}\bpa(?:y|id)\b)|"
            r"did\s+we\s+(?:get|receive)\s+(?:anything|any\s+money|any\s+payment|paid)\b|up\s+to\s+date\s+on\b)|"
            r"(?:\bnot|n't|\b(?:has|have|did|does|do|is|are|was|were|wo|ca)nt|\bnever)\s+(?:yet\s+)?(?:been\s+)?pa(?:id|y)\b|\bstill\s+owes?\b|"
            # 2026-12-08 set: what is left to collect, A/R, debtors: "how much is left on the X invoice", "how much do
            # we still have to collect from X", "ar for X", "biggest debtors", "is the final payment from X in yet"
            # literal spaces in the new phrases: the derived gate (prefilter) then looks for "how much", not "from"
            r"\bhow much\s+(?:is\s+|are\s+we\s+|money\s+is\s+)?(?:still\s+)?"
            r"(?:left|remaining|outstanding|unpaid|due|owing|open)\s+(?:on|from|with)\b|"
            r"\b(?:still|left|yet)\s+(?:have\s+|need\s+|got\s+)?to\s+(?:collect|be\s+(?:paid|collected))\b|"
            r"\b(?:have|need|got)\s+to\s+collect\s+from\b|\buncollected\b|\bdebtors?\b|\bdeadbeats?\b|"
            r"\bhow much\s+(?:has|have|did)\b[^.?!]{0,40}?\bpa(?:id|y)\b|"
            r"^\s*(?:has|have|did)\s+(?:anyone|anybody|everyone|everybody|all)\b[^.!?]{0,30}?\bpa(?:id|y)\b|\blate\s+(?:paying|payers?|payments?)\b|"
            r"\bstill\s+(?:open|owed|due|unpaid|outstanding)\s+(?:on|from|for)\b|\bcollections?\s+(?:status|report|update)\b|"
            r"\b(?:ar for|ar on|ar from|the ar|our ar|my ar|show ar|check ar|a/r)\b|\baccounts\s+receivable\b|"
            r"^\s*(?:is|was|are|has|have|did)\b[^.!?]{0,60}?\b(?:payment|money|wire|transfer|deposit|installment|"
            r"balance|funds|cash)\b[^.!?]{0,30}?\b(?:in|arrive[d]?|land(?:ed)?|here|through|received|come\s+in|"
            r"clear(?:ed)?)\s*(?:\byet\b|\?|$)|"
            r"\b(?:did|has|have)\b[^.?!]{1,40}?\bpa(?:id|y)\b[^.!?]{0,30}?\bin\s+full\b(?![^.!?]*\b(?:today|yesterday|on)\b)|"
            # 2026-12-07 set: asked, not told: 什么时候能回来, 到了没, "has X paid … yet", "did the money come in?"
            r"什么时候(?:能|会|可以)?(?:回来|回款|到账|付|结|收回|给钱|给|还|打款)|是不是(?:又|还)?(?:拖|欠|逾期|没付|没给)|(?:回来|到账|收到|付款|打款|转过来)了?没有?(?:[?？]|[。.!！]?\s*$)|"
            r"\b(?:has|have|did)\s+[^.?!]{1,40}?\bpa(?:id|y)\b[^.!]{0,30}?(?:\byet\b|\?)|"
            r"\bdid\b[^.?!]{1,40}?\b(?:come|came)\s+in\b|"
            rf"{_FILLER}(?:has|have|did|any)\b[^.!?]{{0,60}}?\b(?:payment|money|wire|transfer)\b[^.!]*(?:\?|\byet\b)|"
            r"(?:回款|款|钱|尾款|账)(?:都|已经|全部?|也)?收了?[吗没]|"
            # v3 set (2026-12-08): 账上还挂着多少, 第二期款付了没, 付没付, 有没有打款
            r"挂着?多少|还挂着|挂账|账上还?(?:有|剩)多少|付了?(?:吗|没有?)\s*[?？。.!！]*\s*$|"
            r"(?:付|打|转|给|回)没(?:付|打|转|给|回)|有没有(?:付|打款|打钱|转账|到账|回款|给钱|结清?)|"
            r"还?差(?:我们|咱们)多少|欠(?:咱们|我司)|欠(?:我们|咱们)?多少|多少钱?没(?:回来|回|付|给|收回来|收)|"
            r"(?:回来|收回来|收回|到了|收了)多少|什么时候(?:能|会|可以)?(?:收齐|收回来|收到|还|给)|(?:回款|[款钱账])(?:现在)?(?:啥|什么)情况|(?:钱|款|账)什么时候(?:能|会)?(?:给|打|转)|(?:账|款)(?:都|已经)?清了?[吗没]|"
            # tune4: 还有多少钱没回来, 账还挂着多少, 回来多少了 还差几笔, 欠的钱…收齐, 欠咱们多少, "ar for X",
            # "what's left to collect", "all received or not?".
            r"多少(?:钱|款)?(?:还)?没(?:回来|回|收回|收|到|付)|挂着?多少|挂账|回来(?:了)?多少|还差几笔|欠的钱|欠(?:咱们|咱|我们)|"
            r"什么时候(?:能|会|可以)?收齐|(?<![a-z])a/?r (?:for|on|from)\b|\b(?:left|still)\s+to\s+collect\b|"
            r"\b(?:received|arrived|paid|come\s+in|came\s+in)\s+or\s+not\b|"
            # a question by its opening, without "yet" or "?" ("did 比亚迪 pay the 尾款 in full")
            r"^\s*(?:嗯|哦|那个|so|hey|hi)?[\s,]*(?:did|has|have)\s+[^.!?]{1,40}?\bpa(?:id|y)\b",
        ),
        (
            "payment",
            r"回款|到账|打款|收款|汇款|转账|付了|付款了|已付|已支付|支付了|已还款|还款了|"
            r"(?:已|都)?(?:付清|结清|还清)了|已(?:付清|结清|还清)|"
            # not 打了电话 预算200万: a call, and a budget is no money received
            r"(?:打|转|汇)了(?!(?:个|一个|一通|通|几个|两个)?电话)(?:(?!预算|报价|估值)[^,.;!?]){0,8}?"
            r"(?:万|元(?![旦宵])|块|钱|款|[$¥￥€]|\d{3,})|[打转汇付]了一半|"
            r"收到(?:(?!合同)[^,.;!?]){0,12}?(?:款|钱|万|元|块|[$¥￥€]|\d{3,})|"
            r"[款钱](?:已|都|也)?(?:收到|到了|已到|已收|收了)|"
            r"\bgot\s+paid\b|(?<!be )\bpaid\b(?!\s+(?:us\s+)?(?:a\s+)?visit)|\bcoughed\s+up\b|\bpayments?\s+of\b|"
            # Issue 17: "got payment from X", "X settled their invoice", "X sent the second installment, 60k".
            r"\bgot\s+(?:a\s+|the\s+)?payment\b|\bsettled\b|\bcleared\s+(?:their|the|its|our)\b|\b(?:money|funds)\b.{0,30}\b(?:came\s+in|landed|arrived)\b|\bpayment\s+from\b|"
            r"\bsent\s+(?:the\s+|their\s+|us\s+)?(?:\w+\s+)?(?:installment|instalment|payment|tranche|money)\b|"
            r"把钱付了|钱付了|款[^,，。;；]{0,12}到了|(?:万|元|块|钱|款|\d{3,})(?:已经|已|都)收到|"
            r"(?:首付|定金|预付|尾款|[一二三四两]期|第.期)(?:[^,，。;；]|,(?=\d)){0,14}(?:到了|到账|已到)|"
            # tune4: 打过来十二万, 打来 7万, 收回来了, 把上个月的账结了, 进账了.
            r"[打转汇](?:过来|进来|来)了?\s*(?:[\d¥￥$€]|[一二两三四五六七八九十百千]+万)|"
            r"收回来了(?![吗没])|把[^,，。;；]{0,8}?(?:账|款|钱)(?:给)?(?:结|付|还)(?:清)?了|进账(?![吗没多])|入账了(?![吗没])|"
            r"\bremittance\b|\bmoney\b[^.;!?]{0,20}?\barriv(?:e|ed|es)\b|\bpa(?:y|id)\s+us\b|\bcoughed\s+up\b|"
            r"\btransfer(?:red)?\b[^.;!?]{0,30}?\bto\s+our\s+(?:account|bank)\b|"
            r"\b(?:pmt|payment|money|funds|wire)\b[^.;!?]{0,30}?\b(?:came\s+(?:thru|through|in)|arriv(?:e|ed|es)|landed)\b|"
            r"\bsent\s+(?:us\s+|over\s+)?(?:[a-z]{3}\s*)?[$¥￥€]?\d|[打转汇]了[^,，。;；]{0,12}过来|"
            r"\bgot\s+[$¥￥€]?\d[\d,.]*\s*(?:k|m|万|grand|thousand|bucks)?\s*(?:[A-Z]{3}\s+)?(?:in\s+)?from\b|"
            r"\bpayments?\s+(?:received|came\s+in|arrived|landed|cleared|went\s+through)\b|"
            r"\breceived\s+(?:a\s+|the\s+|their\s+|our\s+)?(?:\w+\s+)?payments?\b|"
            r"\bwired\b|\bremitted\b|"
            # 2026-12-08 set: "money from X is in 75000", "X's payment is in", "collected 90k from X", "funds landed"
            r"\b(?:money|payment|pmt|funds|cash|wire|transfer|deposit|installment|instalment)\b[^.?!]{0,30}?\b(?:is|are|'s|has\s+come|have\s+come)\s+in\b(?!\s+(?:the\s+)?(?:pipeline|contract|negotiation|review|progress|discussion))|"
            r"\b(?:money|payment|pmt|funds|cash|wire|transfer)\b[^.?!]{0,30}?\b(?:landed|hit\s+(?:the\s+|our\s+)?(?:account|bank))\b|"
            r"\b(?:money|payment|pmt|funds|cash|wire|transfer)\b[^.?!]{0,30}?\b(?:came|went)\s+(?:thru|through)\b|"
            r"\b(?:money|payment|funds|cash|wire)s?(?:\s+is|'s)?\s+in from\b|"
            r"\bcollected\s+(?:[$¥￥€]\s*)?\d|\bcollected\s+(?:the\s+|their\s+)?(?:payment|deposit|balance|installment|instalment|money|invoice)\b|"
            # v3 set (2026-12-08): 钱今天到了, 上周五打过来15万
            r"钱[^,，。;；吗]{0,8}?到(?:账)?了(?![吗没])|[打转汇](?:过来|回来|进来)[\s,，]*[\d一二三四五六七八九十两]|"
            r"(?:进账|入账|到位)了?(?![吗没])|结了[^,，。;；]{0,6}?(?:万|元|块|\d{3,})|"
            # 尾款总算收回来了, 质保金今天收回来了, 首付款¥88,000已到 (the comma of a sum is no clause break)
            r"[款钱账金](?:[^,，。;；吗]|(?<=\d),(?=\d)){0,8}?(?:收回来|收回|要回来)了(?![吗没])|"
            r"(?:首付|定金|预付|尾款|[一二三四两]期|第.期)(?:[^,，。;；]|(?<=\d),(?=\d)){0,12}(?:到了|到账|已到)|"
            r"(?<![再要会])打来[\s,，]*[\d一二三四五六七八九十两]|"
            # 2026-12-07 set: 转过来了, 打过来了, 已经到了, "cheque cleared".
            r"\b(?:cheque|check|wire|transfer|payment)\b[^.?!]{0,30}?\bcleared\b|[打转汇付](?:过来|回来|进来)了|回了[^,，。;；]{0,6}?(?:万|元|块|\d{3,})|\bgot\s+(?:the\s+|a\s+|their\s+)?(?:wire|transfer|cheque|check|funds)\b|\bsent\s+(?:us\s+)?(?:over\s+)?(?:the\s+)?(?:remaining|rest|balance|final|last)\b|[已都]经?到(?:账)?了(?![吗没])|\b(?:cheque|check|wire|transfer|funds|money)\s+(?:(?:has\s+)?cleared|(?:came|went)\s+through)\b|"
            r"\btransferred\b(?!\s+(?:the\s+|this\s+|that\s+|my\s+|his\s+|her\s+)?"
            r"(?:account|customer|client|deal|lead|ownership|call|file)s?\b)|"
            r"\breceived\b(?!\s+(?:the\s+|a\s+|an\s+|their\s+|our\s+|his\s+|her\s+)?"
            r"(?:signed\s+|new\s+|final\s+|revised\s+)?"
            r"(?:contract|order|po|purchase|proposal|quote|rfp|email|call|feedback|signature|request|invoice|"
            r"document|message|reply|response)s?\b)",
        ),
        ("receivables", r"欠款|欠了|应收|\bowes?\b|\bowing\b|\bowed\b|outstanding|receivable|\bbalance\b|\boverdue\b"),
        # A Latin word right after a Chinese one has no \b before it (Cyberdyne的invoice). "contract negotiations"
        # is the stage, and 协议 / "services agreement" a contract (tune4).
        (
            "contract",
            r"合同|(?<![a-z])contracts?(?![a-z])(?!\s+negotiat)|(?<![a-z])invoic(?:e|es|ed|ing)(?![a-z])|开票|发票|专票|普票|"
            r"增值税|补充协议|协议[^,，。;；]{0,12}审批|协议[^,，。;；]{0,6}?(?:审批|盖章|签字|提交)|(?:提交|审批)[^,，。;；]{0,6}?协议|"
            r"\b(?:services?|master|framework|purchase|sales|supply|license|licence)\s+agreement\b|\bmsa\b",
        ),
    )
)
# A visit holds none of the words above: one search says so (nlp/prefilter.py) before the dozen patterns.
_ANY_KEYWORD = prefilter.gate(pattern for _, pattern in _KEYWORDS)
_VISIT = re.compile(
    r"拜访|去了|见了|见面|约见|面谈|沟通|聊了|开会|电话|打给|上门|跟进|回访|演示|"
    # Issue 17: activities not called a visit: a call, an online meeting, a meal, the customer coming to us.
    r"开了个?(?:线上|视频|电话)?会|线上会|视频会|会议|通话|吃饭|吃了[个顿餐]?(?:饭|便饭|午饭|晚饭|早饭|火锅|烧烤|夜宵|大餐|工作餐)|饭局|请[^,，。]{0,8}吃|喝茶|来访|到访|参观|"
    r"视频(?:了|一下|沟通|聊|完)|碰了?(?:个|一下)?(?:头|面)|碰面|撸了?个?串|(?:聊|谈|开)完(?:会|了)?|(?:做|搞|进行)了?(?:个|一次|一场)?(?:技术)?交流|技术交流|过来我们|刚从[^,，。]{1,12}出来|"
    r"来我们|来我司|来公司|坐了一?(?:上午|下午|天)|顺路去|去[^,，。]{1,12}(?:看了看|转了转|坐了)|"
    # Round 2: 约了…喝咖啡, 在X待了一下午, 去了趟X, 通了个电话.
    r"喝(?:了个?)?咖啡|(?<!签)约了|接待|看了看|\bhosted\b|\bwent\s+to\s+see\b|\bswung\s+by\b|过了一[下遍]|"
    # not 线上签约 / 现场签约: a deal signed, whatever the place
    r"现场(?:看|考察|调研|演示|交流|拜访|参观)|到[^,，。]{1,24}现场|线上(?:会|沟通|聊|过|交流|演示|开|和|跟)|"
    r"去[^,，。]{1,24}送了?|[待呆]了一?(?:上午|下午|整天|天)|去了?趟|通了个?电话|"
    # 2026-12-07 hand-written set: 喝了个茶, 待了两个小时, 汇报了方案, 约了…去他们公司, 讲了方案.
    r"喝了?个?茶|喝了?(?:[一两几]杯|点?酒)|喝酒|聊得|开了一?(?:上午|下午|整天|天)的?会|[待呆坐聊谈]了(?:[一两三四五六七八九十半几\d]|一个多|个把)?个?多?(?:小时|钟头)|[待呆坐]了(?:半天|一会儿?|一阵)|汇报|讲了?(?:一下|一遍)?方案|"
    r"介绍了?(?:一下)?(?:产品|方案|我们)|去(?:他们|对方|客户)(?:公司|那边|那里)|"
    # v3 set (2026-12-08): 一起吃的饭, 吃了顿晚饭, 周一去过了, 周二来过我们办公室, "spent the whole morning at X".
    r"吃(?:了|的|过)?[个顿餐]?(?:[早午晚中便]|一顿)?饭|一起吃|(?<![没再要])(?:去|来|见)过(?![吗来去])|"
    r"碰了?个?面|碰头|见了个面|喝了?(?:个|杯)?(?:下午|早)茶|来人了|派人来|"
    r"坐了坐|喝了杯|看了一?下现场|初访|首访|现场调试|调试了|(?<![a-z])call(?:了|过)|(?<![a-z])demo(?:做|了|过)|"
    r"(?:对|看|谈|聊|弄|改|讲|磨)了一?(?:上午|下午|整天|天)|到了[^,，。]{1,12}(?:项目部|办公室|工厂|厂里|总部)|"
    r"高尔夫|打了?(?:一)?(?:上午|下午)?的?球|"
    r"\bspent\s+(?:the\s+)?(?:whole|entire)\s+(?:morning|afternoon|day|evening)\b|"
    # tune4: time spent with the customer on something (对了一上午图纸, 调试了一天, 打了一上午高尔夫), 坐了坐, 初访,
    # 看了下现场, 转了一圈, call了, demo done, 去X了; "came into", "spent this morning at", mtg, "stopped at",
    # "walked into", "popped in", "phone conversation", "come to our", "on site", "plant tour" (in the \b group).
    r"(?:对|看|改|讨论|过|聊|谈|打|试|调试|陪|测|测试|培训|忙|泡|跑|逛|开|研究)了一?整?个?(?:上午|下午|晚上|整天|天)|"
    r"坐了坐|初访|复访|走访|拜会|看了?一?下现场|转了一?圈|现场(?:调试|勘察|勘测|踏勘|支持|培训|服务)|"
    r"打(?:了)?(?:场|一场)?(?:高尔夫|球)|钓(?:了)?鱼|(?<![a-z])call(?:了|过)|(?<![a-z])demo(?=[^,，。;；]{0,4}?(?:做|演示|了|完|过))|"
    r"(?:今天|昨天|前天|上午|下午|刚才?|刚刚)去(?:了)?[^,，。;；\s]{2,12}?(?:那边|那儿|那里)?了(?![吗没呢])|"
    r"\b(visit(ed|ing)?|met|meet(ing)?|call(ed)?|spoke|talked|demo(ed|'d)?|lunch|dinner|follow(ed)?[ -]?up|"
    r"phoned|rang|zoom(ed)?|dropped\s+by|stopped\s+(?:by|in)|caught\s+up|presented|pitched|walked\s+\w+(?:\s+\w+){0,2}\s+through|tea|drinks|came\s+(?:to|by|in)|spent\s+the\s+(?:morning|afternoon|day)|"
    r"breakfast|coffee|"
    # 2026-12-08 set: activities not called a visit: "X dropped in", "on site at X all day", "f2f w X", "spent the
    # whole morning at X", "popped over to X", "sat down with X", "in person w X"
    r"(?:dropped|popped|stopped|came)\s+(?:in|into|over|round|around)|popped\s+by|on[- ]?site|f2f|saw|"
    r"face[- ]to[- ]face|"
    r"stopped\s+at|walked\s+into|paid\s+(?:a\s+)?visit|(?:phone|video)\s+(?:conversation|chat)|conversation\s+with|"
    r"(?:plant|site|factory|facility|office|warehouse)\s+(?:tour|walk(?:through)?|visit)|toured|"
    r"in[- ]person\s+(?:w|with|at)|sat\s+down\s+(?:w|with)|"
    r"spent\s+(?:the\s+|this\s+|a\s+|an\s+|half\s+(?:a\s+|the\s+)?)?(?:whole\s+|entire\s+|full\s+)?"
    r"(?:morning|afternoon|day|evening|hour)|"
    r"spent\s+(?:\d+|two|three|four|a\s+couple\s+of|a\s+few)\s*(?:hrs?|hours?|mins?|minutes)\s+(?:at|with|w)|"
    r"all\s+day\s+(?:at|with|w)|(?:mtg|meetup|catch[- ]?up|sync|huddle)\s+(?:w|with|at)|"
    r"had\s+a\s+(?:mtg|sync|catch[- ]?up)|"
    # tune4 (inside this \b group: a branch of its own would cost a try at every character)
    r"came\s+(?:into|over|our)|come?\s+to\s+our|spent\s+(?:the|this|that|yesterday|all)\s+"
    r"(?:morning|afternoon|day|evening)|mtg|stopped\s+(?:at|in)|walked\s+(?:into|the\s+floor)|"
    r"popped\s+(?:in|by|over)|phone\s+(?:conversation|chat)|conversation\s+with|on[- ]?site|"
    r"(?:plant|site|factory|office)\s+(?:tour|visit|walk(?:through)?)|dropped\s+off|left\s+samples)\b",
    re.IGNORECASE,
)
# "推进阿里巴巴的商机" / "update Acme's stage": a move whose stage the bot must ask for.
_MOVE_ONLY = re.compile(
    r"推进|改阶段|更新阶段|换阶段|\b(move|advance|update)\b.*\b(deal|stage|opportunity)\b|"
    r"\bchange\b.*\bstage\b",
    re.IGNORECASE,
)
# A next step that only repeats "follow up" adds nothing to a follow-up reminder.
_GENERIC_STEP = re.compile(r"(跟进|跟进一下|回访|follow[ -]?up|follow up with (them|him|her))", re.IGNORECASE)
_CLAUSE = re.compile(r"[,，。.;；!！?？\n]")
_FILLER_START = re.compile(r"^(再|然后|并且|并|就|要|需要|准备|and then|then|and|to|on|by|,)\s*", re.IGNORECASE)
_FILLER_END = re.compile(r"\s*(了|吧|再说|on|by|at)$", re.IGNORECASE)


@dataclass(frozen=True)
class Understanding:
    text: str
    intent: str
    customer: Resolution
    date: DateReading | None
    date_error: DateError | None
    stage: StageMention | None
    lost_reason: str | None
    next_step: str | None
    amount: Money | None = None  # currency None: the team's default applies
    terms: Terms | None = None
    # Issue 17: the day a past activity happened (昨天拜访了…, visited Acme on Monday), its kind (visit, call,
    # meeting, meal, inbound), and whether the reading is sure enough to act on without asking (two intents close,
    # a customer guessed through a slip or only contained in a longer name).
    occurred_on: date | None = None
    activity: str | None = None
    confident: bool = True
    reopen: bool = False  # "Initech back to proposal": a closed deal taken back (issue 16)
    runner_up: str | None = None  # a second intent close to `intent`: the chat asks which (issue 17, item 5)


def understand(
    text: str,
    *,
    now: datetime,
    customers: CustomerIndex,
    stages: StageLexicon,
    reasons: ReasonLexicon,
    calendar: WorkCalendar | None = None,
    intent: str | None = None,
) -> Understanding:
    """`calendar` (the team's working days) moves a relative follow-up off a day off and serves 节后 / 工作日.
    `intent`: the sentence read as that intent (the one the user picked when asked which was meant)."""
    clean = normalize(text)
    tools_out = _TOOLS.sub(_blank, clean) if _MAY_NAME_A_TOOL.search(clean) else clean
    customer = with_unknown_name(clean, customers.find_in_text(tools_out))
    stage = stages.find(clean)
    runner_up = None
    if intent is None:
        intent, runner_up = readings(clean, stage)
    if intent == "contract" and _visit_with_a_contract_step(clean):
        intent = "visit"  # "请京东的张总吃了顿饭,下周一把合同发过去": a visit whose next step is the contract
    if intent in ("help", "my_customers", "my_deals", "export", "unknown", "set_target") and customer.kind == "none":
        customer = Resolution("none")  # no name to offer in "能教我怎么提交合同吗"
    span: tuple[int, int] | None = None
    occurred_on, scan = None, _NOT_DATES.sub(_blank, clean) if _MAY_NOT_BE_DATES.search(clean) else clean
    if intent in ("visit", "payment"):
        occurred_on, scan, span = _occurred(scan, now, calendar)
    try:
        if intent == "payment":
            # The day the money arrived: the past day the sentence names ("周一打了…" is last Monday), with no time.
            reading, date_error = find_date(scan, now=now, allow_past=True, calendar=calendar), None
            if span is not None and _BILL_OF.match(clean, span[1]) and _PERIOD_WORD.search(clean, span[0], span[1]):
                reading, occurred_on = None, None  # 把上个月的账结了: the month the bill is for, not the day it came
            elif occurred_on is not None and span is not None:
                reading = DateReading(occurred_on, None, span[0], span[1], clean[span[0] : span[1]])
                occurred_on = None
            elif reading is not None and _BILL_OF.match(clean, reading.end) and _PERIOD_WORD.search(reading.phrase):
                reading = None
            elif reading is not None and (
                reading.date > now.date()
                or (reading.date == now.date() and reading.time is not None and reading.time > now.time())
            ):
                reading = None  # money cannot have arrived yet (晚上 said in the morning): the handler asks
            elif reading is not None:
                reading = replace(reading, time=None)
        else:
            reading, date_error = find_date(scan, now=now, calendar=calendar), None
    except DateError as exc:
        reading, date_error = None, exc
    if intent == "quiet_accounts":
        reading, date_error = None, None  # "not touched in a month": how long the silence is, not a day to act on
    if intent == "visit" and reading is not None and reading.time is None and reading.date == now.date():
        occurred_on = occurred_on or reading.date
        reading = None  # "今天拜访了…" says when the visit was, not when to follow up
    if intent == "stage" and reading is not None and reading.time is None and reading.date == now.date():
        reading = None  # "今天终于签了": when the deal moved, not a day to act on
    return Understanding(
        text=text,
        intent=intent,
        customer=customer,
        date=reading,
        date_error=date_error,
        stage=stage if intent == "stage" else None,
        lost_reason=reasons.find(clean) if intent == "stage" and stage and stage.stage == "lost" else None,
        next_step=next_step(clean, reading) if intent in ("visit", "reminder") else None,
        amount=_amount(clean, intent, customer, reading, stage),
        terms=find_terms(clean),
        occurred_on=occurred_on,
        activity=activity(clean) if intent == "visit" else None,
        confident=_confident(clean, intent, customer),
        reopen=intent == "stage" and steering.reopens(clean),
        runner_up=runner_up,
    )


# Meeting tools named after a customer's company (腾讯会议 is Tencent's product, not a meeting with Tencent).
_MAY_NAME_A_TOOL = re.compile(r"腾讯|钉钉|飞书|微信")
_TOOLS = re.compile(r"腾讯(?:视频)?会议|钉钉(?:会议|视频)?|飞书(?:会议)?|企业微信(?:会议)?|微信(?:视频|电话|语音)")
_DONE = re.compile(
    r"了|\b(?:visited|met|had|called|phoned|lunch|dinner|coffee|spent|dropped|popped|swung|f2f|on[- ]?site|"
    r"(?:call|zoom|meeting|mtg|lunch|dinner)\s+(?:with|w/?))\b",
    re.IGNORECASE,
)
_SUBMIT = re.compile(
    # a digit counts unless it is a date's (12月10号前给她发合同草稿 names a day, not a sum)
    r"提交|审批|金额|合同额|总价|\d(?!\d*\s*(?:月|号|日|[./]\d))|万|submit|approv|worth|amount|[$¥￥€]",
    re.IGNORECASE,
)
_BILL_OF = re.compile(r"\s*的")
_PERIOD_WORD = re.compile(r"月|季|年|month|quarter|year", re.IGNORECASE)
_CONTRACT_WORD = re.compile(r"合同|\bcontract", re.IGNORECASE)


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def _visit_with_a_contract_step(text: str) -> bool:
    """A visit that happened, whose next step mentions the contract, submits nothing (no amount, no 审批)."""
    m = _CONTRACT_WORD.search(text)
    if m is None or _SUBMIT.search(text):
        return False
    return bool(_VISIT.search(text, 0, m.start()) and _DONE.search(text, 0, m.start()))


# ---- the day a past activity happened (issue 17)

# Words that put a date before them in the past (zh: the date comes first, "昨天拜访了"), or after them (en: "visited
# Acme on Monday"); and words that make the next date a follow-up ("再跟进", "follow up next week").
_ZH_FUTURE_AFTER = re.compile(r"^\s*(?:再|要|准备|打算|会|将|提醒|记得|之前|前)")
# "见过了 周末约了喝茶": a day still ahead with 约 (a date made) and no later follow-up is the next meeting.
_ZH_APPOINTED = re.compile(r"\s*约")
_EN_PAST = re.compile(
    r"\b(?:visited|met|had|called|phoned|rang|spoke|talked|zoom(?:ed)?|lunch|dinner|breakfast|coffee|came|dropped|"
    r"stopped|took|spent|went|meeting|call\s+with|saw|demoed|demo'd|showed|paid|wired|sent|settled|got|received|caught|"
    r"transferred|chatted|hosted|swung|presented|pitched|walked|arrived|landed|cleared|remitted|deposited|credited|"
    r"popped|sat|collected|f2f|mtg|on[- ]?site|grabbed|hopped|touched)\b",
    re.IGNORECASE,
)
_EN_FUTURE = re.compile(
    r"\b(?:follow(?:ing)?[ -]?up|f/u|fu|next\s+step|send|circle\s+back|check\s+in|ping|want|wants|remind|call\s+them|"
    # 2026-12-08 set: "call back on dec 5", "check back on the 14th", "revisit on the 1st"
    r"(?:call|check|get|ring|circle|come|go)\s+back|revisit|re-visit|touch\s+base|reconnect|reconvene|try\s+again|chase|"
    r"see\s+them|"
    r"again|due|schedule|plan|need|next|nxt|tomorrow|tmrw|coming|upcoming)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"(?<!\d)[,.]|[,.](?!\d)|[，。;；!！?？\n]")  # not the comma of 15,000


# Words that hold a date word but name no date: 提醒一下月底 is "remind me: end of month", not 下月底; 坐了一上午 is how
# long a visit took; 下午茶 is a meal.
_NOT_DATES = re.compile(
    r"(?<=提醒)一下(?=下)|一下(?=[下上]?(?:周|月|星期|礼拜))|(?<=[坐待呆忙聊对看改谈打陪测跑逛开试训泡过论]了)一(?:上午|下午|整天|天)"
    r"|(?<=[坐待呆忙聊])一(?:上午|下午|整天|天)|下午茶|早茶|(?<=了)一(?:上午|下午|整天|天)(?![后前以之])"
    # the month a bill is for, not the day it was paid: 把上个月的账结了 (tune4)
    r"|[上这本]个?月的(?=账|款|货款|钱)"
)
# derived from _NOT_DATES (a hand-written list drifted when 下午茶 came): no blanking pass where none can match
_MAY_NOT_BE_DATES = prefilter.gate((_NOT_DATES,))
_SPENT_TODAY = re.compile(
    r"\bspent\s+(?:the|this)\s+(?:whole\s+|entire\s+|full\s+)?(?:morning|afternoon|day)\b|\ball\s+(?:day|morning|afternoon)\b|坐了一?(?:上午|下午|整天)|刚(?:刚|才)?(?:从|去|见|拜访|和|跟)|"
    r"\bjust\s+(?:left|visited|met|got\s+off|had)\b",
    re.IGNORECASE,
)


def _occurred(
    text: str, now: datetime, calendar: WorkCalendar | None
) -> tuple[date | None, str, tuple[int, int] | None]:
    """The day a past activity happened, and the text with its phrase blanked out (so it is not the follow-up).

    A date is the activity's when it is past (昨天, last friday, 11月20日), or when the sentence puts it with the
    activity: zh "周一拜访了…" (a verb with 了 after it, no 再/要 first), en "visited Acme on monday" (a past verb
    before it in the clause, after any follow-up word). A weekday read ahead then means the last such day."""
    today = now.date()
    readings = find_dates(text, now=now, calendar=calendar)
    for n, reading in enumerate(readings):
        day = reading.date
        later = n + 1 < len(readings)
        context = _past_context(text, reading.start, reading.end, later=later)
        if day > today and not later and _ZH_APPOINTED.match(text, reading.end):
            context = None
        if context is None:
            continue  # "3月2日再联系": a follow-up said in the past, refused as such by the date reader
        past = day < today or (day == today and context)
        if not past and context and _ORDINAL_ONLY.fullmatch(reading.text.strip()):
            # "zoom w X on the 20th, follow up on the 30th": a day of the month said of a past activity is the last
            # such day (the date reader gives the next one)
            day = _month_before(day)
            if day <= today:
                blanked = text[: reading.start] + " " * (reading.end - reading.start) + text[reading.end :]
                return day, blanked, (reading.start, reading.end)
            continue
        if not past and context and (day - today).days >= 7:
            continue  # "called X, call back on dec 5": a day named ahead is no weekday read ahead, not the call's
        if not past and context:
            past = True
            while day > today:
                day -= timedelta(7)  # 周一拜访了 said on a Wednesday: this week's Monday
            if day == today and reading.date != today:
                day -= timedelta(7)
        if past or (day == today and reading.time is None):
            blanked = text[: reading.start] + " " * (reading.end - reading.start) + text[reading.end :]
            return day, blanked, (reading.start, reading.end)
    if _SPENT_TODAY.search(text):
        return today, text, None
    return None, text, None


_ORDINAL_ONLY = re.compile(r"(?:on\s+)?(?:the\s+)?\d{1,2}(?:st|nd|rd|th)|\d{1,2}\s*[号日]", re.IGNORECASE)


def _month_before(day: date) -> date:
    """The same day a month earlier (the month's last day where that day does not exist)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return date(year, month, 28)


_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_AHEAD_PHRASE = re.compile(
    r"\b(?:next|nxt|coming|tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow|2morrow|in)\b|下(?!午)|明|后天|以后|之后|后$",
    re.IGNORECASE,
)
# 周二华为已经到账: the payer's name may stand between the day and the word of arrival, a word of the future may not.
# 周一转过来8万: money sent over arrived that day.
_ZH_ARRIVED = re.compile(
    r"(?:(?!会|要|将|准备|能|再)[^,，。;；\d\s]){0,8}?\s*(?:已经|[已都也])?"
    r"(?:到账|到了|收到|回款|打款|转来|汇来|打来|[打转汇](?:了|过)?(?:过|回|进)来)"
)
# 过 after a verb says it happened, like 了 (周一去过了, 周二来过我们办公室); 过来 / 过去 / 过两天 do not. So does
# 吃的饭 (周一一起吃的午饭: 是…的 tells of a meal had).
_ZH_PAST_ASPECT = re.compile(r"[去来见访到聊谈吃]过(?![来去两几吗])|吃的[早午晚中便]?饭")
_ZH_ACTIVITY = re.compile(
    r"拜访|上门|来访|接待|现场|看了看|请[^,，。]{0,8}吃|吃饭|开会|见了?|去了?|来(?:我司|我们|公司)|交流|[待呆]了|(?<!签)约了"
)


def _past_context(text: str, start: int, end: int, later: bool = False) -> bool | None:
    """Whether the sentence puts the date at start..end with an activity that happened; `later`: another date
    follows it (the follow-up). None: it puts it with a follow-up (再联系, "follow up on …")."""
    if _AHEAD_PHRASE.search(text, start, end):
        return False  # "next Tues", 下周二, 明天: said ahead, whatever verb is near
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    before = text[clause_start:start]
    following = _CLAUSE_BREAK.search(text, end)
    after = text[end : following.start() if following else len(text)][:24]
    if _HAS_CJK.search(text, start, end) or _HAS_CJK.search(after):
        if _ZH_FUTURE_AFTER.match(after):
            return None
        # 周一拜访了…; 周一上门拜访X,下周二再沟通: an activity before a later follow-up date is the one that happened.
        # 周一到账: money that arrived on that day (only a payment is read for its day this way, see understand).
        if _ZH_ARRIVED.match(after):
            return True
        return (
            "了" in after
            or "来访" in after
            or bool(_ZH_PAST_ASPECT.search(after))
            or (bool(_ZH_ACTIVITY.search(after)) and later)
        )
    past = [m.end() for m in _EN_PAST.finditer(before)]
    future = [m.end() for m in _EN_FUTURE.finditer(before)]
    if future and (not past or max(future) > max(past)):
        return None
    return bool(past)


# ---- the kind of activity a visit sentence reports

_ACTIVITIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("inbound", r"来访|来人了|派人来|来过?我们|来过?我司|来过?公司|来拜访(?:我们|我司|公司)|来了我们|"
                    r"到我们公司|到访|接待|\bhosted\b|"
                    r"\bcame\s+(?:by|to|into|in\s+to|over\s+to)\s+(?:the|our)\s+(?:office|hq|showroom)\b|"
                    r"\b(?:dropped|popped|came)\s+(?:in|over|round)\b(?!\s+(?:on|at|to)\b)|"
                    r"\bcame\s+(?:to|by|in)\b.*\b(?:our|us)\b|"
                    r"\bvisited\s+us\b|\bcame\s+to\s+(?:our|the)\s+office"),
        ("meal", r"吃饭|喝了?(?:个|杯)?(?:下午|早)茶|喝了杯|吃(?:了|的|过)?[个顿]?(?:[早午晚中便]|一顿)?饭|一起吃|"
                 r"吃了[个顿]?(?:饭|便饭|火锅|烧烤|夜宵|大餐|工作餐)|撸了?个?串|"
                 r"饭局|午饭|晚饭|午餐|晚餐|请[^,，。]{0,8}吃|喝了?个?茶|喝咖啡|"
                 r"喝了?(?:[一两几]杯|点?酒)|喝酒|"
                 r"\b(?:lunch|dinner|breakfast|coffee|drinks|tea)\b"),
        ("meeting", r"会议|开(?:了(?:个|一个|一次|场)?|完)?会(?![员计])|开了一?(?:上午|下午|整天|天)的?会|"
                    r"线上|视频|腾讯会议|钉钉会议|\bzoom\b|\bteams\b|\bmeeting\b|\bwebinar\b|\bvideo\s+(?:call|chat)\b"),
        # "call back mon" is the next step, not what happened; call了 / call过 with a Chinese word touching it
        ("call", r"电话|打给|通话|致电|语音|(?<![a-z])call(?:了|过)|\bcalled\b|\bcall\b(?!\s+(?:back|them|him|her)\b)|"
                 r"\bphone(?:d)?\b|\brang\b"),
    )
)  # fmt: skip


def activity(text: str) -> str:
    for kind, pattern in _ACTIVITIES:
        if pattern.search(text):
            return kind
    return "visit"


# ---- how sure the reading is

# A sentence with words of two intents that the keyword order settles only by a guess.
_CLOSE_CALLS = re.compile(
    r"(?:合同|contract).*(?:回款|到账|付款|paid|payment)|(?:回款|到账|paid|payment).*(?:合同|contract)", re.I
)


def _confident(text: str, intent: str, customer: Resolution) -> bool:
    if customer.kind == "confirm" or customer.slipped:
        return False
    return not (intent == "unknown" and customer.kind == "one" and _CLOSE_CALLS.search(text))


# Intents whose sentences are about a sum: any amount reading counts there. Elsewhere ("拜访京东,粉丝20万") only an
# amount that is money on its face does: a written currency or a money label before it (预算50万, quoted $8k).
_MONEY_INTENTS = frozenset(("contract", "payment", "receivables", "schedule", "reminder", "correct", "set_target"))


def _amount(
    text: str, intent: str, customer: Resolution, reading: DateReading | None, stage: StageMention | None
) -> Money | None:
    # A customer called "3M" or a date the date reader took is not an amount.
    taken = [(m.start, m.end) for m in customer.matches if m.start is not None and m.end is not None]
    if reading is not None:
        taken.append((reading.start, reading.end))
    # A move to an open stage or to won names the deal's value ("华为终端有个200万的项目,进入方案阶段", "京东这单签了
    # 80万"); a lost one may name a competitor's price ("lost, went with a competitor at 50k").
    opens_deal = intent == "stage" and (stage is None or stage.stage != "lost")
    return find_amount(text, exclude=taken, explicit=intent not in _MONEY_INTENTS and not opens_deal)


def classify(text: str, stage: StageMention | None) -> str:
    return readings(text, stage)[0]


# A deal's value changes with a word of change; "contract for Hooli worth 15,000, net 30" is a new contract.
_VALUE_CHANGE = re.compile(
    r"改成|改为|调整|调到|更新|变成|变为|\b(?:now|change[ds]?|update[ds]?|revised?|bump(?:ed)?|raised?|lowered|"
    r"increased?|reduced?|went\s+up|went\s+down)\b",
    re.IGNORECASE,
)
# Steering and capability words that only ever steer: a second reading of "第一个" or "撤销" is never meant.
_NEVER_CLOSE = frozenset(("undo", "pick", "decide", "correct", "help"))
# Intents that only answer (a list, a figure) and change nothing: two such readings are not worth a question, a
# wrong one costs a second look ("逾期没跟进的" is the agenda, not the overdue money; "pipeline" the funnel).
_ONLY_ANSWER = frozenset((
    "receivables", "help", "my_customers", "my_deals", "export", "my_approvals", "agenda", "customer_brief",
    "team_report", "silent_reps", "rep_activity", "funnel", "forecast", "attainment", "adoption", "quiet_accounts",
    "why_lost",
))  # fmt: skip


def readings(text: str, stage: StageMention | None) -> tuple[str, str | None]:
    """The intent, and the runner-up when the reading is close (issue 17, item 5).

    Classification is an ordered rule list, so "close" means: a capability module (steering, targets, questions,
    retention, checked first) claims the sentence and the core words (contract, payment, reminder, ...) claim it
    too, for a different action, and one of the two changes something. The module's reading wins, except a
    deal-value change where the sentence names a contract and no change; the other is offered beside it."""
    # Each capability's own words, most particular first: steering the conversation, days off (issue 21: before
    # the questions, which would read "谁请假了" as one about the team), then questions about targets (issue 21),
    # the work (issue 19) and customers kept (issue 20).
    for words in (steering, leave, targets, questions, retention):
        if (found := words.intent(text)) is not None:
            if found in _NEVER_CLOSE:
                return found, None
            if found == "stage" and words is steering and _reports_an_activity(text):
                continue  # "met Gekko yesterday, deal size about 1.2M": a visit that says the deal's size
            core = _core_words(text)
            if core == "reminder" and _ASKS_A_REMINDER.match(text):
                return core, None  # "remind me monday to review the team pipeline": what to do then is its text
            if core in (None, found) or (found in _ONLY_ANSWER and core in _ONLY_ANSWER):
                return found, None
            if core == "reminder" and found in _ONLY_ANSWER:
                # "remind me monday 10am to review the team pipeline": the question is what to be reminded of
                return core, None
            if found == "stage" and core == "contract" and _won_by_contract(text, stage):
                return found, None  # "we won Globex!! contract worth $90k": a deal won, its contract signed
            if found == "stage" and core == "contract" and not _VALUE_CHANGE.search(text):
                # A contract named with its amount and no word of change is a contract submitted ("contract for
                # Initech worth 60k, net 30"): decided, not asked. With a change word both readings stand.
                return core, None
            return found, core
    if (core := _core_words(text)) is not None:
        if core == "contract" and _won_by_contract(text, stage):
            return "stage", None  # "终于签了合同金额180万", "we win!! contract value 380万": a deal won (tune4)
        return core, None
    return _core_fallback(text, stage), None


# A contract handed in for approval, not a deal reported signed.
_TO_APPROVE = re.compile(r"审批|提交|报批|盖章|走流程|\bsubmit|\bapprov|\breview", re.IGNORECASE)


def _won_by_contract(text: str, stage: StageMention | None) -> bool:
    """A deal said won in a word of winning ("we win!! contract value 380万", "we won Globex, contract worth $90k"),
    whose contract is named but not handed in: the deal is won. A contract said signed ("signed a contract for $80k",
    签了合同 120万) is the contract, to record (docs/understanding.md)."""
    if stage is None or stage.stage != "won" or _SIGNING.search(text[stage.start : stage.end]):
        return False
    return not _TO_APPROVE.search(text) and find_terms(text) is None


_SIGNING = re.compile(r"签|sign", re.IGNORECASE)


# A sentence that opens by asking for a reminder (tune4): whatever it names after is what to be reminded of.
_ASKS_A_REMINDER = re.compile(
    r"\s*(?:嗯|哦|那个|hi|hello|hey|你好)?[\s,，]*(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+)?remind\s+me\b|"
    r"\s*(?:嗯|哦|那个|hi|hello|hey|你好)?[\s,，]*(?:请|麻烦)?(?:你)?提醒",
    re.IGNORECASE,
)


def _reports_an_activity(text: str) -> bool:
    """An activity that happened, with no word of change: a deal's size said in it is part of the report."""
    return bool(_VISIT.search(text) and _DONE.search(text)) and not _VALUE_CHANGE.search(text)


def _core_words(text: str) -> str | None:
    """The core's words for an action (issues 1-17), in their order. The fallbacks after them (a stage named, a
    visit word such as 跟进) decide only where no such words are, so they never make a reading close."""
    if asks_my_approvals(text):
        return "my_approvals"
    if receivables.is_export(text):
        return "export"
    if receivables.names_schedule_change(text):
        return "schedule"  # "华为第二期的回款推迟到6月30日" moves a due date; it reports no payment
    if _ANY_KEYWORD.search(text):
        for intent, pattern in _KEYWORDS:
            if pattern.search(text):
                return intent
    return None


# A quote named with its sum and nothing else (网易 报价 45万元): the quote given, a move to proposal.
_QUOTED_SUM = re.compile(r"[\s,，:：]*(?:是\s*)?[¥￥$]?\s*[\d一二三四五六七八九十两]")


def _core_fallback(text: str, stage: StageMention | None) -> str:
    if receivables.question(text) in ("aging", "top") and not _VISIT.search(text):
        return "receivables"  # "账龄" / "二八客户" ask about the book; "拜访大客户华为" is a visit
    if (
        stage is not None
        and stage.stage == "proposal"
        and _QUOTED_SUM.match(text, stage.end)
        and not _VISIT.search(text)
        and text[stage.start : stage.end] in ("报价", "quote")
    ):
        return "stage"
    if stage is not None and stage.is_move and stage.stage not in ("won", "lost"):
        return "stage"
    if _VISIT.search(text):
        return "visit"
    if stage is not None and stage.is_move:
        return "stage"
    if _MOVE_ONLY.search(text):
        return "stage"
    return "unknown"


def next_step(text: str, reading: DateReading | None) -> str | None:
    """The clause around the follow-up date, without the date: "下周三给方案" -> "给方案"."""
    if reading is None:
        return None
    starts = [0] + [m.end() for m in _CLAUSE.finditer(text)]
    ends = [m.start() for m in _CLAUSE.finditer(text)] + [len(text)]
    for start, end in zip(starts, ends, strict=True):
        if start <= reading.start < max(end, start + 1):
            clause = (text[start : reading.start] + " " + text[reading.end : end]).strip()
            previous = None
            while previous != clause:
                previous = clause
                clause = _FILLER_END.sub("", _FILLER_START.sub("", clause)).strip()
            return None if not clause or _GENERIC_STEP.fullmatch(clause) else clause
    return None

"""What a message asks for, and the slots it already carries. Pure: now, customers and lexicons are passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from salesbot.nlp import receivables, steering, targets
from salesbot.nlp.amounts import Money, Terms, find_amount, find_terms
from salesbot.nlp.contracts import asks_my_approvals
from salesbot.nlp.customers import CustomerIndex, Resolution
from salesbot.nlp.dates import DateError, DateReading, find_date
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
    "set_target",  # issue 21 (nlp/targets.py)
    "attainment",
    "adoption",
    "report_comment",
    # steering the conversation (nlp/steering.py)
    "undo",
    "correct",
    "follow_up_move",
    "follow_up_done",
    "decide",
    "pick",
    "unknown",
)

# Checked in order: the first family whose words appear wins. Reminder before visit, because "remind me to call"
# names a call. Unpaid before paid, because "没回款" contains "回款" and "haven't paid" contains "paid"; a payment
# before the owing words, because "京东还清了欠款" settles a debt rather than asking about one; the payment words
# before the contract words, because "received payment for the Initech contract" is a payment. The payment words
# are past-tense receipts: terms in a new contract ("分两次付清", "to be paid on delivery", "payment on delivery")
# must not make it a payment. 报价 (a quote) is a stage word, not a contract; an invoice goes with the contract it
# bills.
_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (intent, re.compile(pattern, re.IGNORECASE))
    for intent, pattern in (
        ("help", r"^\s*(/help|help|帮助|怎么用|使用说明|\?|？)\s*$"),
        ("my_customers", r"^\s*(我的客户|客户列表|my customers|my accounts|list customers)\s*$"),
        ("my_deals", r"^\s*(我的商机|我的单子|商机列表|my deals|my pipeline|my opportunities|pipeline)\s*$"),
        ("reminder", r"提醒我|提醒一下|remind me|reminder"),
        (
            "receivables",
            r"欠多少|欠我们|还欠|没回款|未回款|没付|未付|没有付|没给钱|逾期|\bunpaid\b|\boverdue\b|"
            r"(?:\bnot|n't|\bnever)\s+(?:yet\s+)?(?:been\s+)?pa(?:id|y)\b|\bstill\s+owes?\b",
        ),
        (
            "payment",
            r"回款|到账|打款|收款|汇款|转账|付了|付款了|已付|已支付|支付了|已还款|还款了|"
            r"(?:已|都)?(?:付清|结清|还清)了|已(?:付清|结清|还清)|"
            r"(?:打|转|汇)了[^,.;!?]{0,8}?(?:万|元|块|钱|款|[$¥￥€]|\d{3,})|"
            r"收到(?:(?!合同)[^,.;!?]){0,12}?(?:款|钱|万|元|块|[$¥￥€]|\d{3,})|"
            r"[款钱](?:已|都|也)?(?:收到|到了|已到|已收|收了)|"
            r"\bgot\s+paid\b|(?<!be )\bpaid\b|\bpayments?\s+of\b|"
            r"\bpayments?\s+(?:received|came\s+in|arrived|landed|cleared|went\s+through)\b|"
            r"\breceived\s+(?:a\s+|the\s+|their\s+|our\s+)?(?:\w+\s+)?payments?\b|"
            r"\bwired\b|\bremitted\b|"
            r"\btransferred\b(?!\s+(?:the\s+|this\s+|that\s+|my\s+|his\s+|her\s+)?"
            r"(?:account|customer|client|deal|lead|ownership|call|file)s?\b)|"
            r"\breceived\b(?!\s+(?:the\s+|a\s+|an\s+|their\s+|our\s+|his\s+|her\s+)?"
            r"(?:signed\s+|new\s+|final\s+|revised\s+)?"
            r"(?:contract|order|po|purchase|proposal|quote|rfp|email|call|feedback|signature|request|invoice|"
            r"document|message|reply|response)s?\b)",
        ),
        ("receivables", r"欠款|欠了|应收|\bowes?\b|\bowing\b|\bowed\b|outstanding|receivable"),
        ("contract", r"合同|\bcontracts?\b|\binvoic(?:e|es|ed|ing)\b|开票|发票"),
    )
)
_VISIT = re.compile(
    r"拜访|去了|见了|见面|约见|面谈|沟通|聊了|开会|电话|打给|上门|跟进|回访|演示|"
    r"\b(visit(ed|ing)?|met|meet(ing)?|call(ed)?|spoke|talked|demo(ed|'d)?|lunch|dinner|follow(ed)?[ -]?up)\b",
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
    occurred_on: date | None = None  # the past day a reported activity happened ("昨天拜访了…"); None: today
    reopen: bool = False  # "Initech back to proposal": a closed deal taken back


def understand(
    text: str, *, now: datetime, customers: CustomerIndex, stages: StageLexicon, reasons: ReasonLexicon
) -> Understanding:
    clean = normalize(text)
    customer = customers.find_in_text(clean)
    try:
        reading, date_error = find_date(clean, now=now), None
    except DateError as exc:
        reading, date_error = None, exc
    stage = stages.find(clean)
    intent = classify(clean, stage)
    if intent == "visit" and reading is not None and reading.time is None and reading.date == now.date():
        reading = None  # "今天拜访了…" says when the visit was, not when to follow up
    happened = steering.occurred_on(clean, now=now) if intent == "visit" else None
    if happened is not None and reading is not None and reading.start < happened[2] and happened[1] < reading.end:
        # "visited Acme on Monday, call back next friday": that Monday is when it happened; the follow-up is
        # looked for in the rest of the sentence.
        rest = clean[: happened[1]] + " " * (happened[2] - happened[1]) + clean[happened[2] :]
        try:
            reading = find_date(rest, now=now)
        except DateError:
            reading = None
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
        occurred_on=happened[0] if happened is not None else None,
        reopen=intent == "stage" and steering.reopens(clean),
    )


# Intents whose sentences are about a sum: any amount reading counts there. Elsewhere ("拜访京东,粉丝20万") only an
# amount that is money on its face does: a written currency or a money label before it (预算50万, quoted $8k).
_MONEY_INTENTS = frozenset(("contract", "payment", "receivables", "schedule", "correct"))


def _amount(
    text: str, intent: str, customer: Resolution, reading: DateReading | None, stage: StageMention | None
) -> Money | None:
    # A customer called "3M" or a date the date reader took is not an amount.
    taken = [(m.start, m.end) for m in customer.matches if m.start is not None and m.end is not None]
    if reading is not None:
        taken.append((reading.start, reading.end))
    # A move to an open stage names the deal's value ("华为终端有个200万的项目,进入方案阶段"); a closing one may name a
    # competitor's price ("lost, went with a competitor at 50k").
    opens_deal = intent == "stage" and (stage is None or stage.stage not in ("won", "lost"))
    return find_amount(text, exclude=taken, explicit=intent not in _MONEY_INTENTS and not opens_deal)


def classify(text: str, stage: StageMention | None) -> str:
    steer = steering.intent(text) or targets.intent(text)
    if steer is not None:
        return steer
    if asks_my_approvals(text):
        return "my_approvals"
    if receivables.is_export(text):
        return "export"
    if receivables.names_schedule_change(text):
        return "schedule"  # "华为第二期的回款推迟到6月30日" moves a due date; it reports no payment
    for intent, pattern in _KEYWORDS:
        if pattern.search(text):
            return intent
    if receivables.question(text) in ("aging", "top") and not _VISIT.search(text):
        return "receivables"  # "账龄" / "二八客户" ask about the book; "拜访大客户华为" is a visit
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

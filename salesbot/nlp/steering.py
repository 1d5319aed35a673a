"""Words that steer the conversation rather than report the day's work: undo, a correction, moving or closing a
follow-up, a decision typed instead of tapped, "the second one", a deal taken back, and the day a visit happened.
Pure: `now` is passed in.
"""

from __future__ import annotations

import re

# "撤销" / "undo" / "删掉刚才那条": the whole message asks to take back the last change. ("撤回华为的合同" withdraws
# a contract: a contract sentence, not this.)
_UNDO = re.compile(
    r"^\s*(?:"
    r"(?:撤销|撤回|回退|undo)(?:一下)?(?:刚才|上一条|上一步|上条|那条|最后一条|刚刚)?(?:的)?(?:那条|操作|记录|修改)?"
    r"|(?:删掉|删除|去掉|不要)(?:刚才|刚刚|上一条|最后一条)(?:那条|的|记录|的记录)?"
    r"|刚才(?:那条|的)?(?:记错了?|不要了|删掉|撤销|作废)"
    r"|undo\s+(?:that|this|it|the\s+last(?:\s+(?:one|entry|change|thing))?|my\s+last(?:\s+(?:one|entry|change))?)"
    r"|take\s+(?:that|it)\s+back|scratch\s+that|delete\s+(?:that|the\s+last\s+(?:one|entry))"
    r")\s*[。.!！]?\s*$",
    re.IGNORECASE,
)
# "不对,是下周三" / "改成周三" / "no, make it Wednesday": the rest of the message is the right value.
_CORRECT = re.compile(
    r"^\s*(?:"
    r"(?:不对|错了|说错了|搞错了|写错了|不是)\s*[,，。!！]\s*(?:应该)?(?:是|改成|改为|换成)?"
    r"|(?:不对|错了|说错了|搞错了|写错了)\s*(?:应该)?(?:是|改成|改为|换成)"
    r"|(?:改成|改为|换成|应该是)"
    # not "Sorry, how do I set a reminder?": a question after the apology (tune4)
    r"|(?:no|nope|sorry|oops|wait)\s*[,.!]\s*(?!\s*(?:how|what|where|why|can|could)\b)"
    r"(?:make\s+it|change\s+it\s+to|it'?s|it\s+was|i\s+meant|should\s+be)?"
    r"|actually\b[,\s]*(?:make\s+it|change\s+it\s+to|it'?s|it\s+was|i\s+meant|should\s+be)?"
    r"|(?:make\s+it|change\s+it\s+to|i\s+meant|it\s+should\s+be)\b"
    r")\s*[:：,，]?\s*(?P<rest>.+?)\s*$",
    re.IGNORECASE,
)
_FOLLOW_UP = r"(?:跟进|回访|提醒|follow[ -]?up)"
_FOLLOW_UP_WORD = re.compile(_FOLLOW_UP, re.IGNORECASE)
_VALUE_WORD = re.compile(r"金额|价值|规模|worth|value|size|amount", re.IGNORECASE)
# "小米的跟进改到下周三" / "push Acme's follow-up to Friday": the existing follow-up moves.
_FOLLOW_UP_MOVE = re.compile(
    rf"{_FOLLOW_UP}.{{0,6}}?(?:改到|改成|改在|推迟到|推到|挪到|延到|延后到|延期到|提前到|换到|调到|改期到|放到)"
    rf"|(?:把|将).{{1,20}}?{_FOLLOW_UP}.{{0,4}}?(?:推迟|延后|提前|改期)"
    rf"|\b(?:push|move|reschedule|postpone|bump|shift|delay|change)\b.{{0,40}}?{_FOLLOW_UP}"
    rf"|{_FOLLOW_UP}.{{0,30}}?\b(?:moved?|pushed|postponed|rescheduled)\b",
    re.IGNORECASE,
)
# "华为的跟进做完了" / "done with the Acme follow-up": the follow-up is closed.
_FOLLOW_UP_DONE = re.compile(
    rf"{_FOLLOW_UP}(?:已经|已)?(?:做完了?|完成了?|搞定了?|结束了?|处理完了?|弄完了?|做了|好了)"
    rf"|\bdone\s+with\b.{{0,40}}?{_FOLLOW_UP}"
    rf"|{_FOLLOW_UP}.{{0,30}}?\b(?:is\s+|was\s+)?(?:done|complete|completed|finished)\b"
    rf"|\b(?:completed|finished|closed)\b.{{0,40}}?{_FOLLOW_UP}",
    re.IGNORECASE,
)
# A decision typed instead of pressed: "批准" / "approve", "驳回,币种错了" / "reject: wrong currency".
_DECIDE = re.compile(
    r"^(?:(?P<word>批准|approved?|驳回|拒绝|不批|reject(?:ed)?|decline[d]?)"
    r"(?:\s*(?:吧|了|it|this|that))?\s*(?:[,，:：;；。.!！\s]+(?P<comment>.+?))?"
    # Words that also report a customer's answer ("同意了,下周签约") count only as the whole message.
    r"|(?P<bare>同意|通过|准了|不同意)\s*[。.!！]?)\s*$",
    re.IGNORECASE,
)
_REJECT_WORDS = ("驳回", "拒绝", "不批", "不同意", "reject", "rejected", "decline", "declined")
# "第二个" / "the second one" / "#2": a button named by its place.
_ORDINAL = re.compile(
    r"^\s*(?:选|选择|要|pick|choose|take)?\s*(?:第\s*(?P<zh>[一二三四五六七八九十\d]+)\s*(?:个|项|条|位)?"
    r"|#\s*(?P<hash>\d+)"
    r"|(?:the\s+)?(?P<en>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|\d+(?:st|nd|rd|th))"
    r"(?:\s+(?:one|option|choice))?)\s*[。.!！]?\s*$",
    re.IGNORECASE,
)
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_ORDINALS = {
    w: n
    for n, w in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), start=1
    )
}
# "Initech back to proposal" / "重新打开华为的单子": a closed deal taken back, not a new one.
_REOPEN = re.compile(r"\bback\s+(?:to|into)\b|\breopen|回到|退回|重新打开|重开|恢复到?", re.IGNORECASE)
# "你能做什么" / "how do I use this": help asked in a sentence.
_HELP = re.compile(
    r"你能做什么|你会什么|你能干什么|能干啥|怎么用你|怎么使用|如何使用|有什么功能|使用说明|需要帮助|"
    r"\bwhat\s+can\s+you\s+do\b|\bhow\s+(?:do\s+i|to)\s+use\s+(?:this|you|it|the\s+bot|salesbot)\b|"
    r"\bwhat\s+do\s+you\s+do\b|^help(?:\s+me)?\s*[?？!.]*$",
    re.IGNORECASE,
)


_QUESTION = re.compile(
    r"[?？]|吗\s*$|呢\s*$|什么|怎么|怎样|哪些|哪个|哪里|为什么|多少|几个|是否|有没有|能不能|可不可以|"
    r"^\s*(?:who|what|when|where|why|how|which|is|are|do|does|did|can|could|should|will|would)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[,，。;；!！]|\s(?:and|the|to|with|for|because|but)\s", re.IGNORECASE)
def is_question(text: str) -> bool:
    return bool(_QUESTION.search(text))


def looks_like_name(text: str) -> bool:
    """Whether a reply could be a customer's name: no question, not a sentence (how long a name may be is the
    services' rule). Anything else is never offered as a new customer."""
    text = text.strip()
    return bool(text) and not is_question(text) and not _SENTENCE.search(text) and len(text.split()) <= 6


# "华为的项目金额改成300万" / "the Acme deal is worth 80k now": the deal's value, said on its own.
_DEAL_VALUE = re.compile(
    r"(?:项目|单子|商机|订单)?(?:的)?(?:金额|价值|规模)\s*(?:改成|改为|调整为|调到|变成|更新为)|"
    r"\b(?:deal|opportunity)\b.{0,30}\b(?:worth|value|size|amount)\b|\bworth\b.{0,20}\d",
    re.IGNORECASE,
)


def intent(text: str) -> str | None:
    """The steering intent of a message, or None when it reports work (the other intents decide then)."""
    text = text.strip()  # the patterns are anchored: leading blanks would cost a quadratic retry per position
    if _UNDO.match(text):
        return "undo"
    # Every message passes here: the searches that scan the whole text run only where their key word is.
    if _FOLLOW_UP_WORD.search(text):
        if _FOLLOW_UP_DONE.search(text):
            return "follow_up_done"
        if _FOLLOW_UP_MOVE.search(text):
            return "follow_up_move"
    if _DECIDE.match(text):
        return "decide"
    if ordinal(text) is not None:
        return "pick"
    if _CORRECT.match(text):
        return "correct"
    if _VALUE_WORD.search(text) and _DEAL_VALUE.search(text) and re.search(r"\d|[一二三四五六七八九十两百千万]", text):
        return "stage"
    if len(text) <= 40 and _HELP.search(text):
        return "help"
    return None


def correction(text: str) -> str | None:
    """What a correction says is right: "不对,是下周三" -> "下周三"."""
    match = _CORRECT.match(text.strip())
    return match["rest"] if match else None


def decision(text: str) -> tuple[str, str | None] | None:
    """("approve" | "reject", the comment after the word) for a typed decision."""
    match = _DECIDE.match(text.strip())
    if match is None:
        return None
    word = (match["word"] or match["bare"]).lower()
    return ("reject" if word in _REJECT_WORDS else "approve"), match["comment"]


def ordinal(text: str) -> int | None:
    """1 for "第一个" / "the first one"; -1 for "the last one"."""
    match = _ORDINAL.match(text.strip())
    if match is None:
        return None
    if match["zh"]:
        word = match["zh"]
        return int(word) if word.isdigit() else _zh_number(word)
    if match["hash"]:
        return int(match["hash"])
    word = match["en"].lower()
    if word == "last":
        return -1
    return _EN_ORDINALS.get(word) or int(re.sub(r"\D", "", word))


def _zh_number(word: str) -> int | None:
    if word == "十":
        return 10
    if len(word) == 2 and word[0] == "十":
        return 10 + _ZH_DIGITS.get(word[1], 0)
    return _ZH_DIGITS.get(word)


_REMIND_ME = re.compile(
    r"^\s*(?:请|麻烦)?(?:提醒我|提醒一下|提醒|记得|别忘了)\s*|^\s*(?:please\s+)?(?:remind\s+me\s+(?:to\s+)?|reminder\s*:?\s*)",
    re.IGNORECASE,
)


def reminder_note(text: str) -> str:
    """What a reminder is for, without "提醒我" / "remind me to": "提醒我 给华为打电话" -> "给华为打电话"."""
    note = _REMIND_ME.sub("", text.strip()).strip(" ,，。.")
    return note or text.strip()


def reopens(text: str) -> bool:
    return bool(_REOPEN.search(text))


# ---------------------------------------------------------------- a visit still to come

_INTEND = r"(?:要|准备|打算|计划|将|会|约了|约好)"
_PLANNED = re.compile(
    r"^\s*(?:(?:明天|后天|下周.|下星期.|下礼拜.|周.|星期.)(?:上午|下午|晚上)?\s*" + _INTEND + r"?|" + _INTEND + r")"
    r"\s*(?:去)?(?:拜访|见|上门)|"
    r"\b(?:will|going\s+to|gonna|plan\s+to|planning\s+to)\s+(?:visit|meet|see|call)\b|"
    r"\b(?:visiting|meeting)\b.{0,30}\b(?:tomorrow|next\s+\w+)\b",
    re.IGNORECASE,
)
_DONE = re.compile(r"了|过|\b(?:met|visited|called|spoke|talked|saw|had|went|dropped)\b", re.IGNORECASE)


def plans_visit(text: str) -> bool:
    """A visit still to come ("明天去拜访华为", "visiting Acme tomorrow"): it has not happened, so it is not logged
    without asking."""
    text = text.strip()
    return bool(_PLANNED.search(text)) and not _DONE.search(text)

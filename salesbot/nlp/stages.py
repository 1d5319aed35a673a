"""Stage and lost-reason phrases in zh and en, mapped to the configured keys."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Words reps use for the default stages, beyond the configured labels.
BUILTIN_STAGE_WORDS: dict[str, tuple[str, ...]] = {
    "lead": ("线索", "潜在客户", "lead", "leads", "prospect", *("新线索", "新商机", "新客户线索")),
    "qualified": (
        "确认需求",
        "需求确认",
        "已确认需求",
        "需求确认完",
        "有效商机",
        "qualified",
        "qualification",
        "qualify",
    ),
    "proposal": (
        *("方案阶段", "方案", "报价阶段", "报价", "proposal", "quote", "quoting", "quoted", "quotation"),
        # v3 set (2026-12-08): a quote given, said as done (哔哩哔哩报了价 68000, 阿里健康 报价发了).
        *("报了价", "报过价", "报价发了", "报价已发", "发了报价", "报价单发了", "发了报价单", "报价发过去了"),
    ),
    "negotiation": (
        "商务谈判", "商务阶段", "谈判", "议价", "negotiation", "negotiations", "negotiating", "negotiate",
        # tune4: "in contract negotiations", "business negotiation stage".
        *("contract negotiation", "contract negotiations", "business negotiation"),
    ),
    "won": (
        "赢单",
        "赢了",
        "签约",
        "签单",
        "签了",
        "成交",
        "拿下",
        "closed won",
        "closed-won",
        "won",
        "signed",
        "closed the deal",
        "we closed",
        "谈下来了",
        "搞定了",
        "签下来了",
        # 2026-12-07 set: 那单成了, 单子成了.
        "单成了",
        "单子成了",
        "done deal",
        "chose us",
        "went with us",
        # tune4: "this project we win!!"
        "we win",
        "we won",
    ),
    "lost": (
        "丢单",
        "输单",
        "输了",
        "丢了",
        "黄了",
        "没戏了",
        "这单没了",
        "单子没了",
        "closed lost",
        "closed-lost",
        "lost",
        "deal is dead",
        # 2026-12-08 sets: "deal's dead", "went w/ the other guys", "dead."
        "deal's dead",
        "deal dead",
        "dead deal",
        "it's dead",
        "went w/ the other guys",
        "went with the other guys",
        "went w/ another vendor",
        "went w/ a competitor",
        "went w/ someone else",
        "went with someone else",
        "deal died",
        "fell through",
        "fell thru",
        # Round 2 (issue 17): a deal not won is lost.
        "没拿下",
        "没签下来",
        "没谈成",
        "went with a competitor",
        "went with another vendor",
        "chose a competitor",
        "chose another vendor",
        "went with another",
        "选了别家",
        "选了别人",
        "选了竞品",
        # Session of 2026-12-08: 谈崩了, 被对手截胡了, 被竞品抢走了, 没成, "backed out"; 输给了友商, 凉了 (tune4).
        "谈崩",
        "截胡",
        "抢走",
        "没成",
        "输给",
        "凉了",
        "backed out",
        "pulled out",
        "walked away",
        # tune4: lost to another vendor (输给了友商, 被截胡了, "went w/ the other guys"), or gone cold (凉了,
        # "deal's dead").
        "went w/ the other",
        "went with the other",
        "went w/ another",
        "went w/ a competitor",
        "deal's dead",
        "deal dead",
    ),
}
# Verbs that make a stage word a move ("进入方案阶段", "moved to negotiation") rather than a mention ("给方案").
MOVE_PATTERNS = (
    r"(进入|推进到|推进至|推到|转到|转入|到了|进到|改为|改成|变成|升级到|移到|挪到)\s*{stage}",
    r"{stage}\s*阶段",
    r"\b(moved?|moving|advance[ds]?|progress(?:ed)?|push(?:ed)?|set|change[ds]?|update[ds]?)\b.{{0,40}}?"
    r"\b(to|into)\s+(?:the\s+)?{stage}",
    # tune4: a quote sent, a quote's sum, a new lead, "enter negotiation stage", "can be qualified". One pattern for
    # the words after a stage word (each pattern that opens with the stage words costs a scan): 报价已发 / 报价发过去了,
    # "quote sent", "negotiation stage", a quote's sum said apart ("网易 报价 45万元", not "给京东报价50万": to quote
    # them, perhaps)
    r"{stage}(?:\s*(?:已经?|都)(?:发|给|提交|递交|报|出)|\s*(?:发|提交|递交)(?:过去|出去)?了"
    r"|\s+(?:sent|submitted|delivered|went\s+out|is\s+out|stage)\b"
    r"|(?:\s+|\s*[:：]\s*)[$¥￥€]?\d[\d,.]*\s*(?:万|w|k|元|块|千|美元|usd|rmb))",
    r"(?:发|提交|递交|(?<!汇)报)了(?:个|一份|份|一版|版)?(?:新的?)?{stage}",
    # sent, not "send a quote tmrw" (a next step); "already send" is sent in the writers' Chinglish
    r"\b(?:sent|submitted|delivered|emailed|already\s+send)\s+(?:over\s+)?(?:[\w'-]+\s+){{0,3}}{stage}",
    # a lead only: 新方案 / "a new quote" is a next step, not a move
    r"新(?:进来)?的?(?:一个|个|一条|条)?(?:线索|潜在客户)|\bnew\s+(?:leads?|prospects?)\b",
    r"\benter(?:s|ed|ing)?\s+(?:into\s+)?(?:the\s+)?{stage}",
    r"\b(?:can|could|should|will)\s+be\s+{stage}",
    r"\b(is|are|now|at|in)\s+(now\s+)?(in\s+|at\s+)?(the\s+|a\s+|an\s+)?(new\s+|hot\s+|warm\s+|good\s+)?{stage}\b",
    r"(?:→|-+>|=>)\s*{stage}",
    r"(回到|退回到?|返回到?|恢复到?|重新进入)\s*{stage}",
    # 2026-12-07 set: 已经到商务谈判了, 确认需求了, 需求确认了: a stage reached, said with 到 or a closing 了.
    r"(?:已经|已|都)?(?:谈|走|做)?到\s*{stage}",
    r"{stage}\s*了(?![吗没])",
    r"\bback\s+(to|into)\s+(the\s+)?{stage}",
    # 2026-12-08 set: "new lead X", "add X as a lead", "mark X as qualified", "X qualified, budget confirmed",
    # "quote out to X" / "proposal sent to X".
    r"^\s*(?:(?:got\s+)?(?:a\s+)?new|fresh)\s+{stage}\b",
    r"\b(?:add(?:ed)?|log(?:ged)?|create[d]?|enter(?:ed)?|put|mark(?:ed)?|flag(?:ged)?|tag(?:ged)?|set|list(?:ed)?)\b"
    r"[^,.;!?]{{0,40}}?\bas\s+(?:a\s+|an\s+)?(?:new\s+)?{stage}\b",
    r"\b(?:mark(?:ed)?|flag(?:ged)?|tag(?:ged)?)\b[^,.;!?]{{1,40}}?\b{stage}\b",
    r"^[^,.;!?]{{1,40}}?\s(?:is\s+|now\s+|just\s+|got\s+|has\s+been\s+|been\s+)?(?<!not\s)(?<!un)qualified\b"
    r"(?!\s+(?:lead|leads|prospects?|deals?|for|to|by|or)\b|\s*\?)",
    r"\b{stage}\s+(?:is\s+|was\s+|went\s+)?(?:out|sent|submitted|delivered|emailed)\s+(?:to|for)\b",
    r"^\s*(?:just\s+)?(?:sent|emailed|submitted)\s+(?:over\s+)?(?:the\s+|a\s+|our\s+)?{stage}\s+(?:to|over)\b",
    r"^\s*(?:just\s+)?(?:qualified|quoted)\s+(?=[a-z])",
    r"^\s*(?:just\s+)?(?:sent|emailed|submitted)\s+[a-z][\w&-]*(?:\s+[a-z][\w&-]*)?\s+(?:the\s+|a\s+|our\s+)?{stage}\b",
    r"^[^,.;!?]{{1,40}}?\s(?:is\s+|are\s+|now\s+)?negotiating\b",
    r"\b(?:add(?:ed)?|put)\b[^,.;!?]{{1,40}}?\b(?:to|into|in)\s+(?:my\s+|the\s+|our\s+)?{stage}\b",
    # a lead come in (新进来一个线索, 来了个新线索)
    r"新(?:进来|来)了?(?:一|几)?个?\s*{stage}|来了(?:一|几)?个新?\s*{stage}",
    # v3 set (2026-12-08): handed over, said as done (报价给美团了, 方案已经提交给小米, 报价发给京东了)
    # ("下周五把方案发过去" is a next step: no 了, no 已)
    r"{stage}\s*(?:已经|已)(?:提交|发|交|给)|{stage}\s*(?:都)?(?:提交|发|交)?(?:给|过去|到)[^,，。;；\s]{{0,12}}?了(?![吗没])",
)
# Closing words that carry the move by themselves ("京东赢单了", "Initech is lost").
SELF_SUFFICIENT = {"won", "lost"}
# Phrases that say the move by themselves, whatever their stage: a new lead come in (新线索：远景能源), a quote given
# (报了价, 报价发了).
SELF_SUFFICIENT_PHRASES = frozenset(
    (
        *("新线索", "新商机", "新客户线索"),
        *("报了价", "报过价", "报价发了", "报价已发", "发了报价", "报价单发了", "发了报价单", "报价发过去了"),
    )
)

BUILTIN_REASON_WORDS: dict[str, tuple[str, ...]] = {
    "price": (
        "价格",
        "太贵",
        "贵",
        "预算",
        "便宜",
        "price",
        "pricing",
        "expensive",
        "budget",
        "cost",
        "cheaper",
    ),
    "experience": ("体验", "不好用", "难用", "experience", "hard to use", "usability"),
    "features": ("功能", "不满足", "缺少", "features", "feature", "missing", "functionality"),
    "service": ("服务", "售后", "态度", "service", "support", "rude"),
    "unanswered": (
        "没回复",
        "没答复",
        "没有回复",
        "没人回",
        "unanswered",
        "no answer",
        "never answered",
        "no response",
    ),
    "competitor": (
        "竞争对手",
        "竞品",
        "对手",
        "别家",
        "友商",
        "competitor",
        "competition",
        "went with",
        "rival",
    ),
    "ethics": ("合规", "道德", "风控", "ethics", "ethical", "compliance"),
    "involuntary": (
        "倒闭",
        "破产",
        "搬迁",
        "搬走",
        "关门",
        "bankrupt",
        "bankruptcy",
        "moved away",
        "closed down",
        "out of business",
    ),
}


@dataclass(frozen=True)
class StageMention:
    stage: str
    start: int
    end: int
    is_move: bool  # said as a move, not merely mentioned


_LETTER_BEFORE_CJK = re.compile(r"[A-Za-z](?=[\u4e00-\u9fff])")


class Lexicon:
    """Phrases -> keys, longest phrase first, so 商务谈判 wins over 谈判 and closed lost over lost."""

    def __init__(self, words: Mapping[str, Iterable[str]]) -> None:
        pairs = sorted(
            ((w.lower(), key) for key, ws in words.items() for w in ws if w),
            key=lambda p: len(p[0]),
            reverse=True,
        )
        self._pairs = pairs
        alternatives = "|".join(re.escape(w) for w, _ in pairs) or r"(?!x)x"
        self._any = re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])", re.IGNORECASE)
        self._key = dict(pairs)

    @property
    def pattern(self) -> str:
        return self._any.pattern

    def find(self, text: str) -> list[tuple[str, int, int]]:
        return [(self._key[m.group(0).lower()], m.start(), m.end()) for m in self._any.finditer(text)]

    def exact(self, text: str) -> str | None:
        return self._key.get(text.strip().lower())


class StageLexicon:
    def __init__(
        self,
        stages: Iterable[str],
        labels: Mapping[str, Mapping[str, str]],
        synonyms: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.stages = tuple(stages)
        words: dict[str, list[str]] = {s: [s] for s in self.stages}
        for stage in self.stages:
            words[stage] += BUILTIN_STAGE_WORDS.get(stage, ())
            words[stage] += [lang_labels[stage] for lang_labels in labels.values() if stage in lang_labels]
            words[stage] += list((synonyms or {}).get(stage, ()))
        self._lexicon = Lexicon(words)
        stage_re = f"(?:{self._lexicon.pattern})"
        self._moves = [re.compile(p.format(stage=stage_re), re.IGNORECASE) for p in MOVE_PATTERNS]

    def find(self, text: str) -> StageMention | None:
        """The stage a sentence moves to; a bare mention only for won/lost."""
        mentions = self._lexicon.find(text)
        if not mentions and _LETTER_BEFORE_CJK.search(text):
            # "Globex赢单": the patterns want no letter before a word ("won" is not in "wonder"), which a Chinese
            # word right after a Latin name has. Read again with those letters as spaces (same length, issue 17).
            text = _LETTER_BEFORE_CJK.sub(" ", text)
            mentions = self._lexicon.find(text)
        if not mentions:
            return None  # every move pattern holds a stage phrase
        for pattern in self._moves:
            for move in pattern.finditer(text):
                found = self._lexicon.find(move.group(0))
                if found:
                    stage, s, e = found[-1]
                    return StageMention(stage, move.start() + s, move.start() + e, is_move=True)
        for stage, s, e in mentions:
            if stage in SELF_SUFFICIENT or text[s:e].lower() in SELF_SUFFICIENT_PHRASES:
                return StageMention(stage, s, e, is_move=True)
        stage, s, e = mentions[0]
        return StageMention(stage, s, e, is_move=False)

    def exact(self, text: str) -> str | None:
        """A reply that is just a stage name (an answer to "which stage?")."""
        return self._lexicon.exact(text)


class ReasonLexicon:
    def __init__(self, reasons: Iterable[str], labels: Mapping[str, Mapping[str, str]]) -> None:
        words: dict[str, list[str]] = {r: [r] for r in reasons}
        for reason in words:
            words[reason] += BUILTIN_REASON_WORDS.get(reason, ())
            words[reason] += [lang_labels[reason] for lang_labels in labels.values() if reason in lang_labels]
        self._lexicon = Lexicon(words)

    def find(self, text: str) -> str | None:
        found = self._lexicon.find(text)
        return found[0][0] if found else None

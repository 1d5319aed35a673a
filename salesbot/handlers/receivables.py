"""Questions about money owed: who owes us, how much one customer owes, my receivables, aging, the 80/20.

Lists are sized for a phone: ten lines and a More button. What was shown stays in the form (asking nothing),
so "导出" / "export" right after sends the same answer, whole, as a spreadsheet.

```mermaid
stateDiagram-v2
    [*] --> customer: "阿里还欠多少", several customers match
    [*] --> shown: who owes / mine / aging / 80-20
    customer --> shown: the customer's statement
    shown --> shown: More (next page)
    shown --> [*]: Export (the same answer as XLSX), or anything else said
```
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from salesbot import sheets
from salesbot.handlers import customers, flows
from salesbot.handlers.messages import File, Reply
from salesbot.handlers.turn import Choice, Turn
from salesbot.i18n import fmt_date, fmt_money, fmt_totals
from salesbot.nlp import receivables as words
from salesbot.nlp.intents import Understanding
from salesbot.services import permissions, receivables
from salesbot.services.receivables import BUCKETS, Book, Owed

FLOW = "receivables"
PAGE = 10


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING


def start(turn: Turn, said: Understanding) -> None:
    kind = words.question(said.text)
    if kind in ("who_owes", "mine") and said.customer.kind in ("one", "choose", "confirm"):
        customers.begin(turn, FLOW, {"view": "customer"}, said)
        return
    turn.start(FLOW, {"view": kind, "page": 1, "wide": words.asks_wider(said.text)})
    advance(turn)


def who_owes(turn: Turn, args: str = "") -> None:
    turn.start(FLOW, {"view": "who_owes", "page": 1})
    advance(turn)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    view = slots["view"]
    if view == "customer":
        _statement(turn, int(slots["customer_id"]))
    elif view == "aging":
        _aging(turn)
    elif view == "top":
        _top(turn)
    else:
        _book(turn, view, int(slots.get("page", 1)))


def export(turn: Turn) -> None:
    """The answer just shown, whole, as an XLSX file; the view stays, so it can be exported again."""
    form = turn.form
    if form is None or form.flow != FLOW or form.slots.get("shown") is None:
        turn.say(turn.t("export_nothing"))
        return
    if turn.scope.group:  # a file in a group is everyone's to keep: exports are sent in private chats only
        turn.say(turn.t("export_private_only"))
        return
    slots = form.slots
    view = slots["view"]
    today = receivables.today_of(turn.uow, turn.actor)
    if view == "customer":
        owed = receivables.statement(
            turn.uow, turn.actor, customer_id=int(slots["customer_id"]), scope=turn.scope
        ).items
        tabs = [_items_sheet(turn, list(owed))]
    elif view == "aging":
        tabs = [_aging_sheet(turn)]
    elif view == "top":
        tabs = [_top_sheet(turn)]
    else:
        book = receivables.who_owes(turn.uow, turn.actor, scope=turn.scope)
        items = receivables.open_items(turn.uow, turn.actor, scope=turn.scope)
        tabs = [_book_sheet(turn, book), _items_sheet(turn, items)]
    name = f"{turn.t('export_name_' + ('owes' if view in ('who_owes', 'mine') else view))}-{today.isoformat()}.xlsx"
    data = sheets.xlsx(tabs)
    turn.replies.append(
        Reply(text=turn.t("export_done", name=name), files=(File(name=name, mime=sheets.XLSX_MIME, data=data),))
    )


def _book(turn: Turn, view: str, page: int) -> None:
    book = receivables.who_owes(turn.uow, turn.actor, page=page, per_page=PAGE, scope=turn.scope)
    scope = _scope(turn, book.scope)
    if not book.debtors:
        _say_empty(turn, book.scope, "owes_empty")
        return
    pages = (book.count + PAGE - 1) // PAGE
    page = book.first // PAGE + 1
    lines = [
        _debtor_line(turn, n, d, with_owner=book.scope != "own")
        for n, d in enumerate(book.debtors, start=book.first + 1)
    ]
    title = turn.t("mine_title" if view == "mine" else "owes_title", scope=scope, day=fmt_date(book.today, turn.lang))
    parts = [_limit_note(turn, book.scope), title, *lines, "", _book_totals(turn, book)]
    if pages > 1:
        parts.append(turn.t("page_of", page=page, pages=pages, count=book.count))
    choices = []
    if page < pages:
        choices.append(Choice(turn.t("btn_more"), {"set": {"page": page + 1}}))
    _show(turn, "\n".join(p for p in parts if p is not None), choices)


def _debtor_line(turn: Turn, n: int, d: Any, *, with_owner: bool) -> str:
    late = turn.t("late_days", days=d.oldest_overdue_days) if d.oldest_overdue_days > 0 else ""
    owner = turn.t("owner_tag", owner=d.owner) if with_owner else ""
    return (
        turn.t("owes_line", n=n, customer=d.customer, money=fmt_money(d.outstanding, d.currency, turn.lang), late=late)
        + owner
    )


def _book_totals(turn: Turn, book: Book) -> str:
    lines = [turn.t("owes_total", money=fmt_totals(book.totals, turn.lang))]
    if book.overdue:
        lines.append(turn.t("owes_overdue", money=fmt_totals(book.overdue, turn.lang)))
    if book.due_soon:
        lines.append(turn.t("owes_due_soon", money=fmt_totals(book.due_soon, turn.lang)))
    return "\n".join(lines)


def _statement(turn: Turn, customer_id: int) -> None:
    st = receivables.statement(turn.uow, turn.actor, customer_id=customer_id, scope=turn.scope)
    lines = []
    if not st.items:
        lines.append(turn.t("statement_none", customer=st.customer))
    else:
        lines.append(turn.t("statement_title", customer=st.customer, day=fmt_date(st.today, turn.lang)))
        contract = None
        for item in st.items:
            if item.contract != contract:
                contract = item.contract
                lines.append(turn.t("statement_contract", contract=contract))
            lines.append(_item_line(turn, item))
        lines.append(turn.t("statement_total", money=fmt_totals(st.totals, turn.lang)))
    if st.credit:
        lines.append(turn.t("statement_credit", money=fmt_totals(st.credit, turn.lang)))
    _show(turn, "\n".join(lines), [])


def _item_line(turn: Turn, item: Owed) -> str:
    paid = turn.t("paid_part", money=fmt_money(item.paid, item.currency, turn.lang)) if item.paid else ""
    if item.days_overdue > 0:
        when = turn.t("late_days", days=item.days_overdue)
    elif item.days_overdue == 0:
        when = turn.t("due_today")
    else:
        when = turn.t("due_in_days", days=-item.days_overdue)
    return turn.t(
        "statement_line",
        seq=item.seq,
        due=fmt_date(item.due_on, turn.lang),
        money=fmt_money(item.outstanding, item.currency, turn.lang),
        paid=paid,
        when=when,
    )


def _aging(turn: Turn) -> None:
    aging = receivables.aging(turn.uow, turn.actor, scope=turn.scope)
    scope = _scope(turn, aging.scope)
    if not aging.total:
        _say_empty(turn, aging.scope, "owes_empty")
        return
    lines = [_limit_note(turn, aging.scope), turn.t("aging_title", scope=scope, day=fmt_date(aging.today, turn.lang))]
    for rep, per_currency in aging.by_rep.items():
        lines.append(f"👤 {rep}")
        lines.extend(_bucket_line(turn, currency, buckets) for currency, buckets in per_currency.items())
    lines.append(turn.t("aging_total"))
    lines.extend(_bucket_line(turn, currency, buckets) for currency, buckets in aging.total.items())
    _show(turn, "\n".join(line for line in lines if line is not None), [])


def _bucket_line(turn: Turn, currency: str, buckets: dict[str, Decimal]) -> str:
    parts = [
        f"{turn.t('bucket_' + name)} {fmt_money(amount, currency, turn.lang)}"
        for name, amount in buckets.items()
        if amount
    ]
    return "   " + " · ".join(parts)


def _top(turn: Turn) -> None:
    top = receivables.top_customers(turn.uow, turn.actor, scope=turn.scope)
    scope = _scope(turn, top.scope)
    if not top.by_currency:
        _say_empty(turn, top.scope, "top_empty")
        return
    lines = [_limit_note(turn, top.scope), turn.t("top_title", scope=scope, since=fmt_date(top.since, turn.lang))]
    for currency, earners in top.by_currency.items():
        lines.append(
            turn.t(
                "top_currency",
                currency=currency,
                k=len(earners),
                n=top.customers[currency],
                money=fmt_money(top.revenue[currency], currency, turn.lang),
            )
        )
        for n, e in enumerate(earners, start=1):
            owed = turn.t("top_owes", money=fmt_money(e.outstanding, currency, turn.lang)) if e.outstanding else ""
            lines.append(
                turn.t(
                    "top_line",
                    n=n,
                    customer=e.customer,
                    money=fmt_money(e.revenue, currency, turn.lang),
                    share=_percent(e.share),
                    cumulative=_percent(e.cumulative),
                    owes=owed,
                )
            )
    _show(turn, "\n".join(line for line in lines if line is not None), [])


def _say_empty(turn: Turn, scope: str, key: str) -> None:
    note = _limit_note(turn, scope)
    turn.say("\n".join(p for p in (note, turn.t(key, scope=_scope(turn, scope))) if p))
    _shown(turn)


def _show(turn: Turn, text: str, choices: list[Choice]) -> None:
    """Answer with the view's buttons (More, Export); the form stays, asking nothing, so export knows what it was."""
    _shown(turn)
    rows = [choices] if choices else []
    rows.append([Choice(turn.t("btn_export"), {"do": "export"})])
    turn.ask(text, rows, awaiting=None)


def _shown(turn: Turn) -> None:
    assert turn.form is not None
    turn.form.slots["shown"] = True


def _scope(turn: Turn, scope: str) -> str:
    return turn.t(f"scope_{scope}")


def _limit_note(turn: Turn, scope: str) -> str | None:
    """A question that reaches past what the asker may see is answered for what they may see, and says so."""
    assert turn.form is not None
    if turn.scope.group and scope != permissions.scope_of(turn.actor):
        return turn.t("scope_group_limited", scope=_scope(turn, scope))
    if scope != "all" and turn.form.slots.get("wide"):
        return turn.t("scope_limited", scope=_scope(turn, scope))
    return None


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.1'))}%"


# --------------------------------------------------------------------------- spreadsheets


def _headers(turn: Turn, key: str) -> list[str]:
    return turn.t(key).split("|")


def _book_sheet(turn: Turn, book: Book) -> sheets.Sheet:
    rows = [
        [d.customer, d.owner, d.currency, d.outstanding, d.overdue, d.oldest_overdue_days, d.items]
        for d in book.debtors
    ]
    return sheets.Sheet(turn.t("export_name_owes"), _headers(turn, "cols_owes"), rows)


def _items_sheet(turn: Turn, items: list[Owed]) -> sheets.Sheet:
    rows = [
        [
            i.customer,
            i.owner,
            i.contract,
            i.seq,
            i.due_on,
            i.amount,
            i.paid,
            i.outstanding,
            i.currency,
            max(i.days_overdue, 0),
        ]
        for i in items
    ]
    return sheets.Sheet(turn.t("export_name_items"), _headers(turn, "cols_items"), rows)


def _aging_sheet(turn: Turn) -> sheets.Sheet:
    aging = receivables.aging(turn.uow, turn.actor, scope=turn.scope)
    rows: list[list[Any]] = []
    for rep, per_currency in [*aging.by_rep.items(), (turn.t("aging_total").strip(":："), aging.total)]:
        for currency, buckets in per_currency.items():
            rows.append([rep, currency, *(buckets[b] for b in BUCKETS), sum(buckets.values(), Decimal(0))])
    return sheets.Sheet(turn.t("export_name_aging"), _headers(turn, "cols_aging"), rows)


def _top_sheet(turn: Turn) -> sheets.Sheet:
    top = receivables.top_customers(turn.uow, turn.actor, scope=turn.scope)
    rows = [
        [currency, n, e.customer, e.revenue, float(e.share), float(e.cumulative), e.outstanding]
        for currency, earners in top.by_currency.items()
        for n, e in enumerate(earners, start=1)
    ]
    return sheets.Sheet(turn.t("export_name_top"), _headers(turn, "cols_top"), rows)


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    advance=advance,
    intents=("receivables",),
    commands={"/receivables": who_owes},
    topic="topic_receivables",
)

"""Property tests over the whole router (issue 18, item 11), on SQLite and PostgreSQL: whatever a user types (any
text, any amount, any customer name, spliced into the sentences the bot acts on), the turn never crashes (no
"something went wrong" reply), a refusal changes nothing, and money stored is the money read back.

Correctness only: how fast a turn is belongs in bench/. Examples are few per run (the turns go to real databases);
each run draws new ones, so coverage grows run by run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from salesbot.handlers.messages import Incoming, Reply
from salesbot.handlers.turn import Turn
from salesbot.i18n import t
from salesbot.services import limits
from salesbot.store.models import (
    AuditEntry,
    Contract,
    Customer,
    Deal,
    Installment,
    OutboxMessage,
    Payment,
    Reminder,
    Visit,
)
from tests.conftest import Chat

ERROR = t("zh", "error_generic")
WRITTEN = (AuditEntry, Contract, Customer, Deal, Installment, OutboxMessage, Payment, Reminder, Visit)

# Function-scoped fixtures on purpose: the examples of one test share one seeded database, as a day of chat would.
PROPERTY = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

_updates = itertools.count(1)

# What a user might type: any Unicode (control characters and all), digits of any length, and names.
anything = st.text(max_size=120)
digits = st.integers(min_value=0, max_value=10**40).map(str)
decimals = st.decimals(min_value=Decimal("-1e20"), max_value=Decimal("1e20"), allow_nan=False, places=4).map(str)
names = st.one_of(
    st.sampled_from(["比亚迪", "阿里", "Initech", "京东", "[click](http://x)", "<@all>", "华为"]),
    st.text(min_size=1, max_size=120),
)
currencies = st.sampled_from(["", "元", "万", "USD", "usd", "JPY", "XYZ", "美元", "亿"])
dates = st.sampled_from(
    ["明天", "下周二", "3000年1月1日", "昨天", "12月5日", "99999999999999999天后", "下个月15号", ""]
)
sentences = st.one_of(
    anything,
    st.builds("提交{}合同 {}{},分{}期".format, names, st.one_of(digits, decimals), currencies, digits),
    st.builds("提交{}合同 {}{},首付{}%".format, names, decimals, currencies, decimals),
    st.builds("今天拜访了{},{}再跟进".format, names, dates),
    st.builds("收到{}回款{}{}".format, names, st.one_of(digits, decimals), currencies),
    st.builds("{}第{}期延期到{}".format, names, digits, dates),
    st.builds("{}{}".format, names, st.sampled_from(["赢单了", "进入商务谈判", "还欠多少", "丢单了,价格太高"])),
    st.builds("{} {}".format, anything, anything),
)
followups = st.sampled_from(["", "确认", "取消", "[#1]", "[#2]", "50000", "新建", "/cancel"])


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The codes of the refusals the router words, in order: a refusal is what must change nothing."""
    seen: list[str] = []
    word = Turn.refused

    def spy(turn: Any, refusal: Any) -> None:
        seen.append(refusal.code)
        word(turn, refusal)

    monkeypatch.setattr(Turn, "refused", spy)
    yield seen


def snapshot(chat: Chat) -> dict[str, Any]:
    """What a turn could have changed: how many rows of each kind, and every money column's total."""
    with chat.session.world.uow() as uow:
        rows = {m.__name__: uow.session.scalar(select(func.count()).select_from(m)) for m in WRITTEN}
        money = {
            "contracts": uow.session.scalar(select(func.sum(Contract.amount))),
            "installments": uow.session.scalar(select(func.sum(Installment.amount - Installment.paid))),
            "payments": uow.session.scalar(select(func.sum(Payment.amount))),
        }
    return {**rows, **money}


def send(chat: Chat, handle: str, text: str) -> list[Reply]:
    """One message through the router, as a channel hands it over; `[#n]` presses the newest message's n-th button."""
    if text.startswith("[#") and chat.sent:
        return chat.press(handle, text[1:-1]) and []
    incoming = Incoming(platform="console", chat_id=handle, sender_id=handle, text=text, update_id=f"p{next(_updates)}")
    return chat.session.world.router.handle(incoming)


@PROPERTY
@given(handle=st.sampled_from(["rep1", "rep2", "mgr1", "fin1"]), text=sentences, then=followups)
def test_any_message_gets_an_answer_and_a_refusal_changes_nothing(
    chat: Chat, refusals: list[str], handle: str, text: str, then: str
) -> None:
    for message in (text, then):
        if not message:
            continue
        before, refused = snapshot(chat), len(refusals)
        replies = send(chat, handle, message)
        assert all(ERROR not in r.text for r in replies), (message, [r.text for r in replies])
        if len(refusals) > refused:
            assert snapshot(chat) == before, f"refused ({refusals[-1]}) yet changed something: {message!r}"


amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=limits.MAX_AMOUNT - Decimal("0.01"), places=2, allow_nan=False
)


@PROPERTY
@given(amount=amounts, customer=st.sampled_from(["比亚迪", "阿里巴巴", "华为技术"]))
def test_money_stored_is_the_money_read(chat: Chat, refusals: list[str], amount: Decimal, customer: str) -> None:
    send(chat, "rep1", "/cancel")
    latest = snapshot(chat)["Contract"]
    replies = send(chat, "rep1", f"提交{customer}合同 {amount:f}元")
    assert all(ERROR not in r.text for r in replies)
    if snapshot(chat)["Contract"] > latest:
        with chat.session.world.uow() as uow:
            stored = uow.session.scalar(select(Contract.amount).order_by(Contract.id.desc()).limit(1))
        assert stored == amount, f"asked {amount}, stored {stored}"
    else:
        assert refusals, f"{amount} neither stored nor refused"

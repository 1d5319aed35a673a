"""Digests: a week of a team's work under @clock (tests/scripts/digest_week.txt), each digest on its day and time
to its group or person with what happened; nothing on a quiet day; once only; charts that are real PNGs with
Chinese drawn as glyphs; messages that fit the platforms."""

from __future__ import annotations

import asyncio
import io
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from salesbot import charts
from salesbot.bootstrap import App
from salesbot.channels.console import Sent
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.i18n import render_notification
from salesbot.i18n.digests import MAX_BYTES
from salesbot.scheduler import jobs
from salesbot.services import digests
from salesbot.store.models import Customer, DigestRun, OutboxMessage, User, Visit
from tests.conftest import FIXTURES, NO_REPORTS, SHANGHAI, make_session

SCRIPTS = Path(__file__).parent / "scripts"


def digests_in(sent: list[Sent]) -> list[tuple[str, str, str]]:
    """(local time, recipient, heading) of every digest, weekly summary and brief."""
    return [
        (s.at.strftime("%a %m-%d %H:%M"), s.to, s.reply.text.split()[0])
        for s in sent
        if s.reply.text.startswith(("📊", "📈", "☀️"))
    ]


def one(sent: list[Sent], when: str, to: str) -> Sent:
    [found] = [s for s in sent if s.at.strftime("%a %m-%d %H:%M") == when and s.to == to]
    return found


def test_a_week_of_digests_each_on_its_day_to_its_group_or_person(run_script) -> None:  # type: ignore[no-untyped-def]
    assert digests_in(run_script(SCRIPTS / "digest_week.txt")) == [
        ("Wed 03-11 18:00", "group:east", "📊"),
        ("Thu 03-12 09:00", "rep1", "☀️"),
        ("Thu 03-12 18:00", "group:east", "📊"),
        # From Friday each rep's follow-up is late and not done: every morning's brief lists it, late first, as
        # their agenda does, until it is done or moved (the day's events alone make a group's digest).
        ("Fri 03-13 09:00", "rep1", "☀️"),
        ("Fri 03-13 09:00", "rep2", "☀️"),
        ("Fri 03-13 18:00", "group:east", "📊"),
        # Saturday and Sunday are days off: no brief and no digest (issue 17). Monday evening: nothing happened.
        ("Mon 03-16 09:00", "group:east", "📈"),
        ("Mon 03-16 09:00", "rep1", "☀️"),
        ("Mon 03-16 09:00", "rep2", "☀️"),
    ]


def test_the_daily_digest_says_what_happened_and_what_waits(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "digest_week.txt")
    wed = one(sent, "Wed 03-11 18:00", "group:east").reply
    assert wed.text.startswith("📊 华东销售群 日报 · 2026-03-11(周三)\n(2026-03-10(周二) 18:00 起)")
    assert "🚶 拜访 2 次:\n• Tom Lee:1 次\n• 张伟:1 次" in wed.text
    assert "• 比亚迪「比亚迪 CRM 二期」:方案 → 商务谈判(张伟)" in wed.text
    assert "📝 提交合同:\n• 阿里巴巴 ¥50,000.00(张伟)" in wed.text
    assert "💰 回款 ¥100,000.00:\n• 小米 ¥100,000.00" in wed.text
    assert "⏳ 等待审批:\n• 阿里巴巴 ¥50,000.00,等 李娜 审批(自 2026-03-11(周三))" in wed.text
    # The biggest overdue debts, the team's currency first; US dollars are listed, never added to yuan.
    overdue = wed.text.split("⏰")[1].splitlines()[1:]
    assert overdue == [
        "• 中兴通讯 ¥200,000.00,最久逾期 70 天(Tom Lee)",
        "• 宁德时代 ¥150,000.00,最久逾期 65 天(张伟)",
        "• 美的 ¥40,000.00,最久逾期 130 天(张伟)",
        "• Hooli US$20,000.00,最久逾期 38 天(Tom Lee)",
    ]
    assert not wed.files, "daily digests carry no charts by default"
    thu = one(sent, "Thu 03-12 18:00", "group:east").reply.text
    assert "拜访" not in thu and "回款" not in thu, "Wednesday's visits and payment are not reported twice"
    assert "✅ 合同审批通过:\n• 阿里巴巴 ¥50,000.00(张伟)" in thu and "商务谈判 → 赢单" in thu
    assert "📅 今日待跟进:\n• 张伟:阿里巴巴" in thu and "等待审批" not in thu
    fri = one(sent, "Fri 03-13 18:00", "group:east").reply.text
    assert "• Tom Lee:Initech 15:00" in fri


def test_the_brief_carries_the_days_follow_ups_once(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "digest_week.txt")
    rep1 = [s for s in sent if s.to == "rep1" and s.at.strftime("%m-%d") == "03-12"]
    assert rep1[0].reply.text.splitlines()[0] == "☀️ 早上好!今天(2026-03-12(周四))要跟进 1 项:"
    assert sum("阿里巴巴" in s.reply.text and "⏰" in s.reply.text for s in rep1) == 0, "no second reminder"
    rep2 = one(sent, "Fri 03-13 09:00", "rep2").reply.text
    assert rep2 == (
        "☀️ Good morning! 1 item(s) on your agenda today (Fri 2026-03-13):\n• 15:00 Initech (visited Wed 2026-03-11)"
    )
    [late] = [
        s.reply.text
        for s in sent
        if s.to == "rep1" and s.at.strftime("%a %m-%d %H:%M") == "Mon 03-16 09:00" and s.reply.text.startswith("☀️")
    ]  # the weekend is off: Monday's brief has it
    assert late.splitlines()[1] == "• [逾期4天] 阿里巴巴(上次拜访 2026-03-11(周三))", "late, as the agenda says it"
    at_three = one(sent, "Fri 03-13 15:00", "rep2").reply.text
    assert "Initech" in at_three, "a timed follow-up still reminds at its time"


def test_the_weekly_summary_totals_last_week_with_charts(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "digest_week.txt")
    monday = one(sent, "Mon 03-16 09:00", "group:east").reply
    assert monday.text.splitlines() == [
        "📈 华东销售群 周报 · 2026-03-09(周一) – 2026-03-15(周日)",
        "🚶 拜访 2 次",
        "• Tom Lee:1 次",
        "• 张伟:1 次",
        "🏆 赢单 1 个:¥50,000.00",
        "✅ 合同通过 1 份:¥50,000.00",
        "💰 回款 1 笔:¥100,000.00",
    ]
    assert [(f.name, f.mime) for f in monday.files] == [("funnel.png", "image/png"), ("aging.png", "image/png")]
    for file in monday.files:
        image = Image.open(io.BytesIO(file.data))
        assert image.format == "PNG" and image.size == (charts.WIDTH, charts.HEIGHT)


def test_console_json_shows_the_chart_files(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "digest_week.txt")
    shown = one(sent, "Mon 03-16 09:00", "group:east").as_json()
    assert [f["name"] for f in shown["files"]] == ["funnel.png", "aging.png"]
    assert all(f["mime"] == "image/png" and f["bytes"] > 1000 for f in shown["files"])


def test_chinese_is_drawn_as_glyphs_not_boxes() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the missing character below warns, by design
        missing = charts.glyph_pixels("\U0010fffd")  # a private-use character no font has
        assert charts.glyph_pixels("\U0010fffc") == missing, "the comparison sees two missing glyphs as one box"
    for char in "线索方案赢单账龄":
        assert charts.glyph_pixels(char) != missing, f"{char} is drawn as the missing-glyph box"


def test_charts_warn_of_no_missing_glyph() -> None:
    bars = [charts.Bar(label, n, str(n)) for label, n in (("线索", 3), ("已确认需求", 2), ("商务谈判", 1))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" when it falls back to a box
        png = charts.funnel("华东销售群 在谈商机(共 6 个)", bars)
    assert Image.open(io.BytesIO(png)).size == (800, 500)


def test_matplotlib_is_not_imported_until_a_chart_is_made() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import salesbot.bootstrap, salesbot.charts, salesbot.handlers.notifications; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_long_lists_are_trimmed_to_fit_one_message(settings) -> None:  # type: ignore[no-untyped-def]
    many = [{"rep": f"销售代表{n:03d}", "count": n} for n in range(400)]
    params = {
        "team": "华东销售群",
        "day": "2026-03-11",
        "since_at": "2026-03-10T10:00:00+00:00",
        "until_at": "2026-03-11T10:00:00+00:00",
        "visits": many,
        "payments": [{"customer": f"客户{n}", "amount": "1000", "currency": "CNY"} for n in range(300)],
    }
    for lang, more in (("zh", "… 还有 390 项"), ("en", "… and 390 more")):
        text = render_notification("digest.daily", params, lang=lang, tz=SHANGHAI, settings=settings)
        assert len(text.encode("utf-8")) <= MAX_BYTES and len(text) <= 4096
        assert more in text
        assert "¥300,000.00" in text, "the total still counts every payment"


def test_a_digest_is_sent_once_even_after_a_restart(app: App, clock: FrozenClock) -> None:
    with app.uow() as uow:
        rep1 = uow.session.scalar(select(User).where(User.handle == "rep1"))
        alibaba = uow.session.scalar(select(Customer).where(Customer.name == "阿里巴巴"))
        assert rep1 is not None and alibaba is not None
        uow.session.add(Visit(user_id=rep1.id, customer_id=alibaba.id, at=uow.now(), notes="拜访"))
        uow.commit()
    group_digests = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.target_type == "group")
    clock.set(datetime(2026, 3, 11, 18, 0, tzinfo=SHANGHAI))
    assert jobs.send_digests(app.uow) == 1
    assert jobs.send_digests(app.uow) == 0, "a second run (a restart, another worker after it) finds the day done"
    with app.uow() as uow:
        assert uow.session.scalar(group_digests) == 1


def test_the_unique_run_row_lets_one_of_two_racing_workers_through(app: App, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 3, 11, 18, 0, tzinfo=SHANGHAI))
    with app.uow() as uow:
        [slot] = [s for s in digests._slots(uow, uow.now()) if s.kind == "daily"]
        # Both workers computed the slot before either wrote its row: the second insert hits the unique key.
        run = (slot, slot.at - timedelta(days=1), slot.at, True)
        assert digests._claim(uow, [run]) == {("daily", "group", slot.target_id)}
        assert digests._claim(uow, [run]) == set()
        uow.commit()
    with app.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(DigestRun).where(DigestRun.kind == "daily")) == 1


def test_nothing_is_sent_on_a_quiet_day_but_the_day_is_marked(app: App, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 3, 13, 18, 30, tzinfo=SHANGHAI))  # a Friday: the seed's deal is not news
    with app.uow() as uow:
        assert digests.run_due(uow) == 0
        uow.commit()
    with app.uow() as uow:
        runs = {(r.kind, r.on.isoformat(), r.sent) for r in uow.session.scalars(select(DigestRun))}
        assert ("daily", "2026-03-13", False) in runs
        # [digests] on_days_off is false by default (issue 17): no brief on the weekend, Monday's is next.
        assert digests.next_due(uow) == datetime(2026, 3, 16, 9, 0, tzinfo=SHANGHAI), "next: Monday's briefs"


def test_a_groups_own_time_wins(db_url: str) -> None:
    groups = {"east": {"hour": 20, "minute": 30}}
    settings = settings_from({"digests": {"hour": 17, "groups": groups}, **NO_REPORTS}, env={})
    session = make_session(db_url, settings)
    try:
        asyncio.run(session.run_line("@seed team.toml", base=FIXTURES))
        for line in ("@clock 2026-03-11 10:00", "@rep1> 今天拜访了阿里", "@clock 2026-03-12 08:00"):
            asyncio.run(session.run_line(line, base=FIXTURES))
        times = [s.at.strftime("%m-%d %H:%M") for s in session.channel.transcript if s.to == "group:east"]
        assert times == ["03-11 20:30"]
    finally:
        session.world.close()


def test_a_digest_window_starts_where_the_last_one_ended(app: App, clock: FrozenClock) -> None:
    """After a day with no run (the bot was down), the next digest reports both days, not just the last 24 hours."""
    clock.set(datetime(2026, 3, 11, 18, 0, tzinfo=SHANGHAI))
    with app.uow() as uow:
        digests.run_due(uow)
        uow.commit()
    clock.set(datetime(2026, 3, 13, 18, 0, tzinfo=SHANGHAI))
    with app.uow() as uow:
        digests.run_due(uow)
        uow.commit()
        runs = sorted(uow.session.scalars(select(DigestRun).where(DigestRun.kind == "daily")), key=lambda r: r.on)
        assert [r.on.isoformat() for r in runs] == ["2026-03-11", "2026-03-13"]
        assert runs[1].since == runs[0].until and runs[1].until - runs[1].since == timedelta(days=2)


@pytest.mark.parametrize("bad", [{"hour": 24}, {"weekly_weekday": 0}, {"weekly_charts": ["pie"]}])
def test_bad_digest_settings_are_refused(bad: dict) -> None:
    from salesbot.config import ConfigError

    with pytest.raises(ConfigError):
        settings_from({"digests": bad}, env={})

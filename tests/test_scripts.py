"""The conversation scripts under tests/scripts, replayed as a user would see them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from salesbot.channels.console import Sent

SCRIPTS = Path(__file__).parent / "scripts"


def texts(sent: list[Sent], to: str) -> list[str]:
    return [s.reply.text for s in sent if s.to == to]


def test_visit_with_follow_up_reminds_at_nine_on_the_day(run_script) -> None:
    sent = run_script(SCRIPTS / "visit_followup.txt")
    first = sent[0]
    assert first.to == "rep1" and first.at.isoformat() == "2026-03-11T10:00:00+08:00"
    assert "阿里巴巴" in first.reply.text and "2026-03-18" in first.reply.text and "给方案" in first.reply.text
    assert not first.reply.buttons, "a complete sentence needs no question"
    reminders = [s for s in sent[1:] if s.to == "rep1"]
    assert len(reminders) == 1, "exactly one reminder, and nothing about 阿里巴巴 before the day"
    assert reminders[0].at.isoformat() == "2026-03-18T09:00:00+08:00"
    assert "阿里巴巴" in reminders[0].reply.text and "给方案" in reminders[0].reply.text


def test_ambiguous_customer_is_asked_not_guessed(run_script) -> None:
    sent = run_script(SCRIPTS / "ambiguous_customer.txt")
    question = sent[0]
    labels = [b.label for row in question.reply.buttons for b in row]
    assert "华为技术" in labels and "华为终端" in labels
    assert "2026-03-17" not in question.reply.text, "nothing is logged before the customer is known"
    answer = sent[1]
    assert "华为终端" in answer.reply.text and "2026-03-17" in answer.reply.text and "华为技术" not in answer.reply.text


def test_stage_moves(run_script) -> None:
    sent = run_script(SCRIPTS / "stage_move.txt")
    byd, ali_new, question, ali_moved = sent[0], sent[1], sent[2], sent[3]
    assert "比亚迪" in byd.reply.text and "方案 → 商务谈判" in byd.reply.text
    assert "阿里巴巴" in ali_new.reply.text and "方案" in ali_new.reply.text
    labels = [b.label for row in question.reply.buttons for b in row]
    assert {"线索", "方案", "商务谈判", "赢单", "丢单"} <= set(labels)
    assert "阿里巴巴" in ali_moved.reply.text and "方案 → 商务谈判" in ali_moved.reply.text


def test_lost_deal_asks_for_a_reason_and_tells_the_manager(run_script) -> None:
    sent = run_script(SCRIPTS / "deal_lost.txt")
    question = sent[0]
    labels = [b.label for row in question.reply.buttons for b in row]
    assert len(labels) >= 8 and "价格" in labels and "竞争对手" in labels
    done = texts(sent, "rep1")[-1]
    assert "丢单" in done and "竞争对手" in done
    manager = texts(sent, "mgr1")
    assert len(manager) == 1 and "比亚迪" in manager[0] and "竞争对手" in manager[0]


def test_rep_refused_on_another_reps_customer(run_script) -> None:
    sent = run_script(SCRIPTS / "refused_other_rep.txt")
    assert len(sent) == 2
    for refusal in sent:
        assert refusal.to == "rep2"
        assert "阿里巴巴" in refusal.reply.text and "another rep" in refusal.reply.text
        assert not refusal.reply.buttons


def test_form_resumed_after_restart(run_script) -> None:
    sent = run_script(SCRIPTS / "resume_after_restart.txt")
    assert "华为技术" in sent[1].reply.text and "2026-03-17" in sent[1].reply.text
    reminder = [s for s in sent if s.to == "rep1"][2]  # the group's evening digest of the visit comes between
    assert reminder.at.isoformat() == "2026-03-17T09:00:00+08:00" and "华为技术" in reminder.reply.text


def test_console_command_prints_json_lines(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "salesbot.cli",
            "console",
            "--script",
            str(SCRIPTS / "visit_followup.txt"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        timeout=120,
        env=os.environ | {"SALESBOT_REPORTS_ENABLED": "false"},  # the script is about a reminder, not the 日报
    )
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(m["at"], m["to"]) for m in lines if m["to"] == "rep1"] == [
        ("2026-03-11T10:00:00+08:00", "rep1"),
        ("2026-03-18T09:00:00+08:00", "rep1"),
    ]
    assert set(lines[0]) == {"at", "to", "text", "buttons", "files"}

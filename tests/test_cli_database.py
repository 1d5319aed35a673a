"""Which database a command uses, and what it does when that database is not there: `--database-url` beside
SALESBOT_DATABASE_URL; a command that reads data refuses to make an empty database and names the one it looked for.
And `salesbot demo`: its clock survives a restart, and the files the bot sends land in a folder it names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


READERS = [
    ("export", "customers", "out.csv"),
    ("understand", "--now", "2026-03-11T10:00", "拜访阿里"),
    ("users", "list"),
    ("users", "invite", "rep1", "--bot", "b"),
    ("users", "handover", "rep1", "rep2"),
    ("groups", "link", "east", "--wecom-robot", "k"),
    ("balances", "check"),
    ("outbox", "--dead"),
    ("import", "customers", "c.csv"),
]


@pytest.mark.parametrize("args", READERS, ids=[" ".join(a[:2]) for a in READERS])
def test_a_command_that_reads_data_refuses_a_sqlite_file_that_is_not_there(
    cli: Callable, tmp_path: Path, args: tuple[str, ...]
) -> None:
    (tmp_path / "c.csv").write_text("name\n美团\n", "utf-8")
    missing = tmp_path / "typo.db"
    code, out, err = cli(*args, "--database-url", str(missing), "--lang", "en")
    assert code == 1 and out == ""
    assert f"No database at {missing}" in err and "salesbot init" in err
    assert not missing.exists(), "no empty database was made"
    assert not (tmp_path / "out.csv").exists()


def test_the_environment_names_the_database_too_and_the_refusal_is_in_the_configured_language(
    cli: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESBOT_DATABASE_URL", "sqlite:///nowhere.db")
    code, _, err = cli("export", "receivables", "r.xlsx")
    assert code == 1 and err.startswith("数据库不存在:nowhere.db。没有创建新的空数据库。")
    assert not (tmp_path / "nowhere.db").exists()


def test_a_database_with_no_salesbot_tables_is_refused_by_its_url(cli: Callable, db_url: str) -> None:
    """An empty PostgreSQL schema (or an empty SQLite file): the URL is named, with no password in it."""
    if db_url.startswith("sqlite"):
        Path(db_url.removeprefix("sqlite:///")).touch()
    code, out, err = cli("users", "list", "--database-url", db_url, "--lang", "en")
    assert code == 1 and out == ""
    assert "has no salesbot tables" in err
    engine = create_engine(db_url)
    try:
        assert not inspect(engine).get_table_names(), "nothing was created"
    finally:
        engine.dispose()


def test_database_url_wins_over_the_environment(cli: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    code, out, _ = cli("init", "--database-url", str(tmp_path / "team.db"))
    assert code == 0 and "team.db" in out
    assert cli("seed", str(FIXTURES / "team.toml"), "--database-url", str(tmp_path / "team.db"))[0] == 0
    assert not (tmp_path / "other.db").exists()
    code, out, _ = cli("users", "list", "--database-url", str(tmp_path / "team.db"))
    users = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {"handle": "rep1", "role": "rep"}.items() <= users[0].items()
    code, out, _ = cli("export", "customers", str(tmp_path / "c.csv"), "--database-url", str(tmp_path / "team.db"))
    assert code == 0 and json.loads(out)["rows"] > 0


def demo(db: Path, lines: list[str], *, lang: str = "en") -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("SALESBOT_CONFIG", "SALESBOT_DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "salesbot.cli", "demo", "--database-url", str(db), "--lang", lang],
        input="\n".join([*lines, "/quit"]) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    ).stdout


def test_the_demo_keeps_its_clock_across_restarts_and_saves_what_it_is_sent(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    first = demo(db, ["@clock 2027-01-04 10:00", "/as mgr1", "谁还欠款", "导出"])
    assert "The demo clock starts now" in first
    folder = tmp_path / "salesbot-demo-files"
    assert f"Files the bot sends (exports, charts) are saved in: {folder}" in first
    saved = list(folder.glob("*.xlsx"))
    assert len(saved) == 1 and saved[0].name.startswith("20270104-1000-")
    assert f"→ {saved[0]}" in first, "the path is printed where the file arrives"
    assert saved[0].read_bytes()[:2] == b"PK"

    again = demo(db, ["/as mgr1", "谁还欠款", "导出"], lang="zh")
    assert "演示时钟从上次停下的时间继续:2027-01-04 10:00。" in again
    assert len(list(folder.glob("*.xlsx"))) == 2, "a second export does not overwrite the first"


def test_a_refusal_at_the_command_line_is_in_words_before_its_code(cli: Callable, tmp_path: Path) -> None:
    url = str(tmp_path / "team.db")
    assert cli("seed", str(FIXTURES / "team.toml"), "--database-url", url)[0] == 0
    code, _, err = cli("users", "invite", "nobody", "--database-url", url)
    assert code == 1 and err.splitlines() == ["没有用户 nobody。", "refused: user_not_found {'handle': 'nobody'}"]

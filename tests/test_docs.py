"""The documentation site: it builds strictly, its configuration reference names exactly the example's keys, and the
guides' examples work on the demo team."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "config" / "salesbot.example.toml"
GUIDES = ("rep-guide.md", "rep-guide-zh.md", "manager-guide.md", "manager-guide-zh.md")


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    """A broken link, a missing anchor or a page left out of the nav fails the build, as in CI."""
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "configuration" / "index.html").exists()
    assert (tmp_path / "site" / "rep-guide-zh" / "index.html").exists()


def test_the_build_fails_on_a_broken_link(tmp_path: Path) -> None:
    """The check above can fail: a page linking to a page that does not exist stops the strict build."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the missing page](missing.md).\n", encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.split("\nnav:")[0] + "\nnav:\n  - Home: index.md\n"
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, capture_output=True, text=True
    )
    assert built.returncode != 0 and "missing.md" in built.stderr


def example_keys(text: str) -> set[str]:
    """Every `section.key` in the example: those set (read with tomllib) and those shown commented out."""
    keys: set[str] = set()

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for item in value:
                    walk(f"{prefix}{key}.", item)
            else:
                keys.add(f"{prefix}{key}")

    walk("", tomllib.loads(text))
    section = ""
    for line in text.splitlines():
        header = re.match(r"^#?\s*\[\[?([a-z_.]+)\]\]?\s*$", line)
        if header:
            section = header.group(1)
            continue
        commented = re.match(r"^#\s{0,3}([a-z_]+)\s*=\s*\S", line)
        if commented:
            keys.add(f"{section}.{commented.group(1)}")
    return keys


def reference_keys(text: str) -> list[str]:
    """Every `section.key` the reference documents: a `## [section]` heading, then its table's `key` cells
    (`hour`, `minute` in one cell are two keys; `<stage>` and `<handle>` stand for any name)."""
    keys: list[str] = []
    section = None
    for line in text.splitlines():
        heading = re.match(r"^#{2,3} `\[\[?([a-z_.<>]+)\]\]?`", line)
        if heading:
            section = heading.group(1)
            continue
        if line.startswith("#"):
            section = None
        cell = re.match(r"^\| ((?:`[a-z_<>]+`(?:, )?)+) \|", line)
        if section and cell:
            keys += [f"{section}.{k}" for k in re.findall(r"`([a-z_<>]+)`", cell.group(1))]
    return keys


def covers(pattern: str, key: str) -> bool:
    return re.fullmatch(re.sub(r"<[a-z]+>", "[a-z_]+", pattern.replace(".", r"\.")), key) is not None


def test_the_configuration_reference_names_every_key_of_the_example_and_no_other() -> None:
    example = example_keys(EXAMPLE.read_text(encoding="utf-8"))
    documented = reference_keys((DOCS / "configuration.md").read_text(encoding="utf-8"))
    assert "team.timezone" in example and "digests.brief_minute" in example and "wecom.corp_id" in example
    assert "digests.groups.east.hour" in example and "approvals.rules.net_days_over" in example
    undocumented = sorted(k for k in example if not any(covers(p, k) for p in documented))
    assert not undocumented, f"in config/salesbot.example.toml, missing from docs/configuration.md: {undocumented}"
    unknown = sorted(p for p in documented if not any(covers(p, k) for k in example))
    assert not unknown, f"in docs/configuration.md, missing from config/salesbot.example.toml: {unknown}"


def test_the_reference_check_notices_a_key_left_out() -> None:
    documented = reference_keys((DOCS / "configuration.md").read_text(encoding="utf-8"))
    example = example_keys(EXAMPLE.read_text(encoding="utf-8") + "\n[team2]\nnew_key = 1\n")
    assert [k for k in example if not any(covers(p, k) for p in documented)] == ["team2.new_key"]


SCRIPT = ROOT / "tests" / "scripts" / "guide_examples.txt"
NOT_UNDERSTOOD = ("没太明白", "didn't quite get that", "没看懂", "couldn't read that")


def test_every_example_in_the_guides_works_on_the_demo_team(run_script) -> None:
    sent = run_script(SCRIPT)
    replies = [s.reply.text for s in sent]
    assert not [r for r in replies if any(n in r for n in NOT_UNDERSTOOD)]
    guides = "\n".join((DOCS / name).read_text(encoding="utf-8") for name in GUIDES)
    said = [
        line.split("> ", 1)[1]
        for line in SCRIPT.read_text(encoding="utf-8").splitlines()
        if re.match(r"^@\w+> [^\[]", line)
    ]
    assert len(said) > 30
    missing = [s for s in said if f"`{s}`" not in guides and f"\n{s}\n" not in guides]
    assert not missing, f"examples replayed but not in a guide: {missing}"
    assert any("已记录:拜访「阿里巴巴」" in r for r in replies)
    assert any("Withdrew the Acme Logistics contract" in r for r in replies)
    assert any("Approved the Acme Logistics contract; it is now active." in r for r in replies)

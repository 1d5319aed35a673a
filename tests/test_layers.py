"""The layers of DESIGN.md's table, as the imports in the code: each package imports only what the table allows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "salesbot"

# package -> the packages of ours it must not import (DESIGN.md: imports point down the table).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "nlp": ("salesbot.handlers", "salesbot.services", "salesbot.store", "salesbot.channels", "salesbot.scheduler"),
    "store": ("salesbot.handlers", "salesbot.services", "salesbot.nlp", "salesbot.channels", "salesbot.scheduler"),
    "services": ("salesbot.handlers", "salesbot.channels", "salesbot.scheduler"),
    "handlers": ("salesbot.channels", "salesbot.scheduler", "salesbot.store"),
}
PLATFORM_SDKS = ("telegram", "wechatpy")


def imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_lies_below_it(package: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT.parent)} imports {name}"
        for path in modules(package)
        if "migrations" not in path.parts
        for name in imports(path)
        if name.startswith(FORBIDDEN[package])
    ]
    assert not wrong, wrong


def test_only_channels_import_the_platform_sdks() -> None:
    wrong = [
        f"{path.relative_to(ROOT.parent)} imports {name}"
        for path in sorted(ROOT.rglob("*.py"))
        if "channels" not in path.relative_to(ROOT).parts
        for name in imports(path)
        if name.split(".")[0] in PLATFORM_SDKS
    ]
    assert not wrong, wrong


def test_no_sqlalchemy_above_the_services() -> None:
    wrong = [
        f"{path.relative_to(ROOT.parent)} imports {name}"
        for package in ("handlers", "nlp", "channels")
        for path in modules(package)
        for name in imports(path)
        if name.split(".")[0] == "sqlalchemy"
    ]
    assert not wrong, wrong


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The walk finds an import where it is: a module importing the store from nlp would be caught."""
    module = tmp_path / "bad.py"
    module.write_text("from salesbot.store.models import Customer\nimport telegram\n", encoding="utf-8")
    assert imports(module) == ["salesbot.store.models", "telegram"]

"""Spreadsheets in and out: XLSX through openpyxl, CSV through the standard library.

A leaf module. openpyxl is imported only when a workbook is made or read, so a running worker that never
exports does not carry it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


def xlsx(sheets: Iterable[Sheet]) -> bytes:
    """A workbook with one tab per sheet: a bold, frozen header row and money kept as exact numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        tab = book.create_sheet(_tab_title(sheet.title))
        tab.append(list(sheet.header))
        for cell in tab[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            tab.append([_cell(value) for value in row])
        tab.freeze_panes = "A2"
        for n, column in enumerate(tab.columns, start=1):
            width = max((len(str(c.value)) if c.value is not None else 0) for c in column)
            tab.column_dimensions[tab.cell(row=1, column=n).column_letter].width = min(max(10, width * 1.3 + 2), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV or XLSX file as dicts keyed by its header row (lower-cased, trimmed); empty rows skipped."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return [
            {_key(k): (v or "").strip() for k, v in row.items() if k is not None}
            for row in reader
            if any((v or "").strip() for v in row.values() if isinstance(v, str))
        ]


def write_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Chinese correctly


def _read_xlsx(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return []
        keys = [_key(str(h)) if h is not None else "" for h in header]
        result = []
        for row in rows:
            values = ["" if v is None else _text(v) for v in row]
            if any(values):
                result.append({k: v for k, v in zip(keys, values, strict=False) if k})
        return result
    finally:
        book.close()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _cell(value: Any) -> Any:
    # openpyxl writes Decimal as a number cell; dates as date cells. Everything else as it is.
    if isinstance(value, Decimal | int | float | date) or value is None:
        return value
    return str(value)


def _key(name: str) -> str:
    return name.strip().lower()


def _tab_title(title: str) -> str:
    # Excel refuses these characters in a tab name, and more than 31 of any.
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31] or "Sheet"

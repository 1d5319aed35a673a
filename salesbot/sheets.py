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


class Unreadable(ValueError):
    """A file we cannot read as a table: `reason` is "encoding", "format" (not CSV or XLSX) or "old_excel" (.xls)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Table:
    header: Sequence[str]  # the file's own column names, trimmed, in order
    rows: Sequence[dict[str, str]]  # keyed by header name, lower-cased; `line` is each row's number in the file
    lines: Sequence[int]


# The encodings spreadsheets are saved in here: UTF-8 (Excel's "CSV UTF-8" adds a BOM; utf-8-sig reads both), then
# GB18030, the superset of GBK that Excel and WPS on Chinese Windows write for "CSV (逗号分隔)". A GBK file is almost
# never valid UTF-8, so the order decides nothing a person would notice; a file neither can decode is refused.
ENCODINGS = ("utf-8-sig", "gb18030")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV or XLSX file as dicts keyed by its header row (lower-cased, trimmed); empty rows skipped."""
    return list(read_table(path).rows)


def read_table(path: Path) -> Table:
    """A CSV (UTF-8 with or without BOM, or GBK/GB18030; commas, semicolons or tabs) or XLSX (Excel, WPS) file."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path)
    if suffix == ".xls":
        raise Unreadable("old_excel")
    if suffix not in CSV_SUFFIXES:
        raise Unreadable("format")
    return _read_csv(decode(path.read_bytes()))


def decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable("encoding")


def _read_csv(text: str) -> Table:
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count)  # Excel writes commas; some locales and WPS's text export, ; or tabs
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [_header(h) for h in next(reader, [])]
    rows, lines = [], []
    for line, values in enumerate(reader, start=2):
        cells = [v.strip() for v in values]
        if any(cells):
            rows.append({_key(k): v for k, v in zip(header, cells, strict=False) if k})
            lines.append(line)
    return Table(header=[h for h in header if h], rows=rows, lines=lines)


def write_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Chinese correctly


def _read_xlsx(path: Path) -> Table:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        # Not read-only: WPS and some exporters write a wrong <dimension> (often "A1"), which read-only mode trusts.
        book = load_workbook(path, data_only=True)
    except (BadZipFile, KeyError, OSError) as exc:
        raise Unreadable("format") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_header(_text(h)) if h is not None else "" for h in next(rows, ())]
        result, lines = [], []
        for line, row in enumerate(rows, start=2):
            values = ["" if v is None else _text(v) for v in row]
            if any(values):
                result.append({_key(k): v for k, v in zip(header, values, strict=False) if k})
                lines.append(line)
        return Table(header=[h for h in header if h], rows=result, lines=lines)
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
    return _header(name).lower()


def _header(name: str) -> str:
    # Excel pads with spaces, WPS with the full-width one; a stray BOM can sit on the first name.
    return name.replace("\ufeff", "").replace("\u3000", " ").strip()


def _tab_title(title: str) -> str:
    # Excel refuses these characters in a tab name, and more than 31 of any.
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31] or "Sheet"

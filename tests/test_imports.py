"""`salesbot import` with the files teams have: CSV in UTF-8 (with or without BOM) or GBK/GB18030, XLSX from Excel
or WPS, Chinese or English headers; the dry run; refusals in words naming the row and the column. The files are
made here, byte for byte, the way Excel and WPS save them."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from salesbot import sheets
from salesbot.store.models import AuditEntry, Contract, Customer, CustomerAlias, Installment

FIXTURES = Path(__file__).parent / "fixtures"

HEADERS = {
    "zh": {
        "customers": ["客户名称", "负责人", "别名"],
        "contracts": ["客户名称", "合同编号", "合同金额", "签约日期", "期数", "已付金额"],
        "invoices": ["客户名称", "发票号", "金额", "到期日", "合同编号"],
    },
    "en": {
        "customers": ["name", "owner", "aliases"],
        "contracts": ["customer", "reference", "amount", "signed_on", "installments", "paid"],
        "invoices": ["customer", "number", "amount", "due", "contract"],
    },
}
ROWS = {
    "customers": [["美团", "rep1", "Meituan、美团点评"], ["阿里巴巴", "", "阿里云"]],
    "contracts": [["美团", "MT-2026-01", "￥1,200,000.00", "2026/3/11", "3", "400000"]],
    "invoices": [["美团", "FP-0001", "12.5万", "2026年4月30日", "MT-2026-01"]],
}


def csv_bytes(header: list[str], rows: list[list[str]], *, encoding: str, delimiter: str = ",") -> bytes:
    lines = [delimiter.join(header), *(delimiter.join(_quoted(v, delimiter) for v in row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)  # Excel ends lines with CRLF


def _quoted(value: str, delimiter: str) -> str:
    return f'"{value}"' if delimiter in value else value


def xlsx_bytes(header: list[str], rows: list[list[object]], *, wps: bool = False) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    if not wps:
        return out.getvalue()
    # WPS 表格 and some exporters write <dimension ref="A1"/> whatever the sheet holds, and name themselves in
    # docProps/app.xml: rewrite the package as they would.
    source, target = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', data)
                assert n == 1
            if item.filename == "docProps/app.xml":
                data = re.sub(
                    rb"<Application>[^<]*</Application>", "<Application>WPS 表格</Application>".encode(), data
                )
            package.writestr(item, data)
    return target.getvalue()


FORMATS: dict[str, Callable[[list[str], list[list[str]]], tuple[str, bytes]]] = {
    "utf-8": lambda h, r: ("csv", csv_bytes(h, r, encoding="utf-8")),
    "utf-8 with BOM": lambda h, r: ("csv", csv_bytes(h, r, encoding="utf-8-sig")),
    "GBK": lambda h, r: ("csv", csv_bytes(h, r, encoding="gbk")),
    "GB18030, semicolons": lambda h, r: ("csv", csv_bytes(h, r, encoding="gb18030", delimiter=";")),
    "UTF-8, tabs": lambda h, r: ("txt", csv_bytes(h, r, encoding="utf-8", delimiter="\t")),
    "XLSX (Excel)": lambda h, r: ("xlsx", xlsx_bytes(h, r)),
    "XLSX (WPS)": lambda h, r: ("xlsx", xlsx_bytes(h, r, wps=True)),
}


def seeded(cli: Callable, url: str) -> str:
    code, _, err = cli("seed", str(FIXTURES / "team.toml"), "--database-url", url)
    assert code == 0, err
    return url


def count(url: str, model: type) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_format_and_header_set_imports_customers_contracts_and_invoices(
    cli: Callable, tmp_path: Path, fmt: str, lang: str
) -> None:
    url = seeded(cli, f"sqlite:///{tmp_path / 'team.db'}")
    for kind in ("customers", "contracts", "invoices"):
        suffix, data = FORMATS[fmt](HEADERS[lang][kind], ROWS[kind])
        path = tmp_path / f"{kind}.{suffix}"
        path.write_bytes(data)
        code, out, err = cli("import", kind, str(path), "--database-url", url)
        assert code == 0, err
        assert out.strip() == {"customers": '{"added": 2, "unchanged": 0}'}.get(kind, '{"added": 1, "unchanged": 0}')
    engine = create_engine(url)
    with engine.connect() as conn:
        owner = conn.scalar(
            text("SELECT u.handle FROM customers c JOIN users u ON u.id = c.owner_id WHERE c.name='美团'")
        )
        assert owner == "rep1"
        aliases = set(
            conn.scalars(select(CustomerAlias.alias).join(Customer).where(Customer.name.in_(["美团", "阿里巴巴"])))
        )
        assert {"Meituan", "美团点评", "阿里云"} <= aliases
        contract = conn.execute(select(Contract).where(Contract.reference == "MT-2026-01")).one()
        assert contract.amount == Decimal("1200000.00") and contract.status == "active"
        parts = conn.execute(
            select(Installment.seq, Installment.due_on, Installment.amount, Installment.paid, Installment.reference)
            .where(Installment.contract_id == contract.id)
            .order_by(Installment.seq)
        ).all()
    engine.dispose()
    assert [(p.seq, p.amount, p.paid) for p in parts] == [
        (1, Decimal("400000.00"), Decimal("400000.00")),
        (2, Decimal("400000.00"), Decimal("0.00")),
        (3, Decimal("400000.00"), Decimal("0.00")),
        (4, Decimal("125000.00"), Decimal("0.00")),  # the invoice, on the contract its 合同编号 names
    ]
    assert parts[0].due_on == date(2026, 3, 11) and parts[3].due_on == date(2026, 4, 30)
    assert parts[3].reference == "FP-0001"


def test_an_import_on_postgresql_reads_a_gbk_file(cli: Callable, tmp_path: Path, db_url: str) -> None:
    url = seeded(cli, db_url)
    path = tmp_path / "客户.csv"
    path.write_bytes(csv_bytes(HEADERS["zh"]["customers"], ROWS["customers"], encoding="gbk"))
    assert cli("import", "customers", str(path), "--database-url", url)[0] == 0
    assert count(url, Customer) == 1 + count_seeded_customers()


def count_seeded_customers() -> int:
    import tomllib

    return len(tomllib.loads((FIXTURES / "team.toml").read_text("utf-8"))["customers"])


def test_the_encoding_is_detected_and_a_file_in_neither_is_refused(tmp_path: Path) -> None:
    rare = "㐀记贸易"  # U+3400: in GB18030, not in GBK, so only a GB18030 reading keeps it
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        name = rare if encoding in ("utf-8", "utf-8-sig", "gb18030") else "美团"
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(csv_bytes(["客户名称", "负责人"], [[name, "rep1"]], encoding=encoding))
        table = sheets.read_table(path)
        assert table.header == ["客户名称", "负责人"], encoding  # no BOM left on the first name
        assert table.rows == [{"客户名称": name, "负责人": "rep1"}], encoding
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"name\n\xff\xfe\x80\x80\n")
    with pytest.raises(sheets.Unreadable) as refused:
        sheets.read_table(garbage)
    assert refused.value.reason == "encoding"


def test_xlsx_cells_keep_their_types_and_the_sheet_is_read_whole_despite_a_wrong_dimension(tmp_path: Path) -> None:
    path = tmp_path / "wps.xlsx"
    rows: list[list[object]] = [
        ["美团", "MT-1", 1200000, datetime(2026, 3, 11)],
        ["京东", "JD-1", 99.5, date(2026, 5, 1)],
    ]
    path.write_bytes(xlsx_bytes(["客户名称", "合同编号", "合同金额", "签约日期"], rows, wps=True))
    table = sheets.read_table(path)
    assert [r["合同金额"] for r in table.rows] == ["1200000", "99.5"]
    assert [r["签约日期"] for r in table.rows] == ["2026-03-11", "2026-05-01"]
    assert list(table.lines) == [2, 3]


def test_the_dry_run_says_what_would_be_added_and_changed_and_writes_nothing(cli: Callable, tmp_path: Path) -> None:
    url = seeded(cli, f"sqlite:///{tmp_path / 'team.db'}")
    path = tmp_path / "客户.csv"
    rows = [*ROWS["customers"], ["京东", "", ""]]
    path.write_bytes(csv_bytes([*HEADERS["zh"]["customers"], "备注"], [[*r, "x"] for r in rows], encoding="gbk"))
    before = (count(url, Customer), count(url, CustomerAlias), count(url, AuditEntry))

    code, out, err = cli("import", "customers", str(path), "--dry-run", "--database-url", url)
    assert code == 0, err
    assert out.splitlines() == [
        "第 2 行:新增客户「美团」(负责人:rep1;别名:Meituan、美团点评)",
        "第 3 行:客户「阿里巴巴」增加别名:阿里云",
        "第 4 行:已存在,不变",
        "试运行:将新增 1 条,修改 1 条,1 条不变;没有写入任何内容。",
    ]
    assert "备注" in err, "the column left aside is named"
    assert (count(url, Customer), count(url, CustomerAlias), count(url, AuditEntry)) == before, "nothing written"

    code, out, _ = cli("import", "customers", str(path), "--dry-run", "--lang", "en", "--database-url", url)
    assert out.splitlines()[0] == "Row 2: add customer “美团” (owner: rep1; aliases: Meituan、美团点评)"
    assert out.splitlines()[-1].startswith("Dry run: 1 would be added, 1 changed, 1 left as they are")

    assert cli("import", "customers", str(path), "--database-url", url)[0] == 0
    assert count(url, Customer) == before[0] + 1 and count(url, CustomerAlias) == before[1] + 3
    code, out, _ = cli("import", "customers", str(path), "--dry-run", "--database-url", url)
    assert out.splitlines()[-1] == "试运行:将新增 0 条,修改 0 条,3 条不变;没有写入任何内容。", "all there now"


def test_a_dry_run_of_contracts_names_each_and_refuses_as_the_import_would(cli: Callable, tmp_path: Path) -> None:
    url = seeded(cli, f"sqlite:///{tmp_path / 'team.db'}")
    path = tmp_path / "合同.xlsx"
    rows: list[list[object]] = [["阿里巴巴", "AL-9", 360000, date(2026, 3, 1), 3, None]]
    path.write_bytes(xlsx_bytes(HEADERS["zh"]["contracts"], rows))
    code, out, _ = cli("import", "contracts", str(path), "--dry-run", "--database-url", url)
    assert code == 0
    assert out.splitlines()[0] == "第 2 行:新增「阿里巴巴」合同 AL-9:360000.00 CNY,签约日期 2026-03-01"
    assert count(url, Contract) == 0


REFUSALS = [
    # (kind, header, rows, zh words, en words)
    (
        "contracts",
        HEADERS["zh"]["contracts"],
        [["阿里巴巴", "AL-0", "100000", "2026-03-01", "", ""], ["阿里巴巴", "AL-1", "十二万", "2026-03-01", "", ""]],
        "第 3 行,“合同金额”列:“十二万”不是金额。整个文件都没有导入。",
        "Row 3, column “合同金额”: “十二万” is not an amount. Nothing was imported.",
    ),
    (
        "contracts",
        HEADERS["en"]["contracts"],
        [["阿里巴巴", "AL-1", "120000", "next week", "", ""]],
        "第 2 行,“signed_on”列:“next week”不是日期",
        "Row 2, column “signed_on”: “next week” is not a date",
    ),
    (
        "invoices",
        HEADERS["zh"]["invoices"],
        [["无名公司", "FP-9", "100", "2026-05-01", ""]],
        "第 2 行,“客户名称”列:没有客户“无名公司”,请先导入客户。",
        "Row 2, column “客户名称”: there is no customer “无名公司”; import the customers first.",
    ),
    (
        "customers",
        HEADERS["zh"]["customers"],
        [["美团", "rep1", ""], ["饿了么", "nobody", ""]],
        "第 3 行,“负责人”列:没有用户“nobody”",
        "Row 3, column “负责人”: there is no user “nobody”",
    ),
    (
        "contracts",
        HEADERS["zh"]["contracts"],
        [["阿里巴巴", "AL-1", "", "2026-03-01", "", ""]],
        "第 2 行,“合同金额”列:这一格是空的,必须填写。",
        "Row 2, column “合同金额”: this cell is empty and must be filled in.",
    ),
    (
        "invoices",
        HEADERS["en"]["invoices"],
        [["阿里巴巴", "INV-1", "100", "2026-05-01", "NO-SUCH"]],
        "第 2 行,“contract”列:客户“阿里巴巴”没有编号为“NO-SUCH”的合同。",
        "Row 2, column “contract”: customer “阿里巴巴” has no contract numbered “NO-SUCH”.",
    ),
    (
        "contracts",
        ["客户名称", "合同金额"],
        [["阿里巴巴", "100"]],
        "文件里没有“签约日期”列(可用的列名:签约日期 / 签订日期 / 签约日 / signed_on / signed)",
        "The file has no “signed_on” column (accepted names: 签约日期 / 签订日期 / 签约日 / signed_on / signed)",
    ),
]


@pytest.mark.parametrize("kind,header,rows,zh,en", REFUSALS, ids=[f"{r[0]}-{n}" for n, r in enumerate(REFUSALS)])
def test_a_refusal_names_the_row_and_the_column_in_words_and_writes_nothing(
    cli: Callable, tmp_path: Path, kind: str, header: list[str], rows: list[list[str]], zh: str, en: str
) -> None:
    url = seeded(cli, f"sqlite:///{tmp_path / 'team.db'}")
    path = tmp_path / "file.csv"
    path.write_bytes(csv_bytes(header, rows, encoding="gbk"))
    before = (count(url, Customer), count(url, Contract), count(url, Installment), count(url, AuditEntry))
    for lang, words in (("zh", zh), ("en", en)):
        for dry in ([], ["--dry-run"]):
            code, out, err = cli("import", kind, str(path), "--lang", lang, *dry, "--database-url", url)
            assert code == 1 and out == ""
            assert words in err, err
            assert not re.search(r"import_|seed_|bad_amount|Invalid", err), "no internal error keys"
    after = (count(url, Customer), count(url, Contract), count(url, Installment), count(url, AuditEntry))
    assert after == before, "the whole file is refused"


def test_the_language_of_a_refusal_follows_the_configuration(cli: Callable, tmp_path: Path) -> None:
    url = seeded(cli, f"sqlite:///{tmp_path / 'team.db'}")
    (tmp_path / "salesbot.toml").write_text('[team]\nlanguage = "en"\n', "utf-8")
    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes(["name", "owner"], [["饿了么", "nobody"]], encoding="utf-8"))
    code, _, err = cli("import", "customers", str(path), "--database-url", url)
    assert code == 1 and err.startswith("Row 2, column “owner”: there is no user “nobody”")


@pytest.mark.parametrize(
    "name,data,zh",
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "这是旧版 Excel(.xls)文件。请在 Excel 或 WPS 中另存为 .xlsx"),
        ("garbage.csv", b"name\n\xff\xfe\x80\x80\n", "它既不是 UTF-8 也不是 GBK 编码的文本"),
        ("broken.xlsx", b"not a zip", "只能导入 CSV 或 XLSX 文件"),
        ("notes.pdf", b"%PDF", "只能导入 CSV 或 XLSX 文件"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_words(
    cli: Callable, tmp_path: Path, name: str, data: bytes, zh: str
) -> None:
    url = seeded(cli, f"sqlite:///{tmp_path / 'team.db'}")
    (tmp_path / name).write_bytes(data)
    code, _, err = cli("import", "customers", str(tmp_path / name), "--database-url", url)
    assert code == 1 and zh in err and name in err


def test_amounts_and_dates_as_people_write_them(cli: Callable, tmp_path: Path) -> None:
    url = seeded(cli, f"sqlite:///{tmp_path / 'team.db'}")
    header = ["客户名称", "发票号", "金额", "到期日", "币种"]
    rows = [
        ["阿里巴巴", "A1", "￥1,234.50", "2026-05-01", ""],
        ["阿里巴巴", "A2", "1.2万", "2026/5/2", ""],
        ["阿里巴巴", "A3", "8,500", "2026.5.3", "usd"],
        ["阿里巴巴", "A4", "5000元", "20260504", ""],
    ]
    path = tmp_path / "fp.csv"
    path.write_bytes(csv_bytes(header, rows, encoding="gbk"))
    code, _, err = cli("import", "invoices", str(path), "--database-url", url)
    assert code == 0, err
    engine = create_engine(url)
    with engine.connect() as conn:
        got = conn.execute(
            select(Installment.reference, Installment.amount, Installment.currency, Installment.due_on).order_by(
                Installment.reference
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in got] == [
        ("A1", Decimal("1234.50"), "CNY", date(2026, 5, 1)),
        ("A2", Decimal("12000.00"), "CNY", date(2026, 5, 2)),
        ("A3", Decimal("8500.00"), "USD", date(2026, 5, 3)),
        ("A4", Decimal("5000.00"), "CNY", date(2026, 5, 4)),
    ]


def test_the_operator_guide_lists_every_header_each_import_accepts() -> None:
    from salesbot.services.imports import HEADERS

    guide = (Path(__file__).parent.parent / "docs" / "operator.md").read_text("utf-8")
    for kind, keys in HEADERS.items():
        section = guide.split(f"**{kind}** (`salesbot import {kind} FILE`)", 1)[1].split("\n\n", 2)[1]
        for names in keys.values():
            assert all(f"`{name}`" in section for name in names), (kind, names)

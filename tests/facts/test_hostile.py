"""Damaged and hostile evidence (issue 12, items 3 and 4): nothing vanishes, nothing escapes.

Every case is a small input generated here. Tables: each physical row is a
fact or a rejection with file, row, field and reason (rows = facts +
rejected). Safety: links out of the evidence folder, catastrophic regular
expressions, YAML alias bombs, formulas in XLSX reports, personal data in
odd spellings, temporary folders of the log loader.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from factkit import (
    ACCESS_LINES,
    ACCESS_MANIFEST,
    ROSTER_HEADERS,
    ROSTER_MANIFEST,
    ROSTER_ROWS,
    csv_bytes,
    write_xlsx,
)

from lvyue.engine.cli.main import main
from lvyue.engine.errors import InputError
from lvyue.engine.privacy import mask_text
from lvyue.engine.yamlio import load_yaml
from lvyue.facts.evidence import FileReport, load_evidence
from lvyue.reports.xlsx import to_xlsx

Folder = Callable[..., Path]
ROSTER_CSV = ROSTER_MANIFEST.format(path="roster.csv", extra="")
ROSTER_XLSX = ROSTER_MANIFEST.format(path="roster.xlsx", extra="")
INVOICE_HEADERS = ["发票号码", "开票日期", "金额", "结算期", "收款人"]
INVOICE_MANIFEST = """\
files:
  - path: {path}
    type: invoice
    columns: {{发票号码: number, 开票日期: issued_on, 金额: amount, 结算期: period, 收款人: payee_name}}
    id: 发票号码
"""
PAYEE = "鹤壁城市云计算有限公司"


def _only(root: Path) -> FileReport:
    (report,) = load_evidence(root).files
    assert report.rows == report.facts + len(report.rejected)  # nothing vanished
    return report


def _error(root: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_evidence(root)
    return info.value


def _rejections(report: FileReport) -> list[tuple[int | None, str | None, str]]:
    return [(r.row, r.field, r.reason) for r in report.rejected]


def _invoice(folder: Folder, amounts: list[Any], suffix: str = "csv") -> FileReport:
    rows = [[f"No.{i:04d}", "2026/12/15", a, "2026H2", PAYEE] for i, a in enumerate(amounts, 1)]
    name = f"发票.{suffix}"
    root = folder("inv", INVOICE_MANIFEST.format(path=name), {})
    if suffix == "csv":
        (root / name).write_bytes(csv_bytes(INVOICE_HEADERS, rows, "utf-8"))
    else:
        write_xlsx(root / name, INVOICE_HEADERS, rows, sheet="发票")
    return _only(root)


# --- duplicate headers -------------------------------------------------------------------


def test_csv_two_columns_with_the_same_header_is_fatal_naming_both(folder: Folder) -> None:
    headers = [*ROSTER_HEADERS, "离岗日期"]  # column J repeats column I
    rows = [[*r, "2026-08-31"] for r in ROSTER_ROWS]
    root = folder("dup", ROSTER_CSV, {"roster.csv": csv_bytes(headers, rows, "utf-8")})
    err = _error(root)
    assert (err.file, err.line, err.field) == ("roster.csv", 1, "离岗日期")
    assert "two columns headed '离岗日期': column I and column J" in err.message


def test_duplicate_header_after_full_width_and_space_normalising(folder: Folder) -> None:
    headers = [*ROSTER_HEADERS, "ＩＤ", " ID　"]  # full-width letters, full-width space
    rows = [[*r, "a", "b"] for r in ROSTER_ROWS]
    root = folder("dupw", ROSTER_CSV, {"roster.csv": csv_bytes(headers, rows, "utf-8")})
    err = _error(root)
    assert err.file == "roster.csv" and err.field == "ID"
    assert "two columns headed 'ＩＤ': column J and column K ('ID')" in err.message


def test_xlsx_duplicate_header_is_fatal(folder: Folder) -> None:
    root = folder("dupx", ROSTER_XLSX, {})
    write_xlsx(root / "roster.xlsx", [*ROSTER_HEADERS, "到岗日期"], [[*ROSTER_ROWS[0], "x"]])
    err = _error(root)
    assert (err.file, err.line) == ("roster.xlsx", 1)
    assert "two columns headed '到岗日期': column H and column J" in err.message


def test_json_duplicate_key_is_fatal(folder: Folder) -> None:
    text = '[{"发票号码": "No.1", "金额": "100", "金额": "200"}]'
    root = folder("dupj", INVOICE_MANIFEST.format(path="发票.json"), {"发票.json": text.encode()})
    err = _error(root)
    assert (err.file, err.field) == ("发票.json", "金额")
    assert "duplicate key '金额'" in err.message


# --- Excel formulas, error values, dimensions ---------------------------------------------


def _roster_with(root: Path, cell: str, value: Any, extra_header: str | None = None) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "名册"
    ws.append(ROSTER_HEADERS + ([extra_header] if extra_header else []))
    for r in ROSTER_XLSX_ROWS:
        ws.append(r)
    ws[cell] = value
    wb.save(root / "roster.xlsx")


ROSTER_XLSX_ROWS = [
    ["P001", "张伟", "410600199001011234", "运维工程师", "云计算、网络", "是", "是", dt.datetime(2026, 7, 1), None],
    ["P002", "李娜", "410600199202023456", "安全工程师", "安全", "是", "否", dt.datetime(2026, 7, 1), None],
]  # fmt: skip


def test_formula_without_saved_value_rejects_its_row(folder: Folder) -> None:
    root = folder("formula", ROSTER_XLSX, {})
    _roster_with(root, "I3", "=EDATE(H3,6)")  # the leaving date, never calculated
    report = _only(root)
    assert (report.rows, report.facts) == (2, 1)
    ((row, field, reason),) = _rejections(report)
    assert (row, field) == (3, "离岗日期")
    assert reason == (
        "cell I3 is a formula (=EDATE(H3,6)) without a saved value; open and save the "
        "workbook in Excel, or type the value"
    )


def test_formula_in_an_ignored_column_does_not_reject(folder: Folder) -> None:
    root = folder("formula-ignored", ROSTER_XLSX, {})
    _roster_with(root, "J2", "=LEN(B2)", extra_header="备注")
    report = _only(root)
    assert (report.rows, report.facts, report.rejected) == (2, 2, [])
    assert report.ignored_columns == ["备注"]


def test_excel_error_value_rejects_its_row(folder: Folder) -> None:
    root = folder("ref", ROSTER_XLSX, {})
    _roster_with(root, "B2", "#REF!")  # the name cell holds an Excel error
    report = _only(root)
    assert _rejections(report) == [(2, "姓名", "cell B2 holds the Excel error #REF!")]


def test_cells_beyond_a_wrong_dimension_tag_are_still_read(folder: Folder) -> None:
    root = folder("dim", ROSTER_XLSX, {})
    write_xlsx(root / "roster.xlsx", ROSTER_HEADERS, ROSTER_XLSX_ROWS)
    # an exporter that writes a too-small <dimension>: read-only openpyxl would cut row 3
    # and column I
    path = root / "roster.xlsx"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C2"', parts[sheet])
    assert b'ref="A1:C2"' in parts[sheet]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    path.write_bytes(buf.getvalue())
    report = _only(root)
    assert (report.rows, report.facts) == (2, 2)
    staff = load_evidence(root).facts["staff"]
    assert [s.id for s in staff] == ["P001", "P002"]
    assert staff[1].start == dt.date(2026, 7, 1)  # column H, beyond the stated C


# --- cells without a header ---------------------------------------------------------------


def test_xlsx_values_right_of_the_last_header_reject_the_row(folder: Folder) -> None:
    root = folder("right", ROSTER_XLSX, {})
    _roster_with(root, "K3", "2026-09-30")  # two columns right of 离岗日期 (I)
    report = _only(root)
    assert (report.rows, report.facts) == (2, 1)
    assert _rejections(report) == [
        (
            3,
            None,
            "values right of the last header ('离岗日期', column I): K3 '2026-09-30'; "
            "give the column a header or move the values",
        )
    ]


def test_xlsx_row_with_values_only_right_of_the_headers_is_not_skipped(folder: Folder) -> None:
    root = folder("right-only", ROSTER_XLSX, {})
    _roster_with(root, "J5", "P009 赵六 2026-08-01")  # rows 4 is blank, row 5 only has J
    report = _only(root)
    assert (report.rows, report.facts) == (3, 2)  # the lone cell is a row read, and rejected
    ((row, field, reason),) = _rejections(report)
    assert (row, field) == (5, None)
    assert reason.startswith("values right of the last header ('离岗日期', column I): J5 ")


def test_csv_extra_fields_and_a_blank_header_are_reported(folder: Folder) -> None:
    headers = [*ROSTER_HEADERS[:4], "", *ROSTER_HEADERS[4:]]  # column E has no header
    rows = [[*r[:4], "", *r[4:]] for r in ROSTER_ROWS]
    rows[1][4] = "漏填表头的值"  # row 3: a value under the blank header
    rows[2] = [*rows[2], "多出的一列"]  # row 4: one field more than there are headers
    root = folder("extra", ROSTER_CSV, {"roster.csv": csv_bytes(headers, rows, "utf-8")})
    report = _only(root)
    assert (report.rows, report.facts) == (3, 1)
    assert _rejections(report) == [
        (3, None, "values under a blank header: E3 '漏填表头的值'; give the column a header or "
         "move the values"),
        (4, None, "values right of the last header ('离岗日期', column J): K4 '多出的一列'; "
         "give the column a header or move the values"),
    ]  # fmt: skip


# --- over-long and broken CSV lines -------------------------------------------------------


def test_over_long_cell_rejects_only_its_row(folder: Folder) -> None:
    rows = [list(r) for r in ROSTER_ROWS]
    rows[1][3] = "岗" * 200_000  # row 3: a 200,000-character cell
    root = folder("long", ROSTER_CSV, {"roster.csv": csv_bytes(ROSTER_HEADERS, rows, "utf-8")})
    report = _only(root)
    assert (report.rows, report.facts) == (3, 2)
    ((row, field, reason),) = _rejections(report)
    assert (row, field) == (3, None)
    assert reason == (
        "line 3 cannot be read as CSV (line too long: a cell longer than 131,072 characters)"
    )


def test_over_long_last_line_without_newline_is_counted(folder: Folder) -> None:
    data = csv_bytes(ROSTER_HEADERS, ROSTER_ROWS, "utf-8") + b"P009," + b"x" * 300_000
    root = folder("tail", ROSTER_CSV, {"roster.csv": data})
    report = _only(root)
    assert (report.rows, report.facts) == (4, 3)
    assert _rejections(report)[0][:2] == (5, None)
    assert "line too long" in _rejections(report)[0][2]


def test_line_over_a_mebibyte_of_short_cells_is_rejected(folder: Folder) -> None:
    rows = [list(r) for r in ROSTER_ROWS]
    rows[0] = ["P001", *["填" * 130_000] * 9]  # each cell under csv's limit, over 1 MiB in all
    root = folder("wide", ROSTER_CSV, {"roster.csv": csv_bytes(ROSTER_HEADERS, rows, "utf-8")})
    report = _only(root)
    assert (report.rows, report.facts) == (3, 2)
    ((row, _, reason),) = _rejections(report)
    assert row == 2
    assert reason == "line too long: 1,170,004 characters (limit 1,048,576) at line 2"


def test_unclosed_quote_swallowing_the_rest_is_rejected(folder: Folder) -> None:
    good = csv_bytes(ROSTER_HEADERS, ROSTER_ROWS[:2], "utf-8")
    tail = 'P003,"王强,x,y\r\nP004,赵敏,1,2,存储,是,是,2026-07-01,\r\n'.encode()
    root = folder("quote", ROSTER_CSV, {"roster.csv": good + tail})
    report = _only(root)
    assert (report.rows, report.facts) == (3, 2)
    assert _rejections(report) == [
        (4, None, 'a quote (") opened at line 4 is never closed: lines 4-5 were read as one row')
    ]


# --- amounts and dates --------------------------------------------------------------------


def test_amount_with_two_decimal_points_is_a_rejected_row(folder: Folder) -> None:
    report = _invoice(folder, ["5,262,040.00", "5,262,040.00.00", "12,34"])
    assert (report.rows, report.facts) == (3, 1)
    assert _rejections(report) == [
        (3, "金额", "not a number: '5,262,040.00.00' (thousands separators must group three "
         "digits, with at most one decimal point)"),
        (4, "金额", "not a number: '12,34' (thousands separators must group three digits, with "
         "at most one decimal point)"),
    ]  # fmt: skip


def test_amount_that_overflows_decimal_is_a_rejected_row(folder: Folder) -> None:
    report = _invoice(folder, ["1e999999999", "¥1,000.00", "-1e999999999", "1e-999999999"])
    assert (report.rows, report.facts) == (4, 1)
    assert _rejections(report) == [
        (2, "金额", "number out of range: '1e999999999' (more than 16 digits before the "
         "decimal point)"),
        (4, "金额", "number out of range: '-1e999999999' (more than 16 digits before the "
         "decimal point)"),
        (5, "金额", "number out of range: '1e-999999999' (too small to be an amount)"),
    ]  # fmt: skip


def test_xlsx_float_amount_1e308_is_a_rejected_row(folder: Folder) -> None:
    report = _invoice(folder, [1e308, 1070.5], suffix="xlsx")
    assert (report.rows, report.facts) == (2, 1)
    assert _rejections(report) == [
        (2, "金额", "number out of range: 1e+308 (more than 16 digits before the decimal point)")
    ]


def test_json_amounts_infinite_and_huge_integer_are_rejected_rows(folder: Folder) -> None:
    records = [
        {"发票号码": "No.1", "开票日期": "2026-12-15", "金额": 1, "结算期": "2026H2", "收款人": PAYEE},
        {"发票号码": "No.2", "开票日期": "2026-12-15", "金额": 2, "结算期": "2026H2", "收款人": PAYEE},
        {"发票号码": "No.3", "开票日期": "2026-12-15", "金额": 3, "结算期": "2026H2", "收款人": PAYEE},
    ]  # fmt: skip
    text = json.dumps(records, ensure_ascii=False)
    text = text.replace('"金额": 1,', '"金额": 1e999999999,')  # json: inf
    text = text.replace('"金额": 2,', '"金额": ' + "9" * 5000 + ",")  # beyond int's 4,300 digits
    root = folder("json", INVOICE_MANIFEST.format(path="发票.json"), {"发票.json": text.encode()})
    report = _only(root)
    assert (report.rows, report.facts) == (3, 1)
    (r1, f1, why1), (r2, f2, why2) = _rejections(report)
    assert (r1, f1, why1) == (1, "金额", "not a number: inf")
    assert (r2, f2) == (2, "金额")
    assert why2.startswith("not a number: '99999") and why2.endswith("... (too long)")


@pytest.mark.parametrize(
    "value, reason",
    [
        ("9999-12-31", "date 9999-12-31 is outside the years 1900-2200"),
        ("1899-12-31", "date 1899-12-31 is outside the years 1900-2200"),
        ("2201年1月1日", "date 2201-01-01 is outside the years 1900-2200"),
        ("0201-07-01", "date 0201-07-01 is outside the years 1900-2200"),
    ],
)  # fmt: skip
def test_dates_outside_1900_2200_are_rejected(folder: Folder, value: str, reason: str) -> None:
    rows = [list(r) for r in ROSTER_ROWS]
    rows[2][7] = value
    root = folder("year", ROSTER_CSV, {"roster.csv": csv_bytes(ROSTER_HEADERS, rows, "utf-8")})
    report = _only(root)
    assert (report.rows, report.facts) == (3, 2)
    assert _rejections(report) == [(4, "到岗日期", reason)]


def test_xlsx_date_cell_in_year_9999_is_rejected(folder: Folder) -> None:
    root = folder("year-x", ROSTER_XLSX, {})
    _roster_with(root, "I2", dt.datetime(9999, 12, 31))
    report = _only(root)
    assert _rejections(report) == [
        (2, "离岗日期", "date 9999-12-31 is outside the years 1900-2200")
    ]


# --- JSON / YAML records ------------------------------------------------------------------


def test_yaml_item_that_is_not_a_record_is_a_rejected_row_with_its_line(folder: Folder) -> None:
    text = (
        "invoices:\n"
        "  - {发票号码: No.1, 开票日期: 2026-12-15, 金额: 100, 结算期: 2026H2, 收款人: 甲}\n"
        "  - just a line of text\n"
        "  - {发票号码: No.3, 开票日期: 2026-12-15, 金额: 300, 结算期: 2026H2, 收款人: 甲}\n"
    )
    root = folder("yaml", INVOICE_MANIFEST.format(path="发票.yaml"), {"发票.yaml": text.encode()})
    report = _only(root)
    assert (report.rows, report.facts) == (3, 2)
    assert _rejections(report) == [
        (3, None, "not a record (field: value pairs): 'just a line of text'")
    ]


def test_deeply_nested_json_is_an_input_error(folder: Folder) -> None:
    text = "[" * 100_000 + "]" * 100_000
    root = folder("deep", INVOICE_MANIFEST.format(path="发票.json"), {"发票.json": text.encode()})
    err = _error(root)
    assert (err.file, err.message) == ("发票.json", "not valid JSON (nested too deeply)")


# --- links out of the evidence folder -----------------------------------------------------

SECRET = "root:x:0:0:SECRET-CONTENT\n"


def _outside(tmp_path: Path, name: str, data: bytes | None = None) -> Path:
    target = tmp_path / "outside" / name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(SECRET.encode() if data is None else data)
    return target


def test_symlink_to_a_file_outside_is_refused(folder: Folder, tmp_path: Path) -> None:
    root = folder("link", ROSTER_CSV, {})
    (root / "roster.csv").symlink_to(_outside(tmp_path, "passwd"))
    err = _error(root)
    assert err.file == "roster.csv"
    assert err.message.startswith("refused: the file is a link")
    assert "SECRET" not in str(err)


def test_file_in_a_linked_folder_outside_is_refused(folder: Folder, tmp_path: Path) -> None:
    outside = _outside(tmp_path, "roster.csv", csv_bytes(ROSTER_HEADERS, ROSTER_ROWS, "utf-8"))
    root = folder("linkdir", ROSTER_MANIFEST.format(path="sub/roster.csv", extra=""), {})
    (root / "sub").symlink_to(outside.parent, target_is_directory=True)
    err = _error(root)
    assert err.file == "sub/roster.csv" and "outside the evidence folder" in err.message


def test_linked_document_and_log_are_refused(folder: Folder, tmp_path: Path) -> None:
    manifest = (
        "files:\n"
        "  - path: report.docx\n    type: assessment\n"
        "    extract: {report_no: '编号[:：](\\S+)'}\n"
    )
    root = folder("linkdoc", manifest, {})
    (root / "report.docx").symlink_to(_outside(tmp_path, "x.docx"))
    assert "refused" in _error(root).message
    log = folder("linklog", ACCESS_MANIFEST, {})
    (log / "门禁记录.csv").symlink_to(
        _outside(tmp_path, "door.csv", "\n".join(ACCESS_LINES).encode())
    )
    err = _error(log)
    assert err.file == "门禁记录.csv" and "refused" in err.message


def test_link_that_stays_inside_the_folder_is_fine(folder: Folder) -> None:
    data = csv_bytes(ROSTER_HEADERS, ROSTER_ROWS, "utf-8")
    root = folder("inside", ROSTER_CSV, {"real/roster-2026.csv": data})
    (root / "roster.csv").symlink_to(Path("real") / "roster-2026.csv")
    assert (_only(root).rows, _only(root).facts) == (3, 3)


def test_cli_refuses_a_link_with_exit_2_and_one_line(
    folder: Folder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = folder("cli-link", ROSTER_CSV, {})
    (root / "roster.csv").symlink_to(_outside(tmp_path, "passwd"))
    assert main(["facts", "inspect", str(root)]) == 2
    out, err = capsys.readouterr()
    assert "SECRET" not in out + err
    assert err.startswith("error: roster.csv: refused: the file is a link")
    assert err.count("\n") == 1


# --- extract regexes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, words",
    [
        ("编号[:：]((?:a+)+)$", "a quantifier inside a repeated group"),
        ("编号((?:\\s*\\S+)*)x", "a quantifier inside a repeated group"),
        ("编号((?:a|ab)+)c", "an alternation inside a repeated group"),
        ("(.*)" + ".*" * 9, "more than 8 unbounded quantifiers"),
        ("(x)" + "y" * 600, "the pattern is longer than 500 characters"),
    ],
)
def test_catastrophic_extract_pattern_is_refused_at_manifest_load(
    folder: Folder, pattern: str, words: str
) -> None:
    manifest = (
        "files:\n"
        "  - path: report.docx\n"
        "    type: assessment\n"
        "    extract:\n"
        f"      report_no: {json.dumps(pattern)}\n"
    )
    root = folder("regex", manifest, {"report.docx": b"never read"})
    started = time.monotonic()
    err = _error(root)
    assert time.monotonic() - started < 5
    assert (err.file, err.line) == ("evidence.yaml", 4)
    assert err.field == "files.0.extract"
    assert f"report_no: {words}" in err.message


def test_ordinary_extract_patterns_still_load(folder: Folder) -> None:
    import docx

    manifest = (
        "files:\n"
        "  - path: report.docx\n"
        "    type: assessment\n"
        "    fixed: {kind: mlps_assessment}\n"
        "    extract:\n"
        "      report_no: '报告编号[:：]\\s*([0-9A-Za-z-]+)'\n"
        "      conclusion: '等级测评结论[:：]\\s*(优|良|中|差)'\n"
        "      date: '报告日期[:：]\\s*(\\d{4}年\\d{1,2}月\\d{1,2}日)'\n"
    )
    root = folder("regex-ok", manifest, {})
    d = docx.Document()
    for line in ("报告编号：HB-2026-01", "等级测评结论：良", "报告日期：2026年9月1日"):
        d.add_paragraph(line)
    d.save(str(root / "report.docx"))
    report = _only(root)
    assert (report.rows, report.facts) == (1, 1)


# --- YAML alias bombs ---------------------------------------------------------------------

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def test_alias_bomb_in_the_manifest_is_refused_quickly(folder: Folder) -> None:
    root = folder("bomb", "files: []\n" + BOMB.replace("a: &a", "x: &a", 1), {})
    started = time.monotonic()
    err = _error(root)
    assert time.monotonic() - started < 2
    assert (err.file, err.line) == ("evidence.yaml", 3)  # the first alias
    assert "aliases (*name) expand to more than 100,000 values" in err.message


def test_alias_bomb_in_a_rule_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_yaml(path)
    assert (info.value.file, info.value.line) == (str(path), 2)


def test_too_many_aliases_and_a_self_reference_are_refused(tmp_path: Path) -> None:
    many = tmp_path / "many.yaml"
    many.write_text("a: &a 1\nb: [" + ", ".join(["*a"] * 201) + "]\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_yaml(many)
    assert info.value.line == 2 and "more than 200 aliases" in info.value.message
    loop = tmp_path / "loop.yaml"
    loop.write_text("top:\n  a: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_yaml(loop)
    assert info.value.line == 2 and "refers to the node that contains it" in info.value.message


def test_ordinary_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {x: 1}\nuse: [*b, *b]\n", encoding="utf-8")
    assert load_yaml(path) == {"base": {"x": 1}, "use": [{"x": 1}, {"x": 1}]}


def test_deeply_nested_yaml_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 20_000 + "]" * 20_000, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_yaml(path)
    assert info.value.message == "not valid YAML (nested too deeply)"


# --- formulas in XLSX reports -------------------------------------------------------------


def _audit(finding_id: str, message: str) -> dict[str, Any]:
    finding = {
        "id": finding_id, "clause": "5.1", "rule": "r", "title": "+标题", "status": "breach",
        "severity": "major", "obligor": "乙方", "subject": "@user", "period": "2026Q3",
        "message": message, "evidence": [], "deadline": None, "consequence": "\t缩进",
        "amounts": {},
    }  # fmt: skip
    return {
        "findings": [finding],
        "coverage": [],
        "manifest": [{"file": "-x.csv", "fact_type": "staff", "sha256": "0", "rows": 1,
                      "facts": 1, "rejected": []}],
        "as_of": "2026-09-30",
        "contract": {"title": "=合同"},
    }  # fmt: skip


def test_xlsx_report_text_cannot_start_a_formula() -> None:
    evil = '=HYPERLINK("http://evil.example/x","点此查看")'
    data = to_xlsx(_audit(evil, "-2+3\r\n"), {})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for raw in (evil, "-2+3\r\n", "+标题", "@user", "\t缩进", "-x.csv"):
        assert "'" + raw in texts and raw not in texts
    assert "2026Q3" in texts and "乙方" in texts  # ordinary text untouched


# --- personal data ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, masked",
    [
        ("身份证号41061119900101123X", "身份证号410611********123X"),
        ("id 41061119900101123x.", "id 410611********123x."),
        ("电话13812345678", "电话138****5678"),
        ("138-8765-4321", "138-****-4321"),
        ("139 1234 5678", "139 **** 5678"),
        ("+8618633334444", "+86186****4444"),
        ("+86 186 3333 4444", "+86 186 **** 4444"),
        ("(+86)13800001111", "(+86)138****1111"),
        ("（+86）138-0000-1111", "（+86）138-****-1111"),
        ("0086 13800001111", "0086 138****1111"),
        ("联系人张伟，手机：13912345678；", "联系人张伟，手机：139****5678；"),
    ],
)
def test_personal_numbers_are_masked_however_written(raw: str, masked: str) -> None:
    assert mask_text(raw) == masked


@pytest.mark.parametrize(
    "raw",
    [
        "sha256 9f1381234567800ab",  # glued to letters: not a phone
        "订单号 202609011380000111",  # 18 digits but not a valid birth date: left alone
        "2026-09-01 13:00:00",
        "金额 1,381,234,567.00",
    ],
)
def test_other_numbers_are_left_alone(raw: str) -> None:
    assert mask_text(raw) == raw


# --- temporary folders of the log loader --------------------------------------------------


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path / "tmpdir"
    base.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    return base


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


def test_log_temp_folders_are_removed_after_loading_and_on_errors(
    folder: Folder, own_tmp: Path
) -> None:
    gbk = ("\r\n".join(ACCESS_LINES) + "\r\n").encode("gbk")  # transcoded in a temp folder
    root = folder("log-ok", ACCESS_MANIFEST, {"门禁记录.csv": gbk})
    assert load_evidence(root).files[0].facts == 4
    assert list(own_tmp.glob("lvyue-log-*")) == []
    bad = folder("log-bad", ACCESS_MANIFEST, {"门禁记录.csv": gbk + b"\xff\xff\xff\r\n"})
    with pytest.raises(InputError):
        load_evidence(bad)
    assert list(own_tmp.glob("lvyue-log-*")) == []


def test_temp_folder_left_by_a_killed_process_is_swept(folder: Folder, own_tmp: Path) -> None:
    stale = own_tmp / f"lvyue-log-{_dead_pid()}-abc123"
    (stale / "spill").mkdir(parents=True)
    (stale / "log.utf8.csv").write_text("x")
    alive = own_tmp / f"lvyue-log-{os.getppid()}-keep"  # a live process: not ours to touch
    alive.mkdir()
    root = folder("log-sweep", ACCESS_MANIFEST, {"门禁记录.csv": "\n".join(ACCESS_LINES).encode()})
    load_evidence(root)
    assert not stale.exists()
    assert alive.exists()


# --- the CLI view of it all ---------------------------------------------------------------


def test_facts_inspect_accounts_for_every_row_of_a_damaged_roster(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    root = folder("inspect", ROSTER_XLSX, {})
    _roster_with(root, "I3", "=EDATE(H3,6)")
    wb = openpyxl.load_workbook(root / "roster.xlsx")
    ws = wb.active
    assert ws is not None
    ws.append(["P003", "王强", "", "", "网络", "否", "是", "9999-01-01", None])
    ws.append([None] * 10 + ["stray"])
    wb.save(root / "roster.xlsx")
    assert main(["facts", "inspect", str(root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (report,) = data["files"]
    assert (report["rows"], report["facts"], len(report["rejected"])) == (4, 1, 3)
    assert [(r["row"], r["field"]) for r in report["rejected"]] == [
        (3, "离岗日期"),
        (4, "到岗日期"),
        (5, None),
    ]
    assert Decimal(report["rows"]) == report["facts"] + len(report["rejected"])

"""Bad rows are refused one by one, with file, row, field and reason; good rows still load."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from factkit import BAD_ROWS, ROSTER_HEADERS, ROSTER_MANIFEST, ROSTER_ROWS, csv_bytes, write_xlsx

from lvyue.facts.evidence import load_evidence


def test_bad_rows_are_rejected_and_counts_add_up(folder: Callable[..., Path]) -> None:
    data = csv_bytes(ROSTER_HEADERS, ROSTER_ROWS + BAD_ROWS, "gb18030")
    root = folder("bad", ROSTER_MANIFEST.format(path="roster.csv", extra=""), {"roster.csv": data})
    ev = load_evidence(root)
    (report,) = ev.files
    assert [f.id for f in ev.facts["staff"]] == ["P001", "P002", "P003"]
    assert ev.facts["staff"][0].name == "张伟"  # the first P001 is kept, the second refused
    assert report.rows == 8
    assert report.rows == report.facts + len(report.rejected)
    got = [(r.file, r.row, r.field) for r in report.rejected]
    assert got == [
        ("roster.csv", 5, "到岗日期"),
        ("roster.csv", 6, "姓名"),
        ("roster.csv", 7, "工号"),
        ("roster.csv", 8, "是否本地"),
        ("roster.csv", 10, "离岗日期"),
    ]
    reasons = [r.reason for r in report.rejected]
    assert reasons[0] == "impossible date '2026-02-30': 2026-02 has no day 30"
    assert reasons[1] == "missing required field"
    assert reasons[2] == "duplicate id 'P001' (first: roster.csv, row 2)"
    assert reasons[3].startswith("not yes/no: '也许'")
    assert reasons[4].startswith("not a date: '2026-07-31x'")


def test_duplicate_id_across_files_rejects_the_later_one(folder: Callable[..., Path]) -> None:
    manifest = """\
files:
  - path: invoices-h1.csv
    type: invoice
    columns: {发票号码: number, 开票日期: issued_on, 金额: amount, 结算期: period, 收款人: payee_name}
    id: 发票号码
  - path: invoices-h2.csv
    type: invoice
    columns: {发票号码: number, 开票日期: issued_on, 金额: amount, 结算期: period, 收款人: payee_name}
    id: 发票号码
"""
    headers = ["发票号码", "开票日期", "金额", "结算期", "收款人"]
    h1 = [["No.0001", "2026/12/15", "¥5,350,000.00", "2026H2", "鹤壁城市云计算有限公司"]]
    h2 = [
        ["No.0001", "2027/6/15", "1,000.00元", "2027H1", "鹤壁城市云计算有限公司"],
        ["No.０００２", "2027/6/20", "12.5万元", "2027H1", "鹤壁城市云计算有限公司"],
    ]
    root = folder(
        "inv",
        manifest,
        {
            "invoices-h1.csv": csv_bytes(headers, h1, "utf-8"),
            "invoices-h2.csv": csv_bytes(headers, h2, "utf-8"),
        },
    )
    ev = load_evidence(root)
    first, second = ev.files
    assert (first.rows, first.facts, first.rejected) == (1, 1, [])
    assert (second.rows, second.facts) == (2, 1)
    (rej,) = second.rejected
    assert (rej.file, rej.row, rej.field) == ("invoices-h2.csv", 2, "发票号码")
    assert "first: invoices-h1.csv, row 2" in rej.reason
    inv1, inv2 = ev.facts["invoice"]
    assert (inv1.id, inv1.amount, inv1.issued_on) == (
        "No.0001",
        Decimal("5350000.00"),
        dt.date(2026, 12, 15),
    )
    assert (inv2.id, inv2.amount) == ("No.0002", Decimal("125000.0"))
    assert isinstance(inv2.amount, Decimal)


def test_title_row_defaults_fixed_and_id_template(folder: Callable[..., Path]) -> None:
    manifest = """\
files:
  - path: 维护计划.xlsx
    type: maintenance
    sheet: 计划
    header_row: 2
    columns: {类型: kind, 事项: title, 开始: start, 通知日期: notified_on, 影响业务: affects_service}
    defaults: {affects_service: 是}
    fixed: {kind: cutover}
    id: "{start}-{title}"
"""
    root = folder("plan", manifest, {})
    write_xlsx(
        root / "维护计划.xlsx",
        ["2026年第三季度维护计划（乙方报送）"],
        [
            ["类型", "事项", "开始", "通知日期", "影响业务"],
            ["升级", "核心交换机升级", dt.datetime(2026, 10, 9), "2026/9/21", None],
            ["检修", "存储扩容", "2026-10-20", "", "否"],
        ],
        sheet="计划",
    )
    ev = load_evidence(root)
    (report,) = ev.files
    assert (report.rows, report.facts, report.rejected, report.sheet) == (2, 2, [], "计划")
    m1, m2 = ev.facts["maintenance"]
    assert (m1.id, m1.kind, m1.notified_on, m1.affects_service) == (
        "2026-10-09-核心交换机升级",
        "cutover",
        dt.date(2026, 9, 21),
        True,
    )
    assert (m2.id, m2.notified_on, m2.affects_service) == ("2026-10-20-存储扩容", None, False)
    assert (m1.provenance.sheet, m1.provenance.row, m2.provenance.row) == ("计划", 3, 4)

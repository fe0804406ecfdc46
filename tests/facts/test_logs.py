"""Door-access and monitoring logs become daily facts; every line is accounted for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from factkit import ACCESS_LINES, ACCESS_MANIFEST

from lvyue.facts.evidence import load_evidence
from lvyue.facts.model import OnsiteDay, SystemDay


def test_access_log_gives_one_fact_per_person_per_day(folder: Callable[..., Path]) -> None:
    data = ("\r\n".join(ACCESS_LINES) + "\r\n").encode("gbk")  # a GBK export, CRLF lines
    root = folder("access", ACCESS_MANIFEST, {"门禁记录.csv": data})
    ev = load_evidence(root)
    (report,) = ev.files
    assert report.encoding == "gb18030"
    assert report.rows == 10  # non-blank data lines (2..12 without 9)
    assert report.log is not None
    assert (report.log.aggregated, report.log.outside_location, report.log.derived) == (6, 1, 4)
    assert report.rows == report.log.aggregated + report.log.outside_location + len(report.rejected)
    assert [(r.row, r.field, r.reason) for r in report.rejected] == [
        (7, "卡号", "missing required field"),
        (8, "刷卡时间", "not a valid date-time: '2026-02-30 09:00:00'"),
        (10, None, "expected 4 fields, found 3"),
    ]
    assert report.ignored_columns == ["方向"]
    facts = ev.facts["onsite_day"]
    assert [f.id for f in facts] == [
        "C-1003@2026-09-02",
        "P001@2026-09-01",
        "P002@2026-09-01",
        "P002@2026-09-02",
    ]
    p1 = facts[1]
    assert isinstance(p1, OnsiteDay)
    assert (p1.person_id, p1.day, p1.first_in, p1.last_out, p1.entries) == (
        "P001",
        dt.date(2026, 9, 1),
        "08:31:05",
        "18:05:59",
        3,
    )
    assert (p1.provenance.row, p1.provenance.derived_from) == (2, 3)
    assert p1.provenance.cite() == "门禁记录.csv, row 2, 3 lines"
    assert facts[0].provenance.row == 11
    assert report.facts == 4 and report.date_range == (dt.date(2026, 9, 1), dt.date(2026, 9, 2))


def test_monitoring_log_gives_one_fact_per_system_per_day(folder: Callable[..., Path]) -> None:
    manifest = """\
files:
  - path: monitor.tsv
    type: system_day
    derive: monitoring
    columns: {系统: system, 检测时间: time, 状态: status}
"""
    lines = [
        "系统\t检测时间\t状态",
        "政务云门户\t2026-09-01 00:00:00\t正常",
        "政务云门户\t2026-09-01 00:05:00\t异常",
        "政务云门户\t2026-09-01 00:10:00\t正常",
        "审批系统\t2026-09-01 00:00:00\tDOWN",
        "审批系统\t2026-09-02 00:00:00\t正常",
        "审批系统\t不是时间\t正常",
    ]
    root = folder("mon", manifest, {"monitor.tsv": ("\n".join(lines) + "\n").encode("utf-8")})
    ev = load_evidence(root)
    (report,) = ev.files
    assert (report.rows, report.facts, len(report.rejected)) == (6, 3, 1)
    assert report.log is not None and report.log.outside_location == 0
    got = {f.id: (f.checks, f.failures) for f in ev.facts["system_day"] if isinstance(f, SystemDay)}
    assert got == {
        "审批系统@2026-09-01": (1, 1),
        "审批系统@2026-09-02": (1, 0),
        "政务云门户@2026-09-01": (3, 1),
    }


def test_overlapping_logs_reject_the_repeated_day(folder: Callable[..., Path]) -> None:
    manifest = ACCESS_MANIFEST + ACCESS_MANIFEST.replace("files:\n", "").replace(
        "门禁记录.csv", "门禁记录-补充.csv"
    )
    data = "\n".join(ACCESS_LINES[:3]).encode("utf-8")
    root = folder("twice", manifest, {"门禁记录.csv": data, "门禁记录-补充.csv": data})
    first, second = load_evidence(root).files
    assert (first.facts, second.facts) == (1, 0)
    assert second.log is not None and second.log.derived == 1
    (rej,) = second.rejected
    assert rej.reason.startswith("duplicate id 'P001@2026-09-01'")

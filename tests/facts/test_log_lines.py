"""Door logs at the byte level (issue 14): line ends, blank lines, NUL bytes, undecodable bytes,
over-long lines; the GB18030 bytes read directly give exactly what the transcoded text gives.

Every log here is a GB18030 export in the example's format (8 columns, `2026/7/1 08:52:11`)
unless a test says otherwise. Nothing here is timed: bench/bench_door_log.py measures speed.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import lvyue.facts.logs as logs
from lvyue.engine.errors import InputError
from lvyue.facts import logscan
from lvyue.facts.evidence import FileReport, load_evidence

Folder = Callable[..., Path]
MANIFEST = """\
files:
  - path: door.csv
    type: onsite_day
    derive: access_log
    encoding: {encoding}
    columns: {{卡号: person_id, 刷卡时间: time, 区域: location}}
    location: 甲方办公区
    values:
      person_id: {{"3102876541": H002, 张三卡: H003}}
"""
HEADER = "序号,刷卡时间,卡号,姓名,单位,区域,门禁点,进出方向"


def row(n: int, time: str, card: str, area: str = "甲方办公区", name: str = "吴涛") -> str:
    return f"{n},{time},{card},{name},鹤壁城市云计算有限公司（驻场）,{area},3F东门,进"


LINES = [
    HEADER,  # 1
    row(1, "2026/7/1 08:52:11", "3102876541"),  # 2
    row(2, "2026/7/1 12:02:00", "3102876541", "乙方机房"),  # 3 outside the location
    row(3, "2026/7/1 17:40:09", "3102876541"),  # 4
    row(4, "2026/7/2 08:30:00", "3102876590"),  # 5
    row(5, "2026/7/2 25:00:00", "3102876590"),  # 6 no such time
    row(6, "2026/7/2 18:00:00", ""),  # 7 no card
    "7,2026/7/2 18:10:00,3102876590,吴涛",  # 8 four fields
]
FACTS = [("3102876590@2026-07-02", 5, 1), ("H002@2026-07-01", 2, 2)]
REJECTED = [
    (6, "刷卡时间", "not a valid date-time: '2026/7/2 25:00:00'"),
    (7, "卡号", "missing required field"),
    (8, None, "expected 8 fields, found 4"),
]


@pytest.fixture(autouse=True)
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The log loader's temporary folders go here, so a test can see none is left."""
    base = tmp_path / "tmpdir"
    base.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    return base


def load(folder: Folder, data: bytes, encoding: str = "gb18030") -> tuple[FileReport, list[Any]]:
    root = folder(f"log{random.randrange(10**9)}", MANIFEST.format(encoding=encoding), {})
    (root / "door.csv").write_bytes(data)
    ev = load_evidence(root)
    (report,) = ev.files
    assert report.log is not None
    # nothing vanishes: rows = aggregated + outside the location + rejected
    assert report.rows == (
        report.log.aggregated + report.log.outside_location + len(report.rejected)
    )
    assert list(Path(tempfile.gettempdir()).glob("lvyue-log-*")) == []
    return report, ev.facts.get("onsite_day", [])


def summary(report: FileReport, facts: list[Any]) -> tuple[Any, ...]:
    return (
        report.rows,
        [(f.id, f.provenance.row, f.entries) for f in facts],
        [(r.row, r.field, r.reason) for r in report.rejected],
    )


def gb(lines: list[str], end: str = "\r\n", last: bool = True) -> bytes:
    return (end.join(lines) + (end if last else "")).encode("gb18030")


def test_crlf_log_as_exported(folder: Folder) -> None:
    report, facts = load(folder, gb(LINES))
    assert summary(report, facts) == (7, FACTS, REJECTED)
    assert report.encoding == "gb18030"
    assert (report.log.aggregated, report.log.outside_location) == (3, 1)  # type: ignore[union-attr]


@pytest.mark.parametrize("end", ["\r", "\n"])
def test_cr_only_and_lf_only_line_ends(folder: Folder, end: str) -> None:
    report, facts = load(folder, gb(LINES, end))
    assert summary(report, facts) == (7, FACTS, REJECTED)


def test_mixed_line_ends_each_end_one_line(folder: Folder) -> None:
    ends = ["\r\n", "\n", "\r", "\r\n", "\r", "\n", "\r\n", "\n"]
    data = "".join(line + end for line, end in zip(LINES, ends, strict=True)).encode("gb18030")
    report, facts = load(folder, data)
    assert summary(report, facts) == (7, FACTS, REJECTED)


def test_no_trailing_newline(folder: Folder) -> None:
    lines = [*LINES[:-1], row(9, "2026/7/3 09:00:00", "3102876590")]  # line 8 is good now
    report, facts = load(folder, gb(lines, last=False))
    assert report.rows == 7
    assert ("3102876590@2026-07-03", 8) in [(f.id, f.provenance.row) for f in facts]


def test_blank_lines_in_the_middle_are_not_rows(folder: Folder) -> None:
    lines = [*LINES[:3], "", "   ", "\u3000\t", *LINES[3:]]  # lines 4-6 blank
    report, facts = load(folder, gb(lines))
    moved = [(r + 3, f, why) for r, f, why in REJECTED]
    assert summary(report, facts) == (7, [("3102876590@2026-07-02", 8, 1), FACTS[1]], moved)


def test_nul_byte_in_a_line(folder: Folder) -> None:
    lines = list(LINES)
    lines[4] = row(4, "2026/7/2 08:30:00", "3102876590", name="吴\x00涛")  # in an unused field
    lines[1] = row(1, "2026/7/1 08:52:11\x00", "3102876541")  # in the time
    report, facts = load(folder, gb(lines))
    assert report.rows == 7
    assert [(f.id, f.provenance.row) for f in facts] == [
        ("3102876590@2026-07-02", 5),
        ("H002@2026-07-01", 4),
    ]
    assert (2, "刷卡时间", "not a valid date-time: '2026/7/1 08:52:11\\x00'") in [
        (r.row, r.field, r.reason) for r in report.rejected
    ]


@pytest.mark.parametrize("declared", ["gb18030", ""])
def test_undecodable_byte_stops_with_its_line_and_byte_offset(
    folder: Folder, declared: str
) -> None:
    head = gb(LINES[:4])
    data = head + b"9,2026/7/3 08:00:00,31028\xff76541,x,y,z,w,v\r\n" + gb(LINES[4:])
    manifest = MANIFEST.format(encoding=declared or "gb18030")
    if not declared:
        manifest = manifest.replace("    encoding: gb18030\n", "")
    root = folder("bad", manifest, {"door.csv": data})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    err = info.value
    assert (err.file, err.line) == ("door.csv", 5)
    assert err.message.endswith(f"at byte {len(head) + len('9,2026/7/3 08:00:00,31028')}")
    assert "cannot decode the log as" in err.message
    assert list(Path(tempfile.gettempdir()).glob("lvyue-log-*")) == []


def test_undecodable_byte_in_a_cr_only_log_names_its_line(folder: Folder) -> None:
    head = gb(LINES[:6], "\r")
    root = folder("bad-cr", MANIFEST.format(encoding="gb18030"), {"door.csv": head + b"\x81\r"})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    assert info.value.line == 7
    assert info.value.message.endswith(f"at byte {len(head)}")


def test_undecodable_byte_in_a_big_log_checked_in_parallel(folder: Folder) -> None:
    good = [row(i, "2026/7/1 08:52:11", f"31028{i % 500:05d}") for i in range(1, 120_001)]
    head = gb([HEADER, *good])
    assert len(head) > logscan.PARALLEL_FROM  # checked in worker processes
    tail = b"120001,2026/7/1 08:52:11,3102800001,\xc4,x,y,z,w\r\n"  # a lead byte, then ','
    root = folder("bad-big", MANIFEST.format(encoding="gb18030"), {"door.csv": head + tail})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    assert info.value.line == 120_002
    offset = len(head) + len(b"120001,2026/7/1 08:52:11,3102800001,")
    assert info.value.message == (
        f"cannot decode the log as gb18030: illegal multibyte sequence at byte {offset}"
    )


def test_big_good_log_checked_in_parallel_loads(folder: Folder) -> None:
    good = [row(i, f"2026/7/{1 + i % 28} 08:52:11", "3102876541") for i in range(1, 100_001)]
    data = gb([HEADER, *good])
    assert len(data) > logscan.PARALLEL_FROM
    report, facts = load(folder, data)
    assert (report.rows, len(facts), report.rejected) == (100_000, 28, [])
    assert sum(f.entries for f in facts) == 100_000


def test_over_long_line_is_a_rejected_line_not_a_failure(folder: Folder) -> None:
    huge = row(4, "2026/7/2 08:30:00", "3102876590", name="长" * 6_000_000)  # 12 MB, 6 M chars
    lines = [*LINES[:4], huge, *LINES[5:]]
    report, facts = load(folder, gb(lines))
    assert report.rows == 7
    assert [f.id for f in facts] == ["H002@2026-07-01"]
    assert [(r.row, r.field, r.reason) for r in report.rejected] == [
        (5, None, f"line too long: {len(huge):,} characters (limit 1,048,576)"),
        *REJECTED,
    ]


def test_over_long_last_line_without_newline(folder: Folder) -> None:
    huge = "9,2026/7/3 09:00:00,3102876590," + "x" * 2_000_000
    report, facts = load(folder, gb([*LINES, huge], last=False))
    assert report.rows == 8
    assert summary(report, facts)[1] == FACTS
    assert (9, None, f"line too long: {len(huge):,} characters (limit 1,048,576)") in [
        (r.row, r.field, r.reason) for r in report.rejected
    ]


def test_utf8_log_with_cr_line_ends(folder: Folder) -> None:
    report, facts = load(folder, gb(LINES, "\r").decode("gb18030").encode("utf-8"), "utf-8")
    assert summary(report, facts) == (7, FACTS, REJECTED)


# --- the bytes read directly give what the text gives -----------------------------------------

ODD_VALUES = {
    "card": ["3102876541", " 3102876541 ", "\u30003102876541", "3102876541\u3000", "张三卡",
             "310287６５４１", "", "\u3000", '"3102876590"', "卡,号"],
    "time": ["2026/7/1 08:52:11", " 2026/7/1 08:52:11\t", "２０２６/7/1 08:52:11",
             "2026-07-01 08:52:11", "2026年7月1日 08:52", "2026/7/1\u300008:52:11", "",
             "2026/7/1 08:52:11\u3000", '"2026/7/1 08:52:11"', "坏时间"],
    "area": ["甲方办公区", "\u3000甲方办公区", "甲方办公区\u3000", " 甲方办公区\t", "乙方机房",
             '"甲方办公区"', "甲方办公"],
}  # fmt: skip


def odd_log(seed: int, n: int = 400) -> bytes:
    rnd = random.Random(seed)
    lines = [HEADER] + [row(i, f"2026/7/{i} 08:00:00", "3102876541") for i in range(1, 26)]
    for i in range(26, n):
        pick = {k: rnd.choice(v) if rnd.random() < 0.5 else v[0] for k, v in ODD_VALUES.items()}
        line = row(i, pick["time"], pick["card"], pick["area"], name=rnd.choice(["吴涛", "张三"]))
        roll = rnd.random()
        if roll < 0.03:
            line = rnd.choice(["", "  ", "\u3000", "\u3000\t", '"', "\u3000" + line, " " + line])
        elif roll < 0.06:
            line = line.rsplit(",", 1)[0]
        lines.append(line)
    return gb(lines)


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bytes_read_directly_equal_the_transcoded_text(
    folder: Folder, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    data = odd_log(seed)
    fix_ups, copies = (
        _spy(monkeypatch, logs, "_fix_up"),
        _spy(monkeypatch, logscan, "normalised_copy"),
    )
    direct = summary(*load(folder, data))
    assert (fix_ups, copies) == ([1], [])  # read as bytes, odd lines decoded in the fix-up
    monkeypatch.setattr(logs, "_raw_text", lambda *a, **k: None)
    assert summary(*load(folder, data)) == direct  # the text, from a transcoded copy
    assert copies == [1]
    assert direct[1] and direct[2]  # both facts and rejections were produced


def test_bytes_duckdb_refuses_as_latin1_fall_back_to_the_text(
    folder: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DuckDB's Latin-1 takes no byte 0x80-0x9F; GBK lead bytes 0x81-0xA0 and the
    # four-byte byte-order mark have them
    lines = [*LINES[:2], row(9, "2026/7/1 09:00:00", "\ufeff3102876541", name="堃喆"), *LINES[2:]]
    data = gb(lines)
    assert any(0x80 <= b <= 0x9F for b in data)
    copies = _spy(monkeypatch, logscan, "normalised_copy")
    report, facts = load(folder, data)
    assert copies == [1]
    assert report.rows == 8
    assert [(f.id, f.entries) for f in facts] == [FACTS[0][::2], ("H002@2026-07-01", 3)]


def test_gb18030_multibyte_characters_hold_no_byte_the_sql_splits_on() -> None:
    # every two-byte code, and a sweep of the four-byte codes: a character that decodes is
    # never made of a line end, TAB, space, quote, comma or semicolon, and decodes to
    # one character that encodes back to the same bytes (distinct bytes, distinct text)
    seqs = [bytes([a, b]) for a in range(0x81, 0xFF) for b in range(0x00, 0x100)]
    seqs += [
        bytes([a, b, c, d])
        for a in range(0x81, 0xFF, 3)
        for b in range(0x30, 0x3A)
        for c in range(0x81, 0xFF, 5)
        for d in range(0x30, 0x3A)
    ]
    seen: dict[str, bytes] = {}
    for seq in seqs:
        try:
            ch = seq.decode("gb18030")
        except UnicodeDecodeError:
            continue
        if len(ch) != 1:
            continue
        assert not set(seq) & logscan.RAW_SAFE, seq
        assert ch.encode("gb18030") == seq and seen.setdefault(ch, seq) == seq
    assert len(seen) > 20_000


def test_undecodable_byte_is_reported_before_a_missing_column(folder: Folder) -> None:
    data = gb([HEADER.replace("区域", "地区"), *LINES[1:4]]) + b"\x81\r\n"
    root = folder("bad-and-col", MANIFEST.format(encoding="gb18030"), {"door.csv": data})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    assert info.value.line == 5 and "cannot decode the log as gb18030" in info.value.message


def test_monitoring_log_in_gb18030_is_transcoded_and_checked(folder: Folder) -> None:
    manifest = (
        "files:\n  - path: mon.csv\n    type: system_day\n    derive: monitoring\n"
        "    encoding: gb18030\n    columns: {系统: system, 时间: time, 状态: status}\n"
    )
    lines = ["系统,时间,状态", "门户,2026-09-01 00:00:00,正常", "门户,2026-09-01 00:05:00,故障"]
    root = folder("mon", manifest, {"mon.csv": gb(lines)})
    ev = load_evidence(root)
    (fact,) = ev.facts["system_day"]
    assert (fact.id, fact.checks, fact.failures) == ("门户@2026-09-01", 2, 1)  # type: ignore[attr-defined]
    bad = folder("mon-bad", manifest, {"mon.csv": gb(lines) + b"\xff\r\n"})
    with pytest.raises(InputError) as info:
        load_evidence(bad)
    assert info.value.line == 4
    assert info.value.message.endswith(f"at byte {len(gb(lines))}")
    assert list(Path(tempfile.gettempdir()).glob("lvyue-log-*")) == []


def test_lines_of_a_log_read_in_many_blocks_keep_their_numbers(folder: Folder) -> None:
    """A log of several CSV buffers (DuckDB scans them in parallel): each line keeps its
    number, in the rejections and as the first line of each fact."""
    n = 420_000  # ~40 MB: more than two of the reader's buffers
    good = [row(i, f"2026/7/{1 + i % 28} 08:{i % 60:02d}:00", "3102876590") for i in range(1, n)]
    good[n // 2] = "x,y"  # line n // 2 + 2
    good[-2] = row(n - 2, "2026/7/1 08:00:00", "")  # line n - 1
    data = gb([HEADER, *good, "", row(n, "2026/8/1 09:00:00", "3102876541")])
    assert len(data) > 2 * 2 * logs._MAX_LINE_BYTES
    report, facts = load(folder, data)
    assert [(r.row, r.reason) for r in report.rejected] == [
        (n // 2 + 2, "expected 8 fields, found 2"),
        (n - 1, "missing required field"),
    ]
    first = {f.id: f.provenance.row for f in facts}
    assert first["3102876590@2026-07-02"] == 2
    assert first["3102876590@2026-07-01"] == 29
    assert first["H002@2026-08-01"] == n + 2  # after a blank line
    assert report.rows == n

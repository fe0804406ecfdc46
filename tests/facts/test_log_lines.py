"""Door logs at the byte level (issue 14): line ends, blank lines, NUL bytes, undecodable bytes,
over-long lines; fields split by DuckDB's CSV reader give exactly what the text SQL gives.

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

from lvyue.engine.errors import InputError
from lvyue.facts import logread, logscan
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


def bad_byte_log() -> tuple[bytes, int]:
    """LINES with a line 5 whose card holds a byte GB18030 does not decode; its offset."""
    head = gb(LINES[:4])
    data = head + b"9,2026/7/3 08:00:00,31028\xff76541,x,y,z,w,v\r\n" + gb(LINES[4:])
    return data, len(head) + len("9,2026/7/3 08:00:00,31028")


def test_undecodable_byte_rejects_its_line_with_the_byte_offset(folder: Folder) -> None:
    data, offset = bad_byte_log()
    report, facts = load(folder, data)
    moved = [(r + 1, f, why) for r, f, why in REJECTED]
    bad = (5, None, f"cannot decode as gb18030: illegal multibyte sequence at byte {offset}")
    assert summary(report, facts) == (8, [(i, r + (r > 4), n) for i, r, n in FACTS], [bad, *moved])


def test_undecodable_byte_of_an_undeclared_encoding_stops_with_line_and_offset(
    folder: Folder,
) -> None:
    # neither UTF-8 nor GB18030: which the log is in cannot be told, so nothing is read
    data, offset = bad_byte_log()
    manifest = MANIFEST.format(encoding="gb18030").replace("    encoding: gb18030\n", "")
    root = folder("bad", manifest, {"door.csv": data})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    err = info.value
    assert (err.file, err.line) == ("door.csv", 5)
    assert err.message.endswith(f"at byte {offset}")
    assert "cannot decode the log as" in err.message and "name it with encoding:" in err.message
    assert list(Path(tempfile.gettempdir()).glob("lvyue-log-*")) == []


def test_undecodable_byte_in_a_cr_only_log_names_its_line(folder: Folder) -> None:
    head = gb(LINES[:6], "\r")
    report, facts = load(folder, head + b"\x81\r")
    assert (
        7,
        None,
        f"cannot decode as gb18030: illegal multibyte sequence at byte {len(head)}",
    ) in [(r.row, r.field, r.reason) for r in report.rejected]
    assert report.rows == 6


def test_undecodable_byte_in_a_big_log_read_in_parallel(folder: Folder) -> None:
    good = [row(i, "2026/7/1 08:52:11", f"31028{i % 500:05d}") for i in range(1, 120_001)]
    head = gb([HEADER, *good])
    assert len(head) > logscan.PARALLEL_FROM  # read by worker processes
    tail = b"120001,2026/7/1 08:52:11,3102800001,\xc4,x,y,z,w\r\n"  # a lead byte, then ','
    after = gb([row(120_002, "2026/7/2 08:00:00", "3102876541")])
    report, facts = load(folder, head + tail + after)
    offset = len(head) + len(b"120001,2026/7/1 08:52:11,3102800001,")
    assert [(r.row, r.reason) for r in report.rejected] == [
        (120_002, f"cannot decode as gb18030: illegal multibyte sequence at byte {offset}")
    ]
    assert ("H002@2026-07-02", 120_003) in [(f.id, f.provenance.row) for f in facts]
    assert report.rows == 120_002


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


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise logread.Unread


@pytest.mark.parametrize(("seed", "n"), [(1, 400), (2, 400), (3, 400), (4, 110_000)])
def test_fields_split_by_duckdb_equal_the_text_sql(
    folder: Folder, monkeypatch: pytest.MonkeyPatch, seed: int, n: int
) -> None:
    # n = 110,000: two parts, read by two queries at once, each numbering its own rows
    data = odd_log(seed, n)
    assert (len(data) > logscan.PARALLEL_FROM) == (n > 400)
    texts = _spy(monkeypatch, logread, "read_text")
    direct = summary(*load(folder, data))
    assert texts == []  # DuckDB's CSV reader, odd lines to the text SQL
    monkeypatch.setattr(logread, "read_lines", _refuse)
    assert summary(*load(folder, data)) == direct  # every line through the text SQL
    assert texts == [1]
    assert direct[1] and direct[2]  # both facts and rejections were produced


def test_mixed_line_ends_are_read_again_thorough(
    folder: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _spy(monkeypatch, logscan, "normalise")
    crlf = summary(*load(folder, gb(LINES)))
    assert len(runs) == 1  # CRLF throughout: the quick parts are read
    ends = ["\r\n", "\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n"]
    data = "".join(line + end for line, end in zip(LINES, ends, strict=True)).encode("gb18030")
    assert summary(*load(folder, data)) == crlf
    assert len(runs) == 3  # DuckDB refused the mixture: thorough parts


def test_gbk_characters_with_bytes_0x80_0x9f_load(folder: Folder) -> None:
    # GBK lead bytes 0x81-0xA0 and the four-byte byte-order mark: nothing special now
    lines = [*LINES[:2], row(9, "2026/7/1 09:00:00", "\ufeff3102876541", name="堃喆"), *LINES[2:]]
    data = gb(lines)
    assert any(0x80 <= b <= 0x9F for b in data)
    report, facts = load(folder, data)
    assert report.rows == 8
    assert [(f.id, f.entries) for f in facts] == [FACTS[0][::2], ("H002@2026-07-01", 3)]


@pytest.mark.parametrize("encoding", sorted(logscan.ASCII_SAFE - {"ascii", "iso8859-1", "cp1252"}))
def test_multibyte_characters_hold_no_line_end_byte(encoding: str) -> None:
    # a log is cut into ranges, and resumed after a bad byte, at its \r and \n bytes: in
    # these encodings no character that decodes is made of one (every two-byte sequence,
    # and a sweep of the four-byte ones)
    seqs = [bytes([a, b]) for a in range(0x80, 0x100) for b in range(0x00, 0x100)]
    gb = encoding == "gb18030"  # four-byte codes: a digit second
    seqs += [
        bytes([a, b, c, d])
        for a in range(0x81, 0xFF, 3)
        for b in (range(0x30, 0x3A) if gb else range(0x00, 0x100, 7))
        for c in range(0x81, 0xFF, 5)
        for d in range(0x00, 0x100, 1 if gb else 11)
    ]
    decoded = 0
    for seq in seqs:
        try:
            text = seq.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(text) == 1 and not text.isascii():
            decoded += 1
            assert not set(seq) & {0x0A, 0x0D}, (encoding, seq)
    assert decoded > 1_000


def test_undecodable_byte_is_reported_before_a_missing_column(folder: Folder) -> None:
    # undeclared: the bytes decide the encoding before the header is read
    data = gb([HEADER.replace("区域", "地区"), *LINES[1:4]]) + b"\x81\r\n"
    manifest = MANIFEST.format(encoding="gb18030").replace("    encoding: gb18030\n", "")
    root = folder("bad-and-col", manifest, {"door.csv": data})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    assert info.value.line == 5 and "cannot decode the log as" in info.value.message
    # declared: the line is a rejected one, and the missing column is what stops the load
    root = folder("bad-and-col2", MANIFEST.format(encoding="gb18030"), {"door.csv": data})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    assert "区域" in info.value.message and "not found" in info.value.message


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
    (report,) = load_evidence(bad).files
    assert [(r.row, r.reason) for r in report.rejected] == [
        (4, f"cannot decode as gb18030: illegal multibyte sequence at byte {len(gb(lines))}")
    ]
    assert list(Path(tempfile.gettempdir()).glob("lvyue-log-*")) == []


def test_lines_of_a_log_read_in_many_blocks_keep_their_numbers(
    folder: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log read in two parts by two workers and by DuckDB in several buffers: each line
    keeps its number, in the rejections and as the first line of each fact, whichever way
    a line was taken out before DuckDB (quote, undecodable byte, over-long) or set aside by
    DuckDB's reader (wrong number of fields)."""
    n = 420_000  # ~40 MB: more than two of the reader's buffers, two parts
    good = [row(i, f"2026/7/{1 + i % 28} 08:{i % 60:02d}:00", "3102876590") for i in range(1, n)]
    good[1000] = row(1001, "2026/7/28 09:00:00", '"3102876590"')  # line 1002, quoted
    good[n // 2] = "x,y"  # line n // 2 + 2
    good[n // 2 + 7] = "z," * 100_000  # line n // 2 + 9: 100,001 fields
    good[n - 9] = row(n - 9, "2026/7/1 08:00:00", "\x00")  # line n - 7: made undecodable below
    good[-2] = row(n - 2, "2026/7/1 08:00:00", "")  # line n - 1
    long = row(n - 5, "2026/7/1 08:00:00", "3102876590", name="长" * 1_100_000)  # line n - 4
    good[n - 6] = long
    # in the second part, numbered from the rows of the first: a line DuckDB sets aside, then
    # a card's day of two lines, the first after it
    good[n - 100] = "a,b,c"  # line n - 98
    good[n - 50] = row(n - 50, "2026/9/3 10:00:00", "3102876599")  # line n - 48
    good[n - 20] = row(n - 20, "2026/9/3 08:00:00", "3102876599")  # line n - 18
    data = gb([HEADER, *good, "", row(n, "2026/8/1 09:00:00", "3102876541")])
    data = data.replace(b"\x00", b"\x81\x20")  # a lead byte, then a space
    assert len(data) > 2 * 2 * logread.MAX_LINE_BYTES > logscan.PARALLEL_FROM
    texts = _spy(monkeypatch, logread, "read_text")
    report, facts = load(folder, data)
    bad_at = data.index(b"\x81\x20")
    assert [(r.row, r.reason) for r in report.rejected] == [
        (n // 2 + 2, "expected 8 fields, found 2"),
        (n // 2 + 9, "expected 8 fields, found 100001"),
        (n - 98, "expected 8 fields, found 3"),
        (n - 7, f"cannot decode as gb18030: illegal multibyte sequence at byte {bad_at}"),
        (n - 4, f"line too long: {len(long):,} characters (limit 1,048,576)"),
        (n - 1, "missing required field"),
    ]
    assert texts == []  # read by DuckDB's CSV reader throughout
    first = {f.id: f.provenance.row for f in facts}
    assert first["3102876590@2026-07-02"] == 2
    assert first["3102876590@2026-07-01"] == 29
    assert first["H002@2026-08-01"] == n + 2  # after a blank line
    late = [f for f in facts if f.id == "3102876599@2026-09-03"][0]
    assert (late.provenance.row, late.entries, late.first_in) == (n - 48, 2, "08:00:00")
    # the quoted card is unquoted: line 1002 is counted with the other lines of its day
    day28 = [f for f in facts if f.id == "3102876590@2026-07-28"][0]
    assert day28.entries == 1 + sum(1 for i in range(1, n) if 1 + i % 28 == 28) - sum(
        1
        for i in (n // 2 + 1, n // 2 + 8, n - 99, n - 49, n - 19, n - 8, n - 5, n - 2)
        if 1 + i % 28 == 28
    )
    assert report.rows == n


def test_utf16_log_is_decoded_whole_then_read(folder: Folder) -> None:
    # in UTF-16 a line feed byte can be half of a character: the log is decoded whole first
    lines = [*LINES[:2], row(9, "2026/7/1 09:00:00", "3102876541", name="上官"), *LINES[2:]]
    data = "\r\n".join(lines).encode("utf-16")
    assert "上".encode("utf-16-le") == b"\x0aN"  # 上 is U+4E0A
    report, facts = load(folder, data, "utf-16")
    assert report.rows == 8
    assert [(f.id, f.entries) for f in facts] == [FACTS[0][::2], ("H002@2026-07-01", 3)]
    bad = data + b"\x00\xd8"  # an unpaired surrogate at the end: it stops the load
    root = folder("utf16-bad", MANIFEST.format(encoding="utf-16"), {"door.csv": bad})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    assert "cannot decode the log as utf-16" in info.value.message


def test_a_plan_that_may_reorder_rows_is_not_numbered_by_its_row_numbers(
    folder: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # without DuckDB's optimizer the row numbers come from a window that is not the
    # streaming one (run in order): the lines go through the text SQL, numbered in
    # order, with the same result
    expected = summary(*load(folder, gb(LINES)))
    real = logread.cursor

    def unordered(con: Any) -> Any:
        cur = real(con)
        cur.execute("PRAGMA disable_optimizer")
        return cur

    monkeypatch.setattr(logread, "cursor", unordered)
    texts = _spy(monkeypatch, logread, "read_text")
    assert summary(*load(folder, gb(LINES))) == expected
    assert texts == [1]

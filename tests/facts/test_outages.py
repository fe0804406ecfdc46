"""Per-minute probe logs become `outage` facts (derive: outages): one per run of failed minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from lvyue.engine.errors import InputError
from lvyue.facts.evidence import load_evidence
from lvyue.facts.logs import load_log
from lvyue.facts.manifest import load_manifest

HEADER = "系统,探测时间,状态,响应毫秒"
MANIFEST = """\
files:
  - path: probes.csv
    type: outage
    derive: outages
    columns: {{系统: system, 探测时间: time, 状态: status}}
    failure_values: [超时, 异常]
{extra}"""
T0 = dt.datetime(2026, 10, 1, 8, 0)


def probes(
    system: str,
    start: dt.datetime,
    minutes: int,
    failed: Iterable[int] = (),
    skip: Iterable[int] = (),
) -> list[str]:
    """One line per minute from `start` (at second 17, as a real probe lands), except `skip`."""
    bad, gone = set(failed), set(skip)
    return [
        f"{system},{start + dt.timedelta(minutes=i, seconds=17):%Y-%m-%d %H:%M:%S},"
        f"{'超时' if i in bad else '正常'},{i % 90}"
        for i in range(minutes)
        if i not in gone
    ]


def load(folder: Callable[..., Path], lines: list[str], extra: str = "", **kw: bytes):  # noqa: ANN201
    data = kw.get("data") or ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")
    root = folder("probes", MANIFEST.format(extra=extra), {"probes.csv": data})
    ev = load_evidence(root)
    (report,) = ev.files
    assert report.log is not None
    assert report.rows == report.log.aggregated + report.log.outside_location + len(report.rejected)
    spans = [
        (f.system, f.start, f.end, f.minutes)  # type: ignore[attr-defined]
        for f in ev.facts.get("outage", [])
    ]
    return ev, report, spans


def test_a_44_minute_outage_is_one_fact(folder: Callable[..., Path]) -> None:
    lines = probes("核心交换", T0, 120, failed=range(30, 74)) + probes("门户", T0, 120)
    ev, report, spans = load(folder, lines)
    start = dt.datetime(2026, 10, 1, 8, 30)
    assert spans == [("核心交换", start, dt.datetime(2026, 10, 1, 9, 14), 44)]
    (fact,) = ev.facts["outage"]
    assert fact.id == "核心交换@2026-10-01T08:30"
    assert fact.core is True  # the type's default
    # the first failed probe is data line 31 (line 32 of the file); 44 lines aggregated
    assert (fact.provenance.row, fact.provenance.derived_from) == (32, 44)
    assert (report.rows, report.log.aggregated, report.facts, report.rejected) == (240, 240, 1, [])


def test_an_up_minute_splits_two_runs(folder: Callable[..., Path]) -> None:
    lines = probes("核心交换", T0, 60, failed=[*range(10, 15), *range(16, 20)])
    _, _, spans = load(folder, lines)
    assert [(s.minute, e.minute, m) for _, s, e, m in spans] == [(10, 15, 5), (16, 20, 4)]


def test_a_run_across_midnight_and_month_end_stays_one(folder: Callable[..., Path]) -> None:
    start = dt.datetime(2026, 10, 31, 23, 0)
    lines = probes("出口路由", start, 120, failed=range(50, 70))  # 23:50 .. 00:10
    _, report, spans = load(folder, lines)
    assert spans == [
        ("出口路由", dt.datetime(2026, 10, 31, 23, 50), dt.datetime(2026, 11, 1, 0, 10), 20)
    ]
    assert report.date_range == (dt.date(2026, 10, 31), dt.date(2026, 11, 1))


def test_a_bad_line_is_rejected_with_its_line_and_counted(folder: Callable[..., Path]) -> None:
    lines = probes("核心交换", T0, 10, failed=[4])
    lines[2] = "核心交换,2026-10-01 25:00:00,正常,1"  # line 4 of the file: no such hour
    lines[6] = "核心交换,2026-10-01 08:06:17,正常"  # line 8: a field short
    lines.insert(8, "   ")  # blank: neither a row nor a rejection
    lines.insert(9, ",2026-10-01 08:08:30,正常,1")  # line 11: no system
    _, report, spans = load(folder, lines)
    assert [(r.row, r.field, r.reason) for r in report.rejected] == [
        (4, "探测时间", "not a valid date-time: '2026-10-01 25:00:00'"),
        (8, None, "expected 4 fields, found 3"),
        (11, "系统", "missing required field"),
    ]
    assert (report.rows, report.log.aggregated, len(report.rejected)) == (11, 8, 3)
    # the rejected minutes 2 and 6 are missing probes: failures by default
    assert [(s.minute, e.minute, m) for _, s, e, m in spans] == [(2, 3, 1), (4, 5, 1), (6, 7, 1)]


def test_gb18030_with_crlf_and_full_width_digits(folder: Callable[..., Path]) -> None:
    lines = probes("政务外网核心交换机", T0, 30, failed=range(5, 9))
    lines[6] = lines[6].replace("2026-10-01", "２０２６-１０-０１")  # a failed minute, typed so
    data = ("\r\n".join([HEADER, *lines]) + "\r\n").encode("gb18030")
    _, report, spans = load(folder, [], data=data)
    assert report.encoding == "gb18030" and report.rejected == []
    assert spans == [
        ("政务外网核心交换机", dt.datetime(2026, 10, 1, 8, 5), dt.datetime(2026, 10, 1, 8, 9), 4)
    ]


def test_missing_minutes_count_as_failure_by_default(folder: Callable[..., Path]) -> None:
    # minutes 20-24 have no probe; 40-41 failed, 42 missing, 43 failed
    lines = probes("核心交换", T0, 60, failed=[40, 41, 43], skip=[*range(20, 25), 42])
    ev, report, spans = load(folder, lines)
    assert [(s.minute, e.minute, m) for _, s, e, m in spans] == [(20, 25, 5), (40, 44, 4)]
    gap = ev.facts["outage"][0]
    assert (gap.provenance.row, gap.provenance.derived_from) == (None, 0)  # no line: an absence
    assert ev.facts["outage"][1].provenance.derived_from == 3


def test_missing_minutes_ignored_when_asked(folder: Callable[..., Path]) -> None:
    lines = probes("核心交换", T0, 60, failed=[40, 41, 43], skip=[*range(20, 25), 42])
    _, _, spans = load(folder, lines, "    missing_minutes: ignore\n")
    # the gap alone is no outage; the gap inside the run joins it but is not counted
    assert [(s.minute, e.minute, m) for _, s, e, m in spans] == [(40, 44, 3)]


def test_coverage_tells_no_data_from_up(folder: Callable[..., Path]) -> None:
    lines = probes("核心交换", T0, 90, failed=range(60, 62), skip=[70]) + probes(
        "门户", T0 + dt.timedelta(hours=1), 30
    )
    root = folder(
        "cov", MANIFEST.format(extra=""), {"probes.csv": "\n".join([HEADER, *lines]).encode()}
    )
    entry = load_manifest(root).files[0]
    result = load_log(root / "probes.csv", entry, "0" * 64)
    got = {c.system: c for c in result.coverage}
    core = got["核心交换"]
    assert (core.first, core.last) == (T0, T0 + dt.timedelta(minutes=89))
    assert (core.probes, core.failed, core.missing, core.outage_minutes) == (89, 2, 1, 3)
    portal = got["门户"]
    assert (portal.first, portal.probes, portal.missing, portal.outage_minutes) == (
        T0 + dt.timedelta(hours=1),
        30,
        0,
        0,
    )


def test_systems_filter_and_core_flags(folder: Callable[..., Path]) -> None:
    lines = (
        probes("核心交换", T0, 30, failed=[3])
        + probes("ＯＡ系统", T0, 30, failed=[5])  # full-width letters: the same as OA系统
        + probes("测试环境", T0, 30, failed=[7])
    )
    extra = (
        "    systems: [核心交换, OA系统]\n"
        "    values:\n"
        "      system: {OA系统: 办公系统}\n"
        "      core: {核心交换: 是}\n"
        "    defaults: {core: false}\n"
    )
    ev, report, spans = load(folder, lines, extra)
    assert [s[0] for s in spans] == ["办公系统", "核心交换"]
    assert [f.core for f in ev.facts["outage"]] == [False, True]  # type: ignore[attr-defined]
    assert (report.log.aggregated, report.log.outside_location) == (60, 30)


def test_fixed_core_wins(folder: Callable[..., Path]) -> None:
    lines = probes("核心交换", T0, 10, failed=[3])
    ev, _, _ = load(
        folder, lines, "    values: {core: {核心交换: true}}\n    fixed: {core: false}\n"
    )
    assert [f.core for f in ev.facts["outage"]] == [False]  # type: ignore[attr-defined]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_an_undecodable_byte_stops_with_line_and_offset(
    folder: Callable[..., Path], encoding: str
) -> None:
    head = ("\n".join([HEADER, *probes("核心交换", T0, 3)]) + "\n").encode(encoding)
    data = head + b"\x81\x20,2026-10-01 08:03:00,ok,1\n"  # \x81 starts no character here
    with pytest.raises(InputError) as info:
        load(folder, [], data=data)
    err = info.value
    assert (err.file, err.line) == ("probes.csv", 5)
    assert (
        f"cannot decode the log as {encoding.upper() if encoding == 'utf-8' else encoding}"
        in err.message
    )
    assert err.message.endswith(f"at byte {len(head)}")


@pytest.mark.parametrize(
    "extra, line, field, words",
    [
        ("", 5, "columns", "'sytem' is not a field of a outages log (did you mean `system`?)"),
        ("    location: [机房]\n", None, None, "location: only for derive: access_log"),
    ],
)
def test_manifest_mistakes_name_their_line(
    folder: Callable[..., Path], extra: str, line: int | None, field: str | None, words: str
) -> None:
    manifest = MANIFEST.format(extra=extra)
    if not extra:
        manifest = manifest.replace("系统: system", "系统: sytem")
    root = folder("bad", manifest, {"probes.csv": HEADER.encode()})
    with pytest.raises(InputError) as info:
        load_evidence(root)
    err = info.value
    assert err.file == "evidence.yaml" and words in err.message
    if line is not None:
        assert (err.line, err.field) == (line, field)


def test_systems_is_only_for_outages(folder: Callable[..., Path]) -> None:
    manifest = """\
files:
  - path: m.csv
    type: system_day
    derive: monitoring
    systems: [核心交换]
"""
    with pytest.raises(InputError) as info:
        load_evidence(folder("sys", manifest, {"m.csv": HEADER.encode()}))
    err = info.value
    assert (err.file, err.line) == ("evidence.yaml", 2)  # the file's entry
    assert "systems: and missing_minutes: only for derive: outages" in err.message


def test_a_missing_status_column_is_fatal(folder: Callable[..., Path]) -> None:
    data = "系统,探测时间\n核心交换,2026-10-01 08:00:00\n".encode()
    with pytest.raises(InputError) as info:
        load(folder, [], data=data)
    assert (info.value.file, info.value.field) == ("probes.csv", "status")
    assert "column '状态' not found" in info.value.message


def test_a_big_log_read_in_two_parts_keeps_every_line_number(folder: Callable[..., Path]) -> None:
    # over 8 MB: two parts, each read by a DuckDB query of its own numbering its rows; the
    # second part's lines are numbered after the first's (line i of `lines` is line i + 2)
    n = 220_000
    lines = probes("核心交换", T0, n, failed=range(200_000, 200_030))
    lines[150_000] = "核心交换,2026-10-01 08:00:17,正常"  # a field short, in the second part
    data = ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")
    assert len(data) > 8 << 20
    ev, report, spans = load(folder, lines, data=data)
    assert [(r.row, r.reason) for r in report.rejected] == [(150_002, "expected 4 fields, found 3")]
    late = [f for f in ev.facts["outage"] if f.start == T0 + dt.timedelta(minutes=200_000)]
    assert [(f.provenance.row, f.provenance.derived_from, f.minutes) for f in late] == [
        (200_002, 30, 30)
    ]
    # the rejected line's minute is a missing probe: a one-minute failure of its own
    assert (T0 + dt.timedelta(minutes=150_000), 1) in [(s, m) for _, s, _, m in spans]
    assert (report.rows, report.log.aggregated) == (n, n - 1)

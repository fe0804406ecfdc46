"""Benchmark: a year of per-minute probes for 50 systems (26 M lines) turned into outage spans.

Generates the log once in a temporary folder (UTF-8 by default, as monitoring
platforms export; `--encoding gb18030` for a GBK-family export, which lvyue
transcodes first), then, each in its own child process so peak memory is that
run's alone:
  lvyue     load_evidence() with `derive: outages`: DuckDB classifies every line
            (keeping line numbers for rejections), gaps-and-islands per system
  bare      one DuckDB query a data engineer would write on the same file (a GB18030
            file transcoded to UTF-8 first, timed): read_csv,
            minute per system, missing minutes filled in, `minute - row_number()`
and prints seconds, lines/s and peak RSS (the child's VmHWM: DuckDB's C++ memory
included) of each, the ratio, and checks that both give the same outage spans
(missing minutes count as failure in both). Deterministic: the failure runs,
missing probes and bad lines come from a seeded generator.

    .venv/bin/python bench/bench_availability.py [--quick] [--encoding utf-8|gb18030]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
START = "2026-01-01 00:00:00"
FAILED = ["超时", "异常"]
MANIFEST = """\
audit: benchmark
files:
  - path: probes.csv
    type: outage
    derive: outages
    encoding: {encoding}
    columns: {{系统: system, 探测时间: time, 状态: status}}
    failure_values: [超时, 异常]
"""


def generate(folder: Path, systems: int, days: int, encoding: str) -> dict[str, int]:
    """The platform's export: one line per system per minute, in time order, with a few
    thousand failure runs (1-120 min), a few hundred lost probes and a few garbled lines."""
    rnd = random.Random(20270101)
    minutes = days * 1440
    runs = [
        (rnd.randrange(systems), rnd.randrange(minutes), rnd.randint(1, 120))
        for _ in range(3000 * days // 365 + 20)
    ]
    lost = [
        (rnd.randrange(systems), rnd.randrange(minutes), rnd.randint(1, 5))
        for _ in range(400 * days // 365 + 10)
    ]
    garbled = sorted({(rnd.randrange(systems), rnd.randrange(minutes)) for _ in range(30)})
    con = duckdb.connect()
    con.execute("CREATE TABLE runs (s INTEGER, m INTEGER, n INTEGER)")
    con.executemany("INSERT INTO runs VALUES (?, ?, ?)", runs)
    con.execute("CREATE TABLE lost (s INTEGER, m INTEGER, n INTEGER)")
    con.executemany("INSERT INTO lost VALUES (?, ?, ?)", lost)
    con.execute("CREATE TABLE garbled (s INTEGER, m INTEGER)")
    con.executemany("INSERT INTO garbled VALUES (?, ?)", garbled)
    out = folder / ("probes.utf8.csv" if encoding != "utf-8" else "probes.csv")
    con.execute(
        f"""
        COPY (
            SELECT '政务外网-' || lpad(p.s::VARCHAR, 2, '0') || '号系统' AS 系统,
                CASE WHEN g.s IS NOT NULL THEN '2026-13-01 00:00:00'
                     ELSE strftime(TIMESTAMP '{START}' + to_minutes(p.m) + to_seconds((p.s * 7) % 60),
                                   '%Y-%m-%d %H:%M:%S') END AS 探测时间,
                CASE WHEN f.s IS NOT NULL THEN CASE WHEN p.m % 2 = 0 THEN '超时' ELSE '异常' END
                     ELSE '正常' END AS 状态,
                ((p.s::BIGINT * 7919 + p.m::BIGINT * 104729) % 800)::INTEGER AS 响应毫秒
            FROM (SELECT a.m::INTEGER AS m, b.s::INTEGER AS s FROM range({minutes}) a(m), range({systems}) b(s)) p
            LEFT JOIN (SELECT DISTINCT s, m + i::INTEGER AS m FROM runs, range(n) r(i)) f USING (s, m)
            LEFT JOIN garbled g USING (s, m)
            ANTI JOIN (SELECT DISTINCT s, m + i::INTEGER AS m FROM lost, range(n) r(i)) x USING (s, m)
            ORDER BY p.m, p.s
        ) TO '{out}' (HEADER, DELIMITER ',')
        """
    )
    lines = con.execute(
        f"SELECT count(*) FROM read_csv('{out}', header = true, all_varchar = true)"
    ).fetchone()
    con.close()
    if encoding != "utf-8":
        with (
            out.open(encoding="utf-8") as src,
            (folder / "probes.csv").open("w", encoding=encoding) as dst,
        ):
            while chunk := src.read(1 << 22):
                dst.write(chunk)
        out.unlink()
    (folder / "evidence.yaml").write_text(MANIFEST.format(encoding=encoding), encoding="utf-8")
    return {"lines": int(lines[0]) if lines else 0, "runs": len(runs), "garbled": len(garbled)}


def run_lvyue(folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from lvyue.facts.evidence import load_evidence

    rss_before = _maxrss_mb()
    t0 = time.perf_counter()
    ev = load_evidence(folder)
    seconds = time.perf_counter() - t0
    report = ev.files[0]
    spans = [
        [f.system, _minute(f.start), _minute(f.end), f.minutes]  # type: ignore[attr-defined]
        for f in ev.facts.get("outage", [])
    ]
    return {
        "seconds": seconds,
        "lines": report.rows,
        "rejected": len(report.rejected),
        "rss_before_mb": rss_before,
        "rss_peak_mb": _maxrss_mb(),
        "spans": sorted(spans),
    }


BARE_SQL = """
WITH p AS (
    SELECT 系统 AS system, try_strptime(探测时间, '%Y-%m-%d %H:%M:%S') AS ts, 状态 IN ('超时', '异常') AS failed
    FROM read_csv('{file}', header = true, delim = ',', quote = '"',
                  columns = {{'系统': 'VARCHAR', '探测时间': 'VARCHAR', '状态': 'VARCHAR', '响应毫秒': 'VARCHAR'}})
),
m AS (  -- one row per system and minute
    SELECT system, (epoch(ts)::BIGINT // 60) AS minute, bool_or(failed) AS failed
    FROM p WHERE ts IS NOT NULL GROUP BY ALL
),
w AS (SELECT *, lag(minute) OVER (PARTITION BY system ORDER BY minute) AS prev FROM m),
down AS (  -- minutes not shown up: a failed probe, or no probe between two probes
    SELECT system, minute FROM w WHERE failed
    UNION ALL
    SELECT system, unnest(range(prev + 1, minute)) FROM w WHERE minute > prev + 1
),
islands AS (
    SELECT system, minute, minute - row_number() OVER (PARTITION BY system ORDER BY minute) AS grp
    FROM down
)
SELECT system, min(minute), max(minute) + 1, count(*) FROM islands GROUP BY system, grp
"""


def run_bare(folder: Path, encoding: str) -> dict:
    """The bare query; a GB18030 file is first transcoded to UTF-8 (DuckDB's reader needs an
    extension for it, which lvyue never downloads), and that step is timed too."""
    rss_before = _maxrss_mb()
    t0 = time.perf_counter()
    source = folder / "probes.csv"
    if encoding != "utf-8":
        source = folder / "bare.utf8.csv"
        with (
            (folder / "probes.csv").open(encoding=encoding, newline="") as src,
            source.open("w", encoding="utf-8", newline="") as dst,
        ):
            while chunk := src.read(1 << 22):
                dst.write(chunk)
    con = duckdb.connect()
    rows = con.execute(BARE_SQL.format(file=source)).fetchall()
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "rss_before_mb": rss_before,
        "rss_peak_mb": _maxrss_mb(),
        "spans": sorted([s, int(a), int(b), int(n)] for s, a, b, n in rows),
    }


def _minute(t: object) -> int:
    """Minutes since 1970-01-01 (local time, as the log writes it), as the bare query counts."""
    assert isinstance(t, dt.datetime)
    return int((t - dt.datetime(1970, 1, 1)).total_seconds()) // 60


def _maxrss_mb() -> float:
    """Peak RSS of this process: VmHWM (Linux; ru_maxrss would include the parent's memory
    at fork, which exec keeps), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def _child(which: str, folder: Path, encoding: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, str(folder), "--encoding", encoding],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--systems", type=int, default=50)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--quick", action="store_true", help="10x smaller: 50 systems x 36.5 days")
    ap.add_argument("--encoding", choices=["utf-8", "gb18030"], default="utf-8")
    ap.add_argument("--child", nargs=2, metavar=("WHICH", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        which, folder = args.child
        result = (
            run_lvyue(Path(folder)) if which == "lvyue" else run_bare(Path(folder), args.encoding)
        )
        print(json.dumps(result))
        return
    days = args.days // 10 if args.quick else args.days
    with tempfile.TemporaryDirectory(prefix="lvyue-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        made = generate(folder, args.systems, days, args.encoding)
        size = (folder / "probes.csv").stat().st_size / 2**20
        print(
            f"generated {made['lines']:,} lines ({args.systems} systems x {days} days, "
            f"{args.encoding}, {size:,.0f} MiB; {made['runs']:,} failure runs, "
            f"{made['garbled']} garbled lines) in {time.perf_counter() - t0:.1f}s"
        )
        results = {
            "lvyue (derive: outages)": _child("lvyue", folder, args.encoding),
            "bare DuckDB query": _child("bare", folder, args.encoding),
        }
    print(
        f"{'':24} {'seconds':>8} {'lines/s':>12} {'RSS peak MB':>12} {'(imports)':>10} {'outages':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:24} {r['seconds']:>8.2f} {made['lines'] / r['seconds']:>12,.0f} "
            f"{r['rss_peak_mb']:>12,.0f} {r['rss_before_mb']:>10,.0f} {len(r['spans']):>8,}"
        )
    a, b = results.values()
    print(
        f"lvyue / bare: time {a['seconds'] / b['seconds']:.2f}x, "
        f"peak RSS {a['rss_peak_mb'] / b['rss_peak_mb']:.2f}x"
    )
    print(f"lvyue accounting: {a['lines']:,} lines read, {a['rejected']} rejected")
    if a["spans"] != b["spans"]:
        extra = [s for s in a["spans"] if s not in b["spans"]][:3]
        missing = [s for s in b["spans"] if s not in a["spans"]][:3]
        sys.exit(f"MISMATCH: lvyue only {extra}, bare only {missing}")
    minutes = sum(s[3] for s in a["spans"])
    print(f"same outage spans: {len(a['spans']):,} spans, {minutes:,} outage minutes")


if __name__ == "__main__":
    main()

"""Benchmark: a 1,000,000-line door-access log aggregated into onsite_day facts.

Generates the log in a temporary folder, then, each in its own child process
(so peak memory is that run's alone):
  lvyue     load_evidence(): DuckDB reads and aggregates, Python sees only daily rows
  baseline  the same aggregation with the csv module, line by line in Python
and prints lines/s, seconds, and peak memory as the child's maxrss (getrusage;
it includes DuckDB's own C++ memory, which tracemalloc cannot see, and
tracemalloc would slow the Python baseline several-fold), next to the RSS
after imports, and the speed ratio. Both must produce the same daily facts.
`--engineers 400 --others 0` is a stress case: ~145,000 derived facts, where
building the pydantic facts dominates.

    .venv/bin/python bench/bench_access_log.py [--lines 1000000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCATION = "甲方机房"
MANIFEST = f"""\
audit: benchmark
files:
  - path: access.csv
    type: onsite_day
    derive: access_log
    columns: {{卡号: person_id, 刷卡时间: time, 门禁点: location}}
    location: {LOCATION}
"""
FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S")
ENGINEER_DOORS = [LOCATION] * 4 + ["乙方办公区"]
OTHER_DOORS = ["甲方大厅", "甲方办公区", "地下车库", "食堂"]


def generate(folder: Path, lines: int, engineers: int, others: int, days: int = 365) -> None:
    """A whole building's door-access export for a year: Party B's on-site engineers swipe
    at Party A's machine room (and elsewhere); everybody else at other doors."""
    rnd = random.Random(20260701)
    start = dt.datetime(2026, 7, 1)
    (folder / "evidence.yaml").write_text(MANIFEST, encoding="utf-8")
    with (folder / "access.csv").open("w", encoding="utf-8", newline="") as f:
        f.write("卡号,刷卡时间,门禁点,方向\n")
        chunk: list[str] = []
        for i in range(lines):
            t = start + dt.timedelta(seconds=rnd.randrange(days * 86400))
            if rnd.random() < 0.4:
                card, door = f"B-{rnd.randrange(engineers):03d}", rnd.choice(ENGINEER_DOORS)
            else:
                card, door = f"C-{rnd.randrange(others):05d}", rnd.choice(OTHER_DOORS)
            chunk.append(f"{card},{t:%Y-%m-%d %H:%M:%S},{door},{'进' if i % 2 else '出'}\n")
            if len(chunk) == 50_000:
                f.writelines(chunk)
                chunk.clear()
        f.writelines(chunk)


def run_lvyue(folder: Path) -> dict[str, float | int]:
    sys.path.insert(0, str(ROOT))
    from lvyue.facts.evidence import load_evidence

    rss_before = _maxrss_mb()
    t0 = time.perf_counter()
    ev = load_evidence(folder)
    seconds = time.perf_counter() - t0
    report = ev.files[0]
    return {
        "seconds": seconds,
        "lines": report.rows,
        "facts": report.facts,
        "rejected": len(report.rejected),
        "rss_before_mb": rss_before,
        "rss_peak_mb": _maxrss_mb(),
    }


def run_baseline(folder: Path) -> dict[str, float | int]:
    """What one would write without a columnar engine: csv.reader and a dict per day."""
    rss_before = _maxrss_mb()
    t0 = time.perf_counter()
    days: dict[tuple[str, dt.date], list] = {}
    lines = rejected = 0
    with (folder / "access.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            if not row:
                continue
            lines += 1
            if len(row) != 4 or not row[0].strip():
                rejected += 1
                continue
            ts = _parse(row[1].strip())
            if ts is None:
                rejected += 1
                continue
            if row[2].strip() != LOCATION:
                continue
            key = (row[0].strip(), ts.date())
            agg = days.get(key)
            if agg is None:
                days[key] = [ts, ts, 1]
            else:
                agg[0] = min(agg[0], ts)
                agg[1] = max(agg[1], ts)
                agg[2] += 1
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "lines": lines,
        "facts": len(days),
        "rejected": rejected,
        "rss_before_mb": rss_before,
        "rss_peak_mb": _maxrss_mb(),
    }


def _parse(s: str) -> dt.datetime | None:
    for fmt in FORMATS:
        try:
            return dt.datetime.strptime(s, fmt)
        except ValueError:
            pass
    return None


def _maxrss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def _child(which: str, folder: Path) -> dict[str, float | int]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--engineers", type=int, default=30, help="cards swiping at Party A's room")
    ap.add_argument("--others", type=int, default=2000, help="other card holders")
    ap.add_argument("--child", nargs=2, metavar=("WHICH", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        which, folder = args.child
        fn = run_lvyue if which == "lvyue" else run_baseline
        print(json.dumps(fn(Path(folder))))
        return
    with tempfile.TemporaryDirectory(prefix="lvyue-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate(folder, args.lines, args.engineers, args.others)
        size = (folder / "access.csv").stat().st_size / 2**20
        print(f"generated {args.lines:,} lines ({size:.1f} MiB) in {time.perf_counter() - t0:.1f}s")
        results = {"lvyue (DuckDB)": _child("lvyue", folder), "csv module": _child("csv", folder)}
    print(
        f"{'':16} {'lines/s':>12} {'seconds':>8} {'RSS peak MB':>12} {'(imports)':>10} {'facts':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:16} {r['lines'] / r['seconds']:>12,.0f} {r['seconds']:>8.2f} "
            f"{r['rss_peak_mb']:>12.0f} {r['rss_before_mb']:>10.0f} {r['facts']:>8,}"
        )
    a, b = results.values()
    print(f"speed ratio lvyue / csv module: {b['seconds'] / a['seconds']:.1f}x")
    if (a["lines"], a["facts"], a["rejected"]) != (b["lines"], b["facts"], b["rejected"]):
        sys.exit(f"MISMATCH: {a} vs {b}")
    print(f"same result: {a['lines']:,} lines -> {a['facts']:,} onsite_day facts")


if __name__ == "__main__":
    main()

"""Benchmark: a GB18030 door-access log of 1 M and 10 M rows, `lvyue check` against bare tools.

Generates a log in exactly the Hebi example's format (GB18030, CRLF, 8 columns
序号,刷卡时间,卡号,姓名,单位,区域,门禁点,进出方向, times like `2026/7/1 08:52:11`,
600 cards, six doors in four areas, the second half of 2026), puts it in a copy
of examples/hebi-2026h2 in place of the example's 门禁记录.csv (the pack's
manifest maps it: 卡号 -> person_id, 刷卡时间 -> time, 区域 -> location, only
甲方办公区 counts), and prints side by side, measured in the same run, each as
its own child process (wall time and peak RSS from /usr/bin/time -v when
present, else getrusage of the child):

  lvyue check      marginal: check on the folder with the big log minus check on the
                   example folder itself (start-up, the other evidence, rules, report)
  iconv + DuckDB   iconv to UTF-8, then a bare DuckDB per person-day aggregation
  Python + DuckDB  Python's codec transcodes to UTF-8, then the same aggregation
  DuckDB Latin-1   DuckDB on the GB18030 bytes as Latin-1 (no transcoding, no checks)
  pandas           a pandas script (skipped with a message when pandas is not
                   installed: it is a benchmark-only dependency, not lvyue's)
  ingest           lvyue's first stage alone: its worker processes decode and
                   check the log into UTF-8 parts (MB/s; issue 14 asks >= 300)

with the ratio to iconv + DuckDB ("bare") and MB/s of log, the person-day
count each found (lvyue's onsite_day facts must equal the bare count), and the
targets of issue 14: 10 M marginal <= 1.5x bare, peak RSS <= 1 GiB, 1 M -> 10 M
<= 11x time. Timings on a shared machine are noisy (this 2-core VM's speed
drifts by 20-50 % between minutes): lvyue and the bare baseline are measured in
`--repeat` interleaved rounds (default 3), each round's ratio within the round,
and the median round is shown.

    .venv/bin/python bench/bench_door_log.py                 # 1 M and 10 M rows
    .venv/bin/python bench/bench_door_log.py --rows 1000000  # one size
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hebi-2026h2"
PACK = ROOT / "rules" / "hebi-shuguang-2026"
LOG = "门禁记录.csv"
AREA = "甲方办公区"
HEADER = "序号,刷卡时间,卡号,姓名,单位,区域,门禁点,进出方向"
UNITS = ["市行政审批和政务信息管理局", "鹤壁城市云计算有限公司", "鹤壁城市云计算有限公司（驻场）"]
DOORS = [
    ("甲方办公区", "3F东门"),
    ("甲方办公区", "3F西门"),
    ("甲方办公区", "1F大厅闸机"),
    ("乙方机房", "机房1F门禁"),
    ("甲方机房", "机房2F门禁"),
    ("地下车库", "车库闸机"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "思远", "宇", "丽华", "野"]  # fmt: skip
MAPPED = ["3102876541", "3102876590", "3102877013"]  # the example manifest's values: person_id


def generate(path: Path, rows: int, cards: int = 600, seed: int = 20260701) -> None:
    """A door-access export for 2026-07-01..12-31: swipes through the day, sorted by time."""
    rnd = random.Random(seed)
    people: list[tuple[bytes, list[int]]] = []
    for i in range(cards):
        unit = rnd.randrange(3)
        if i < len(MAPPED):
            card = MAPPED[i]
        else:
            card = f"{'00172' if unit == 0 else '31028'}{rnd.randrange(10**5):05d}"
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
        doors = [0, 1, 2] if unit != 1 else [3, 4, 0]
        people.append(((f",{card},{name},{UNITS[unit]},").encode("gb18030"), doors))
    door_bytes = [f"{a},{d},".encode("gb18030") for a, d in DOORS]
    ways = ["进".encode("gb18030"), "出".encode("gb18030")]
    start, days = dt.date(2026, 7, 1), 184
    seq = 0
    with path.open("wb") as f:
        f.write((HEADER + "\r\n").encode("gb18030"))
        for d in range(days):
            day = start + dt.timedelta(days=d)
            n = rows // days + (1 if d < rows % days else 0)
            seconds = sorted(int(rnd.gauss(13 * 3600, 3.2 * 3600)) % 86400 for _ in range(n))
            prefix = f"{day.year}/{day.month}/{day.day} ".encode()
            stamps: dict[int, bytes] = {}
            out = []
            for s in seconds:
                seq += 1
                person, doors = people[rnd.randrange(cards)]
                door = door_bytes[doors[0] if rnd.random() < 0.7 else rnd.choice(doors)]
                stamp = stamps.get(s)
                if stamp is None:
                    stamp = stamps[s] = b"%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
                out.append(b"%d,%s%s%s%s%s\r\n" % (seq, prefix, stamp, person, door, ways[seq & 1]))
            f.write(b"".join(out))


# --- the contenders, each run as a child process -------------------------------------------

AGGREGATE = """
SELECT count(*) FROM (
    SELECT 卡号, CAST(t AS DATE) AS day, min(t), max(t), count(*)
    FROM (SELECT 卡号, strptime(刷卡时间, '%Y/%m/%d %H:%M:%S') AS t, 区域
          FROM read_csv({src}, header = true, delim = ',', quote = '"', all_varchar = true
                        {extra}))
    WHERE 区域 = {area}
    GROUP BY ALL)
"""


def child_duckdb(log: str, latin1: str) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    area = AREA.encode("gb18030").decode("latin-1") if latin1 == "1" else AREA
    sql = AGGREGATE.format(
        src=_q(log), extra=", encoding = 'latin-1'" if latin1 == "1" else "", area=_q(area)
    )
    if latin1 == "1":  # the header is GB18030 too: name the columns by position
        sql = sql.replace("header = true", "header = true, names = ['n', '刷卡时间', '卡号', "
                          "'姓名', '单位', '区域', '门禁点', '方向']")  # fmt: skip
    (count,) = con.execute(sql).fetchone() or (0,)
    print(json.dumps({"days": count}))


def child_python_transcode(log: str, out: str) -> None:
    with open(log, "rb") as src, open(out, "w", encoding="utf-8") as dst:
        dec = __import__("codecs").getincrementaldecoder("gb18030")()
        while chunk := src.read(1 << 20):
            dst.write(dec.decode(chunk))
        dst.write(dec.decode(b"", final=True))
    child_duckdb(out, "0")


def child_pandas(log: str) -> None:
    import pandas as pd

    days: set[tuple[str, object]] = set()
    for df in pd.read_csv(log, encoding="gb18030", dtype=str, chunksize=2_000_000):
        df = df[df["区域"] == AREA]
        t = pd.to_datetime(df["刷卡时间"], format="%Y/%m/%d %H:%M:%S")
        g = df.assign(day=t.dt.date, t=t).groupby(["卡号", "day"])["t"].agg(["min", "max", "count"])
        days.update(g.index)
    print(json.dumps({"days": len(days)}))


def child_ingest(log: str, out: str) -> None:
    """lvyue's first stage alone: the log decoded, checked and cut into UTF-8 parts by its
    worker processes (facts/logscan.py, as `lvyue check` runs it, iconv check included)."""
    from lvyue.facts import logscan

    t0 = time.perf_counter()
    norm = logscan.normalise(Path(log), "gb18030", Path(out))
    wall = time.perf_counter() - t0
    print(json.dumps({"wall": wall, "parts": len(norm.parts), "lines": norm.lines}))


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def measure(argv: list[str], env: dict[str, str] | None = None) -> dict[str, float | str]:
    """Wall seconds and peak RSS (MB) of one command, and its last stdout line."""
    time_v = Path("/usr/bin/time")
    cmd = [str(time_v), "-v", *argv] if time_v.exists() else argv
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # lvyue check: 1 = findings need action
        sys.exit(f"FAILED: {' '.join(argv)}\n{proc.stderr[-2000:]}")
    if time_v.exists():
        kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])  # type: ignore[index]
    else:
        kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = proc.stdout.strip().splitlines()
    return {"wall": wall, "rss": kb / 1024, "out": lines[-1] if lines else ""}


def lvyue_check(folder: Path, out: Path) -> tuple[dict[str, float | str], dict]:
    # this tree's CLI module (not the installed `lvyue` script, which runs the installed tree)
    argv = [sys.executable, "-m", "lvyue.engine.cli.main", "check", str(folder), "--pack", str(PACK),
            "--half", "2026H2", "--format", "json", "-o", str(out)]  # fmt: skip
    m = measure(argv, _tree_env())
    data = json.loads(out.read_text(encoding="utf-8"))
    (entry,) = [e for e in data["manifest"] if e["file"] == LOG]
    return m, entry


def _tree_env() -> dict[str, str]:
    """This tree's lvyue first on the path."""
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def run_size(rows: int, tmp: Path, repeat: int) -> dict[str, object]:
    folder = tmp / f"evidence-{rows}"
    shutil.copytree(EXAMPLE, folder)
    log = folder / LOG
    t0 = time.perf_counter()
    generate(log, rows)
    mb = log.stat().st_size / 1e6
    print(f"\n{rows:,} rows: {mb:,.0f} MB generated in {time.perf_counter() - t0:.0f}s", flush=True)
    me = sys.executable
    utf8 = tmp / "log.utf8.csv"
    # lvyue (example folder, big folder) and the bare baseline, interleaved `repeat` times:
    # this machine's speed drifts by minutes, so each round's ratio is compared in the round
    rounds = []
    for _ in range(repeat):
        small, _ = lvyue_check(EXAMPLE, tmp / "small.json")
        big, entry = lvyue_check(folder, tmp / "check.json")
        iconv = measure(["sh", "-c", f"iconv -f GB18030 -t UTF-8 {_shq(log)} > {_shq(utf8)}"])
        duck = measure([me, __file__, "--child", "duckdb", str(utf8), "0"])
        utf8.unlink()
        marginal = float(big["wall"]) - float(small["wall"])
        bare = float(iconv["wall"]) + float(duck["wall"])
        rounds.append((marginal / bare, marginal, bare, small, big, iconv, duck))
    rounds.sort(key=lambda r: r[0])
    _, marginal, bare, small, big, iconv, duck = rounds[len(rounds) // 2]  # the median round
    if repeat > 1:
        print("  rounds, marginal / bare: " + ", ".join(
            f"{r[1]:.2f}s / {r[2]:.2f}s = {r[0]:.2f}" for r in rounds) + " (median below)")  # fmt: skip
    ingest = []  # lvyue's decode stage alone, in a process of its own, `repeat` times
    for _ in range(repeat):
        parts = tmp / "ingest"
        parts.mkdir()
        m = measure([me, __file__, "--child", "ingest", str(log), str(parts)], _tree_env())
        shutil.rmtree(parts)
        ingest.append(json.loads(str(m["out"])))
    ingest.sort(key=lambda r: r["wall"])
    decode = ingest[len(ingest) // 2]
    pytrans = measure([me, __file__, "--child", "transcode", str(log), str(utf8)])
    utf8.unlink()
    latin1 = measure([me, __file__, "--child", "duckdb", str(log), "1"])
    try:
        import pandas  # noqa: F401

        pandas_m: dict[str, float | str] | None = measure(
            [me, __file__, "--child", "pandas", str(log)]
        )
    except ImportError:
        pandas_m = None
    shutil.rmtree(folder)
    days = json.loads(str(duck["out"]))["days"]
    table = [
        ("lvyue check (marginal)", marginal, float(big["rss"]), entry["facts"]),
        ("iconv + DuckDB (bare)", bare, max(float(iconv["rss"]), float(duck["rss"])), days),
        ("Python transcode + DuckDB", float(pytrans["wall"]), float(pytrans["rss"]),
         json.loads(str(pytrans["out"]))["days"]),
        ("DuckDB on bytes as Latin-1", float(latin1["wall"]), float(latin1["rss"]),
         json.loads(str(latin1["out"]))["days"]),
    ]  # fmt: skip
    if pandas_m is not None:
        table.append(("pandas script", float(pandas_m["wall"]), float(pandas_m["rss"]),
                      json.loads(str(pandas_m["out"]))["days"]))  # fmt: skip
    print(
        f"{'':28} {'seconds':>8} {'x bare':>7} {'MB/s':>7} {'peak RSS MB':>12} {'person-days':>12}"
    )
    for name, wall, rss, found in table:
        print(
            f"{name:28} {wall:>8.2f} {wall / bare:>7.2f} {mb / wall:>7.0f} {rss:>12.0f} {found:>12,}"
        )
    if pandas_m is None:
        print("pandas script: skipped (pandas is not installed; pip install pandas to compare)")
    print(f"  lvyue check whole: {float(big['wall']):.2f}s on this folder, "
          f"{float(small['wall']):.2f}s on the example; iconv {float(iconv['wall']):.2f}s "
          f"({float(iconv['rss']):.0f} MB) + DuckDB {float(duck['wall']):.2f}s")  # fmt: skip
    print(f"  ingest (lvyue's workers decode and check the log into UTF-8 parts): "
          f"{decode['wall']:.2f}s, {mb / decode['wall']:.0f} MB/s with {decode['parts']} "
          f"parts (median of {repeat}; target >= 300 MB/s), "
          f"{float(iconv['wall']) / decode['wall']:.1f}x iconv's one process")  # fmt: skip
    print(
        f"  log: rows {entry['rows']:,}, rejected {len(entry['rejected'])}, "
        f"onsite_day facts {entry['facts']:,}"
    )
    if entry["facts"] != days or entry["rows"] != rows:
        print(
            f"  MISMATCH: lvyue {entry['facts']:,} facts / {entry['rows']:,} rows, "
            f"bare {days:,} person-days / {rows:,} rows"
        )
    rss = max(float(r[4]["rss"]) for r in rounds)
    return {"rows": rows, "marginal": marginal, "bare": bare, "rss": rss}


def _shq(p: Path) -> str:
    return "'" + str(p).replace("'", "'\\''") + "'"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=3, help="rounds of lvyue and bare (median)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        which, *rest = args.child
        children = {"duckdb": child_duckdb, "transcode": child_python_transcode,
                    "pandas": child_pandas, "ingest": child_ingest}  # fmt: skip
        children[which](*rest)
        return
    with tempfile.TemporaryDirectory(prefix="lvyue-bench-door-") as name:
        tmp = Path(name)
        results = [run_size(rows, tmp, args.repeat) for rows in args.rows]
    print("\ntargets (issue 14):")
    for r in results:
        ratio = r["marginal"] / r["bare"]
        # the ratio's target is at 10 M rows: at 1 M the bare aggregation takes about a second
        # and lvyue's fixed costs (its ~95k facts, the rules) are most of its time
        target = "target <= 1.5" if r["rows"] >= 10_000_000 else "target only at 10 M rows"
        print(f"  {r['rows']:>12,} rows: marginal / bare = {ratio:.2f} ({target}, median "
              f"round), peak RSS {r['rss']:.0f} MB (highest; target <= 1024)")  # fmt: skip
    if len(results) >= 2:
        a, b = results[0], results[-1]
        growth = b["marginal"] / a["marginal"]
        print(f"  {a['rows']:,} -> {b['rows']:,} rows: {growth:.1f}x time "
              f"(target <= {11 * b['rows'] / a['rows'] / 10:.0f}x)")  # fmt: skip


if __name__ == "__main__":
    main()

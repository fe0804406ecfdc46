"""Benchmark: domain facts through compiled rules, durable_rules vs the reference evaluator.

Issue 10 ("Performance") asks for printed figures, not timed tests: 100,000
domain facts evaluated through compiled rules by durable_rules
(engine/runner.py) and by the pure-Python reference evaluator
(engine/reference.py), their time and peak RSS, how both grow from 10,000 to
100,000 facts, and `lvyue check` on the example against its budget. This
script prints those figures; nothing asserts them.

Two rule shapes, built with engine.patterns exactly as templates compile:

- threshold: the Hebi advance-notice template (HB-OPS-NOTICE): maintenance
  facts with `affects_service` and `notice_days`; compliant when notice_days
  >= $maintenance_notice_working_days (7), breach below it (with the
  reading-sensitive variant on `other_reading_days`), breach when the notice
  is absent. One fact per match; the adapter evaluates it in rulesets of
  runner.CHUNK facts.
- join: request -> delivery with absence: on time (delivered_on <= due_on),
  late, or no delivery (an `absent` pattern, durable_rules' `none`); about
  half the facts are requests, 99 % of them have a delivery. One ruleset.

Each evaluator runs in a fresh spawned process, so the peak RSS printed
(ru_maxrss of that child) is its own, not cumulative; the data are generated
in the child (deterministically, random.Random(seed)) before the clock starts.
A hand-written plain-Python loop taking the same decisions is measured the
same way in the same run: every time is also printed as a multiple of it, and
its process's RSS is what the data alone cost. All evaluators that finish
must return the same set of (outcome, record indices) at every size, or the
script prints the first difference and exits 1. A run longer than --limit
seconds is stopped and reported; for such an evaluator the growth is then
measured at smaller sizes and the 100,000-fact time extrapolated (marked so).
Last, the end-to-end figure: median wall time of 5 runs of `lvyue check` on
examples/hebi-2026h2, beside the median of `lvyue --help` (start-up alone).

    .venv/bin/python bench/bench_engine.py            # 10k, 30k, 100k facts (about 3 min on 2 cores)
    .venv/bin/python bench/bench_engine.py --quick    # 1k, 3k, 10k facts
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing as mp
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lvyue.engine import reference, runner
from lvyue.engine.patterns import (
    CompiledRule,
    Outcome,
    Param,
    Pattern,
    Record,
    Ref,
    Test,
    fields_read,
)

ROOT = Path(__file__).resolve().parent.parent
LVYUE = ROOT / ".venv" / "bin" / "lvyue"
SEED = 2026
NOTICE = Param("maintenance_notice_working_days", 7)
EVALUATORS = ("plain loop", "durable_rules", "reference")
Found = set[tuple[int, tuple[int, ...]]]

# --- the two rule shapes and their data -------------------------------------------------


def threshold_rule() -> CompiledRule:
    """HB-OPS-NOTICE as `lvyue rules compile` prints it (advance_notice template)."""

    def m(*tests: Test) -> Pattern:
        return Pattern("maintenance", "maintenance", (Test("affects_service", "eq", True), *tests))

    o = (
        Outcome("compliant", (m(Test("notice_days", "ge", NOTICE)),)),
        Outcome(
            "breach",
            (m(Test("notice_days", "lt", NOTICE), Test("other_reading_days", "lt", NOTICE)),),
        ),
        Outcome(
            "breach",
            (m(Test("notice_days", "lt", NOTICE), Test("other_reading_days", "ge", NOTICE)),),
            note="reading-sensitive",
        ),
        Outcome("breach", (m(Test("notice_days", "absent")),)),
    )
    return CompiledRule("HB-OPS-NOTICE", o, fields_read(o))


def threshold_facts(n: int, seed: int) -> list[Record]:
    """n maintenance facts: 80 % affect service, 5 % without a notice, notice 0-14 working days."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        notice = None if rnd.random() < 0.05 else rnd.randint(0, 14)
        fields = {"affects_service": rnd.random() < 0.8, "notice_days": notice}
        if notice is not None:
            fields["other_reading_days"] = notice + 1  # counting the event day too
        out.append(Record("maintenance", fields))
    return out


def threshold_loop(records: list[Record], runtime: dict) -> Found:
    need = NOTICE.value
    found: Found = set()
    for i, r in enumerate(records):
        f = r.fields
        if f.get("affects_service") is not True:
            continue
        days = f.get("notice_days")
        if days is None:
            found.add((3, (i,)))
        elif days >= need:
            found.add((0, (i,)))
        else:
            other = f.get("other_reading_days")
            if other is not None:
                found.add((2 if other >= need else 1, (i,)))
    return found


def join_rule() -> CompiledRule:
    r = Pattern("r", "request")

    def d(*tests: Test) -> Pattern:
        return Pattern("d", "delivery", (Test("request_id", "eq", Ref("r", "id")), *tests))

    o = (
        Outcome("compliant", (r, d(Test("delivered_on", "le", Ref("r", "due_on"))))),
        Outcome("breach", (r, d(Test("delivered_on", "gt", Ref("r", "due_on"))))),
        Outcome("no_evidence", (r,), absent=(d(),)),
    )
    return CompiledRule("REQUEST-DELIVERY", o, fields_read(o))


def join_facts(n: int, seed: int) -> list[Record]:
    """n // 2 requests, a delivery for 99 % of them (-3..+3 days around the due date): about n facts."""
    rnd = random.Random(seed)
    base = dt.date(2026, 7, 1)
    out = []
    for i in range(n // 2):
        due = base + dt.timedelta(days=rnd.randint(0, 180))
        out.append(Record("request", {"id": f"REQ-{i:06d}", "due_on": due}))
        if rnd.random() < 0.99:
            day = due + dt.timedelta(days=rnd.randint(-3, 3))
            out.append(Record("delivery", {"request_id": f"REQ-{i:06d}", "delivered_on": day}))
    return out


def join_loop(records: list[Record], runtime: dict) -> Found:
    deliveries: dict[object, list[int]] = {}
    for j, r in enumerate(records):
        if r.type == "delivery":
            deliveries.setdefault(r.fields.get("request_id"), []).append(j)
    found: Found = set()
    for i, r in enumerate(records):
        if r.type != "request":
            continue
        due = r.fields.get("due_on")
        mine = deliveries.get(r.fields.get("id"), [])
        if not mine:
            found.add((2, (i,)))
        for j in mine:
            day = records[j].fields.get("delivered_on")
            if day is not None and due is not None:
                found.add((0 if day <= due else 1, (i, j)))
    return found


SHAPES: dict[
    str, tuple[Callable[[], CompiledRule], Callable[[int, int], list[Record]], Callable]
] = {
    "threshold": (threshold_rule, threshold_facts, threshold_loop),
    "join": (join_rule, join_facts, join_loop),
}
SHAPE_TEXT = {
    "threshold": "threshold (HB-OPS-NOTICE: maintenance notice_days >= $7, breach below, breach when absent;"
    f" durable_rules in rulesets of {runner.CHUNK:,} facts)",
    "join": "join (request -> delivery: on time / late / none delivered via `absent`; one ruleset)",
}

# --- one measurement, in its own process ------------------------------------------------


def _child(shape: str, evaluator: str, n: int, conn) -> None:
    make_rule, make_facts, loop = SHAPES[shape]
    rule, records = make_rule(), make_facts(n, SEED)
    runtime: dict = {}
    t0 = time.perf_counter()
    if evaluator == "plain loop":
        found = loop(records, runtime)
    else:
        impl = runner if evaluator == "durable_rules" else reference
        found = {(m.outcome, m.records) for m in impl.match(rule, records, runtime)}
    seconds = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    conn.send((len(records), seconds, rss_mb, sorted(found)))
    conn.close()


class Run:
    def __init__(
        self, facts: int, seconds: float | None, rss_mb: float | None, found: Found | None
    ) -> None:
        self.facts, self.seconds, self.rss_mb, self.found = facts, seconds, rss_mb, found

    @property
    def done(self) -> bool:
        return self.seconds is not None


def measure(shape: str, evaluator: str, n: int, limit: float) -> Run:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(shape, evaluator, n, child))
    p.start()
    child.close()
    if not parent.poll(limit):  # the child's whole life: start-up, data, evaluation
        p.terminate()
        p.join()
        return Run(n, None, None, None)
    facts, seconds, rss, found = parent.recv()
    p.join()
    if p.exitcode != 0:
        sys.exit(f"{evaluator} on {shape}/{n}: child exited {p.exitcode}")
    return Run(facts, seconds, rss, set(found))


# --- agreement ---------------------------------------------------------------------------


def check_agreement(shape: str, runs: dict[str, Run]) -> str:
    done = {e: r for e, r in runs.items() if r.done}
    names = list(done)
    base = names[0]
    for other in names[1:]:
        a, b = done[base].found, done[other].found
        if a != b:
            only_a, only_b = sorted(a - b), sorted(b - a)
            first = f"{base} only: {only_a[0]}" if only_a else f"{other} only: {only_b[0]}"
            print(
                f"\nDISAGREE on {shape} ({done[base].facts:,} facts): {base} vs {other}: "
                f"{len(only_a)} vs {len(only_b)} matches differ; first: {first}"
            )
            sys.exit(1)
    missing = [e for e in runs if e not in done]
    text = "agree" + f" ({len(done[base].found):,} matches, " + " = ".join(names) + ")"
    return text + (f"; {', '.join(missing)} did not finish" if missing else "")


# --- printing ----------------------------------------------------------------------------


def fmt_s(run: Run, limit: float) -> str:
    return f"{run.seconds:.3f}" if run.done else f">{limit:.0f}s stopped"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10x smaller: 1k, 3k, 10k facts")
    ap.add_argument(
        "--limit", type=float, default=30.0, help="stop an evaluator run after this many seconds"
    )
    ap.add_argument("--e2e-runs", type=int, default=5)
    args = ap.parse_args()
    sizes = [1_000, 3_000, 10_000] if args.quick else [10_000, 30_000, 100_000]
    top = sizes[-1]
    print(
        f"lvyue engine benchmark: {runner.NAME} vs {reference.NAME}, Python {sys.version.split()[0]}, "
        f"each run in a fresh process, seed {SEED}, stop after {args.limit:.0f} s"
    )
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other work on the machine inflates every figure)"
    )

    results: dict[tuple[str, int], dict[str, Run]] = {}
    agreement: dict[tuple[str, int], str] = {}
    for shape in SHAPES:
        stopped: set[str] = set()
        for n in sizes:
            runs = {}
            for ev in EVALUATORS:
                runs[ev] = (
                    Run(n, None, None, None) if ev in stopped else measure(shape, ev, n, args.limit)
                )
                if not runs[ev].done:
                    stopped.add(ev)
            results[shape, n] = runs
            agreement[shape, n] = check_agreement(shape, runs)

    # 1. the largest size: time, facts/s, peak RSS, multiple of the plain loop
    print(f"\n1. {top:,} domain facts through the compiled rules")
    for shape in SHAPES:
        runs = results[shape, top]
        loop = runs["plain loop"]
        print(f"\n  {SHAPE_TEXT[shape]}: {loop.facts:,} facts")
        print(
            f"  {'evaluator':<15}{'wall s':>16}{'facts/s':>12}{'peak RSS MB':>13}{'x plain loop':>14}"
        )
        for ev, r in runs.items():
            if r.done:
                rate = f"{r.facts / r.seconds:,.0f}"
                ratio = f"{r.seconds / loop.seconds:,.1f}x"
                rss = f"{r.rss_mb:,.0f}"
            else:
                rate = ratio = rss = "-"
            print(f"  {ev:<15}{fmt_s(r, args.limit):>16}{rate:>12}{rss:>13}{ratio:>14}")
        for ev in ("durable_rules", "reference"):
            if runs[ev].done:
                print(
                    f"  {ev}: {runs[ev].seconds / loop.seconds:,.1f}x the plain loop, "
                    f"+{runs[ev].rss_mb - loop.rss_mb:,.0f} MB over its process"
                )
        print(f"  {agreement[shape, top]}")

    # 2. linear growth
    print(f"\n2. Growth from {sizes[0]:,} to {top:,} facts (ideal ratio {top / sizes[0]:.1f})")
    extra: list[tuple[str, str]] = []
    for shape in SHAPES:
        print(f"\n  {shape}")
        print(
            f"  {'evaluator':<15}"
            + "".join(f"{f'us/fact @{n // 1000}k':>15}" for n in sizes)
            + f"{f't({top // 1000}k)/t({sizes[0] // 1000}k)':>15}"
        )
        for ev in EVALUATORS:
            row = [results[shape, n][ev] for n in sizes]
            cells = "".join(
                f"{r.seconds / r.facts * 1e6:>15.2f}" if r.done else f"{'stopped':>15}" for r in row
            )
            ratio = (
                f"{row[-1].seconds / row[0].seconds:.1f}" if row[0].done and row[-1].done else "-"
            )
            print(f"  {ev:<15}{cells}{ratio:>15}")
            if not all(r.done for r in row):
                extra.append((shape, ev))
        print("  " + "; ".join(f"{n // 1000}k: {agreement[shape, n]}" for n in sizes))

    # an evaluator stopped before the largest size: its growth from the sizes it finished
    # (or, if it finished none, from smaller ones), and the largest size extrapolated
    for shape, ev in extra:
        pts = [(r.facts, r.seconds) for n in sizes if (r := results[shape, n][ev]).done]
        if len(pts) < 2:
            print(
                f"\n  {ev} on {shape} did not finish {sizes[0]:,} facts in {args.limit:.0f} s; at smaller sizes:"
            )
            pts = []
            for n in (sizes[0] // 10, sizes[0] // 5, sizes[0] * 2 // 5):
                runs = {e: measure(shape, e, n, args.limit) for e in EVALUATORS}
                r = runs[ev]
                if not r.done:
                    print(f"  {n:>8,} facts: stopped")
                    break
                pts.append((r.facts, r.seconds))
                print(
                    f"  {r.facts:>8,} facts: {r.seconds:8.3f} s, {r.seconds / r.facts * 1e6:,.1f} us/fact, "
                    f"{r.seconds / runs['plain loop'].seconds:,.0f}x the plain loop; {check_agreement(shape, runs)}"
                )
        if len(pts) >= 2:
            (n0, t0), (n1, t1) = pts[0], pts[-1]
            k = math.log(t1 / t0) / math.log(n1 / n0)
            est = t1 * (results[shape, top]["plain loop"].facts / n1) ** k
            print(
                f"\n  {ev} on {shape}: t({n1:,})/t({n0:,}) = {t1 / t0:.1f} (ideal {n1 / n0:.1f}), time grows as "
                f"n^{k:.2f}; {top:,} facts extrapolated (not run): ~{est:,.0f} s"
            )

    # 3. end to end
    print(f"\n3. End to end: median of {args.e2e_runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "x.json"
        check = [
            str(LVYUE),
            "check",
            "examples/hebi-2026h2",
            "--pack",
            "rules/hebi-shuguang-2026",
            "--half",
            "2026H2",
            "--format",
            "json",
            "-o",
            str(out),
        ]
        for label, cmd in (
            ("lvyue --help", [str(LVYUE), "--help"]),
            ("lvyue check (example)", check),
        ):
            times, codes = [], set()
            for _ in range(args.e2e_runs):
                t0 = time.perf_counter()
                proc = subprocess.run(cmd, cwd=ROOT, capture_output=True)
                times.append(time.perf_counter() - t0)
                codes.add(proc.returncode)
            if codes - {0, 1}:
                sys.exit(f"{label} failed (exit {sorted(codes)}): {proc.stderr.decode()[-500:]}")
            print(
                f"  {label:<24}{statistics.median(times):7.2f} s  (min {min(times):.2f}, max {max(times):.2f}, "
                f"exit {'/'.join(map(str, sorted(codes)))})"
            )
    print(
        f"  load average now {os.getloadavg()[0]:.2f}; PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')}"
        " (when set, a module without a cached .pyc is compiled at every start)"
    )
    print(
        "  (issue 10: `lvyue check` on the example stays at or under its earlier time, about 0.9 s)"
    )


if __name__ == "__main__":
    main()

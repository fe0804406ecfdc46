"""Benchmark: the durable_rules evaluation (engine/runner.decide) against a plain-Python join.

Prints items/s for both and the ratio, measured in the same run, plus the
process's peak RSS; for smaller sizes also the time in one single ruleset
(durable_rules grows super-linearly, which is why decide() works in chunks). The plain join is the baseline that shows what the rules
engine costs; the figures back the README's claim, nothing else asserts them.

    .venv/bin/python bench/bench_engine.py [--items 10000 50000]
"""

from __future__ import annotations

import argparse
import resource
import time

from engine.runner import Probe, decide


def probes(n: int) -> list[Probe]:
    out = []
    for i in range(n):
        op = ("ge", "le", "eq")[i % 3]
        observed = None if i % 7 == 0 else (i % 5)
        out.append(Probe(2, op, observed))
    return out


def baseline(ps: list[Probe]) -> list[str]:
    res = []
    for p in ps:
        if p.observed is None:
            res.append("missing")
        elif p.op == "ge":
            res.append("met" if p.observed >= p.required else "unmet")
        elif p.op == "le":
            res.append("met" if p.observed <= p.required else "unmet")
        else:
            res.append("met" if p.observed == p.required else "unmet")
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, nargs="+", default=[10_000, 50_000])
    args = ap.parse_args()
    print(f"{'items':>8} {'facts':>8} {'engine s':>9} {'items/s':>10} {'baseline s':>11} {'ratio':>8} {'peak RSS MB':>12}")
    for n in args.items:
        ps = probes(n)
        facts = n + sum(p.observed is not None for p in ps)
        t0 = time.perf_counter()
        got = decide(ps)
        t1 = time.perf_counter()
        want = baseline(ps)
        t2 = time.perf_counter()
        assert got == want, "engine and baseline disagree"
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        eng, base = t1 - t0, max(t2 - t1, 1e-9)
        print(f"{n:>8} {facts:>8} {eng:>9.2f} {n / eng:>10.0f} {base:>11.4f} {eng / base:>7.0f}x {rss:>12.0f}")
        if n <= 50_000:  # the same probes in one ruleset: why decide() chunks
            t3 = time.perf_counter()
            assert decide(ps, chunk=10**9) == want
            single = time.perf_counter() - t3
            print(f"{'':>8} {'':>8} {single:>9.2f} {n / single:>10.0f}   one ruleset: {single / eng:.1f}x the chunked time")


if __name__ == "__main__":
    main()

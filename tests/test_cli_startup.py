"""Issue 14: `lvyue --help`, `lvyue --version` and `lvyue calendar ...` start without the heavy stack.

Each command runs in a fresh interpreter (the installed entry point's `main`), which then
lists the modules it loaded: none of DuckDB, python-docx, openpyxl, jinja2, durable_rules
or lvyue's report stack (reports.*) may be among them. A control run (`lvyue check`) shows
the same probe does see them when a command needs them. Wall times are printed (`pytest -s`),
never asserted: this machine is shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
HEAVY = ("duckdb", "docx", "openpyxl", "jinja2", "lvyue.reports", "durable_rules", "durable_rules_engine")

PROBE = """
import json, sys
from lvyue.engine.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
loaded = sorted({'.'.join(m.split('.')[:2]) if m.startswith('lvyue.') else m.split('.')[0] for m in sys.modules})
print("\\n@@" + json.dumps({"code": code, "loaded": loaded}))
"""


def probe(*argv: str) -> tuple[int, list[str], str, float]:
    """(exit code, top-level modules loaded, stdout before the probe line, wall seconds) in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k not in ("LVYUE_DEBUG", "LVYUE_LEDGER")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    wall = time.perf_counter() - start
    out, _, tail = proc.stdout.rpartition("\n@@")
    assert tail, proc.stderr[-2000:]
    info = json.loads(tail)
    return info["code"], info["loaded"], out, wall


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["calendar", "--help"],
        ["calendar", "add", "2026-09-30", "1"],
        ["calendar", "day", "2026年10月8日", "--json"],
        ["calendar", "period", "2026/7/1", "--months", "3", "--pack", "rules/hebi-shuguang-2026"],
        ["check", "--help"],
        ["report", "audit", "--help"],
    ],
)
def test_light_commands_do_not_load_the_heavy_stack(argv: list[str]) -> None:
    code, loaded, out, wall = probe(*argv)
    assert code == 0 and out.strip()
    heavy = [m for m in HEAVY if m in loaded]
    assert heavy == [], f"`lvyue {' '.join(argv)}` loaded {heavy}"
    print(f"\nnote: lvyue {' '.join(argv)}: {wall:.2f} s wall in a fresh interpreter (not asserted)")


def test_the_probe_sees_the_heavy_stack_when_a_command_needs_it(tmp_path: Path) -> None:
    """Control: a check that reads the door log (DuckDB) and a DOCX report (python-docx, reports.*)."""
    out = tmp_path / "r.json"
    code, loaded, _, _ = probe(
        "check", "examples/hebi-2026h2", "--pack", "rules/hebi-shuguang-2026", "--half", "2026H2",
        "--format", "json", "-o", str(out),
    )  # fmt: skip
    assert code == 1 and "duckdb" in loaded and "lvyue.reports" in loaded
    code, loaded, _, _ = probe("report", "audit", str(out), "--format", "docx", "-o", str(tmp_path / "a.docx"))
    assert code == 0 and "docx" in loaded and "jinja2" in loaded


def test_the_entry_point_runs_with_the_batch_collector() -> None:
    # `lvyue` (the console script: main.run) collects young objects every GC_YOUNG allocations,
    # not Python's 700; the check's facts live to the end (engine/cli/main.py says why)
    code = (
        "import gc, sys\n"
        "from lvyue.engine.cli import main\n"
        "before = gc.get_threshold()\n"
        "sys.argv = ['lvyue', '--version']\n"
        "try:\n"
        "    main.run()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(before[0], gc.get_threshold()[0], main.GC_YOUNG, before[1:] == gc.get_threshold()[1:])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    before, after, young, rest = proc.stdout.split()[-4:]
    assert (before, after, rest) == ("700", young, "True")
    assert int(young) > 700

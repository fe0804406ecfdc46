"""durable_rules decides, and an independent evaluator agrees with it everywhere.

The reference evaluator (engine/reference.py) walks the same compiled rules
in plain Python; every scenario of every pack and the bundled example must
come out identical through both. A stub engine that matches nothing must
fail the scenarios: the engine is load-bearing, not a formality.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
import yaml

from lvyue.engine.cli.main import main
from lvyue.engine.evaluators import Matcher, available, durable, reference
from lvyue.engine.pack import load_pack
from lvyue.engine.scenarios import disagreements, run_pack_scenarios

ROOT = Path(__file__).resolve().parents[1]
PACKS = sorted(p for p in (ROOT / "rules").iterdir() if (p / "contract.yaml").is_file())
EXAMPLE = ROOT / "examples" / "hebi-2026h2"
# Python 3.13+ has no durable-rules: there the reference evaluator runs alone (test_reference_only).
needs_durable = pytest.mark.skipif("durable_rules" not in available(), reason="durable-rules not installed")


@needs_durable
@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_scenario_agrees_between_durable_rules_and_the_reference(pack: Path) -> None:
    p = load_pack(pack)
    a = run_pack_scenarios(p, durable())
    b = run_pack_scenarios(p, reference())
    assert [o.name for o in a if not o.passed] == []
    assert [o.name for o in b if not o.passed] == []
    assert disagreements(a, b) == []
    assert all(o.findings.startswith("[{") for o in a)  # there were findings to compare


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_an_engine_that_matches_nothing_fails_the_scenarios(pack: Path) -> None:
    stub = Matcher("stub", lambda rule, records, runtime: [])
    p = load_pack(pack)
    outcomes = run_pack_scenarios(p, stub)
    failed = {o.name for o in outcomes if not o.passed}
    # every scenario that expects a breach or a risk of a checkable rule needs the engine
    needs = set()
    for path in sorted((pack / "tests").glob("*.yaml")):
        for sc in yaml.safe_load(path.read_text(encoding="utf-8")):
            if any(e["status"] in ("breach", "at_risk") and p.rule(e["rule"]).kind != "manual" for e in sc["expect"]):
                needs.add(sc["name"])
    assert len(needs) >= 10
    assert needs <= failed, sorted(needs - failed)


def check(evaluator: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            ["check", str(EXAMPLE), "--pack", str(PACKS[0]), "--half", "2026H2", "--format", "json",
             "--evaluator", evaluator]
        )
    assert code == 1
    return json.loads(out.getvalue())


@needs_durable
def test_the_example_comes_out_identical_through_both_evaluators() -> None:
    a, b = check("durable_rules"), check("reference")
    assert a.pop("evaluator") == "durable_rules 2.0.28"
    assert b.pop("evaluator") == "reference"
    assert a == b
    assert sum(f["status"] == "breach" for f in a["findings"]) >= 10


def test_an_unknown_evaluator_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(EXAMPLE), "--pack", str(PACKS[0]), "--half", "2026H2", "--evaluator", "drools"])
    assert code == 2
    assert "expected durable_rules or reference" in capsys.readouterr().err


def test_without_durable_rules_the_reference_evaluator_decides_and_says_so(monkeypatch) -> None:
    import lvyue.engine.evaluators as ev

    monkeypatch.setattr(ev, "available", lambda: ["reference"])
    assert ev.default_evaluator().name == "reference"
    result = check_default()
    assert result["evaluator"] == "reference"
    assert sum(f["status"] == "breach" for f in result["findings"]) >= 10


def check_default() -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", str(EXAMPLE), "--pack", str(PACKS[0]), "--half", "2026H2", "--format", "json"])
    assert code == 1
    return json.loads(out.getvalue())

"""Every pack under rules/ lints clean, covers every clause, and passes its YAML scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from lvyue.engine.cli.main import main
from lvyue.engine.pack import load_pack
from lvyue.engine.scenarios import run_pack_scenarios

PACKS = sorted(p for p in (Path(__file__).parents[1] / "rules").iterdir() if (p / "contract.yaml").is_file())


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_scenarios_pass(pack: Path) -> None:
    outcomes = run_pack_scenarios(load_pack(pack))
    assert len(outcomes) >= 10
    failures = {o.name: o.problems for o in outcomes if not o.passed}
    assert failures == {}


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_rule_has_a_scenario_or_is_manual(pack: Path) -> None:
    p = load_pack(pack)
    text = "".join(f.read_text(encoding="utf-8") for f in (pack / "tests").glob("*.yaml"))
    untested = [r.id for r in p.rules if r.kind != "manual" and r.id not in text]
    assert untested == []


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_lint_and_coverage(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "lint", str(pack)]) == 0
    assert main(["rules", "coverage", str(pack)]) == 0
    out = capsys.readouterr().out
    assert "uncovered" not in out

"""A pack compiles to one durable_rules ruleset per checkable rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.compile import compile_pack, outcome_of
from engine.pack import load_pack

PACK = Path(__file__).parents[2] / "rules" / "hebi-shuguang-2026"


def test_every_checkable_rule_has_its_own_ruleset() -> None:
    pack = load_pack(PACK)
    compiled = compile_pack(pack)
    checkable = {r.id for r in pack.rules if r.kind != "manual"}
    assert set(compiled) == checkable
    notice = compiled["HB-OPS-NOTICE"]  # advance_notice: "at least N days" → ge only
    assert set(notice) == {"HB-OPS-NOTICE|ge_met", "HB-OPS-NOTICE|ge_unmet", "HB-OPS-NOTICE|missing"}
    expectation = notice["HB-OPS-NOTICE|ge_unmet"]["all"][0]["e"]["$and"]
    assert {"r": "HB-OPS-NOTICE"} in expectation
    assert "o$not" in notice["HB-OPS-NOTICE|missing"]["all"][1]  # absence is a `none` join
    panel = compiled["HB-QA-PANEL"]  # each: ≥ 3 and odd (== 1) → ge and eq
    assert {outcome_of(n) for n in panel} == {"met", "unmet", "missing"}
    assert len(panel) == 7


def test_rules_compile_prints_the_rulesets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "compile", str(PACK)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "HB-PAY-WITHIN-60|le_unmet" in out["HB-PAY-WITHIN-60"]
    assert "HB-GEN-SCOPE" not in out  # a manual checklist item has nothing to compile

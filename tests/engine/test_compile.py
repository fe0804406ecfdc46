"""A pack compiles to patterns over domain facts, one durable_rules ruleset per checkable rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lvyue.engine.cli.main import main
from lvyue.engine.compile import compile_pack
from lvyue.engine.evaluators import available
from lvyue.engine.pack import load_pack
from lvyue.engine.patterns import Param

PACK = Path(__file__).parents[2] / "rules" / "hebi-shuguang-2026"


def test_every_checkable_rule_has_its_own_compiled_rule() -> None:
    pack = load_pack(PACK)
    compiled = compile_pack(pack)
    checkable = {r.id for r in pack.rules if r.kind != "manual"}
    assert set(compiled) == checkable
    notice = compiled["HB-OPS-NOTICE"]
    assert notice.types() == ["maintenance"]
    tests = {(t.field, t.op): t.value for o in notice.outcomes for p in o.all for t in p.tests}
    assert tests[("affects_service", "eq")] is True  # the rule's `where`, tested by the engine
    threshold = tests[("notice_days", "lt")]
    assert threshold == Param("maintenance_notice_working_days", 7)  # the contract's parameter
    panel = compiled["HB-QA-PANEL"]  # each: ≥ 3 and odd → one finding per bound missed
    assert {o.tag for o in panel.outcomes} >= {"min", "odd"}


def test_rules_compile_prints_fact_types_fields_and_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "compile", str(PACK)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "HB-GEN-SCOPE" not in out  # a manual checklist item has nothing to compile
    for rule_id, entry in out.items():
        assert entry["fact types"], rule_id
        assert all(fields for fields in entry["fact types"].values()), rule_id
    notice = out["HB-OPS-NOTICE"]
    assert notice["fact types"] == {"maintenance": ["affects_service", "notice_days", "other_reading_days"]}
    assert "$maintenance_notice_working_days (= 7)" in notice["parameters"]
    whens = [w for o in notice["outcomes"] for w in o["when"]]
    assert "maintenance: maintenance [affects_service == true, notice_days < $maintenance_notice_working_days (= 7), other_reading_days < $maintenance_notice_working_days (= 7)]" in whens



@pytest.mark.skipif("durable_rules" not in available(), reason="durable-rules not installed (Python 3.13+)")
def test_rules_compile_engine_shows_the_durable_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "compile", str(PACK), "--engine"]) == 0
    raw = json.loads(capsys.readouterr().out)["HB-OPS-NOTICE"]["durable_rules"]
    assert {"$lt": {"notice_days": 7}} in raw["1:breach"]["all"][0]["maintenance"]["$and"]

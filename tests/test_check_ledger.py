"""`lvyue check --record` then a later check: the example's Q3 audit followed up at H2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lvyue.engine.cli.main import main

ROOT = Path(__file__).parents[1]
EVIDENCE = str(ROOT / "examples" / "hebi-2026h2")
PACK = str(ROOT / "rules" / "hebi-shuguang-2026")


def _check(capsys: pytest.CaptureFixture[str], ledger: Path, *period: str, record: bool = False) -> dict:
    args = ["check", EVIDENCE, "--pack", PACK, *period, "--ledger", str(ledger), "--format", "json"]
    assert main(args + (["--record"] if record else [])) == 1
    return json.loads(capsys.readouterr().out)


def test_h2_follows_up_the_recorded_q3_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.sqlite"
    q3 = _check(capsys, ledger, "--quarter", "2026Q3", record=True)
    assert q3["follow_up"]["previous_audit"] is None
    h2 = _check(capsys, ledger, "--half", "2026H2")
    fu = h2["follow_up"]
    assert fu["previous_audit"]["as_of"] == "2026-09-30"
    by_rule = {v["rule"] + "/" + v["subject"]: v for v in fu["findings"].values()}
    # The team was short 09-01..09-14 (Q3 breach); full again from 09-15: a state obligation, rectified.
    team = by_rule["HB-OPS-TEAM-SIZE/本地化运维团队核心成员不少于10人"]
    assert (team["state"], team["rectified_on"]) == ("rectified", "2026-09-15")
    # The overdue sum was due 2026-10-08 and settled 2026-10-20: reached, but late.
    settle = by_rule["HB-PAY-OVERDUE-SETTLE/超期9个月费用于合同签订后3个月内结清"]
    assert (settle["state"], settle["rectified_on"]) == ("rectified_late", "2026-10-20")
    assert settle["escalation"] is None  # Party A's own obligation: no notice to itself
    # The missed on-site make-up Sunday (a past event) has no written rectification: overdue,
    # and the contract's next step is a rectification notice (六.1).
    onsite = [v for v in fu["findings"].values() if v["rule"] == "HB-OPS-ONSITE" and v["first_seen"] == "2026-09-30"]
    assert [o["state"] for o in onsite] == ["overdue"]
    assert onsite[0]["escalation"]["clause"] == "六.1"
    assert "HB-SEC-DEVICES:" in " ".join(fu["since_last"]["new"])


def test_without_a_ledger_there_is_no_follow_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The ledger is used only when asked (--ledger, --record, $LVYUE_LEDGER): none of them here.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LVYUE_LEDGER", raising=False)
    assert main(["check", EVIDENCE, "--pack", PACK, "--half", "2026H2", "--format", "json"]) == 1
    r = json.loads(capsys.readouterr().out)
    assert "follow_up" not in r
    assert not (tmp_path / "lvyue-ledger.sqlite").exists()


def test_audit_report_shows_since_last_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.sqlite"
    _check(capsys, ledger, "--quarter", "2026Q3", record=True)
    h2 = _check(capsys, ledger, "--half", "2026H2", record=True)
    saved = tmp_path / "h2.json"
    saved.write_text(json.dumps(h2, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "audit.md"
    assert main(["report", "audit", str(saved), "--format", "md", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "与上次核查相比" in text
    assert "上次核查：2026年9月30日" in text  # the previous audit's as-of date, as Chinese text writes it
    section = text.split("与上次核查相比", 1)[1]
    assert "逾期未整改" in section and "已按期整改" in section
    assert "HB-SEC-DEVICES" in section  # new since Q3

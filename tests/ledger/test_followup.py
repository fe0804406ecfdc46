"""Findings walked through their life across audits: found, noticed, rectified or overdue."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledgerkit import compliant, finding, notice, result

from lvyue.engine.errors import InputError
from lvyue.engine.ledger import follow_up, history, record_audit, record_notice

Q3 = ("2026-07-01", "2026-09-30")
Q4 = ("2026-10-01", "2026-12-31")


def test_state_obligation_found_noticed_rectified_in_time(ledger: Path) -> None:
    """HB-OPS-TEAM-SIZE (maintain): short-staffed in September, notice, team restored before the deadline."""
    x = finding("HB-OPS-TEAM-SIZE", "sep", subject="本地核心运维人员", start="2026-09-01", end="2026-09-30",
                deadline="2026-10-14")
    audit1 = result("2026-09-30", *Q3, [x])
    fu = follow_up(ledger, audit1)  # nothing recorded yet: all new, and nothing written
    assert fu["previous_audit"] is None
    assert fu["since_last"]["new"] == [x["id"]]
    assert fu["findings"][x["id"]]["state"] == "open"
    assert not ledger.exists()
    a1 = record_audit(ledger, audit1)

    # 1. the notice, with its own deadline
    record_notice(ledger, notice("rectification", "鹤政务整〔2026〕1号", "2026-10-09", [(x["id"], "2026-10-16")]))

    # 2. second audit, still inside the deadline: the shortage continues into Q4 (a new id, same breach)
    y_open = finding("HB-OPS-TEAM-SIZE", "q4", subject="本地核心运维人员", start="2026-10-01", end="2026-10-12",
                     deadline="2026-10-19")
    audit2 = result("2026-10-12", *Q4, [y_open])
    fu = follow_up(ledger, audit2)
    assert fu["previous_audit"]["id"] == a1
    y = fu["findings"][y_open["id"]]
    assert y["state"] == "open"
    assert y["first_seen"] == "2026-09-30"  # the breach was first seen at the Q3 audit
    assert y["deadline"] == "2026-10-16"  # the notice's deadline, not the finding's own
    assert y["notices"] == [
        {"kind": "rectification", "number": "鹤政务整〔2026〕1号", "issue_date": "2026-10-09", "deadline": "2026-10-16"}
    ]
    assert y["thread"] == [x["id"], y_open["id"]]
    assert fu["since_last"] == {"new": [], "rectified": [], "overdue": [], "recurring": []}
    record_audit(ledger, audit2)

    # 3. third audit: the same run now ends on 10-14, so the team is whole again from 10-15 ≤ 10-16
    y_closed = {**y_open, "period": {"start": "2026-10-01", "end": "2026-10-14"}}
    audit3 = result("2026-10-31", *Q4, [y_closed])
    fu = follow_up(ledger, audit3)
    y = fu["findings"][y_open["id"]]
    assert y["state"] == "rectified"
    assert y["rectified_on"] == "2026-10-15"
    assert y["escalation"] is None
    assert fu["since_last"]["rectified"] == [y_open["id"]]
    record_audit(ledger, audit3)

    life = history(ledger, x["id"])
    assert [a["as_of"] for a in life["audits"]] == ["2026-09-30", "2026-10-12", "2026-10-31"]
    assert life["follow_up"]["state"] == "rectified"
    assert history(ledger) == []  # nothing open


def test_state_obligation_absent_and_rule_compliant_is_rectified(ledger: Path) -> None:
    x = finding("HB-OPS-TEAM-SIZE", "sep", start="2026-09-01", end="2026-09-30", deadline="2026-10-14")
    record_audit(ledger, result("2026-09-30", *Q3, [x]))
    fu = follow_up(ledger, result("2026-10-31", *Q4, [compliant("HB-OPS-TEAM-SIZE", "2026-10-01", "2026-10-31")]))
    assert fu["findings"][x["id"]]["state"] == "rectified"
    assert fu["findings"][x["id"]]["rectified_on"] == "2026-10-01"
    assert fu["since_last"]["rectified"] == [x["id"]]


def test_state_obligation_restored_after_deadline_is_late(ledger: Path) -> None:
    x = finding("HB-OPS-TEAM-SIZE", "sep", subject="团队", start="2026-09-01", end="2026-09-30", deadline="2026-10-14")
    record_audit(ledger, result("2026-09-30", *Q3, [x]))
    y = finding("HB-OPS-TEAM-SIZE", "q4", subject="团队", start="2026-10-01", end="2026-10-20")
    fu = follow_up(ledger, result("2026-10-31", *Q4, [y]))
    e = fu["findings"][y["id"]]
    assert e["state"] == "rectified_late"
    assert e["rectified_on"] == "2026-10-21"
    assert e["escalation"]["next"] == "rectification"  # no notice was sent: the first step 六.1 names
    assert e["escalation"]["clause"] == "六.1"


def test_past_event_overdue_escalates_without_rectification(ledger: Path) -> None:
    """HB-OPS-ONSITE (presence): missed days cannot be undone; no written rectification arrives."""
    p = finding("HB-OPS-ONSITE", "0914", subject="驻场", start="2026-09-14", end="2026-09-15", deadline="2026-10-14")
    record_audit(ledger, result("2026-09-30", *Q3, [p]))
    record_notice(ledger, notice("rectification", "整改〔2026〕2号", "2026-10-09", [(p["id"], "2026-10-16")]))

    audit2 = result("2026-10-31", *Q4, [compliant("HB-OPS-ONSITE", "2026-10-01", "2026-10-31")])
    fu = follow_up(ledger, audit2)
    e = fu["findings"][p["id"]]
    assert e["state"] == "overdue"  # on-site every day since, but no rectification in writing
    assert e["overdue_since"] == "2026-10-17"
    assert e["escalation"]["next"] == "warning"
    assert e["escalation"]["clause"] == "八.1"
    assert e["escalation"]["after"] == "rectification"
    assert fu["since_last"]["overdue"] == [p["id"]]
    record_audit(ledger, audit2)

    record_notice(ledger, notice("warning", "警示〔2026〕1号", "2026-11-02", [(p["id"], "2026-11-09")]))
    audit3 = result("2026-11-30", *Q4, [compliant("HB-OPS-ONSITE", "2026-10-01", "2026-11-30")])
    fu = follow_up(ledger, audit3)
    e = fu["findings"][p["id"]]
    assert e["state"] == "overdue"
    assert e["deadline"] == "2026-11-09"
    assert [n["kind"] for n in e["notices"]] == ["rectification", "warning"]
    assert e["escalation"]["next"] == "terminate"
    assert e["escalation"]["clause"] == "八.1"  # "逾期未纠正的，…终止合同" follows 八.1 in the consequence
    record_audit(ledger, audit3)
    assert [row["finding_id"] for row in history(ledger, pack="rules/hebi-shuguang-2026")] == [p["id"]]


def test_past_event_rectified_by_written_rectification_in_time(ledger: Path) -> None:
    """HB-OPS-NOTICE (advance_notice): a late maintenance notice, answered in writing by the deadline."""
    m = finding("HB-OPS-NOTICE", "M1", start="2026-09-10", deadline="2026-10-14")
    record_audit(ledger, result("2026-09-30", *Q3, [m]))
    record_notice(ledger, notice("rectification", "整改〔2026〕3号", "2026-10-09", [(m["id"], "2026-10-16")]))
    rect = [{"id": "R1", "finding": m["id"], "submitted_on": "2026-10-15", "description": "书面说明并承诺",
             "notice": None}]
    audit2 = result("2026-10-31", *Q4, [compliant("HB-OPS-NOTICE", "2026-10-01", "2026-10-31")])
    fu = follow_up(ledger, audit2, rect)
    e = fu["findings"][m["id"]]
    assert e["state"] == "rectified"
    assert e["rectified_on"] == "2026-10-15"
    assert fu["since_last"]["rectified"] == [m["id"]]
    record_audit(ledger, audit2, rect)  # the fact is kept: later follow-ups need not be given it again
    fu = follow_up(ledger, result("2026-11-30", *Q4, [compliant("HB-OPS-NOTICE", "2026-10-01", "2026-11-30")]))
    assert m["id"] not in fu["findings"]  # closed before the previous audit: no longer followed
    assert history(ledger, m["id"])["rectifications"][0]["id"] == "R1"


def test_rectification_by_notice_number_or_rule(ledger: Path) -> None:
    m = finding("HB-OPS-NOTICE", "M1", start="2026-09-10", deadline="2026-10-14")
    record_audit(ledger, result("2026-09-30", *Q3, [m]))
    record_notice(ledger, notice("rectification", "N-3", "2026-10-09", [(m["id"], "2026-10-16")]))
    later = result("2026-10-31", *Q4, [compliant("HB-OPS-NOTICE", "2026-10-01", "2026-10-31")])
    by_notice = [{"id": "R", "finding": "whatever", "submitted_on": "2026-10-16", "notice": "N-3"}]
    by_rule = [{"id": "R", "finding": "HB-OPS-NOTICE", "submitted_on": "2026-10-12"}]
    too_late = [{"id": "R", "finding": m["id"], "submitted_on": "2026-10-20"}]
    assert follow_up(ledger, later, by_notice)["findings"][m["id"]]["state"] == "rectified"
    assert follow_up(ledger, later, by_rule)["findings"][m["id"]]["state"] == "rectified"
    assert follow_up(ledger, later, too_late)["findings"][m["id"]]["state"] == "rectified_late"


def test_past_event_recurring_after_notice_voids_rectification(ledger: Path) -> None:
    m1 = finding("HB-OPS-NOTICE", "M1", start="2026-09-10", deadline="2026-10-14")
    record_audit(ledger, result("2026-09-30", *Q3, [m1]))
    record_notice(ledger, notice("rectification", "N-4", "2026-10-09", [(m1["id"], "2026-10-16")]))
    rect = [{"id": "R1", "finding": m1["id"], "submitted_on": "2026-10-12"}]
    m2 = finding("HB-OPS-NOTICE", "M2", start="2026-10-13", deadline="2026-11-07")
    fu = follow_up(ledger, result("2026-10-31", *Q4, [m2]), rect)
    assert fu["findings"][m1["id"]]["state"] == "overdue"  # the rule breached again before the deadline
    assert fu["findings"][m1["id"]]["recurred_by"] == [m2["id"]]
    again = fu["findings"][m2["id"]]
    assert again["state"] == "recurring"
    assert again["recurs_after"] == ["N-4"]
    assert again["escalation"]["next"] == "terminate"  # 六.1: "整改后仍不满足的，甲方有权终止合同"
    assert fu["since_last"]["recurring"] == [m2["id"]]
    assert fu["since_last"]["new"] == []


def test_acceptance_failure_is_overdue_at_once_and_allows_termination(ledger: Path) -> None:
    """五（验收）: not rectified within 5 working days of the notice → Party A may terminate (五)."""
    a = finding("HB-QA-ACCEPT", "ACC-1", start="2026-09-01", details={"deadline": "2026-09-08"})
    fu = follow_up(ledger, result("2026-09-30", *Q3, [a]))
    e = fu["findings"][a["id"]]
    assert e["state"] == "overdue"
    assert e["deadline"] == "2026-09-08"
    assert e["escalation"]["next"] == "terminate"
    assert e["escalation"]["clause"] == "五"


def test_escalation_from_the_pack_contract_yaml(ledger: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "contract.yaml").write_text(
        """
id: x
escalation:
  none: {next: rectification, clause: 六.1, text: 甲方有权下达整改通知书}
  rectification: {next: warning, clause: 八.1, text: 甲方有权发出书面警示函，要求乙方限期纠正}
  warning: {next: terminate, clause: 八.1, text: 逾期未纠正的，甲方有权书面通知乙方后终止合同}
  overrides:
    五（验收）: {next: terminate, clause: 五, text: 拒不整改或无法整改的，甲方有权终止合同}
""",
        encoding="utf-8",
    )
    m = finding("HB-OPS-NOTICE", "M1", start="2026-09-10", deadline="2026-10-14")
    record_audit(ledger, result("2026-09-30", *Q3, [m], pack=str(pack)))
    record_notice(ledger, notice("rectification", "N-5", "2026-10-09", [(m["id"], "2026-10-16")]))
    fu = follow_up(ledger, result("2026-10-31", *Q4, [compliant("HB-OPS-NOTICE", "2026-10-01", "2026-10-31")],
                                  pack=str(pack)))
    esc = fu["findings"][m["id"]]["escalation"]
    assert (esc["next"], esc["clause"], esc["source"]) == ("warning", "八.1", "pack")
    a = finding("HB-QA-ACCEPT", "ACC-1", start="2026-09-01")
    fu = follow_up(ledger, result("2026-10-31", *Q4, [a], pack=str(pack)))
    assert fu["findings"][a["id"]]["escalation"]["clause"] == "五"

    with pytest.raises(InputError, match="unknown key"):
        follow_up(ledger, result("2026-10-31", *Q4, [a]), escalation={"later": {"next": "x"}})


def test_at_risk_that_passes_is_resolved(ledger: Path) -> None:
    r = finding("HB-OPS-NOTICE", "M9", "at_risk", start="2026-10-20", deadline="2026-10-09")
    record_audit(ledger, result("2026-09-30", *Q3, [r]))
    fu = follow_up(ledger, result("2026-10-31", *Q4, [compliant("HB-OPS-NOTICE", "2026-10-01", "2026-10-31")]))
    assert fu["findings"][r["id"]]["state"] == "resolved"
    assert fu["since_last"] == {"new": [], "rectified": [], "overdue": [], "recurring": []}


def test_follow_up_is_deterministic_and_ignores_the_result_itself(ledger: Path) -> None:
    x = finding("HB-OPS-TEAM-SIZE", "sep", start="2026-09-01", end="2026-09-30", deadline="2026-10-14")
    r1 = result("2026-09-30", *Q3, [x])
    assert record_audit(ledger, r1) == record_audit(ledger, r1)  # same result, same audit
    fu = follow_up(ledger, r1)
    assert fu["previous_audit"] is None
    assert fu == follow_up(ledger, r1)
    assert record_audit(ledger, {**r1, "follow_up": fu}) == record_audit(ledger, r1)  # the block is not the audit

"""The ledger on real `lvyue check` results: the engine's finding ids, kinds and deadlines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lvyue.engine.evaluate import evaluate
from lvyue.engine.ledger import follow_up, record_audit, record_notice
from lvyue.engine.pack import load_pack
from lvyue.engine.result import build
from lvyue.facts.model import StaffMember

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def _staff(back_on: dt.date) -> list[StaffMember]:
    """Ten local core engineers until S9 leaves on 9-10; S10 joins on `back_on`."""
    kw = {"categories": ["cloud", "network", "storage", "security"], "local": True, "core": True,
          "security_team": True}
    team = [StaffMember(id=f"S{i}", name=f"工程师{i}", start=D(2026, 7, 1), **kw) for i in range(9)]
    team.append(StaffMember(id="S9", name="离职", start=D(2026, 7, 1), end=D(2026, 9, 10), **kw))
    team.append(StaffMember(id="S10", name="补充", start=back_on, **kw))
    return team


def _check(as_of: dt.date, period: tuple[dt.date, dt.date], back_on: dt.date) -> dict:
    pack = load_pack(ROOT / "rules" / "hebi-shuguang-2026")
    ev = evaluate(pack, {"staff": _staff(back_on)}, as_of=as_of, period=period, present={"staff"})
    return build(ev, None, "given")


def _team_size(result: dict) -> dict:
    return next(f for f in result["findings"] if f["rule"] == "HB-OPS-TEAM-SIZE" and f["status"] == "breach")


def test_short_team_noticed_then_restored_in_time(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    q3 = _check(D(2026, 9, 30), (D(2026, 7, 1), D(2026, 9, 30)), back_on=D(2026, 10, 13))
    x = _team_size(q3)
    assert x["kind"] == "maintain"
    record_audit(ledger, q3)
    record_notice(ledger, {"kind": "rectification", "number": "N1", "issue_date": "2026-10-09",
                           "pack": q3["contract"]["pack"],
                           "items": [{"finding_id": x["id"], "rule": x["rule"], "clause": x["clause"],
                                      "deadline": "2026-10-16"}]})
    # The half-year audit re-reads September: the same breach (same id) now ends on 10-12.
    h2 = _check(D(2026, 10, 31), (D(2026, 7, 1), D(2026, 12, 31)), back_on=D(2026, 10, 13))
    assert _team_size(h2)["id"] == x["id"]
    fu = follow_up(ledger, h2)
    e = fu["findings"][x["id"]]
    assert (e["state"], e["rectified_on"], e["deadline"]) == ("rectified", "2026-10-13", "2026-10-16")
    assert x["id"] in fu["since_last"]["rectified"]


def test_short_team_restored_after_the_notice_deadline_is_late(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    q3 = _check(D(2026, 9, 30), (D(2026, 7, 1), D(2026, 9, 30)), back_on=D(2026, 10, 26))
    x = _team_size(q3)
    record_audit(ledger, q3)
    record_notice(ledger, {"kind": "rectification", "number": "N1", "issue_date": "2026-10-09",
                           "pack": "hebi-shuguang-2026",
                           "items": [{"finding_id": x["id"], "deadline": "2026-10-16"}]})
    q4 = _check(D(2026, 10, 31), (D(2026, 10, 1), D(2026, 12, 31)), back_on=D(2026, 10, 26))
    fu = follow_up(ledger, q4)
    y = _team_size(q4)  # a new id (the Q4 run starts on 10-01) continuing the same breach
    e = fu["findings"][y["id"]]
    assert e["thread"] == [x["id"], y["id"]]
    assert (e["state"], e["rectified_on"]) == ("rectified_late", "2026-10-26")
    assert e["escalation"]["next"] == "warning" and e["escalation"]["clause"] == "八.1"

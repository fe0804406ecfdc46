"""Issue 17: pack files by role (calendar overrides), provisional dates, what falls due in the period.

Every date below is counted by hand in a comment.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lvyue.engine.cli.main import main
from lvyue.engine.pack import calendar_files, load_pack

ROOT = Path(__file__).resolve().parent.parent
HEBI = ROOT / "rules" / "hebi-shuguang-2026"

# A made-up 2027 notice for the test (the real one is not out). 2027-01-01 is a Friday, so
# 2027-01-31 (Friday + 30 days = Friday + 4 weeks + 2 days) is a Sunday: here a make-up working day.
OVERRIDE_2027 = """\
source: 测试用 2027 年安排（非官方）
years: [2027]
holidays:
  - {start: 2027-01-01, end: 2027-01-03, name: 元旦}
  - {start: 2027-02-06, end: 2027-02-13, name: 春节}
workdays:
  - {date: 2027-01-31, name: 春节调休上班}
  - {date: 2027-02-20, name: 春节调休上班}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pack_with_override(tmp_path: Path) -> Path:
    """A copy of the Hebi pack with calendar-2027.yaml placed as docs/calendar.md says (not listed anywhere)."""
    dst = tmp_path / "hebi"
    shutil.copytree(HEBI, dst)
    (dst / "calendar-2027.yaml").write_text(OVERRIDE_2027, encoding="utf-8")
    return dst


# --- 1. file roles ------------------------------------------------------------------------


def test_override_file_in_pack_is_a_calendar_not_a_rule_file(pack_with_override: Path) -> None:
    pack = load_pack(pack_with_override)
    assert pack.file_roles["calendar-2027.yaml"] == "calendar"
    assert pack.file_roles["billing.yaml"] == "rules"
    assert pack.file_roles["contract.yaml"] == "contract"
    assert pack.file_roles["settlement.yaml"] == "settlement"
    assert calendar_files(pack_with_override) == [pack_with_override / "calendar-2027.yaml"]
    # the override is used: 2027-01-31 (a Sunday) is a working day, 2027-02-08 (a Monday) a holiday
    import datetime as dt

    assert pack.calendar.is_working(dt.date(2027, 1, 31))
    assert not pack.calendar.is_working(dt.date(2027, 2, 8))
    assert not any(r.id.startswith("calendar") for r in pack.rules)


def test_lint_names_each_files_role(capsys: pytest.CaptureFixture[str], pack_with_override: Path) -> None:
    code, out, _ = run(capsys, "rules", "lint", pack_with_override)
    assert code == 0, out
    lines = {line.split()[1]: line.split()[0] for line in out.splitlines() if len(line.split()) == 2}
    assert lines["calendar-2027.yaml"] == "calendar"
    assert lines["billing.yaml"] == "rules"
    assert lines["settlement.yaml"] == "settlement"


def test_listed_override_elsewhere_still_loaded(tmp_path: Path) -> None:
    dst = tmp_path / "hebi"
    shutil.copytree(HEBI, dst)
    (dst / "cal").mkdir()
    (dst / "cal" / "y2027.yaml").write_text(OVERRIDE_2027, encoding="utf-8")
    text = (dst / "contract.yaml").read_text(encoding="utf-8")
    (dst / "contract.yaml").write_text(text.replace("calendar_overrides: []", "calendar_overrides: [cal/y2027.yaml]"),
                                       encoding="utf-8")
    pack = load_pack(dst)
    assert pack.file_roles["cal/y2027.yaml"] == "calendar"
    import datetime as dt

    assert pack.calendar.is_working(dt.date(2027, 1, 31))


def test_calendar_day_with_pack(capsys: pytest.CaptureFixture[str], pack_with_override: Path) -> None:
    code, out, _ = run(capsys, "calendar", "day", "2027-01-31", "--pack", pack_with_override, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["working"] is True and d["provisional"] is False
    # without the pack the same Sunday is a provisional rest day
    code, out, _ = run(capsys, "calendar", "day", "2027-01-31", "--json")
    d = json.loads(out)
    assert d["working"] is False and d["provisional"] is True
    # --pack without contract.yaml is bad input
    code, out, err = run(capsys, "calendar", "day", "2027-01-31", "--pack", pack_with_override / "tests")
    assert code == 2


# --- 2. provisional flags on every date -----------------------------------------------------

SCENARIO_2027 = """\
name: 2027 dates
as_of: 2027-04-30
period: 2027-01-01..2027-03-31
rules: [HB-PAY-WITHIN-60, HB-QA-ACCEPT, HB-FM-NOTICE]
facts:
  invoice:
    # issued 2026-09-15: due 2026-12-14 (official 2026); paid 2027-01-13, 30 days late (12-15..01-13)
    - {id: I1, number: "0001", issued_on: 2026-09-15, amount: "1000000.00", period: 2026Q3, payee_name: 鹤壁城市云计算有限公司}
    # issued 2026-12-30, never paid: 60 working days run deep into 2027 (with the test override:
    # 12-31 is 1; 01-04..08 2-6, 11..15 7-11, 18..22 12-16, 25..29 17-21, 01-31 (make-up Sunday) 22,
    # 02-01..05 23-27, 02-06..13 Spring Festival, 02-15..19 28-32, 02-20 (make-up Saturday) 33,
    # 02-22..26 34-38, 03-01..05 39-43, 08..12 44-48, 15..19 49-53, 22..26 54-58, 03-29 59, 03-30 60)
    - {id: I2, number: "0002", issued_on: 2026-12-30, amount: "1000000.00", period: 2026H2, payee_name: 鹤壁城市云计算有限公司}
  payment:
    - {id: P1, invoice_id: I1, paid_on: 2027-01-13, amount: "1000000.00"}
  acceptance:
    # notified Thu 2027-01-28; 5 working days. With the override: 01-29 1, 01-31 (make-up Sunday) 2,
    # 02-01 3, 02-02 4, 02-03 5 → 2027-02-03. Without: 01-29 1, 02-01 2, 02-02 3, 02-03 4, 02-04 5 → 2027-02-04.
    - {id: AC1, date: 2027-01-25, passed: false, notified_on: 2027-01-28, rectified_on: 2027-02-05, subject: 对象存储}
  force_majeure:
    # occurred Mon 2027-01-04 (01-01..03 New Year either way); 15 working days: 01-05..08 1-4,
    # 11..15 5-9, 18..22 10-14, 01-25 15 → 2027-01-25; notified 01-27: a breach either way
    - {id: FM1, occurred_on: 2027-01-04, notified_on: 2027-01-27, party: party_b, description: 暴雨致机房停电}
expect:
  - {rule: HB-PAY-WITHIN-60, subject: I1, status: breach}
  - {rule: HB-PAY-WITHIN-60, subject: I2, status: breach}
  - {rule: HB-QA-ACCEPT, subject: AC1, status: breach}
  - {rule: HB-FM-NOTICE, subject: FM1, status: breach}
"""


def scenario(pack_dir: Path, text: str, tmp_path: Path) -> tuple[list[str], list[dict]]:
    """Run one scenario (YAML text) on a pack: the problems and the findings (JSON form)."""
    from lvyue.engine.scenarios import Scenario, run_scenario
    from lvyue.engine.yamlio import load_yaml

    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    raw = load_yaml(path)
    out = run_scenario(load_pack(pack_dir), Scenario.model_validate(raw), raw, str(path))
    return out.problems, json.loads(out.findings)


def by_subject(findings: list[dict], rule: str) -> dict[str, dict]:
    return {f["subject"]: f for f in findings if f["rule"] == rule}


def test_2027_dates_flagged_without_override(tmp_path: Path) -> None:
    problems, findings = scenario(HEBI, SCENARIO_2027, tmp_path)
    assert problems == []
    pay = by_subject(findings, "HB-PAY-WITHIN-60")
    # I1: due 2026-12-14 is official; only the late days (12-15..2027-01-13) touch 2027
    assert pay["I1"]["details"]["deadline"] == "2026-12-14"
    assert pay["I1"]["details"]["provisional_dates"] == {"late_days": [2027]}
    # I2: the due date itself rests on the guessed 2027
    assert pay["I2"]["details"]["provisional_dates"]["deadline"] == [2027]
    acc = by_subject(findings, "HB-QA-ACCEPT")["AC1"]
    assert acc["details"]["deadline"] == "2027-02-04"
    assert acc["details"]["provisional_dates"]["deadline"] == [2027]
    fm = by_subject(findings, "HB-FM-NOTICE")["FM1"]
    assert fm["details"]["deadline"] == "2027-01-25"
    assert fm["details"]["provisional_dates"]["deadline"] == [2027]


def test_2027_dates_official_with_override(tmp_path: Path, pack_with_override: Path) -> None:
    problems, findings = scenario(pack_with_override, SCENARIO_2027, tmp_path)
    assert problems == []
    pay = by_subject(findings, "HB-PAY-WITHIN-60")
    assert pay["I2"]["details"]["deadline"] == "2027-03-30"
    acc = by_subject(findings, "HB-QA-ACCEPT")["AC1"]
    assert acc["details"]["deadline"] == "2027-02-03"  # the make-up Sunday 01-31 counted
    fm = by_subject(findings, "HB-FM-NOTICE")["FM1"]
    assert fm["details"]["deadline"] == "2027-01-25"
    for f in [*pay.values(), acc, fm]:
        assert "provisional_dates" not in f["details"], f
        assert not (f["deadline"] and f["deadline"]["provisional"])


def notice_md(pack_dir: Path, text: str, tmp_path: Path, issue: str) -> tuple[str, dict]:
    """Evaluate a scenario, build the result as `check` does, render the rectification notice (Markdown)."""
    import datetime as dt

    from lvyue.engine.evaluate import evaluate
    from lvyue.engine.kinds.periods import parse_span
    from lvyue.engine.result import build
    from lvyue.engine.scenarios import Scenario, _facts
    from lvyue.engine.yamlio import load_yaml
    from lvyue.reports.notice import build_notice
    from lvyue.reports.templating import markdown_env, render

    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    raw = load_yaml(path)
    sc = Scenario.model_validate(raw)
    pack = load_pack(pack_dir)
    facts = _facts(sc, raw, str(path), pack.fact_types)
    ev = evaluate(pack, facts, as_of=sc.as_of, period=parse_span(sc.period), present=set(facts))
    result = json.loads(json.dumps(build(ev, None, "given"), ensure_ascii=False, default=str))
    ctx = build_notice(result, pack, "rectification", None, None, dt.date.fromisoformat(issue))
    return render(markdown_env(pack_dir), "notice.md.j2", ctx), ctx


def test_notice_says_dates_are_provisional(tmp_path: Path) -> None:
    # party_b breaches: AC1 (deadline 2027-02-04, guessed) and FM1 (2027-01-25, guessed)
    md, ctx = notice_md(HEBI, SCENARIO_2027, tmp_path, "2027-05-06")
    notes = {it["rule"]: it["provisional_note"] for it in ctx["items"]}
    assert "2027年国务院节假日安排尚未公布，该日期为暂定" in notes["HB-QA-ACCEPT"]
    assert notes["HB-QA-ACCEPT"].startswith("履行期限")
    assert "2027年国务院节假日安排尚未公布，该日期为暂定" in notes["HB-FM-NOTICE"]
    assert md.count("2027年国务院节假日安排尚未公布，该日期为暂定") >= 2
    assert any("暂定" in w for w in ctx["warnings"])


def test_notice_with_override_has_no_provisional_words(tmp_path: Path, pack_with_override: Path) -> None:
    md, ctx = notice_md(pack_with_override, SCENARIO_2027, tmp_path, "2027-05-06")
    assert ctx["items"], "the notice has items"
    assert all(it["provisional_note"] == "" for it in ctx["items"])
    assert "暂定" not in md


def test_check_table_says_dates_are_provisional() -> None:
    from lvyue.engine.calendar import provisional_words

    f = {"details": {"provisional_dates": {"deadline": [2027], "late_days": [2027]}}, "deadline": None}
    assert provisional_words(f) == "履行期限、逾期天数：2027年国务院节假日安排尚未公布，该日期为暂定"
    f["deadline"] = {"provisional": True, "explanation": {"provisional_years": [2027, 2028]}}
    assert provisional_words(f).endswith("：2027、2028年国务院节假日安排尚未公布，该日期为暂定")
    assert provisional_words({"details": {}, "deadline": None}) == ""


# --- 3. what falls due in the period is judged in it -----------------------------------------

# With the test override (2027-01-01..03 New Year, 02-06..13 Spring Festival, make-up 01-31 and 02-20):
# - the December 2026 usage report is due 10 working days after 12-31: 01-04..08 1-5, 01-11..14 6-9,
#   01-15 10 → 2027-01-15;
# - the January report: 02-01..05 1-5, (02-06..14 rest), 02-15..19 6-10 → 2027-02-19;
# - the February report: 03-01..05 1-5, 03-08..12 6-10 → 2027-03-12;
# - the March report: 04-01..02 1-2, 04-05..09 3-7, 04-12..14 8-10 → 2027-04-14 (after Q1: next audit).
Q1_2027 = """\
name: Q1 2027
as_of: {as_of}
period: {period}
rules: [HB-PAY-USAGE-REPORT, HB-QA-REVIEW, HB-RES-DELIVERY]
facts:
  report:
    # July..November 2026 were judged in the 2026 audits; they are here so that none is still open
    - {{id: U07, kind: usage_confirmation, period: 2026-07, delivered_on: 2026-08-05}}
    - {{id: U08, kind: usage_confirmation, period: 2026-08, delivered_on: 2026-09-04}}
    - {{id: U09, kind: usage_confirmation, period: 2026-09, delivered_on: 2026-10-09}}
    - {{id: U10, kind: usage_confirmation, period: 2026-10, delivered_on: {oct}}}
{nov}    - {{id: U12, kind: usage_confirmation, period: 2026-12, delivered_on: {dec}}}
    - {{id: U01, kind: usage_confirmation, period: 2027-01, delivered_on: 2027-02-10}}
    - {{id: U02, kind: usage_confirmation, period: 2027-02, delivered_on: 2027-03-05}}
  performance_review:
    # 2026H2 review due 20 working days after 12-31: 01-04..08 1-5, 01-11..15 6-10,
    # 01-18..22 11-15, 01-25..29 16-20 → 2027-01-29
    - {{id: PR1, period: 2026H2, date: {review}, panel_size: 3, score: "91", grade: 优秀}}
  resource_request:
    # requested Thu 2027-04-01; 3 working days: 04-02 1, 04-05 2, 04-06 3 → due 2027-04-06;
    # delivered 04-09: late, but after the Q1 period's end: the Q2 audit judges it
    - {{id: RR1, requested_on: 2027-04-01, description: 新增云主机20台, delivered_on: 2027-04-09}}
expect: []
"""
Q1 = "2027-01-01..2027-03-31"
Q4 = "2026-10-01..2026-12-31"
Q2 = "2027-04-01..2027-06-30"


NOV = "    - {id: U11, kind: usage_confirmation, period: 2026-11, delivered_on: 2026-12-07}\n"


def q1(
    as_of: str = "2027-04-10", period: str = Q1, dec: str = "2027-01-16", review: str = "2027-01-29",
    oct: str = "2026-11-06", nov: str = NOV,
) -> str:
    return Q1_2027.format(as_of=as_of, period=period, dec=dec, review=review, oct=oct, nov=nov)


def breaches(findings: list[dict], rule: str) -> dict[str, dict]:
    return {f["subject"]: f for f in findings if f["rule"] == rule and f["status"] == "breach"}


def test_december_report_due_in_january_is_judged_in_q1(tmp_path: Path, pack_with_override: Path) -> None:
    problems, findings = scenario(pack_with_override, q1(), tmp_path)
    assert problems == []
    late = breaches(findings, "HB-PAY-USAGE-REPORT")
    assert set(late) == {"2026-12"}  # January (02-10 ≤ 02-19) and February (03-05 ≤ 03-12) on time
    assert late["2026-12"]["details"]["due_date"] == "2027-01-15"
    assert late["2026-12"]["details"]["delivered_on"] == "2027-01-16"
    assert "provisional_dates" not in late["2026-12"]["details"]  # 2027 is official with the override
    # delivered on the due day itself: no breach
    problems, findings = scenario(pack_with_override, q1(dec="2027-01-15"), tmp_path)
    assert breaches(findings, "HB-PAY-USAGE-REPORT") == {}
    # the March report (due 04-14) is not judged in Q1 even when missing
    assert not any(f["rule"] == "HB-PAY-USAGE-REPORT" and f["subject"] == "2027-03" for f in findings)


def test_december_report_pending_in_q4_audit_before_its_due_date(tmp_path: Path, pack_with_override: Path) -> None:
    # a Q4 audit as of 2027-01-10 cannot judge the December report (due 01-15): the Q1 audit does
    problems, findings = scenario(pack_with_override, q1(as_of="2027-01-10", period=Q4), tmp_path)
    assert not any(f["rule"] == "HB-PAY-USAGE-REPORT" and f["subject"] == "2026-12" for f in findings)


@pytest.mark.parametrize("period", [Q1, Q4])
def test_review_matched_by_the_half_it_reviews(tmp_path: Path, pack_with_override: Path, period: str) -> None:
    # held on the due day 2027-01-29: compliant in whichever audit sees it (Q1, or Q4 as of 02-05)
    problems, findings = scenario(pack_with_override, q1(as_of="2027-02-05", period=period), tmp_path)
    assert breaches(findings, "HB-QA-REVIEW") == {}
    assert any(f["rule"] == "HB-QA-REVIEW" and f["status"] == "compliant" for f in findings)
    # held on 2027-02-01, one working day late (01-31 is a make-up Sunday, but the due day is 01-29)
    problems, findings = scenario(pack_with_override, q1(as_of="2027-02-05", period=period, review="2027-02-01"), tmp_path)
    late = breaches(findings, "HB-QA-REVIEW")
    assert set(late) == {"2026-07-01..2026-12-31"}
    assert late["2026-07-01..2026-12-31"]["details"]["due_date"] == "2027-01-29"
    assert late["2026-07-01..2026-12-31"]["details"]["delivered_on"] == "2027-02-01"


def test_request_after_the_period_end_waits_for_the_next_audit(tmp_path: Path, pack_with_override: Path) -> None:
    problems, findings = scenario(pack_with_override, q1(), tmp_path)
    assert not any(f["rule"] == "HB-RES-DELIVERY" and f["subject"] == "RR1" for f in findings)
    md, ctx = notice_md(pack_with_override, q1(), tmp_path, "2027-04-12")
    assert "RR1" not in md and all(it["rule"] != "HB-RES-DELIVERY" for it in ctx["items"])
    assert any(it["rule"] == "HB-PAY-USAGE-REPORT" for it in ctx["items"])  # the notice is not empty
    # the Q2 audit judges it: due 2027-04-06, delivered 04-09
    problems, findings = scenario(pack_with_override, q1(period=Q2), tmp_path)
    late = breaches(findings, "HB-RES-DELIVERY")
    assert late["RR1"]["details"]["deadline"] == "2027-04-06"


def test_q1_due_dates_flagged_without_override(tmp_path: Path) -> None:
    # the same December report on the pack's own calendar: 2027 is guessed, so its due date
    # (still 2027-01-15: 01-01 New Year, 01-02/03 a weekend, then 10 working days 01-04..15) is provisional
    problems, findings = scenario(HEBI, q1(), tmp_path)
    late = breaches(findings, "HB-PAY-USAGE-REPORT")
    assert late["2026-12"]["details"]["due_date"] == "2027-01-15"
    assert late["2026-12"]["details"]["provisional_dates"]["due_date"] == [2027]
    assert late["2026-12"]["details"]["provisional_dates"]["late_days"] == [2027]


def test_report_overdue_and_still_open_is_judged_again(tmp_path: Path, pack_with_override: Path) -> None:
    # the November report (due 2026-12-14: 12-01..04 1-4, 07..11 5-9, 12-14 10) never delivered: the Q4
    # audit found it; at the Q1 as-of date it is still open, so the Q1 audit judges it again, same subject
    problems, findings = scenario(pack_with_override, q1(nov=""), tmp_path)
    assert problems == []
    late = breaches(findings, "HB-PAY-USAGE-REPORT")
    assert set(late) == {"2026-11", "2026-12"}
    assert late["2026-11"]["details"]["due_date"] == "2026-12-14"
    assert late["2026-11"]["details"]["delivered_on"] == "—"


def test_report_delivered_late_in_an_earlier_period_is_not_judged_again(tmp_path: Path, pack_with_override: Path) -> None:
    # the October report (due 2026-11-13) delivered 11-20: late, decided in Q4; closed before Q1
    problems, findings = scenario(pack_with_override, q1(oct="2026-11-20"), tmp_path)
    assert problems == []
    assert set(breaches(findings, "HB-PAY-USAGE-REPORT")) == {"2026-12"}
    problems, findings = scenario(pack_with_override, q1(oct="2026-11-20", period=Q4, as_of="2027-01-10"), tmp_path)
    assert breaches(findings, "HB-PAY-USAGE-REPORT")["2026-10"]["details"]["delivered_on"] == "2026-11-20"

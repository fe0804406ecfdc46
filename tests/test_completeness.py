"""Evidence completeness (shared/DESIGN.md; issue 12 item 1): no rule is compliant on evidence it could not read.

Each test damages a copy of examples/hebi-2026h2 and checks the rule that needs
the damaged evidence: rejected rows → never compliant (breaches already shown
stay, with a note), empty registers → no_evidence unless `empty_means: none`,
nothing fell due → `not_due`, a failed assessment → breach now.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest

from lvyue.engine.cli.main import main
from lvyue.engine.evaluate import evaluate
from lvyue.engine.findings import STATUS_ZH, STATUSES
from lvyue.engine.kinds.periodic import Passed
from lvyue.engine.pack import load_pack
from lvyue.engine.result import build
from lvyue.facts.evidence import load_evidence

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hebi-2026h2"
PACK = ROOT / "rules" / "hebi-shuguang-2026"
H2 = (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
INCIDENTS = "安全事件.csv"


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


def check(pack, folder: Path, as_of: dt.date = H2[1], period=H2) -> dict:
    """`lvyue check --format json` as run_check builds it, with the evidence handed to evaluate."""
    ev_set = load_evidence(folder, types=pack.fact_types)
    ev = evaluate(pack, ev_set.facts, as_of=as_of, period=period, present=ev_set.present_types(), evidence=ev_set)
    return json.loads(json.dumps(build(ev, ev_set, "given"), default=str))


def of(result: dict, rule: str) -> list[dict]:
    return [f for f in result["findings"] if f["rule"] == rule]


def copy_example(tmp_path: Path) -> Path:
    dst = tmp_path / "hebi"
    shutil.copytree(EXAMPLE, dst)
    return dst


def edit_manifest(folder: Path, path: str, extra: str) -> None:
    """Add `extra` (YAML lines, indented as the entry's keys) to the manifest entry of `path`."""
    text = (folder / "evidence.yaml").read_text(encoding="utf-8")
    anchor = f"  - path: {path}\n"
    assert anchor in text
    (folder / "evidence.yaml").write_text(text.replace(anchor, anchor + extra), encoding="utf-8")


def set_incident_date(folder: Path, incident: str, date: str) -> None:
    p = folder / INCIDENTS
    lines = p.read_text(encoding="utf-8-sig").splitlines()
    out = []
    for line in lines:
        cells = line.split(",")
        if cells[0] == incident:
            cells[1] = date
        out.append(",".join(cells))
    p.write_text("\n".join(out) + "\n", encoding="utf-8-sig")


# --- the Hebi example: only "nothing fell due" changed -----------------------------------------


def test_hebi_example_not_due_only_where_nothing_fell_due(pack) -> None:
    r = check(pack, EXAMPLE)
    by_status = {s: sorted({f["rule"] for f in r["findings"] if f["status"] == s}) for s in STATUSES}
    # the invoice of 2026-12-30 is payable in 60 working days (2027); no warning letter was issued;
    # the data hand-over applies from the term's end (2027-07-01)
    assert by_status["not_due"] == ["HB-DATA-HANDOVER", "HB-PAY-WITHIN-60", "HB-QA-WARNING"]
    assert by_status["compliant"] == sorted([
        "HB-PAY-BUDGET-CAP", "HB-RES-OPREPORT", "HB-OPS-DRILL", "HB-OPS-HOTLINE", "HB-OPS-REPLACE-NOTICE",
        "HB-OPS-TEAM-CATEGORIES", "HB-OPS-LINES", "HB-SEC-TEAM", "HB-SEC-MLPS-ANNUAL", "HB-SEC-MLPS-FILING",
        "HB-SEC-CRYPTO-ASSESS", "HB-SEC-CRYPTO-SYSTEM", "HB-SEC-CAC", "HB-QA-REVIEW", "HB-QA-ACCEPT", "HB-QA-NOTICE",
    ])  # fmt: skip
    assert all("期内无应核查事项" not in f["message"]["zh"] for f in r["findings"] if f["status"] == "compliant")
    assert r["summary"]["by_status"]["not_due"] == 3 and r["summary"]["needs_action"] == 14  # 13 breaches + HB-FM-NOTICE without evidence
    assert r["incomplete_evidence"] == [] and r["empty_registers"] == {}


def test_not_due_is_a_status_everywhere() -> None:
    assert "not_due" in STATUSES and STATUS_ZH["not_due"] == "未到期"
    from lvyue.engine.ledger.followup import EVALUATED, NEEDS_ACTION
    from lvyue.engine.schema import schemas

    assert "not_due" in EVALUATED and "not_due" not in NEEDS_ACTION
    status = json.dumps(schemas()["scenarios"], ensure_ascii=False)
    assert '"not_due"' in status
    labels = (ROOT / "reports" / "templates" / "labels.yaml").read_text(encoding="utf-8")
    assert "status_not_due: 未到期" in labels and "status_not_due: not due" in labels


# --- rejected rows -------------------------------------------------------------------------------


def test_an_impossible_date_keeps_the_planted_incident_and_is_never_compliant(pack, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    set_incident_date(folder, "INC-2026-01", "2026-02-30")  # the incident that is no breach
    r = check(pack, folder)
    found = of(r, "HB-SEC-INCIDENT")
    assert [(f["subject"], f["status"]) for f in found] == [("INC-2026-02", "breach")]
    inc = found[0]
    assert any("证据不完整" in n and "1行被拒收" in n and "可能还有未发现的违约" in n for n in inc["notes"])
    assert inc["details"]["incomplete_evidence"][0]["fact_type"] == "incident"
    assert inc["details"]["incomplete_evidence"][0]["count"] == 1
    assert inc["details"]["incomplete_evidence"][0]["gaps"][0]["file"] == INCIDENTS
    top = r["incomplete_evidence"]
    assert [(x["fact_type"], x["count"], x["rules"]) for x in top] == [("incident", 1, ["HB-SEC-INCIDENT"])]
    # the other rules keep their statuses
    assert [f["status"] for f in of(r, "HB-OPS-LINES")] == ["compliant"]


def test_the_planted_incident_rejected_is_no_evidence_not_compliant(pack, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    set_incident_date(folder, "INC-2026-02", "2026-02-30")  # the breach itself cannot be read
    r = check(pack, folder)
    found = of(r, "HB-SEC-INCIDENT")
    assert [f["status"] for f in found] == ["no_evidence"]
    msg = found[0]["message"]["zh"]
    assert msg.startswith("证据不完整：安全事件1行被拒收（安全事件.csv:") and "不视为合规" in msg
    assert found[0]["details"]["incomplete_evidence"][0]["count"] == 1


def test_the_audit_report_names_the_rules_resting_on_incomplete_evidence(pack, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    set_incident_date(folder, "INC-2026-01", "2026-02-30")
    path = tmp_path / "r.json"
    path.write_text(json.dumps(check(pack, folder), ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["report", "audit", str(path)])
    md = out.getvalue()
    assert code == 0
    assert "**证据不完整**：以下规则所依据的证据未能完整读取" in md
    assert "安全事件：1处未读入（安全事件.csv第" in md and "涉及规则：HB-SEC-INCIDENT" in md
    assert "可能还有未发现的违约" in md  # the finding's note
    assert "### 未到期事项" in md and "HB-QA-WARNING" in md


def test_an_id_template_that_rejects_every_row_is_no_evidence(pack, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    # the id is built from 申请单位 (requester), which the manifest no longer maps: every id is blank
    text = (folder / "evidence.yaml").read_text(encoding="utf-8")
    text = text.replace("      申请编号: id\n      申请单位: requester\n", "")
    (folder / "evidence.yaml").write_text(text, encoding="utf-8")
    edit_manifest(folder, "资源申请.xlsx", '    id: "RR-{requester}"\n')
    ev_set = load_evidence(folder, types=pack.fact_types)
    report = next(f for f in ev_set.files if f.file == "资源申请.xlsx")
    assert (report.rows, report.facts, len(report.rejected)) == (10, 0, 10)
    r = check(pack, folder)
    found = of(r, "HB-RES-DELIVERY")
    assert [f["status"] for f in found] == ["no_evidence"]  # was: breach RR-2026-07 + compliant
    assert "10行被拒收" in found[0]["message"]["zh"] and "等共10处" in found[0]["message"]["zh"]
    assert [(x["fact_type"], x["count"]) for x in r["incomplete_evidence"]] == [("resource_request", 10)]
    assert "HB-RES-DELIVERY" in r["incomplete_evidence"][0]["rules"]
    assert len(found[0]["details"]["incomplete_evidence"][0]["gaps"]) == 10


def test_a_scenario_may_declare_rejected_rows(pack) -> None:
    from lvyue.engine.scenarios import Scenario, run_scenario
    from lvyue.engine.yamlio import parse_yaml

    text = """
name: 安全事件登记有1行被拒收
as_of: 2026-12-31
facts:
  incident:
    - {id: I1, date: 2026-08-01, severity: 一般, caused_by_supplier: false, description: 外部扫描}
rejected: {incident: 1}
expect:
  - {rule: HB-SEC-INCIDENT, status: no_evidence}
exhaustive: true
"""
    raw = parse_yaml(text, "(test)")
    out = run_scenario(pack, Scenario.model_validate(raw), raw, "(test)")
    assert out.passed, out.problems
    raw2 = parse_yaml(text.replace("rejected: {incident: 1}\n", ""), "(test)")
    out2 = run_scenario(pack, Scenario.model_validate(raw2), raw2, "(test)")
    assert not out2.passed and "expected no_evidence, got" in out2.problems[0]  # complete: compliant


# --- empty registers ------------------------------------------------------------------------------


def empty_incidents(folder: Path) -> None:
    p = folder / INCIDENTS
    header = p.read_text(encoding="utf-8-sig").splitlines()[0]
    p.write_text(header + "\n", encoding="utf-8-sig")


def test_an_empty_register_is_no_evidence(pack, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    empty_incidents(folder)
    r = check(pack, folder)
    found = of(r, "HB-SEC-INCIDENT")
    assert [f["status"] for f in found] == ["no_evidence"]
    assert "登记表为空" in found[0]["message"]["zh"] and "empty_means: none" in found[0]["message"]["zh"]
    assert r["empty_registers"] == {"incident": [INCIDENTS]}


def test_an_empty_register_with_empty_means_none_means_nothing_happened(pack, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    empty_incidents(folder)
    edit_manifest(folder, INCIDENTS, "    empty_means: none\n")
    r = check(pack, folder)
    found = of(r, "HB-SEC-INCIDENT")
    # a prohibition with its register kept and empty: nothing prohibited happened
    assert [f["status"] for f in found] == ["compliant"]
    assert r["empty_registers"] == {}


def test_an_empty_drill_sheet(pack, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    wb = openpyxl.load_workbook(folder / "应急演练.xlsx")
    ws = wb.active
    ws.delete_rows(2, ws.max_row)
    wb.save(folder / "应急演练.xlsx")
    assert [f["status"] for f in of(check(pack, folder), "HB-OPS-DRILL")] == ["no_evidence"]
    edit_manifest(folder, "应急演练.xlsx", "    empty_means: none\n")
    # no drill so far, and the contract year (to 2027-06-30) is not over: nothing fell due
    assert [f["status"] for f in of(check(pack, folder), "HB-OPS-DRILL")] == ["not_due"]


# --- a failed assessment ---------------------------------------------------------------------------


def test_a_failed_mlps_assessment_is_a_breach_now(pack, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    d = docx.Document(folder / "等保测评报告.docx")
    for p in d.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("等级测评结论：良", "等级测评结论：差").replace("综合得分：86.45", "综合得分：65")
    d.save(folder / "等保测评报告.docx")
    r = check(pack, folder)
    found = of(r, "HB-SEC-MLPS-ANNUAL")
    assert [(f["subject"], f["status"]) for f in found] == [("2026-07-01..2027-06-30", "breach")]
    f = found[0]
    # rectification: 5 working days from the as-of date 2026-12-31 (New Year's Day 2027 off)
    assert f["deadline"]["date"] == "2027-01-08"
    assert any("“差”，未达标" in n for n in f["notes"]) and any("不待履行期限届满" in n for n in f["notes"])
    # unchanged evidence: the passing report makes the year compliant
    assert [x["status"] for x in of(check(pack, EXAMPLE), "HB-SEC-MLPS-ANNUAL")] == ["compliant"]


def test_a_pass_line_on_a_score() -> None:
    class A:
        def __init__(self, score):
            self.score = score

    p = Passed(field="score", at_least="70")
    assert p.ok(A("70")) and not p.failed(A("70"))
    assert not p.ok(A("65")) and p.failed(A("65"))
    assert not p.ok(A(None)) and not p.failed(A(None))  # no score: not delivered, not failed
    with pytest.raises(ValueError):
        Passed(field="score")


# --- a period that has not started ---------------------------------------------------------------------


def test_a_period_not_started_has_nothing_compliant(pack) -> None:
    r = check(pack, EXAMPLE, as_of=dt.date(2026, 1, 1))
    statuses = {f["status"] for f in r["findings"]}
    assert statuses == {"not_due", "no_evidence", "manual"}
    # no_evidence only where the evidence is absent altogether (no force-majeure file)
    assert sorted(f["rule"] for f in r["findings"] if f["status"] == "no_evidence") == ["HB-FM-NOTICE"]
    # the one no_evidence needs action (obtain the file); nothing was judged
    assert r["summary"]["needs_action"] == 1 and r["summary"]["items_checked"] == 0
    nd = of(r, "HB-SEC-INCIDENT")[0]
    assert nd["status"] == "not_due" and "核查期间尚未开始" in nd["message"]["zh"]


def test_a_missing_file_or_sheet_is_no_evidence_not_a_stop(tmp_path: Path) -> None:
    """Listed but absent (a file, or a sheet of a workbook): the audit goes on; those rules are no_evidence."""
    import yaml as _yaml
    from examplekit import cli

    folder = copy_example(tmp_path)
    (folder / "设备清单.xlsx").unlink()
    manifest = _yaml.safe_load((folder / "evidence.yaml").read_text(encoding="utf-8"))
    for f in manifest["files"]:
        if f["path"] == "付款.xlsx":
            f["sheet"] = "不存在的工作表"
    (folder / "evidence.yaml").write_text(_yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, out = cli("check", folder, "--pack", ROOT / "rules" / "hebi-shuguang-2026", "--half", "2026H2", "--format", "json")
    assert code == 1
    r = json.loads(out)
    by_rule = {f["rule"]: f for f in r["findings"]}
    for rule in ("HB-SEC-DEVICES", "HB-OPS-LINES", "HB-OPS-HOTLINE"):  # they read the device register
        assert by_rule[rule]["status"] == "no_evidence", rule
        assert "设备清单.xlsx" in by_rule[rule]["message"]["zh"] and "not found" in by_rule[rule]["message"]["zh"]
    assert by_rule["HB-PAY-WITHIN-60"]["status"] in ("no_evidence", "breach")  # payments unreadable: never compliant/not_due
    assert "不存在的工作表" in json.dumps(r["incomplete_evidence"], ensure_ascii=False)

"""Manual checks that close (issue 15): the 人工核查清单 sheet of the XLSX report, filled in by
the auditor, comes back as `manual_conclusion` evidence; 不符合 is a breach (notice, ledger),
符合 compliant, 不适用 not_applicable; a blank or invalid 结论 keeps the item manual."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from examplekit import cli

from lvyue.engine.calendar import deadline_after
from lvyue.engine.findings import STATUS_ZH, STATUSES
from lvyue.engine.ledger import history
from lvyue.engine.pack import load_pack

ROOT = Path(__file__).resolve().parents[1]
HEBI = (ROOT / "examples" / "hebi-2026h2", ROOT / "rules" / "hebi-shuguang-2026", ("--half", "2026H2"))
JIANGZHOU = (ROOT / "examples" / "jiangzhou-2026q4", ROOT / "rules" / "jiangzhou-waiwang-2026", ("--quarter", "2026Q4"))
SHEET = "人工核查清单"
ENTRY = f"""  - path: {SHEET}.xlsx
    type: manual_conclusion
    sheet: {SHEET}
    columns: {{规则: rule, 结论: conclusion, 说明: note, 核查人: checker, 核查日期: checked_on}}
"""
BREACH_TEXT = "乙方在鹤壁市以外的郑州机房为两个部门提供服务，未签补充协议"


def check(folder: Path, pack: Path, period: tuple[str, ...], *extra: object) -> dict:
    code, out = cli("check", folder, "--pack", pack, *period, "--format", "json", *extra)
    assert code in (0, 1), out
    return json.loads(out)


def export(tmp_path: Path, result: dict, name: str = "report") -> Path:
    rj, xlsx = tmp_path / f"{name}.json", tmp_path / f"{name}.xlsx"
    rj.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    code, out = cli("report", "audit", rj, "--format", "xlsx", "-o", xlsx)
    assert code == 0, out
    return xlsx


def fill(xlsx: Path, folder: Path, answers: dict[str, tuple], extra_rows: list[tuple] = ()) -> None:
    """Fill the checklist (rule → (结论, 说明, 核查人, 核查日期)), save it into the evidence folder, list it."""
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[SHEET]
    head = [c.value for c in ws[1]]
    col = {h: head.index(h) + 1 for h in head}
    rows = {ws.cell(r, col["规则"]).value: r for r in range(2, ws.max_row + 1)}
    for rule, values in answers.items():
        for h, v in zip(("结论", "说明", "核查人", "核查日期"), values, strict=True):
            ws.cell(rows[rule], col[h], v)
    for rule, *values in extra_rows:
        ws.append([rule, None, None, None, None, *values])
    wb.save(folder / f"{SHEET}.xlsx")
    with (folder / "evidence.yaml").open("a", encoding="utf-8") as f:
        f.write(ENTRY)


def manual_rules(result: dict) -> list[str]:
    return [f["rule"] for f in result["findings"] if f["kind"] == "manual"]


@pytest.fixture(scope="module")
def hebi(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The Hebi example checked, its checklist exported, filled with every case, checked again."""
    tmp = tmp_path_factory.mktemp("hebi")
    example, pack, period = HEBI
    before = check(example, pack, period)
    xlsx = export(tmp, before)
    folder = tmp / "evidence"
    shutil.copytree(example, folder)
    d = dt.date(2026, 12, 20)
    fill(
        xlsx,
        folder,
        {
            "HB-GEN-SCOPE": ("不符合", BREACH_TEXT, "王审计", d),
            "HB-GEN-TERM": ("符合", None, "王审计", d),
            "HB-GEN-PLACE": ("不适用", "本期无驻场地点变更", "李审计", dt.date(2026, 12, 21)),
            "HB-PAY-PRINCIPLE": ("也许", None, "王审计", d),  # not a conclusion
            "HB-PAY-OVERDUE-AMOUNT": ("符合", None, None, None),  # nobody answers for it
            "HB-A-TEST": (None, "甲方未组织测试", "王审计", d),  # 结论 left blank
            "HB-A-GUIDE": ("符合", None, "王审计", dt.date(2027, 3, 1)),  # after the as-of date
        },
        [
            ("HB-NO-SUCH-RULE", "符合", None, "王审计", d),
            ("HB-OPS-TEAM-SIZE", "符合", None, "王审计", d),  # decided by its evidence, not by hand
            ("HB-GEN-TERM", "不符合", "重复的一行", "赵审计", d),
        ],
    )
    after = check(folder, pack, period)
    return {"before": before, "after": after, "xlsx": xlsx, "folder": folder, "tmp": tmp}


def by_rule(result: dict) -> dict[str, dict]:
    return {f["rule"]: f for f in result["findings"] if f["kind"] == "manual"}


def test_not_applicable_is_a_status_with_its_label() -> None:
    assert STATUSES[-1] == "not_applicable" and STATUS_ZH["not_applicable"] == "不适用"


def test_the_xlsx_checklist_has_one_row_per_manual_item_and_a_drop_down(hebi: dict) -> None:
    wb = openpyxl.load_workbook(hebi["xlsx"])
    assert SHEET in wb.sheetnames
    ws = wb[SHEET]
    head = [c.value for c in ws[1]]
    assert head == ["规则", "条款", "标题", "条款内容", "核查方法", "结论", "说明", "核查人", "核查日期"]
    rules = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert rules == manual_rules(hebi["before"]) and len(rules) >= 30
    scope = rules.index("HB-GEN-SCOPE") + 2
    assert "补充协议" in ws.cell(scope, 4).value and "服务目录" in ws.cell(scope, 5).value  # clause text, how
    assert all(ws.cell(r, c).value is None for r in range(2, ws.max_row + 1) for c in range(6, 10))
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == '"符合,不符合,不适用"' and lists[0].showErrorMessage
    assert str(lists[0].sqref) == f"F2:F{ws.max_row}"


def test_not_complied_is_a_breach_with_the_auditors_text_and_the_row(hebi: dict) -> None:
    f = by_rule(hebi["after"])["HB-GEN-SCOPE"]
    assert f["status"] == "breach" and f["message"]["zh"] == BREACH_TEXT
    assert f["id"] == by_rule(hebi["before"])["HB-GEN-SCOPE"]["id"]  # the same item, followed by the ledger
    [e] = f["evidence"]
    assert e["fact_type"] == "manual_conclusion" and e["cite"].endswith(f"sheet {SHEET}, row 2")
    assert f["details"]["manual_conclusion"] == {
        "conclusion": "不符合", "note": BREACH_TEXT, "checker": "王审计", "checked_on": "2026-12-20", "cite": e["cite"],
    }  # fmt: skip
    assert any("王审计" in n for n in f["notes"])


def test_complied_is_compliant_citing_checker_and_date_and_not_applicable_is_its_own_status(hebi: dict) -> None:
    m = by_rule(hebi["after"])
    assert m["HB-GEN-TERM"]["status"] == "compliant"
    assert "王审计" in m["HB-GEN-TERM"]["message"]["zh"] and "2026年12月20日" in m["HB-GEN-TERM"]["message"]["zh"]
    assert m["HB-GEN-PLACE"]["status"] == "not_applicable"
    assert "李审计" in m["HB-GEN-PLACE"]["message"]["zh"] and "本期无驻场地点变更" in m["HB-GEN-PLACE"]["message"]["zh"]
    counts = hebi["after"]["summary"]["by_status"]
    assert counts["not_applicable"] == 1 and counts["manual"] == hebi["before"]["summary"]["by_status"]["manual"] - 3


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("HB-PAY-PRINCIPLE", "结论“也许”无效"),
        ("HB-PAY-OVERDUE-AMOUNT", "缺少核查人、核查日期"),
        ("HB-A-TEST", "结论未填"),
        ("HB-A-GUIDE", "晚于核查基准日"),
    ],
)
def test_a_blank_or_invalid_conclusion_keeps_the_item_manual_and_says_so(hebi: dict, rule: str, said: str) -> None:
    f = by_rule(hebi["after"])[rule]
    assert f["status"] == "manual" and said in f["message"]["zh"]
    assert said in f["details"]["conclusion_invalid"]["reason"] and "manual_conclusion" not in f["details"]


def test_an_untouched_row_is_plain_manual(hebi: dict) -> None:
    f = by_rule(hebi["after"])["HB-B-ENV"]
    assert f["status"] == "manual" and f["evidence"] == [] and "conclusion_invalid" not in f["details"]
    assert f["message"] == by_rule(hebi["before"])["HB-B-ENV"]["message"]


def test_rows_for_unknown_non_manual_or_repeated_rules_are_rejected_rows(hebi: dict) -> None:
    [m] = [m for m in hebi["after"]["manifest"] if m["fact_type"] == "manual_conclusion"]
    n = len(manual_rules(hebi["before"]))
    reasons = {j["row"]: j["reason"] for j in m["rejected"]}
    assert set(reasons) == {n + 2, n + 3, n + 4}
    assert "'HB-NO-SUCH-RULE' is not in pack hebi-shuguang-2026" in reasons[n + 2]
    assert "'HB-OPS-TEAM-SIZE' is not a manual item" in reasons[n + 3]
    assert "a second conclusion for rule 'HB-GEN-TERM'" in reasons[n + 4]
    assert m["rows"] == m["facts"] + len(m["rejected"]) == n + 3
    team = [f for f in hebi["after"]["findings"] if f["rule"] == "HB-OPS-TEAM-SIZE"]
    assert team and all(f["status"] != "compliant" or f["evidence"] for f in team)
    assert by_rule(hebi["after"])["HB-GEN-TERM"]["status"] == "compliant"  # the first row stands


def test_the_notice_includes_the_manual_breach_with_the_auditors_text(hebi: dict) -> None:
    rj = hebi["tmp"] / "after.json"
    rj.write_text(json.dumps(hebi["after"], ensure_ascii=False), encoding="utf-8")
    code, md = cli("notice", rj, "--kind", "rectification", "--format", "md", "--issue-date", "2027-01-05")
    assert code == 0
    assert BREACH_TEXT in md and f"{SHEET}.xlsx" in md
    code, before = cli("notice", export_json(hebi["tmp"], hebi["before"]), "--kind", "rectification", "--format", "md",
                       "--issue-date", "2027-01-05")  # fmt: skip
    assert code == 0 and BREACH_TEXT not in before and "采购服务内容与服务目录" not in before


def export_json(tmp: Path, result: dict) -> Path:
    p = tmp / "before.json"
    p.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return p


def test_the_audit_report_lists_the_conclusions(hebi: dict) -> None:
    rj = hebi["tmp"] / "after-report.json"
    rj.write_text(json.dumps(hebi["after"], ensure_ascii=False), encoding="utf-8")
    code, md = cli("report", "audit", rj)
    assert code == 0
    concluded = md[md.index("人工核查结论（") :]
    assert "| 违约 |" in concluded and BREACH_TEXT in concluded and "| 不适用 |" in concluded and "李审计" in concluded
    assert "结论“也许”无效" in md


def test_the_breach_takes_the_rules_remediation_and_consequence(tmp_path: Path, hebi: dict) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(HEBI[1], pack)
    rules = pack / "checklist.yaml"
    text = rules.read_text(encoding="utf-8")
    anchor = '  check: {kind: manual, how: "核对实际提供的服务均在附件1服务目录内；目录外服务是否签订补充协议"}\n'
    assert anchor in text
    rules.write_text(
        text.replace(anchor, anchor + "  remediation: {working_days: 10, action: 签订补充协议或停止目录外服务}\n"
                     "  consequence: 六.1 甲方有权下达整改通知书\n"),
        encoding="utf-8",
    )  # fmt: skip
    r = check(hebi["folder"], pack, HEBI[2])
    f = by_rule(r)["HB-GEN-SCOPE"]
    want = deadline_after(load_pack(pack).calendar, dt.date.fromisoformat(r["as_of"]), working_days=10).value
    assert f["status"] == "breach" and f["deadline"]["date"] == want.isoformat()
    assert f["consequence"] == "六.1 甲方有权下达整改通知书"
    assert by_rule(r)["HB-GEN-TERM"]["deadline"] is None  # compliant: no deadline


def test_a_second_audit_shows_the_conclusions_not_rechecked(tmp_path: Path, hebi: dict) -> None:
    ledger = tmp_path / "ledger.sqlite"
    example, pack, period = HEBI
    first = check(hebi["folder"], pack, period, "--ledger", ledger, "--record")
    assert by_rule(first)["HB-GEN-SCOPE"]["status"] == "breach"
    later = tmp_path / "later"
    shutil.copytree(example, later)  # the next audit: nobody filled the checklist in again
    second = check(later, pack, period, "--as-of", "2027-01-20", "--ledger", ledger)
    carried = {m["rule"]: m for m in second["follow_up"]["manual_carried"]}
    assert set(carried) == {"HB-GEN-SCOPE", "HB-GEN-TERM", "HB-GEN-PLACE"}
    assert carried["HB-GEN-SCOPE"] | {"finding_id": None} == {
        "rule": "HB-GEN-SCOPE", "clause": "一", "title": "采购服务内容与服务目录", "finding_id": None,
        "status": "breach", "conclusion": "不符合", "note": BREACH_TEXT, "checker": "王审计",
        "checked_on": "2026-12-20", "audit_as_of": first["as_of"],
    }  # fmt: skip
    assert by_rule(second)["HB-GEN-SCOPE"]["status"] == "manual"
    scope_id = by_rule(first)["HB-GEN-SCOPE"]["id"]
    assert scope_id in second["follow_up"]["findings"]  # the manual breach is followed like any other
    life = history(ledger, scope_id)
    assert life["audits"][0]["conclusion"]["checker"] == "王审计"
    rj = tmp_path / "second.json"
    rj.write_text(json.dumps(second, ensure_ascii=False), encoding="utf-8")
    code, md = cli("report", "audit", rj)
    assert code == 0
    part = md[md.index("上次已作结论、本次未复核的人工核查事项（3）") :]
    assert BREACH_TEXT in part and "李审计" in part and "2026年12月21日" in part
    # re-checked in a later audit: no longer carried over
    fill(export(tmp_path, second, "second"), later, {"HB-GEN-TERM": ("符合", None, "赵审计", dt.date(2027, 1, 15))})
    third = check(later, pack, period, "--as-of", "2027-01-20", "--ledger", ledger)
    assert {m["rule"] for m in third["follow_up"]["manual_carried"]} == {"HB-GEN-SCOPE", "HB-GEN-PLACE"}


def test_the_jiangzhou_pack_round_trips_too(tmp_path: Path) -> None:
    example, pack, period = JIANGZHOU
    before = check(example, pack, period)
    rules = manual_rules(before)
    assert rules
    folder = tmp_path / "jz"
    shutil.copytree(example, folder)
    fill(export(tmp_path, before), folder, {rules[0]: ("不符合", "未按约定提交保密承诺书", "周审计", dt.date(2026, 12, 28)),
                                             rules[-1]: ("不适用", None, "周审计", dt.date(2026, 12, 28))})  # fmt: skip
    after = by_rule(check(folder, pack, period))
    assert after[rules[0]]["status"] == "breach" and after[rules[0]]["message"]["zh"] == "未按约定提交保密承诺书"
    assert after[rules[-1]]["status"] == "not_applicable"
    assert all(after[r]["status"] == "manual" for r in rules[1:-1])


def test_a_checklist_exported_after_the_round_trip_shows_the_conclusions_on_record(hebi: dict) -> None:
    """Re-exporting the concluded result keeps every manual item, its conclusion filled in, so the sheet
    can go round again unchanged; an item still manual stays blank."""
    tmp = hebi["tmp"] / "again"
    tmp.mkdir()
    ws = openpyxl.load_workbook(export(tmp, hebi["after"]))[SHEET]
    rows = {ws.cell(r, 1).value: [c.value for c in ws[r]] for r in range(2, ws.max_row + 1)}
    assert list(rows) == manual_rules(hebi["before"])
    assert rows["HB-GEN-SCOPE"][5:] == ["不符合", BREACH_TEXT, "王审计", "2026-12-20"]
    assert rows["HB-GEN-PLACE"][5:] == ["不适用", "本期无驻场地点变更", "李审计", "2026-12-21"]
    assert rows["HB-PAY-PRINCIPLE"][5:] == [None, None, None, None]  # 也许 was not used: still to be checked

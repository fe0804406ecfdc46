"""Settlement as pack data: the Jiangzhou forms on a synthetic pack, every figure computed by hand.

Contract: ../shared/contract/jiangzhou-waiwang-2026.txt. There is no
Jiangzhou rule pack here, so the check result is built by hand; the rule ids
and finding fields are the ones the pack's settlement.yaml names:

| deduction (clause) | rule | findings read | field read |
|---|---|---|---|
| availability tiers (3.2) | JZ-AVAIL | breach and compliant, one per month | details.availability (percent) |
| repair overrun (3.3) | JZ-REPAIR | breach | (each counts once) |
| absent engineers (4.4) | JZ-ONSITE | breach | details.shortfall (persons absent that day) |
| late rectification (8.1) | JZ-RECTIFY | breach | details.late_days |

Findings are placed in the settlement period by period.start/period.end.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from lvyue.engine.errors import InputError
from lvyue.engine.pack import load_pack
from lvyue.engine.settlement import load_model, load_settlement, pack_model
from lvyue.reports.prepay import build_prepay

ROOT = Path(__file__).resolve().parents[1]
HEBI = ROOT / "rules" / "hebi-shuguang-2026"

CONTRACT = """\
id: jz-synthetic
title: 江州市电子政务外网运维服务合同
signed_on: 2026-06-26
parties:
  party_a: {name: 江州市大数据管理局, role_zh: 甲方}
  party_b: {name: 江州信诚网络技术有限公司, role_zh: 乙方}
term: {months: 12, clause: "2.1", text: 服务期限自2026年7月1日起至2027年6月30日止}
parameters:
  quarterly_fee_cny: {value: "900000.00", type: money, clause: "7.1"}
  availability_deduction_tiers:
    type: list
    clause: "3.2"
    value:
      - {from: "99.9", share: "0"}
      - {from: "99.5", below: "99.9", share: "0.02"}
      - {from: "99.0", below: "99.5", share: "0.05"}
      - {below: "99.0", share: "0.10"}
  availability_deduction_cap_share: {value: "0.20", type: decimal, clause: "3.2"}
  repair_overrun_deduction_cny: {value: "2000", type: money, clause: "3.3"}
  absent_engineer_deduction_cny: {value: "500", type: money, clause: "4.4"}
  late_rectification_deduction_cny: {value: "1000", type: money, clause: "8.1"}
  payment_days_after_acceptance: {value: 30, clause: "7.2"}
  late_fee_rate_per_day: {value: "0.0003", type: decimal, clause: "7.3"}
  late_fee_cap_share: {value: "0.05", type: decimal, clause: "7.3"}
"""

SETTLEMENT = """\
fee:
  kind: fixed_per_period
  title: 季度服务费
  amount: $quarterly_fee_cny
  per: quarter
invoice: {compare: payable}
deductions:
  - id: availability
    kind: tiered
    title: 月可用率低于99.9%
    rule: JZ-AVAIL
    status: [breach, compliant]
    value: details.availability
    tiers: $availability_deduction_tiers
    cap: {share: $availability_deduction_cap_share, per: quarter}
    describe: "{subject} 可用率 {availability}%"
  - id: repair
    kind: per_finding
    title: 故障修复超时
    rule: JZ-REPAIR
    amount: $repair_overrun_deduction_cny
  - id: onsite
    kind: per_unit
    title: 驻场工程师缺岗
    rule: JZ-ONSITE
    units: details.shortfall
    amount: $absent_engineer_deduction_cny
  - id: rectify
    kind: per_unit
    title: 逾期未整改
    rule: JZ-RECTIFY
    units: details.late_days
    amount: $late_rectification_deduction_cny
due:
  from: {facts: acceptance, date: date, where: {passed: true}, period_field: subject, label: 验收合格}
  natural_days: $payment_days_after_acceptance
late_fee:
  rate_per_day: $late_fee_rate_per_day
  cap_share: $late_fee_cap_share
  base: payable
  base_text: 应付未付款
"""


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    d = tmp_path / "jz"
    d.mkdir()
    (d / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (d / "settlement.yaml").write_text(SETTLEMENT, encoding="utf-8")
    return d


def finding(rule: str, n: int, month: str, status: str = "breach", **details: Any) -> dict[str, Any]:
    y, m = int(month[:4]), int(month[5:])
    start = dt.date(y, m, 1)
    end = (dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)
    return {
        "id": f"{rule}:{n:012d}", "rule": rule, "clause": "x", "title": rule, "kind": "when", "obligor": "party_b",
        "severity": "major", "status": status, "subject": f"{rule}-{n}",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "message": {"zh": "", "en": ""}, "details": details, "amounts": {}, "deadline": None,
    }  # fmt: skip


def availability(*months: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        finding("JZ-AVAIL", i, m, "compliant" if float(a) >= 99.9 else "breach", availability=a)
        for i, (m, a) in enumerate(months, 1)
    ]


def result(
    avail: list[dict[str, Any]], others: list[dict[str, Any]] | None = None, invoice: str = "778500.00", payments: list | None = None
) -> dict[str, Any]:
    if others is None:
        others = [
            # 3 repair overruns (3.3): 3 × 2,000 = 6,000
            finding("JZ-REPAIR", 1, "2026-10"), finding("JZ-REPAIR", 2, "2026-11"), finding("JZ-REPAIR", 3, "2026-12"),
            # a repair overrun of the previous quarter: not this settlement
            finding("JZ-REPAIR", 4, "2026-09"),
            # 7 absent person-days (4.4): (2 + 3 + 2) × 500 = 3,500
            finding("JZ-ONSITE", 1, "2026-10", shortfall=2), finding("JZ-ONSITE", 2, "2026-11", shortfall=3),
            finding("JZ-ONSITE", 3, "2026-12", shortfall=2),
            # a compliant day deducts nothing
            finding("JZ-ONSITE", 4, "2026-12", status="compliant", shortfall=0),
            # rectification 4 days late (8.1): 4 × 1,000 = 4,000
            finding("JZ-RECTIFY", 1, "2026-11", late_days=4),
        ]  # fmt: skip
    return {
        "as_of": "2027-01-05",
        "contract": {
            "id": "jz-synthetic", "title": "江州市电子政务外网运维服务合同", "signed_on": "2026-06-26",
            "parties": {"party_a": {"name": "江州市大数据管理局"}, "party_b": {"name": "江州信诚网络技术有限公司"}},
        },  # fmt: skip
        "period": {"start": "2026-10-01", "end": "2026-12-31"},
        "summary": {},
        "coverage": [],
        "findings": avail + others,
        "parameters": {},
        "settlement_facts": {
            "acceptance": [
                {"id": "YS-2026Q4", "date": "2026-12-31", "passed": True, "subject": "2026Q4", "cite": "acceptance.xlsx:2"},
                {"id": "YS-FAIL", "date": "2026-12-20", "passed": False, "subject": "2026Q4", "cite": "acceptance.xlsx:3"},
            ],
            "invoice": [
                {"id": "FP1", "number": "0001", "issued_on": "2027-01-04", "amount": invoice, "period": "2026Q4", "payee_name": "江州信诚网络技术有限公司"}
            ],
            "payment": payments or [],
        },
    }  # fmt: skip


Q4 = (("2026-10", "99.95"), ("2026-11", "99.6"), ("2026-12", "98.9"))


def prepay(pack_dir: Path, res: dict[str, Any], payment_date: str | None = None) -> dict[str, Any]:
    pack = load_pack(pack_dir)
    day = dt.date.fromisoformat(payment_date) if payment_date else None
    return build_prepay(res, pack, load_settlement(res, pack.fact_types), day)


def ded(out: dict[str, Any], did: str) -> dict[str, Any]:
    return {d["id"]: d for d in out["deductions"]["items"]}[did]


# --- fee and deductions -------------------------------------------------------------------------


def test_quarter_fee_tiered_deductions_and_net_amount(pack_dir: Path) -> None:
    out = prepay(pack_dir, result(availability(*Q4)))
    assert out["fee"]["total"] == "900000.00" and [i["period"] for i in out["fee"]["instalments"]] == ["2026Q4"]
    a = ded(out, "availability")
    # 99.95 → 0; 99.6 → 2 % × 900,000 = 18,000; 98.9 → 10 % × 900,000 = 90,000
    assert [r["amount"] for r in a["rows"]] == ["0.00", "18000.00", "90000.00"]
    assert [r["factor"] for r in a["rows"]] == ["0", "0.02", "0.10"]
    assert a["amount"] == "108000.00" and a["caps"] == []  # 12 % is under the 20 % cap
    assert a["clause"] == "3.2"  # from the parameter the tiers come from
    assert ded(out, "repair")["amount"] == "6000.00"  # 3 × 2,000; the 2026-09 one is another quarter
    assert len(ded(out, "repair")["rows"]) == 3
    assert ded(out, "onsite")["amount"] == "3500.00"  # (2 + 3 + 2) × 500
    assert ded(out, "rectify")["amount"] == "4000.00"  # 4 × 1,000
    # 900,000 − (108,000 + 6,000 + 3,500 + 4,000) = 900,000 − 121,500 = 778,500
    assert out["payable"]["deductions"] == "121500.00"
    assert out["payable"]["amount"] == "778500.00" and out["payable"]["capital"] == "柒拾柒万捌仟伍佰元整"
    assert out["invoice"]["matches"] is True  # 等额发票: the invoice equals the net amount


def test_availability_deductions_capped_at_20_percent_of_the_quarter(pack_dir: Path) -> None:
    out = prepay(pack_dir, result(availability(("2026-10", "99.4"), ("2026-11", "98.9"), ("2026-12", "98.9")), invoice="706500.00"))
    a = ded(out, "availability")
    # 5 % + 10 % + 10 % = 25 % = 225,000 > 20 % × 900,000 = 180,000
    assert a["before_cap"] == "225000.00" and a["amount"] == "180000.00"
    assert a["caps"] == [{"group": "2026Q4", "sum": "225000.00", "share": "0.20", "cap": "180000.00", "formula": "900,000.00 × 0.20"}]
    # 900,000 − (180,000 + 6,000 + 3,500 + 4,000) = 706,500
    assert out["payable"]["amount"] == "706500.00"
    assert "invoice_mismatch" not in {b["code"] for b in out["blockers"]}


def test_tier_boundaries(pack_dir: Path) -> None:
    # from is inclusive, below exclusive: 99.9 → 0, 99.5 → 2 %, 99.0 → 5 %, 98.99 → 10 %
    out = prepay(pack_dir, result(availability(("2026-10", "99.9"), ("2026-11", "99.5"), ("2026-12", "99.0")), others=[]))
    assert [r["factor"] for r in ded(out, "availability")["rows"]] == ["0", "0.02", "0.05"]
    out = prepay(pack_dir, result(availability(("2026-10", "98.99")), others=[]))
    assert ded(out, "availability")["amount"] == "90000.00"


def test_unreadable_finding_values_block_instead_of_deducting_nothing(pack_dir: Path) -> None:
    bad = [finding("JZ-AVAIL", 1, "2026-10", availability="n/a"), finding("JZ-ONSITE", 1, "2026-10")]  # no shortfall
    out = prepay(pack_dir, result(bad, others=[]))
    msgs = [b["message"] for b in out["blockers"] if b["code"] == "deduction_value_unknown"]
    assert len(msgs) == 2 and any("details.shortfall" in m for m in msgs) and any("“n/a”" in m for m in msgs)
    assert out["decision"] == "blocked"


def test_invoice_not_equal_to_the_net_amount_blocks(pack_dir: Path) -> None:
    out = prepay(pack_dir, result(availability(*Q4), invoice="900000.00"))
    blk = [b for b in out["blockers"] if b["code"] == "invoice_mismatch"]
    assert blk and "多开121,500.00元" in blk[0]["message"]


# --- due date and late fee -------------------------------------------------------------------------


def test_due_30_days_after_acceptance_moves_past_the_weekend_and_is_provisional(pack_dir: Path) -> None:
    due = prepay(pack_dir, result(availability(*Q4)))["due"]
    # 2026-12-31 + 30 days = 2027-01-30, a Saturday; Sunday 01-31 too → Monday 2027-02-01 (art. 203).
    # 2027's arrangement is not official in the holidays package: provisional.
    assert dt.date(2027, 1, 30).weekday() == 5
    assert due["trigger_id"] == "YS-2026Q4"  # the failed acceptance does not start the term
    assert due["date"] == "2027-02-01"
    assert due["provisional"] is True and due["provisional_years"] == [2027]
    assert due["term"] == "验收合格之日起30日内"
    assert any("2027-01-30" in s and "2027-02-01" in s for s in due["steps"])


@pytest.mark.parametrize(
    "paid,days,penalty,capped",
    [
        ("2027-02-01", 0, "0.00", False),
        # Feb 2..11 = 10 days: 778,500 × 0.0003 × 10 = 2,335.50
        ("2027-02-11", 10, "2335.50", False),
        # Feb 2..28 (27) + Mar 31 + Apr 30 + May 31 + Jun 30 + Jul 31 + Aug 1 (1) = 181 days:
        # 778,500 × 0.0003 × 181 = 42,272.55 > 5 % × 778,500 = 38,925.00 → 38,925.00
        ("2027-08-01", 181, "38925.00", True),
    ],
)
def test_late_fee_capped_at_5_percent(pack_dir: Path, paid: str, days: int, penalty: str, capped: bool) -> None:
    late = prepay(pack_dir, result(availability(*Q4)), paid)["due"]["lateness"]
    assert late["late_days"] == days and late["penalty"] == penalty and late["capped"] is capped
    assert late["cap"] == "38925.00"
    assert late["termination_right"] is None  # this contract gives no termination right for lateness


def test_no_acceptance_blocks_and_leaves_the_due_date_open(pack_dir: Path) -> None:
    r = result(availability(*Q4))
    r["settlement_facts"]["acceptance"] = [a for a in r["settlement_facts"]["acceptance"] if not a["passed"]]
    out = prepay(pack_dir, r)
    assert out["due"] is None and "trigger_missing" in {b["code"] for b in out["blockers"]}


def test_report_prepay_runs_on_the_synthetic_pack(pack_dir: Path, tmp_path: Path) -> None:
    import typer

    from lvyue.engine.cli import report

    app = typer.Typer()
    app.add_typer(report.app, name="report")
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result(availability(*Q4)), ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(app, ["report", "prepay", str(path), "--pack", str(pack_dir), "--payment-date", "2027-02-11"])
    assert res.exit_code == 0, (res.output, res.exception)
    md = res.stdout
    assert "柒拾柒万捌仟伍佰元整" in md and "2027年2月1日" in md and "验收合格之日起30日内" in md
    assert "2,335.50" in md and "暂定" in md
    assert "30个工作日" not in md and "第203条" in md  # natural days, extended by art. 203


# --- the model file: errors with file, line, field --------------------------------------------------


def _write(pack_dir: Path, text: str) -> None:
    (pack_dir / "settlement.yaml").write_text(text, encoding="utf-8")


def test_unknown_parameter_names_its_line(pack_dir: Path) -> None:
    _write(pack_dir, SETTLEMENT.replace("$quarterly_fee_cny", "$quartely_fee_cny"))
    with pytest.raises(InputError) as e:
        pack_model(load_pack(pack_dir))
    assert e.value.file and e.value.file.endswith("settlement.yaml") and e.value.line == 4
    assert "$quartely_fee_cny" in e.value.message


def test_schema_errors_name_file_line_and_field(pack_dir: Path) -> None:
    _write(pack_dir, SETTLEMENT.replace("per: quarter\ninvoice", "per: fortnight\ninvoice"))
    with pytest.raises(InputError) as e:
        pack_model(load_pack(pack_dir))
    assert e.value.line == 5 and e.value.field is not None and e.value.field.endswith("per")
    _write(pack_dir, SETTLEMENT.replace("amount: $repair_overrun_deduction_cny", "amount: 2000.5"))
    with pytest.raises(InputError) as e:
        pack_model(load_pack(pack_dir))
    assert "quoted" in e.value.message and e.value.file and e.value.line is not None


def test_overlapping_tiers_are_refused_and_blame_the_parameter(pack_dir: Path) -> None:
    text = CONTRACT.replace('- {from: "99.5", below: "99.9", share: "0.02"}', '- {from: "99.5", below: "99.95", share: "0.02"}')
    (pack_dir / "contract.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        pack_model(load_pack(pack_dir))
    assert "overlap" in e.value.message and "$availability_deduction_tiers" in e.value.message


def test_a_pack_without_settlement_yaml(pack_dir: Path) -> None:
    (pack_dir / "settlement.yaml").unlink()
    with pytest.raises(InputError) as e:
        prepay(pack_dir, result(availability(*Q4)))
    assert "settlement.yaml" in str(e.value)


def test_optional_parameter_reference(pack_dir: Path) -> None:
    _write(pack_dir, SETTLEMENT + "sme:\n  cap_days: $sme_payment_days_cap?\n")
    assert pack_model(load_pack(pack_dir)).sme.cap_days is None
    _write(pack_dir, SETTLEMENT + "sme: {cap_days: $sme_payment_days_cap}\n")
    with pytest.raises(InputError):
        pack_model(load_pack(pack_dir))


# --- Hebi: numbers live once, in contract.yaml -------------------------------------------------------


def test_hebi_model_reads_its_numbers_from_contract_yaml() -> None:
    pack = load_pack(HEBI)
    m = pack_model(pack)
    assert m.due.working_days == pack.params["payment_working_days"] and m.due.term_text() == "发票后60个工作日"
    changed = load_model(HEBI, {**pack.params, "payment_working_days": 45})
    assert changed.due.term_text() == "发票后45个工作日"
    assert m.late_fee.clause == "八.2"  # the clause of $late_fee_rate_per_day


def test_no_contract_parameter_name_in_settlement_code() -> None:
    """Reports and engine/settlement must not know either contract: the names come from the YAML."""
    names = set(pack_model(load_pack(HEBI)).parameters) | set(yaml.safe_load(CONTRACT)["parameters"])
    names |= {"60个工作日", "900000", "0.0005"}
    assert "payment_working_days" in names and "annual_budget_cap_cny" in names
    files = [
        *ROOT.joinpath("reports").rglob("*.py"), *ROOT.joinpath("reports", "templates").glob("prepay*.j2"),
        *ROOT.joinpath("engine", "settlement").rglob("*.py"),
    ]  # fmt: skip
    hits = [(f.name, n) for f in files for n in names if n in f.read_text(encoding="utf-8")]
    assert len(files) > 5 and hits == []


def test_result_parameters_win_over_the_pack(pack_dir: Path) -> None:
    r = result(availability(*Q4))
    r2 = copy.deepcopy(r)
    r2["parameters"] = {"repair_overrun_deduction_cny": {"value": "3000"}}
    assert ded(prepay(pack_dir, r), "repair")["amount"] == "6000.00"
    assert ded(prepay(pack_dir, r2), "repair")["amount"] == "9000.00"  # 3 × 3,000: as the check ran

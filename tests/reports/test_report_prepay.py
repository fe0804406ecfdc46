"""Pre-payment check: every figure below is computed by hand in the comments.

Calendar facts used (国办发明电 2026, tests/data/china_official_2020_2026.yaml):
holidays 2026-09-25..27 (中秋) and 2026-10-01..07 (国庆); make-up working days
2026-09-20 (Sun) and 2026-10-10 (Sat).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from reportkit import (
    HEBI,
    PARTY_B,
    PAYEE,
    cli,
    make_result,
    save,
    settlement_facts,
    settlement_result,
    with_param,
)
from typer.testing import CliRunner

from lvyue.engine.errors import InputError
from lvyue.engine.pack import load_pack
from lvyue.reports.prepay import build_prepay, name_difference
from lvyue.reports.settlement import load_settlement


def prepay(result: dict, payment_date: str | None = None) -> dict:
    day = dt.date.fromisoformat(payment_date) if payment_date else None
    return build_prepay(result, load_pack(HEBI), load_settlement(result), day)


def codes(out: dict) -> set[str]:
    return {b["code"] for b in out["blockers"]}


def deduction(out: dict, did: str) -> dict:
    """One deduction of the settlement model (settlement.yaml `deductions`), by its id."""
    return {d["id"]: d for d in out["deductions"]["items"]}[did]


@pytest.fixture(scope="module")
def base() -> dict:
    return settlement_result()


# --- fee: the 15th-of-month rule --------------------------------------------------------


def test_fee_line_by_line_with_the_15th_rule(base: dict) -> None:
    out = prepay(base)
    lines = {x["usage_id"]: x for x in out["fee"]["lines"]}
    assert lines["U1"]["billed"] and Decimal(lines["U1"]["amount"]) == Decimal("500000.00")  # 2 × 250,000
    assert lines["U2"]["billed"]  # deployed on the 14th: before the 15th → full month
    assert lines["U3"]["billed"]  # the 15th: full month (parameter default)
    assert not lines["U4"]["billed"] and Decimal(lines["U4"]["amount"]) == 0  # the 16th: not this month
    assert out["fee"]["total"] == "1000000.00"  # 500,000 + 250,000 + 250,000
    assert out["invoice"]["matches"] is True
    assert "invoice_mismatch" not in codes(out)


def test_the_15th_not_billed_when_the_parameter_says_so(base: dict) -> None:
    out = prepay(with_param(base, "billing_cutoff_day_bills_full_month", False))
    assert {x["usage_id"]: x["billed"] for x in out["fee"]["lines"]}["U3"] is False
    assert out["fee"]["total"] == "750000.00"  # 500,000 + 250,000 (14th); the 15th and 16th drop out
    # the invoice of 1,000,000.00 is now 250,000.00 too much: payment is blocked
    mismatch = [b for b in out["blockers"] if b["code"] == "invoice_mismatch"]
    assert mismatch and "多开250,000.00元" in mismatch[0]["message"]


def test_invoice_one_fen_off_blocks() -> None:
    out = prepay(settlement_result(invoice_amount="1000000.01"))
    assert "invoice_mismatch" in codes(out)
    assert out["invoice"]["difference"] == "0.01"


# --- deductions and the payable total -------------------------------------------------------------


def test_deductions_and_payable(base: dict) -> None:
    out = prepay(base)
    perf = deduction(out, "performance")
    assert perf["rows"][0]["value"] == "良好" and perf["rows"][0]["factor"] == "0.98"
    assert perf["amount"] == "20000.00"  # 1,000,000.00 × (1 − 0.98)
    inc = deduction(out, "incidents")["rows"]
    assert [i["id"] for i in inc] == ["E1"]  # E2 was not caused by the supplier
    assert inc[0]["amount"] == "10000.00"  # 1,000,000.00 × 0.01 (一般)
    assert out["payable"]["amount"] == "970000.00"  # 1,000,000 − 20,000 − 10,000
    assert out["payable"]["capital"] == "玖拾柒万元整"


def test_payable_rounded_only_at_the_end() -> None:
    # add 3 × 0.111 = 0.333 to the 1,000,000.00 fee, so nothing is a whole fen any more
    facts = settlement_facts(invoice_amount="1000000.33")
    facts["catalogue"].append({"id": "C2", "name": "带宽", "unit": "Mbps·月", "unit_price": "0.111"})
    facts["usage"].append({"id": "U5", "month": "2026-09", "item": "C2", "quantity": "3", "deployed_on": "2026-08-01"})
    out = prepay(make_result(facts, "2026-10-31", ("2026-09-01", "2026-09-30")))
    # fee exact 1,000,000.333 → shown 1,000,000.33 (invoice matches)
    assert out["fee"]["total_exact"] == "1000000.333" and out["fee"]["total"] == "1000000.33"
    # payable exact = 1,000,000.333 × (1 − 0.02 − 0.01) = 970,000.32301 → 970,000.32
    assert out["payable"]["exact"] == "970000.32301"
    assert out["payable"]["amount"] == "970000.32"
    # 元位 zero, 角 not zero: the 零 may be left out (as in 107000.53 → 壹拾万柒仟元伍角叁分)
    assert out["payable"]["capital"] == "玖拾柒万元叁角贰分"


# --- payee -------------------------------------------------------------------------------------


def test_contract_payee_one_character_off_blocks(base: dict) -> None:
    out = prepay(base)
    blk = [b for b in out["blockers"] if b["code"] == "payee_name_contract"]
    assert len(blk) == 1 and blk[0]["clause"] == "三.2.4"
    assert PAYEE in blk[0]["message"] and PARTY_B in blk[0]["message"]
    assert "多“云”字" in blk[0]["message"]
    assert name_difference(PARTY_B, PAYEE) == "多“云”字"
    # the invoice repeats the contract's payee: no second blocker for it
    assert "invoice_payee_name" not in codes(out)


def test_payee_confirmed_lifts_the_contract_blocker(base: dict) -> None:
    out = prepay(with_param(base, "payee_confirmed", True))
    assert "payee_name_contract" not in codes(out)
    # said in words (the setting), not by the parameter key
    assert any("“收款账户已经乙方书面确认”的设置" in n for n in out["notes"])
    assert not any("payee_confirmed" in n for n in out["notes"])


def test_invoice_payee_differing_from_the_contract_blocks() -> None:
    out = prepay(settlement_result(payee_name=PARTY_B))
    blk = [b for b in out["blockers"] if b["code"] == "invoice_payee_name"]
    assert blk and "少“云”字" in blk[0]["message"]


def test_invoice_account_differing_blocks() -> None:
    facts = settlement_facts()
    facts["invoice"][0]["payee_account"] = "246830861819"
    out = prepay(make_result(facts, "2026-10-31", ("2026-09-01", "2026-09-30")))
    assert "invoice_payee_account" in codes(out)


# --- usage reports and open breaches ------------------------------------------------------------


def test_unconfirmed_and_missing_usage_reports_block() -> None:
    facts = settlement_facts()
    facts["report"][0]["confirmed_on"] = None
    out = prepay(make_result(facts, "2026-10-31", ("2026-09-01", "2026-09-30")))
    assert "usage_report_unconfirmed" in codes(out)
    facts["report"] = []
    out = prepay(make_result(facts, "2026-10-31", ("2026-09-01", "2026-09-30")))
    assert "usage_report_missing" in codes(out)


def test_open_breach_past_its_deadline_blocks(base: dict) -> None:
    r = json.loads(json.dumps(base))
    r["findings"].append(
        {
            "id": "HB-OPS-TEAM-SIZE:000000000001", "rule": "HB-OPS-TEAM-SIZE", "clause": "四（三）2",
            "title": "本地化运维团队核心成员不少于10人", "obligor": "party_b", "status": "breach",
            "severity": "major", "message": {"zh": "仅9人", "en": "9"},
            "deadline": {"date": "2026-11-06", "basis": "整改期限", "provisional": False, "explanation": {}},
        }
    )  # fmt: skip
    assert "open_breach" not in codes(prepay(r, "2026-11-06"))  # the last day is still in time
    out = prepay(r, "2026-11-09")
    assert "open_breach" in codes(out)
    assert "HB-OPS-TEAM-SIZE:000000000001" in [b["id"] for b in out["open_breaches"]]
    # the ledger says it was rectified: no longer listed
    r["follow_up"] = {"findings": {"HB-OPS-TEAM-SIZE:000000000001": {"state": "rectified"}}, "since_last": {}}
    assert "HB-OPS-TEAM-SIZE:000000000001" not in [b["id"] for b in prepay(r, "2026-11-09")["open_breaches"]]


# --- due date, lateness, termination right ---------------------------------------------------------
# Invoice 2026-09-15 (Tue). 60 working days after it, the 15th not counted:
#  Sep 16,17,18 (3), Sun 20 make-up (4), 21-24 (8), 25-27 中秋, 28-30 (11);
#  Oct 1-7 国庆, 8,9 (13), Sat 10 make-up (14), 12-16 (19), 19-23 (24), 26-30 (29);
#  Nov 2-6 (34), 9-13 (39), 16-20 (44), 23-27 (49), 30 (50);
#  Dec 1-4 (54), 7-11 (59), Mon 14 (60)  → due 2026-12-14.
# Payable 970,000.00; 0.05 % a day = 485.00 a day.
@pytest.mark.parametrize(
    "paid,days,penalty,termination",
    [
        ("2026-12-14", 0, "0.00", False),  # on the due date
        ("2026-12-15", 1, "485.00", False),
        ("2027-01-13", 30, "14550.00", True),  # Dec 15-31 (17) + Jan 1-13 (13) = 30: 三十日以上 includes 30
        ("2027-01-14", 31, "15035.00", True),
    ],
)
def test_lateness(base: dict, paid: str, days: int, penalty: str, termination: bool) -> None:
    out = prepay(base, paid)
    due = out["due"]
    assert due["date"] == "2026-12-14" and due["provisional"] is False
    late = due["lateness"]
    assert late["late_days"] == days
    assert late["penalty"] == penalty
    assert late["termination_right"] is termination


def test_unpaid_after_due_runs_to_the_check_date() -> None:
    r = make_result(settlement_facts(), "2026-12-24", ("2026-09-01", "2026-09-30"))
    late = prepay(r)["due"]["lateness"]
    # due 2026-12-14, not paid by 2026-12-24: 10 days, 970,000 × 0.0005 × 10 = 4,850.00
    assert late["unpaid_at"] == "2026-12-24" and late["late_days"] == 10 and late["penalty"] == "4850.00"


def test_sme_note(base: dict) -> None:
    sme = prepay(base)["sme"]
    # 2026-09-15 → 2026-12-14 is 90 calendar days, more than the 60-day cap
    assert sme["sme"] is None and sme["calendar_days"] == 90 and sme["exceeds"] is True
    assert "保障中小企业款项支付条例" in sme["note"]
    assert "不得超过60日" in sme["note"] and "发票后60个工作日" in sme["note"]  # both from the pack


def test_sme_note_quotes_the_pack_parameters_and_never_assumes_one(base: dict) -> None:
    changed = with_param(with_param(base, "sme_payment_days_cap", 30), "payment_working_days", 45)
    sme = prepay(changed)["sme"]
    assert sme["cap_days"] == 30 and "不得超过30日" in sme["note"] and "发票后45个工作日" in sme["note"]
    missing = json.loads(json.dumps(base))
    del missing["parameters"]["sme_payment_days_cap"]
    pack = copy.copy(load_pack(HEBI))  # a pack without the parameter either
    pack.params = {k: v for k, v in pack.params.items() if k != "sme_payment_days_cap"}
    sme = build_prepay(missing, pack, load_settlement(missing), None)["sme"]
    assert sme["cap_days"] is None and sme["exceeds"] is None and "未核对" in sme["note"]


# --- budget cap ----------------------------------------------------------------------------------


def test_budget_cap_running_total() -> None:
    facts = settlement_facts()
    facts["invoice"] += [
        # counted: 9,700,000.00 + this period's 1,000,000.00 = 10,700,000.00 → exactly the cap
        {"id": "I8", "number": "0008", "issued_on": "2026-08-10", "amount": "9700000.00", "period": "2026-08", "payee_name": PAYEE},
        # the separately paid overdue sum is excluded by default (cap_excluded_periods)
        {"id": "I0", "number": "0000", "issued_on": "2026-07-10", "amount": "6182058.17", "period": "2025-10..2026-06", "payee_name": PAYEE},
    ]
    r = make_result(facts, "2026-10-31", ("2026-09-01", "2026-09-30"))
    b = prepay(r)["budget"]
    assert b["period"] == "2026-07-01..2027-06-30"  # the contract year (budget_cap.per)
    assert b["total"] == "10700000.00" and b["headroom"] == "0.00" and b["over"] is False
    facts["invoice"][1]["amount"] = "9700000.01"  # one fen more
    out = prepay(make_result(facts, "2026-10-31", ("2026-09-01", "2026-09-30")))
    assert out["budget"]["over"] is True and "budget_cap" in codes(out)


# --- the overdue sum ---------------------------------------------------------------------------------


def test_overdue_sum_recomputed_and_its_deadline() -> None:
    facts = settlement_facts()
    # 2025-10..2026-06: one unit of C1 each month, deployed 2025-09-01 → 9 × 250,000.00 = 2,250,000.00
    facts["usage"] += [
        {"id": f"O{m}", "month": m, "item": "C1", "quantity": "1", "deployed_on": "2025-09-01"}
        for m in ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    ]
    # paid in full one day after the deadline
    facts["payment"] = [{"id": "P0", "paid_on": "2026-10-09", "amount": "6182058.17", "period": "2025-10..2026-06"}]
    r = make_result(facts, "2026-10-31", ("2026-09-01", "2026-09-30"))
    o = prepay(r)["separate"][0]  # the overdue sum (settlement.yaml `separate`)
    assert o["recomputed"] == "2250000.00" and o["matches"] is False
    assert o["difference"] == "-3932058.17"  # 2,250,000.00 − 6,182,058.17
    # 3 months from signing 2026-07-01 ends 2026-10-01 (国庆) → first working day 2026-10-08
    assert o["deadline"] == "2026-10-08"
    # one day late on the whole sum: 6,182,058.17 × 0.0005 = 3,091.029085 → 3,091.03
    assert o["lateness"]["late_days"] == 1 and o["lateness"]["penalty"] == "3091.03"
    assert o["capital"] == "陆佰壹拾捌万贰仟零伍拾捌元壹角柒分"
    o2 = prepay(with_param(r, "overdue_sum_cny", "2250000.00"))["separate"][0]
    assert o2["matches"] is True


# --- the command --------------------------------------------------------------------------------------


def test_cli_formats(tmp_path: Path, base: dict) -> None:
    path = save(base, tmp_path / "result.json")
    runner = CliRunner()
    res = runner.invoke(cli(), ["report", "prepay", str(path), "--payment-date", "2027-01-13", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["decision"] == "blocked" and data["due"]["lateness"]["late_days"] == 30
    res = runner.invoke(cli(), ["report", "prepay", str(path), "--format", "md"])
    assert "人民币玖拾柒万元整" in res.stdout and "2026年12月14日" in res.stdout and "2026-12-14" not in res.stdout
    out = tmp_path / "prepay.docx"
    res = runner.invoke(cli(), ["report", "prepay", str(path), "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "付款阻断事项" in text and "玖拾柒万元整" in text


@pytest.mark.parametrize(
    "args,field",
    [
        (["--payment-date", "2026-13-01"], "--payment-date"),
        (["--format", "pdf"], "--format"),
        (["--pack", "/nonexistent"], "--pack"),
    ],
)
def test_cli_user_errors(tmp_path: Path, base: dict, args: list[str], field: str) -> None:
    path = save(base, tmp_path / "result.json")
    res = CliRunner().invoke(cli(), ["report", "prepay", str(path), *args])
    assert isinstance(res.exception, InputError) and res.exception.field == field


def test_missing_and_invalid_result(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli(), ["report", "prepay", str(tmp_path / "none.json")])
    assert isinstance(res.exception, InputError)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    res = CliRunner().invoke(cli(), ["report", "prepay", str(bad)])
    assert isinstance(res.exception, InputError) and res.exception.line == 1
    bad.write_text('{"contract": {}}', encoding="utf-8")
    res = CliRunner().invoke(cli(), ["report", "audit", str(bad)])
    assert isinstance(res.exception, InputError) and "not an lvyue check result" in str(res.exception)

"""`lvyue report prepay` on examples/jiangzhou-2026q4, as its README runs it, against figures worked out by hand.

The check runs as of 2027-01-05, the day Party B's 2026Q4 invoice arrived (the
last day the evidence covers; the quarter's default as-of stops at 2026-12-31,
before the January acceptance). Every expected figure below is computed by
hand from the contract (rules/jiangzhou-waiwang-2026/contract.yaml) and the
README's planted breaches, with the arithmetic in the comments; none is copied
from the report's output.
"""

from __future__ import annotations

import contextlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from reportkit import ROOT

from lvyue.engine.cli.main import main

EXAMPLE = ROOT / "examples" / "jiangzhou-2026q4"
PACK = ROOT / "rules" / "jiangzhou-waiwang-2026"
AS_OF = "2027-01-05"
pytestmark = pytest.mark.skipif(
    not (EXAMPLE / "evidence.yaml").is_file(), reason="example evidence not generated"
)


def lvyue(*args: object) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main([str(a) for a in args])


@pytest.fixture(scope="module")
def result_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("jiangzhou") / "result.json"
    code = lvyue(
        "check",
        EXAMPLE,
        "--pack",
        PACK,
        "--quarter",
        "2026Q4",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "-o",
        path,
    )
    assert code == 1  # breaches need action
    return path


def prepay(result_path: Path, *extra: object) -> dict:
    out = result_path.parent / f"prepay{'-'.join(str(e) for e in extra)}.json"
    assert lvyue("report", "prepay", result_path, "--format", "json", "-o", out, *extra) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report(result_path: Path) -> dict:
    return prepay(result_path)


def test_the_quarter_fee(report: dict) -> None:
    fee = report["fee"]
    # 7.1: 每季度人民币玖拾万元整 — one fixed instalment for 2026Q4
    assert (fee["kind"], fee["clause"], fee["per"]) == ("fixed_per_period", "7.1", "quarter")
    assert fee["months"] == ["2026-10", "2026-11", "2026-12"]
    assert [(i["period"], i["amount"]) for i in fee["instalments"]] == [("2026Q4", "900000.00")]
    assert fee["total"] == "900000.00"


def test_each_deduction_with_its_clause(report: dict) -> None:
    items = {d["id"]: d for d in report["deductions"]["items"]}
    summary = [(d["id"], d["clause"], d["amount"]) for d in report["deductions"]["items"]]
    assert summary == [
        # 3.2: 2026-11 at 99.8843 % (99.5 ≤ A < 99.9): the 2 % tier, 900,000.00 × 0.02 = 18,000.00
        ("availability", "3.2", "18000.00"),
        # 3.3: one repair overrun (GZ-2026-1104, 241 minutes), 1 × 2,000.00
        ("repair", "3.3", "2000.00"),
        # 4.4: one absent person-day (2026-11-18), 1 × 500.00
        ("onsite", "4.4", "500.00"),
        # 8.1: 江数管整〔2026〕7号 rectified 3 days late, 3 × 1,000.00
        ("rectify", "8.1", "3000.00"),
    ]
    (avail,) = items["availability"]["rows"]
    assert (avail["id"], avail["value"], avail["factor"], avail["amount"]) == (
        "2026-11",
        "99.8843",
        "0.02",
        "18000.00",
    )
    assert avail["finding"].startswith("JZ-AVAILABILITY:")
    (repair,) = items["repair"]["rows"]
    assert (repair["id"], repair["date"], repair["amount"]) == (
        "GZ-2026-1104",
        "2026-11-05",
        "2000.00",
    )
    # the 12 CISP days of 12-16..12-31 miss no engineer (shortfall 0): only 2026-11-18 is deducted
    (onsite,) = items["onsite"]["rows"]
    assert (onsite["date"], onsite["units"], onsite["amount"]) == ("2026-11-18", "1", "500.00")
    (rectify,) = items["rectify"]["rows"]
    assert (rectify["id"], rectify["units"], rectify["amount"]) == (
        "江数管整〔2026〕7号",
        "3",
        "3000.00",
    )
    # 18,000.00 + 2,000.00 + 500.00 + 3,000.00 = 23,500.00
    assert report["deductions"]["total"] == "23500.00"


def test_the_availability_cap_is_not_reached(report: dict) -> None:
    avail = next(d for d in report["deductions"]["items"] if d["id"] == "availability")
    # 3.2: at most 20 % of the quarter's fee: 900,000.00 × 0.20 = 180,000.00; 18,000.00 is below it
    assert report["parameters"]["availability_deduction_cap_share"]["value"] == "0.20"
    assert (
        Decimal(avail["before_cap"]) == Decimal("18000.00") < Decimal("900000.00") * Decimal("0.20")
    )
    assert avail["caps"] == []  # no cap applied
    assert avail["amount"] == avail["before_cap"]


def test_the_net_amount_and_invoice(report: dict) -> None:
    payable = report["payable"]
    # 900,000.00 − 23,500.00 = 876,500.00
    assert (payable["fee"], payable["deductions"], payable["amount"]) == (
        "900000.00",
        "23500.00",
        "876500.00",
    )
    assert Decimal(payable["exact"]) == Decimal("876500")
    assert payable["capital"] == "捌拾柒万陆仟伍佰元整"  # 87万 6千 5百 元整
    inv = report["invoice"]
    assert [(i["id"], i["issued_on"], i["period"], i["amount"]) for i in inv["invoices"]] == [
        ("FP-2026-04", "2027-01-05", "2026Q4", "876500.00")
    ]
    assert (inv["compare"], inv["total"], inv["difference"], inv["matches"]) == (
        "payable",
        "876500.00",
        "0.00",
        True,
    )


def test_the_due_date_is_provisional(report: dict) -> None:
    due = report["due"]
    assert (due["trigger_id"], due["trigger_date"], due["clause"]) == (
        "YS-2026Q4",
        "2027-01-04",
        "7.2",
    )
    assert due["term"] == "验收合格之日起30日内"
    # art. 201: 2027-01-04 not counted; 2027-01-04 + 30 days = 2027-02-03 (Wed), a working day:
    # art. 203 moves nothing, no holiday met
    assert (due["date"], due["calendar_days"], due["holidays_met"]) == ("2027-02-03", 30, [])
    assert due["provisional"] is True and due["provisional_years"] == [2027]
    assert due["late"] is False


def test_nothing_blocks_on_the_as_of_date(report: dict) -> None:
    assert (report["as_of"], report["check_date"]) == (AS_OF, AS_OF)
    assert report["blockers"] == [] and report["decision"] == "payable"
    late = report["due"]["lateness"]
    assert (late["late_days"], late["penalty"]) == (0, "0.00")


def test_late_payment_fee(result_path: Path) -> None:
    late = prepay(result_path, "--payment-date", "2027-02-10")["due"]["lateness"]
    # late days 算尾不算头: 02-04, 02-05, 02-06, 02-07, 02-08, 02-09, 02-10 = 7
    assert (late["due"], late["settled_on"], late["late_days"]) == ("2027-02-03", "2027-02-10", 7)
    # 876,500.00 × 0.0003 = 262.95 a day; × 7 = 1,840.65
    assert (late["amount_due"], late["uncapped"], late["penalty"]) == (
        "876500.00",
        "1840.65",
        "1840.65",
    )
    # cap 7.3: 876,500.00 × 0.05 = 43,825.00, not reached
    assert (late["cap"], late["capped"]) == ("43825.00", False)
    assert late["termination_right"] is None  # the contract gives Party B no such right


def test_late_payment_fee_is_capped(result_path: Path) -> None:
    rep = prepay(result_path, "--payment-date", "2027-08-22")
    late = rep["due"]["lateness"]
    # 02-04..02-28 25 + March 31 + April 30 + May 31 + June 30 + July 31 + 08-01..08-22 22 = 200 days
    assert late["late_days"] == 200
    # 262.95 × 200 = 52,590.00 > 43,825.00 (5 %): the cap applies
    assert (late["uncapped"], late["cap"], late["penalty"], late["capped"]) == (
        "52590.00",
        "43825.00",
        "43825.00",
        True,
    )
    # the amounts themselves do not change with the payment date
    assert (rep["payable"]["amount"], rep["deductions"]["total"]) == ("876500.00", "23500.00")
    # by then the breaches' rectification deadlines (2027-01-05 + 15 days = 2027-01-20) have passed:
    # the ten Party B breaches (eleven planted, less JZ-PAYMENT YS-2026Q3 of Party A) block
    assert [b["code"] for b in rep["blockers"]] == ["open_breach"] * 10
    assert {b["message"].split("整改期限")[1][:10] for b in rep["blockers"]} == {"2027-01-20"}


def test_every_format(result_path: Path, tmp_path: Path) -> None:
    for fmt in ("md", "html", "docx", "json"):
        assert (
            lvyue(
                "report", "prepay", result_path, "--format", fmt, "-o", tmp_path / f"prepay.{fmt}"
            )
            == 0
        )
    md = (tmp_path / "prepay.md").read_text(encoding="utf-8")
    assert "**结论：可以付款。**" in md
    assert "人民币捌拾柒万陆仟伍佰元整" in md
    assert "**2027年2月3日**" in md and "暂定" in md and "2027-02-03" not in md


def test_a_check_as_of_the_quarter_end_does_not_see_the_january_acceptance_or_invoice(tmp_path: Path) -> None:
    """The 2026-12-31 check treated January as not yet happened: its pre-payment report must too."""
    path = tmp_path / "q4.json"
    assert lvyue("check", EXAMPLE, "--pack", PACK, "--quarter", "2026Q4", "--format", "json", "-o", path) == 1
    assert json.loads(path.read_text(encoding="utf-8"))["as_of"] == "2026-12-31"
    out = tmp_path / "p.json"
    assert lvyue("report", "prepay", path, "--format", "json", "-o", out) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["decision"] == "blocked"
    # acceptance YS-2026Q4 (2027-01-04) and invoice FP-2026-04 (2027-01-05) came after 2026-12-31
    assert any("YS-2026Q4" in n and "晚于核查基准日2026-12-31" in n for n in report["notes"])
    assert report["invoice"]["invoices"] == []
    assert {b["code"] for b in report["blockers"]} == {"invoice_missing", "trigger_missing"}


def test_the_audit_report_says_which_dates_rest_on_the_guessed_2027_calendar(result_path: Path, tmp_path: Path) -> None:
    """The Q4 payment falls due 2027-02-03 (acceptance 01-04 + 30 days): 2027 has no official arrangement yet."""
    md = tmp_path / "audit.md"
    assert lvyue("report", "audit", result_path, "-o", md) == 0
    text = md.read_text(encoding="utf-8")
    assert "2027年国务院节假日安排尚未公布，该日期为暂定" in text
    xlsx = tmp_path / "audit.xlsx"
    assert lvyue("report", "audit", result_path, "--format", "xlsx", "-o", xlsx) == 0
    import openpyxl

    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index("期限暂定")
    rule_col = header.index(next(h for h in header if h in ("规则", "rule")))
    flagged = {r[rule_col] for r in ws.iter_rows(min_row=2, values_only=True) if r[col] == "是"}
    assert "JZ-PAYMENT" in flagged

"""Each obligation kind at its boundaries, through `evaluate`, on the 2026 calendar.

Packs are the Hebi contract.yaml plus rules written here, so the parameters are
the contract's own. Every expected date is counted by hand in a comment, on the
official 2026 arrangement:
  2026-09-20 (Sun) make-up working day;     2026-09-25 (Fri) 中秋节;
  2026-10-01..10-07 National Day holidays;  2026-10-10 (Sat) make-up working day.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from packkit import write_pack

from lvyue.engine.evaluate import evaluate
from lvyue.engine.findings import Finding
from lvyue.engine.pack import Pack, load_pack
from lvyue.facts.model import (
    Device,
    Incident,
    Invoice,
    Maintenance,
    OnsiteDay,
    Payment,
    PerformanceReview,
    Report,
    ResourceRequest,
    StaffChange,
    StaffMember,
)

D = dt.date


def make_pack(tmp_path: Path, rules: str) -> Pack:
    return load_pack(write_pack(tmp_path / "pack", {"rules.yaml": textwrap.dedent(rules)}))


def run(pack: Pack, facts: dict, as_of: D, period: tuple[D, D] | None = None) -> list[Finding]:
    period = period or (pack.contract.signed_on, as_of)
    return evaluate(pack, facts, as_of=as_of, period=period).findings


def only(findings: list[Finding], rule: str | None = None) -> Finding:
    mine = [f for f in findings if rule is None or f.rule == rule]
    assert len(mine) == 1, [(f.rule, f.subject, f.status) for f in mine]
    return mine[0]


def by_subject(findings: list[Finding]) -> dict[str, str]:
    return {f.subject: f.status for f in findings}


# --- advance_notice --------------------------------------------------------------

NOTICE = """
- id: K-NOTICE
  clause: 四（三）6
  text: 乙方进行检修线路……可能影响甲方使用信息化服务的，提前7个工作日通知甲方。
  title: 计划性维护须提前7个工作日通知
  obligor: party_b
  check:
    kind: advance_notice
    facts: maintenance
    where: {affects_service: true}
    event_date: start
    notice_date: notified_on
    working_days: $maintenance_notice_working_days
    reading: $notice_reading
  remediation: {working_days: $rectify_working_days, from: notice}
- id: K-REPLACE
  clause: 四（三）2
  text: 若人员更换，需至少提前一周告知甲方并经甲方同意。
  title: 驻场人员更换提前一周告知
  obligor: party_b
  check:
    kind: advance_notice
    facts: staff_change
    event_date: effective
    notice_date: notified_on
    natural_days: $staff_replacement_notice_days
"""


def maintenance(mid: str, start: D, notified: D | None) -> Maintenance:
    return Maintenance(id=mid, kind="割接", title="核心交换机割接", start=start, notified_on=notified)


def test_advance_notice_exactly_seven_working_days_passes_six_fails(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, NOTICE)
    # Event Mon 2026-10-12. Counting back, the working days strictly before it are
    # 10-10 (make-up Sat) 1, 10-09 2, 10-08 3, [10-01..10-07 holiday], 09-30 4,
    # 09-29 5, 09-28 6, [09-25 中秋, 09-26/27 weekend], 09-24 7.
    # Notice on 09-23 leaves exactly 7 between; on 09-24 only 6.
    on_time = run(pack, {"maintenance": [maintenance("M1", D(2026, 10, 12), D(2026, 9, 23))]}, D(2026, 10, 30))
    f = only(on_time, "K-NOTICE")
    assert f.status == "compliant"

    late = run(pack, {"maintenance": [maintenance("M1", D(2026, 10, 12), D(2026, 9, 24))]}, D(2026, 10, 30))
    f = only(late, "K-NOTICE")
    assert (f.status, f.subject) == ("breach", "M1")
    assert f.details["between"] == 6 and f.details["required"] == 7
    assert f.details["latest_notice"] == "2026-09-23"
    # Counting the event day in (the lenient reading) gives 7: the finding says so.
    assert f.details.get("reading_sensitive") is True
    # Remediation: 5 working days after the as-of Fri 10-30: 11-02..11-06 → 11-06.
    assert f.deadline is not None and f.deadline.date == D(2026, 11, 6)


def test_advance_notice_lenient_reading_counts_the_event_day(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, NOTICE.replace("reading: $notice_reading", "reading: lenient"))
    # Same event and notice 09-24: 6 working days between, plus the event day 10-12 = 7.
    ok = run(pack, {"maintenance": [maintenance("M1", D(2026, 10, 12), D(2026, 9, 24))]}, D(2026, 10, 30))
    assert only(ok, "K-NOTICE").status == "compliant"
    # Notice 09-28: 09-29, 09-30, 10-08, 10-09, 10-10 = 5, plus the event day = 6 → breach.
    bad = run(pack, {"maintenance": [maintenance("M1", D(2026, 10, 12), D(2026, 9, 28))]}, D(2026, 10, 30))
    assert only(bad, "K-NOTICE").status == "breach"


def test_advance_notice_no_notice_at_all_and_not_yet_due(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, NOTICE)
    event = {"maintenance": [maintenance("M1", D(2026, 10, 12), None)]}
    year = (D(2026, 7, 1), D(2026, 12, 31))
    # As of 09-23 the latest notice day (09-23) has not passed: nothing to report yet.
    assert only(run(pack, event, D(2026, 9, 23), year), "K-NOTICE").status == "not_due"
    # As of 09-24 a notice can no longer be in time, though the event is still ahead.
    assert only(run(pack, event, D(2026, 9, 24), year), "K-NOTICE").status == "breach"
    # As of 10-30 the event happened without any notice: a breach.
    assert only(run(pack, event, D(2026, 10, 30), year), "K-NOTICE").status == "breach"


def test_advance_notice_in_natural_days_one_week(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, NOTICE)
    # Effective Mon 2026-08-10. "At least one week before": 7 natural days strictly
    # between. Notice 08-02 leaves 08-03..08-09 = 7; notice 08-03 leaves 6.
    change = {"leaving": "S01", "joining": "S11", "effective": D(2026, 8, 10)}
    ok = run(pack, {"staff_change": [StaffChange(id="C1", notified_on=D(2026, 8, 2), **change)]}, D(2026, 8, 31))
    assert only(ok, "K-REPLACE").status == "compliant"
    bad = run(pack, {"staff_change": [StaffChange(id="C1", notified_on=D(2026, 8, 3), **change)]}, D(2026, 8, 31))
    f = only(bad, "K-REPLACE")
    assert f.status == "breach" and f.details["between"] == 6


# --- precedes ----------------------------------------------------------------------

CONSENT = """
- id: K-CONSENT
  clause: 四（三）2
  text: 若人员更换，需至少提前一周告知甲方并经甲方同意。
  title: 人员更换须经甲方同意
  obligor: party_b
  check:
    kind: precedes
    facts: staff_change
    first: consented_on
    then: effective
"""


def test_precedes_consent_on_the_day_passes_a_day_later_fails(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, CONSENT)
    eff = D(2026, 8, 10)
    facts = {
        "staff_change": [
            StaffChange(id="C1", effective=eff, consented_on=eff),
            StaffChange(id="C2", effective=eff, consented_on=eff + dt.timedelta(days=1)),
            StaffChange(id="C3", effective=eff, consented_on=None),
        ]
    }
    got = by_subject(run(pack, facts, D(2026, 8, 31)))
    assert got == {"C2": "breach", "C3": "breach"}


# --- presence ----------------------------------------------------------------------

ONSITE = """
- id: K-ONSITE
  clause: 四（三）2
  text: 在工作日期间，委派至少一名专业技术人员到甲方指定办公地点提供驻场服务。
  title: 工作日驻场
  obligor: party_b
  check:
    kind: presence
    facts: onsite_day
    roster: {facts: staff, where: {onsite: true}}
    at_least: $min_onsite_engineers
"""

# Working days 2026-09-14..09-30: 09-14..18 (5), 09-20 make-up Sunday (1),
# 09-21..24 (4), 09-28..30 (3) = 13. Not: 09-19 Sat, 09-25 中秋, 09-26/27 weekend.
SEPT_WORKING = [D(2026, 9, d) for d in (14, 15, 16, 17, 18, 20, 21, 22, 23, 24, 28, 29, 30)]
ONSITE_STAFF = [StaffMember(id="S01", name="驻场工程师", onsite=True, start=D(2026, 7, 1))]


def days_on(days: list[D], person: str = "S01") -> list[OnsiteDay]:
    return [OnsiteDay(id=f"{person}@{d.isoformat()}", person_id=person, day=d) for d in days]


def test_presence_every_working_day_including_the_make_up_sunday(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, ONSITE)
    period = (D(2026, 9, 14), D(2026, 9, 30))
    facts = {"staff": ONSITE_STAFF, "onsite_day": days_on(SEPT_WORKING)}
    f = only(run(pack, facts, D(2026, 9, 30), period))
    assert f.status == "compliant" and f.details["checked"] == 13


def test_presence_one_missing_working_day_is_one_breach(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, ONSITE)
    period = (D(2026, 9, 14), D(2026, 9, 30))
    missing = D(2026, 9, 22)
    facts = {"staff": ONSITE_STAFF, "onsite_day": days_on([d for d in SEPT_WORKING if d != missing])}
    f = only(run(pack, facts, D(2026, 9, 30), period))
    assert f.status == "breach" and f.period == (missing, missing)
    assert f.details["days"] == ["2026-09-22"]


def test_presence_make_up_days_need_an_engineer_holidays_do_not(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, ONSITE)
    # Nobody on the make-up Sunday 09-20 nor the make-up Saturday 10-10; nobody on the
    # holidays 09-25 and 10-01..07 (not required). Working days 09-14..10-16 otherwise covered.
    period = (D(2026, 9, 14), D(2026, 10, 16))
    october = [D(2026, 10, d) for d in (8, 9, 12, 13, 14, 15, 16)]
    present = [d for d in SEPT_WORKING if d != D(2026, 9, 20)] + october
    findings = run(pack, {"staff": ONSITE_STAFF, "onsite_day": days_on(present)}, D(2026, 10, 16), period)
    breaches = sorted(f.period for f in findings if f.status == "breach")
    assert breaches == [(D(2026, 9, 20), D(2026, 9, 20)), (D(2026, 10, 10), D(2026, 10, 10))]
    assert all(f.status == "breach" for f in findings)
    assert any("调休上班" in n for f in findings for n in f.notes)


def test_presence_counts_only_people_on_the_roster(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, ONSITE)
    period = (D(2026, 10, 8), D(2026, 10, 12))  # working days 10-08, 10-09, 10-10 (Sat), 10-12
    days = [D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 12)]
    facts = {
        "staff": ONSITE_STAFF + [StaffMember(id="S99", name="非驻场", onsite=False, start=D(2026, 7, 1))],
        # on the make-up Saturday only someone not on the on-site roster came
        "onsite_day": days_on(days) + days_on([D(2026, 10, 10)], person="S99"),
    }
    f = only(run(pack, facts, D(2026, 10, 12), period))
    assert f.status == "breach" and f.period == (D(2026, 10, 10), D(2026, 10, 10))


# --- maintain and inventory -------------------------------------------------------------

CORE = """
- id: K-CORE
  clause: 四（三）2
  text: 乙方需建立本地化运维团队，核心成员不少于10人，具备云计算、网络、存储、安全类工程师
  title: 本地核心团队不少于10人
  obligor: party_b
  check:
    kind: maintain
    facts: staff
    where: {core: true, local: true}
    at_least: $min_core_local_engineers
  message:
    zh: "{start}至{end}共{days}日核心成员仅{count}人（应不少于{required}人）"
    en: "{count} core engineers from {start} to {end} ({days} days), needs {required}"
- id: K-CATEGORIES
  clause: 四（三）2
  text: 具备云计算、网络、存储、安全类工程师
  title: 四类工程师齐备
  obligor: party_b
  check:
    kind: maintain
    facts: staff
    where: {local: true}
    group_by: categories
    groups: $engineer_categories
"""


def team(n: int = 10, changes: dict[int, dict] | None = None) -> list[StaffMember]:
    cats = ["cloud", "network", "storage", "security"]
    out = []
    for i in range(n):
        kw = {"start": D(2026, 7, 1), "categories": [cats[i % 4]], **(changes or {}).get(i, {})}
        out.append(StaffMember(id=f"S{i:02d}", name=f"工程师{i}", core=True, local=True, **kw))
    return out


def test_maintain_nine_engineers_for_three_days_is_one_finding(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, CORE)
    # S03 leaves after Fri 08-07; the replacement S10 starts Tue 08-11.
    # 9 engineers on 08-08 (Sat), 08-09 (Sun), 08-10 (Mon): every day counts, not only working days.
    staff = team(10, {3: {"end": D(2026, 8, 7)}}) + [
        StaffMember(id="S10", name="接替", core=True, local=True, categories=["storage"], start=D(2026, 8, 11))
    ]
    findings = run(pack, {"staff": staff}, D(2026, 8, 31), (D(2026, 8, 1), D(2026, 8, 31)))
    f = only(findings, "K-CORE")
    assert f.status == "breach"
    assert f.period == (D(2026, 8, 8), D(2026, 8, 10))
    assert f.details["days"] == ["2026-08-08", "2026-08-09", "2026-08-10"]
    assert f.details["count"] == 9
    assert f.message["zh"] == "2026年8月8日至2026年8月10日共3日核心成员仅9人（应不少于10人）"
    # team() cycles cloud, network, storage, security: S03 is security and S07 still is,
    # so every category stays covered.
    assert only(findings, "K-CATEGORIES").status == "compliant"


def test_maintain_ten_engineers_every_day_is_compliant_and_two_gaps_are_two_findings(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, CORE)
    period = (D(2026, 8, 1), D(2026, 8, 31))
    ok = run(pack, {"staff": team(10)}, D(2026, 8, 31), period)
    assert only(ok, "K-CORE").status == "compliant"
    # S00 away 08-03..08-04 (end 08-02, rejoins as S00b 08-05); S01 ends 08-20 for good.
    staff = team(10, {0: {"end": D(2026, 8, 2)}, 1: {"end": D(2026, 8, 20)}}) + [
        StaffMember(id="S00b", name="返岗", core=True, local=True, categories=["cloud"], start=D(2026, 8, 5))
    ]
    gaps = [f for f in run(pack, {"staff": staff}, D(2026, 8, 31), period) if f.rule == "K-CORE"]
    assert sorted(f.period for f in gaps) == [
        (D(2026, 8, 3), D(2026, 8, 4)),
        (D(2026, 8, 21), D(2026, 8, 31)),
    ]


def test_maintain_by_category_names_the_missing_category(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, CORE)
    # Only two security engineers in team(10): S03 and S07. Both leave after 09-15.
    staff = team(10, {3: {"end": D(2026, 9, 15)}, 7: {"end": D(2026, 9, 15)}})
    findings = run(pack, {"staff": staff}, D(2026, 9, 30), (D(2026, 9, 1), D(2026, 9, 30)))
    f = only(findings, "K-CATEGORIES")
    assert (f.status, f.subject) == ("breach", "security")
    assert f.period == (D(2026, 9, 16), D(2026, 9, 30))


DEVICES = """
- id: K-DEVICES
  clause: 四（四）6
  text: 网络安全设备包括：防火墙、防病毒网关、IPS、WEB网站防篡改系统、安全隔离及信息交换系统、漏洞扫描系统、综合日志审计系统等内容。
  title: 网络安全设备齐备
  obligor: party_b
  check:
    kind: inventory
    facts: device
    groups: $required_security_devices
"""


def test_inventory_one_device_out_of_service(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, DEVICES)
    cats = ["firewall", "av_gateway", "ips", "web_tamper", "isolation", "vuln_scanner", "log_audit"]
    devices = [Device(id=c, category=c, name=c, in_service_from=D(2026, 7, 1)) for c in cats]
    period = (D(2026, 9, 1), D(2026, 9, 30))
    assert only(run(pack, {"device": devices}, D(2026, 9, 30), period)).status == "compliant"
    # The IPS is in service up to and including 09-15: missing 09-16..09-30 (15 days).
    devices[2] = Device(id="ips", category="ips", name="IPS", in_service_from=D(2026, 7, 1), in_service_to=D(2026, 9, 15))
    f = only(run(pack, {"device": devices}, D(2026, 9, 30), period))
    assert (f.status, f.subject) == ("breach", "ips")
    assert f.period == (D(2026, 9, 16), D(2026, 9, 30)) and len(f.details["days"]) == 15


# --- respond_within ---------------------------------------------------------------------

DELIVERY = """
- id: K-DELIVER
  clause: 四（二）2
  text: 乙方在收到甲方相关正式通知之后的3个工作日内完成资源分配交付
  title: 3个工作日内交付资源
  obligor: party_b
  check:
    kind: respond_within
    facts: resource_request
    trigger_date: requested_on
    response_date: delivered_on
    working_days: $resource_delivery_working_days
"""


def request(rid: str, on: D, delivered: D | None) -> ResourceRequest:
    return ResourceRequest(id=rid, requested_on=on, description="扩容云主机", delivered_on=delivered)


def test_respond_within_on_time_one_day_late_and_pending(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, DELIVERY)
    # Requested Thu 09-17: 09-18 (1), 09-19 Sat no, 09-20 make-up Sunday (2), 09-21 (3) → due 09-21.
    facts = {
        "resource_request": [
            request("R1", D(2026, 9, 17), D(2026, 9, 21)),  # on the last day
            request("R2", D(2026, 9, 17), D(2026, 9, 22)),  # one day late
            # Requested Mon 09-28: 09-29 (1), 09-30 (2), [10-01..07], 10-08 (3) → due 10-08.
            request("R3", D(2026, 9, 28), None),
        ]
    }
    findings = run(pack, facts, D(2026, 9, 30))
    assert by_subject(findings) == {"R2": "breach", "R3": "at_risk"}
    r2 = next(f for f in findings if f.subject == "R2")
    assert r2.details["late_days"] == 1  # due 09-21, delivered 09-22 (was reported as 0)
    r3 = next(f for f in findings if f.subject == "R3")
    assert r3.deadline is not None and r3.deadline.date == D(2026, 10, 8)
    # As of 10-08 it is still in time; as of 10-09 it is overdue.
    assert by_subject(run(pack, facts, D(2026, 10, 8)))["R3"] == "at_risk"
    overdue = next(f for f in run(pack, facts, D(2026, 10, 9)) if f.subject == "R3")
    assert overdue.status == "breach" and overdue.details["late_days"] == 1  # not delivered, one day past 10-08


PAYMENT = """
- id: K-PAY
  clause: 三.2
  text: 乙方出具合法有效完整的发票后，60个工作日内进行支付。
  title: 发票后60个工作日内付款
  obligor: party_a
  check:
    kind: respond_within
    facts: invoice
    trigger_date: issued_on
    response: {facts: payment, match: invoice_id, date: paid_on, amount: amount}
    working_days: $payment_working_days
    late_fee:
      rate_per_day: $late_fee_rate_per_day
      amount_field: amount
      escalate_after_days: $termination_late_days
"""


def test_respond_within_payment_late_fee_and_termination_right(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, PAYMENT)
    # Invoice Wed 2026-07-01. Working days after it: July 02-03 (2), 06-10 (7), 13-17 (12),
    # 20-24 (17), 27-31 (22); Aug 03-07 (27), 10-14 (32), 17-21 (37), 24-28 (42), 31 (43);
    # Sep 01-04 (47), 07-11 (52), 14-18 (57), 20 make-up Sunday (58), 21 (59), 22 (60) → due 09-22.
    inv = Invoice(id="INV1", number="001", issued_on=D(2026, 7, 1), amount=Decimal("1000000"),
                  period="2026H2", payee_name="鹤壁城市云计算有限公司")

    def pay(on: D) -> dict:
        return {"invoice": [inv], "payment": [Payment(id="P1", invoice_id="INV1", paid_on=on, amount=Decimal("1000000"))]}

    assert only(run(pack, pay(D(2026, 9, 22)), D(2026, 10, 31))).status == "compliant"
    # Paid 09-24: late days 09-23 and 09-24 = 2; 1,000,000 × 0.0005 × 2 = 1,000.00.
    f = only(run(pack, pay(D(2026, 9, 24)), D(2026, 10, 31)))
    assert f.status == "breach" and f.details["late_days"] == 2
    assert f.amounts["penalty"] == Decimal("1000.00")
    assert not f.details.get("escalation")
    # Paid 10-21: 09-23..10-21 = 29 days late: no termination right yet (30日以上).
    f = only(run(pack, pay(D(2026, 10, 21)), D(2026, 10, 31)))
    assert f.details["late_days"] == 29 and not f.details.get("escalation")
    # Paid 10-22: 30 days late, 15,000.00 penalty, and the right to terminate.
    f = only(run(pack, pay(D(2026, 10, 22)), D(2026, 10, 31)))
    assert f.details["late_days"] == 30 and f.amounts["penalty"] == Decimal("15000.00")
    assert f.details.get("escalation") is True
    # Half paid on time, the payment row listed twice: still half paid, so unpaid as of
    # 10-31 and 09-23..10-31 = 39 days late (a duplicate row must not pay the other half).
    half = Payment(id="P1", invoice_id="INV1", paid_on=D(2026, 9, 10), amount=Decimal("500000"))
    f = only(run(pack, {"invoice": [inv], "payment": [half, half]}, D(2026, 10, 31)))
    assert f.status == "breach" and f.details["late_days"] == 39
    # A payment file with no payment for the invoice is "not paid": 09-23..09-30 = 8 days late.
    f = only(run(pack, {"invoice": [inv], "payment": []}, D(2026, 9, 30)))
    assert f.status == "breach" and f.details["late_days"] == 8
    # No payment file at all cannot show "not paid": no evidence, never a breach.
    f = only(run(pack, {"invoice": [inv]}, D(2026, 9, 30)))
    assert f.status == "no_evidence"


# --- periodic -----------------------------------------------------------------------------

USAGE = """
- id: K-USAGE
  clause: 三.1.1
  text: 本合同签订之日起由乙方每月出具资源使用量交付确认报告，由甲方核对确认
  title: 每月资源使用量交付确认报告
  obligor: party_b
  check:
    kind: periodic
    facts: report
    where: {kind: usage_confirmation}
    every: month
    period_field: period
    date_field: delivered_on
    due: {working_days: $usage_report_due_working_days}
"""


def report(month: str, delivered: D, kind: str = "usage_confirmation") -> Report:
    return Report(id=f"{kind}-{month}", kind=kind, period=month, delivered_on=delivered)


def test_periodic_missing_month_is_a_breach_and_the_current_month_is_not_yet_due(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, USAGE)
    # 2026-07 due 10 working days after Fri 07-31: 08-03..07 (5), 08-10..14 (10) → 08-14.
    # 2026-08 due 10 working days after Mon 08-31: 09-01..04 (4), 09-07..11 (9), 09-14 (10) → 09-14.
    # 2026-09 is due after 09-30, so as of 09-30 it is not yet due.
    facts = {"report": [report("2026-07", D(2026, 8, 14)), report("2026-08", D(2026, 9, 3), kind="operation")]}
    findings = run(pack, facts, D(2026, 9, 30))
    f = only(findings)
    assert (f.status, f.subject) == ("breach", "2026-08")
    assert f.details["due_date"] == "2026-09-14"


def test_periodic_delivered_one_working_day_late(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, USAGE)
    facts = {"report": [report("2026-07", D(2026, 8, 17)), report("2026-08", D(2026, 9, 14))]}
    # 2026-07 was due 08-14 (Fri); 08-17 (Mon) is late. 2026-08 on its due day 09-14.
    assert by_subject(run(pack, facts, D(2026, 9, 30))) == {"2026-07": "breach"}


def test_periodic_due_date_counts_the_make_up_saturday(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, USAGE)
    # 2026-09 due 10 working days after Wed 09-30: [10-01..07], 10-08 (1), 10-09 (2),
    # 10-10 make-up Saturday (3), 10-12..16 (8), 10-19 (9), 10-20 (10) → 10-20.
    facts = {"report": [report("2026-07", D(2026, 8, 3)), report("2026-08", D(2026, 9, 1))]}
    assert only(run(pack, facts, D(2026, 10, 20))).status == "compliant"
    late = run(pack, facts, D(2026, 10, 21))
    f = only(late)
    assert (f.status, f.subject, f.details["due_date"]) == ("breach", "2026-09", "2026-10-20")


# --- achieve_by -----------------------------------------------------------------------------

OVERDUE = """
- id: K-OVERDUE
  clause: 三.2
  text: 2025年10月至2026年6月已超期9个月使用费用单独支付，本合同签订后3个月内结清。
  title: 超期9个月费用3个月内结清
  obligor: party_a
  check:
    kind: achieve_by
    facts: payment
    where: {period: $overdue_period_label}
    date_field: paid_on
    by: {months: $overdue_settlement_months}
    sum_field: amount
    sum_at_least: $overdue_sum_cny
"""


def overdue_payment(pid: str, on: D, amount: str) -> Payment:
    return Payment(id=pid, paid_on=on, amount=Decimal(amount), period="2025-10..2026-06")


def test_achieve_by_before_on_and_after_the_deadline(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, OVERDUE)
    # 3 months from signing 2026-07-01 ends 2026-10-01 (Civil Code art. 202), a National
    # Day holiday; 10-02..10-07 are holidays or rest days too, so the last day is 10-08.
    on_time = {"payment": [overdue_payment("P1", D(2026, 9, 1), "3000000"),
                           overdue_payment("P2", D(2026, 10, 8), "3182058.17")]}
    f = only(run(pack, on_time, D(2026, 10, 31)))
    assert f.status == "compliant"
    late = {"payment": [overdue_payment("P1", D(2026, 9, 1), "3000000"),
                        overdue_payment("P2", D(2026, 10, 9), "3182058.17")]}
    f = only(run(pack, late, D(2026, 10, 31)))
    assert f.status == "breach" and f.details["deadline"] == "2026-10-08"
    # One fen short on time: not achieved; before the deadline that is a risk, after it a breach.
    short = {"payment": [overdue_payment("P1", D(2026, 9, 1), "6182058.16")]}
    assert only(run(pack, short, D(2026, 9, 30))).status == "at_risk"
    assert only(run(pack, short, D(2026, 10, 8))).status == "at_risk"
    assert only(run(pack, short, D(2026, 10, 9))).status == "breach"


# --- cap ---------------------------------------------------------------------------------

BUDGET = """
- id: K-BUDGET
  clause: 三.1.1
  text: 按照使用量据实结算，服务费整体年度预算不得高于1070万元。
  title: 年度服务费不超过1070万元
  obligor: party_a
  check:
    kind: cap
    facts: invoice
    where_not: {period: $cap_excluded_periods}
    amount_field: amount
    date_field: issued_on
    per: contract_year
    at_most: $annual_budget_cap_cny
"""


def invoice(iid: str, on: D, amount: str, period: str = "2026H2") -> Invoice:
    return Invoice(id=iid, number=iid, issued_on=on, amount=Decimal(amount), period=period,
                   payee_name="鹤壁城市云计算有限公司")


def test_cap_exactly_at_the_cap_passes_one_fen_over_fails(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, BUDGET)
    overdue = invoice("OV", D(2026, 7, 15), "6182058.17", "2025-10..2026-06")  # paid separately
    at_cap = [overdue, invoice("A", D(2026, 8, 1), "5000000"), invoice("B", D(2026, 12, 1), "5700000.00")]
    f = only(run(pack, {"invoice": at_cap}, D(2026, 12, 31)))
    assert f.status == "compliant"
    over = [overdue, invoice("A", D(2026, 8, 1), "5000000"), invoice("B", D(2026, 12, 1), "5700000.01")]
    f = only(run(pack, {"invoice": over}, D(2026, 12, 31)))
    assert (f.status, f.subject) == ("breach", "2026-07-01..2027-06-30")
    assert f.amounts["total"] == Decimal("10700000.01")
    assert f.amounts["headroom"] == Decimal("-0.01")
    # The same invoice listed twice is one invoice, not a second 5.7M.
    dup = [*at_cap, at_cap[2]]
    assert only(run(pack, {"invoice": dup}, D(2026, 12, 31))).status == "compliant"


# --- prohibit -------------------------------------------------------------------------------

INCIDENTS = """
- id: K-INCIDENT
  clause: 四（四）7
  text: 对因自身提供的政务云服务相关原因造成的安全事件负责，发生安全事件的，应赔偿造成的损失
  title: 乙方原因安全事件
  obligor: party_b
  check:
    kind: prohibit
    facts: incident
    where: {caused_by_supplier: true}
    date_field: date
    describe_field: description
"""


def test_prohibit_supplier_incident_is_a_breach_others_are_not(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, INCIDENTS)
    outside = Incident(id="I1", date=D(2026, 8, 3), severity="一般", caused_by_supplier=False, description="外部DDoS")
    own = Incident(id="I2", date=D(2026, 8, 5), severity="较大", caused_by_supplier=True, description="误删安全组")
    f = only(run(pack, {"incident": [outside]}, D(2026, 8, 31)))
    assert f.status == "compliant"  # evidence supplied, nothing prohibited happened
    findings = run(pack, {"incident": [outside, own]}, D(2026, 8, 31))
    f = only(findings)
    assert (f.status, f.subject, f.period) == ("breach", "I2", (D(2026, 8, 5), D(2026, 8, 5)))
    assert f.details["description"] == "误删安全组"
    # an incident after the as-of date is not judged yet
    assert only(run(pack, {"incident": [own]}, D(2026, 8, 4))).status == "compliant"


# --- each -------------------------------------------------------------------------------------

PANEL = """
- id: K-PANEL
  clause: 五（考核）
  text: 甲方组织3名以上（含3名）单数相关专家和业务人员，采用绩效考核形式每半年对乙方服务履约情况进行考核
  title: 考核专家3名以上单数
  obligor: party_a
  check:
    kind: each
    facts: performance_review
    field: panel_size
    date_field: date
    at_least: $min_review_panel
    odd: true
"""


def test_each_panel_of_three_or_five_passes_an_even_panel_fails(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, PANEL)

    def review(rid: str, size: int) -> PerformanceReview:
        return PerformanceReview(id=rid, period="2026H2", date=D(2026, 12, 20), panel_size=size)

    reviews = [review("R3", 3), review("R4", 4), review("R5", 5), review("R2", 2)]
    findings = run(pack, {"performance_review": reviews}, D(2026, 12, 31))
    got = {(f.subject, f.details["test"]) for f in findings if f.status == "breach"}
    # 4 is ≥ 3 but even; 2 is both too small and even; 3 and 5 pass.
    assert got == {("R2", "单数"), ("R2", "≥ 3"), ("R4", "单数")}
    assert all(f.status == "breach" for f in findings)
    assert len({f.id for f in findings}) == len(findings)


# --- manual and absent evidence --------------------------------------------------------------

MANUAL = """
- id: K-SECRET
  clause: 十.1
  text: 乙方对甲方及党政部门提供给乙方的资料负有保密义务
  title: 乙方保密义务
  obligor: party_b
  check:
    kind: manual
    how: 查阅保密协议签署情况及保密培训记录
"""

ALL_RULES = NOTICE + CONSENT + ONSITE + CORE + DEVICES + DELIVERY + PAYMENT + USAGE + OVERDUE + BUDGET + INCIDENTS + PANEL + MANUAL


def test_manual_is_a_checklist_item_whatever_the_evidence(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, MANUAL)
    for facts in ({}, {"staff": []}):
        f = only(run(pack, facts, D(2026, 9, 30)))
        assert f.status == "manual" and "保密协议" in f.message["zh"]


def test_absent_evidence_is_no_evidence_never_compliant(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, ALL_RULES)
    kinds = {r.kind for r in pack.rules}
    assert kinds >= {"advance_notice", "precedes", "presence", "maintain", "inventory", "respond_within",
                     "periodic", "achieve_by", "cap", "prohibit", "each", "manual"}
    findings = run(pack, {}, D(2026, 12, 31))
    assert len(findings) == len(pack.rules)
    for f in findings:
        want = "manual" if f.kind == "manual" else "no_evidence"
        assert f.status == want, (f.rule, f.status)
    assert not any(f.status == "compliant" for f in findings)


def test_presence_needs_the_roster_too(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, ONSITE)
    # sign-in days without the roster they are checked against: still no evidence
    f = only(run(pack, {"onsite_day": days_on(SEPT_WORKING)}, D(2026, 9, 30)))
    assert f.status == "no_evidence"
    assert f.details["missing_fact_types"] == ["staff"]


@pytest.mark.parametrize("as_of", [D(2026, 6, 30), D(2026, 7, 1)])
def test_nothing_is_checked_before_signing(tmp_path: Path, as_of: D) -> None:
    pack = make_pack(tmp_path, ONSITE)
    # The window starts at signing (2026-07-01, a Wednesday and a working day).
    findings = run(pack, {"staff": ONSITE_STAFF, "onsite_day": []}, as_of, (D(2026, 6, 1), as_of))
    f = only(findings)
    if as_of < D(2026, 7, 1):
        assert f.status == "not_due" and f.details["checked"] == 0
    else:
        assert f.status == "breach" and f.period == (D(2026, 7, 1), D(2026, 7, 1))

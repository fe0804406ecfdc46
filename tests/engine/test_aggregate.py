"""Per-period aggregates of the generic `when:` form (engine/aggregate.py), on both evaluators.

Every figure is computed by hand in a comment. Minutes in a month are its
real length: 31 days = 44,640 minutes, 30 days = 43,200, February 2027
(28 days) = 40,320. Availability is a percent rounded half up to 4 places.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from packkit import ROOT, write_pack

import lvyue.engine.rule
from lvyue.engine import evaluators
from lvyue.engine.aggregate import FUNCTIONS, markdown, merge, period_list, subtract
from lvyue.engine.calendar import WorkingCalendar
from lvyue.engine.cli.main import main
from lvyue.engine.compile import compile_rule
from lvyue.engine.errors import InputError
from lvyue.engine.evaluate import Evaluation, evaluate
from lvyue.engine.namecheck import check_rule
from lvyue.engine.pack import Pack, load_pack
from lvyue.engine.yamlio import parse_yaml
from lvyue.facts.model import FACT_TYPES

D = dt.date
T = dt.datetime
Outage = FACT_TYPES["outage"]
Window = FACT_TYPES["service_window"]
Ticket = FACT_TYPES["fault_ticket"]

PARAMS = """\
  availability_min_percent: {value: "99.9", type: decimal, clause: 四（二）2, text: 核心网络月可用率不低于99.9%}
  availability_terminate_percent: {value: "99.0", type: decimal, clause: 四（二）2, text: 连续两个月低于99.0%的，甲方有权解除合同}
  core_systems: {value: [CORE-1, CORE-2], type: list, clause: 四（二）2}
  max_faults_per_quarter: {value: 2, clause: 四（二）2}
"""


def make_pack(tmp_path: Path, rules: str) -> Pack:
    root = write_pack(tmp_path / "pack", {"rules.yaml": textwrap.dedent(rules)})
    contract = root / "contract.yaml"
    text = contract.read_text(encoding="utf-8")
    contract.write_text(text.replace("\nparameters:\n", "\nparameters:\n" + PARAMS, 1), encoding="utf-8")
    return load_pack(root)


def both(pack: Pack, facts: dict[str, list[Any]], as_of: D, period: tuple[D, D] | None = None) -> Evaluation:
    """Evaluate with durable_rules and with the reference evaluator; they must agree exactly."""
    period = period or (pack.contract.signed_on, as_of)
    runs = [evaluate(pack, facts, as_of=as_of, period=period, evaluator=m)
            for m in evaluators.installed()]
    assert [f.__dict__ for f in runs[0].findings] == [f.__dict__ for f in runs[-1].findings]
    assert runs[0].items_checked == runs[-1].items_checked
    return runs[-1]


def by_subject(ev: Evaluation) -> dict[str, Any]:
    return {f.subject: f for f in ev.findings}


HEAD = """
- id: AV-1
  clause: 四（二）2
  text: 核心网络月可用率不低于99.9%
  title: 核心网络月可用率
  obligor: party_b
  check:
"""

AVAILABILITY = HEAD + """\
    kind: when
    facts: outage
    where: {core: true}
    per: month
    group_by: system
    groups: $core_systems
    aggregate:
      availability:
        fn: availability
        start: start
        end: end
        exclude: {facts: service_window, where: {affects_service: true}, start: start, end: end, approved: approved_on}
    outcomes:
      - status: breach
        when: {subject: {availability: {lt: $availability_min_percent}}}
      - status: compliant
        when: {subject: {availability: {ge: $availability_min_percent}}}
  message:
    zh: "{system} {period} 可用率 {availability}%：{derivation}"
    en: "{system} {period} availability {availability}%"
"""


def out(oid: str, a: T, b: T, system: str = "CORE-1", core: bool = True) -> Any:
    return Outage(id=oid, system=system, start=a, end=b, minutes=int((b - a).total_seconds() // 60), core=core)


def window(wid: str, a: T, b: T, approved: D | None, system: str | None = "CORE-1") -> Any:
    return Window(id=wid, system=system, start=a, end=b, approved_on=approved)


def test_44_minutes_in_31_days_is_compliant_41_in_february_2027_is_a_breach(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, AVAILABILITY)
    facts = {
        "outage": [
            # January 2027: (44,640 − 44) ÷ 44,640 × 100 = 99.90143… → 99.9014 ≥ 99.9
            out("O1", T(2027, 1, 12, 10, 0), T(2027, 1, 12, 10, 44)),
            # February 2027: (40,320 − 41) ÷ 40,320 × 100 = 99.89831… → 99.8983 < 99.9
            out("O2", T(2027, 2, 3, 2, 0), T(2027, 2, 3, 2, 41)),
            # not core: left out by `where` before aggregating
            out("O3", T(2027, 2, 4, 2, 0), T(2027, 2, 4, 5, 0), core=False),
        ],
        "service_window": [],
    }
    ev = both(pack, facts, D(2027, 2, 28), (D(2027, 1, 1), D(2027, 2, 28)))
    # CORE-2 has no outage at all: it is listed in groups, so its months are checked too (100 %)
    assert {f.subject: f.status for f in ev.findings} == {"CORE-1 2027-02": "breach"}
    f = ev.findings[0]
    assert f.details["availability"] == "99.8983" and f.period == (D(2027, 2, 1), D(2027, 2, 28))
    assert [e.id for e in f.evidence] == ["O2"]
    assert "共 28 日 = 40,320 分钟" in f.details["derivation"]
    assert "(40,320 − 41) ÷ 40,320 × 100% = 99.8983%" in f.message["zh"]
    assert ev.items_checked == 4  # two months × two systems
    # the January figure, through the same rule with a looser bound: compliant at 99.9014
    facts["outage"] = facts["outage"][:1]
    ev = both(pack, facts, D(2027, 1, 31), (D(2027, 1, 1), D(2027, 1, 31)))
    assert [f.status for f in ev.findings] == ["compliant"] and ev.findings[0].details["checked"] == 2


def test_approved_windows_are_subtracted_and_late_or_missing_approval_is_not(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, AVAILABILITY)
    facts = {
        "outage": [
            # CORE-1, November 2026 (30 days = 43,200 min): 120 min fully inside window W1 approved beforehand
            out("O1", T(2026, 11, 10, 1, 0), T(2026, 11, 10, 3, 0)),
            # CORE-2: 60 min inside W2, approved the day after it began: counted → (43,200 − 60) ÷ 43,200 = 99.8611…
            out("O2", T(2026, 11, 12, 1, 0), T(2026, 11, 12, 2, 0), system="CORE-2"),
        ],
        "service_window": [
            window("W1", T(2026, 11, 10, 0, 0), T(2026, 11, 10, 4, 0), D(2026, 11, 1)),
            window("W2", T(2026, 11, 12, 0, 0), T(2026, 11, 12, 4, 0), D(2026, 11, 13), system="CORE-2"),
            # CORE-1's window does not cover CORE-2 (per system)
            window("W3", T(2026, 11, 12, 0, 0), T(2026, 11, 12, 4, 0), D(2026, 11, 1)),
        ],
    }
    ev = both(pack, facts, D(2026, 11, 30), (D(2026, 11, 1), D(2026, 11, 30)))
    assert {f.subject: f.status for f in ev.findings} == {"CORE-2 2026-11": "breach"}
    f = ev.findings[0]
    assert f.details["availability"] == "99.8611"
    assert "批准日期 2026-11-13 晚于窗口开始 2026-11-12，不扣除" in f.details["derivation"]
    assert sorted(e.id for e in f.evidence) == ["O2", "W2"]  # W3 is CORE-1's: not used here
    # W2 approved in time, and a window without a system covers every system: both 100 %
    facts["service_window"][1] = window("W2", T(2026, 11, 12, 0, 0), T(2026, 11, 12, 4, 0), D(2026, 11, 11), system=None)
    ev = both(pack, facts, D(2026, 11, 30), (D(2026, 11, 1), D(2026, 11, 30)))
    assert [f.status for f in ev.findings] == ["compliant"]
    # without any window evidence nothing is excluded, and the finding says so
    ev = both(pack, {"outage": facts["outage"]}, D(2026, 11, 30), (D(2026, 11, 1), D(2026, 11, 30)))
    assert sorted(f.subject for f in ev.findings) == ["CORE-1 2026-11", "CORE-2 2026-11"]
    assert all("未提供service_window证据" in f.notes[0] for f in ev.findings)


def test_an_outage_across_midnight_at_month_end_is_split_and_overlaps_count_once(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, AVAILABILITY.replace("$availability_min_percent", "100"))
    facts = {
        "outage": [
            # 2026-10-31 23:50 → 11-01 00:20: 10 min in October, 20 min in November
            out("O1", T(2026, 10, 31, 23, 50), T(2026, 11, 1, 0, 20)),
            # November: 10:00-10:30 and 10:20-10:40 overlap → 40 min, not 50; with O1: 60 min
            out("O2", T(2026, 11, 5, 10, 0), T(2026, 11, 5, 10, 30)),
            out("O3", T(2026, 11, 5, 10, 20), T(2026, 11, 5, 10, 40)),
        ],
        "service_window": [],
    }
    ev = both(pack, facts, D(2026, 11, 30), (D(2026, 10, 1), D(2026, 11, 30)))
    got = {f.subject: f.details["availability"] for f in ev.findings}
    # October: (44,640 − 10) ÷ 44,640 × 100 = 99.97759… → 99.9776
    # November: (43,200 − 60) ÷ 43,200 × 100 = 99.86111… → 99.8611
    assert got == {"CORE-1 2026-10": "99.9776", "CORE-1 2026-11": "99.8611"}
    nov = by_subject(ev)["CORE-1 2026-11"]
    assert "2026-11-01 00:00 至 2026-11-01 00:20，20 分钟（截取本期部分）" in nov.details["derivation"]
    assert "中断合计（重叠部分只计一次）60 分钟" in nov.details["derivation"]


def test_interval_arithmetic() -> None:
    h = lambda n: T(2026, 1, 1, n)  # noqa: E731
    assert merge([(h(3), h(5)), (h(1), h(2)), (h(2), h(4))]) == [(h(1), h(5))]
    assert subtract([(h(1), h(10))], [(h(2), h(3)), (h(5), h(6)), (h(9), h(12))]) == [
        (h(1), h(2)), (h(3), h(5)), (h(6), h(9))]
    assert subtract([(h(1), h(2))], [(h(0), h(3))]) == []


TWO_MONTHS = HEAD + """\
    kind: when
    facts: outage
    per: month
    group_by: system
    groups: [CORE-1]
    partial: $partial
    aggregate:
      availability: {fn: availability, start: start, end: end}
      prev_availability: {fn: previous, of: availability}
    outcomes:
      - status: breach
        tag: terminate
        when: {subject: {availability: {lt: $availability_terminate_percent}, prev_availability: {lt: $availability_terminate_percent}}}
      - status: breach
        when: {subject: {availability: {lt: $availability_min_percent}}}
      - status: at_risk
        when: {subject: {complete: false, availability: {ge: $availability_min_percent}}}
      - status: compliant
        when: {subject: {availability: {ge: $availability_min_percent}}}
"""


def test_two_consecutive_months_below_the_termination_bound(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, TWO_MONTHS.replace("$partial", "false"))
    # 500 min a month: September (30 d) (43,200 − 500) ÷ 43,200 = 98.8426 %; October (31 d) 98.8799 %
    facts = {"outage": [out("O9", T(2026, 9, 8, 0, 0), T(2026, 9, 8, 8, 20)),
                        out("O10", T(2026, 10, 8, 0, 0), T(2026, 10, 8, 8, 20))]}
    # audit window October only: September is computed for `previous`, not judged
    ev = both(pack, facts, D(2026, 10, 31), (D(2026, 10, 1), D(2026, 10, 31)))
    got = sorted((f.subject, f.status, f.details.get("prev_availability")) for f in ev.findings)
    assert got == [("CORE-1 2026-10", "breach", "98.8426"), ("CORE-1 2026-10", "breach", "98.8426")]
    assert len({f.id for f in ev.findings}) == 2  # the `terminate` tag is a finding of its own
    assert "上一期间（2026-09）的availability" in ev.findings[0].details["derivation"]
    # the first month of the contract has no previous month: only the plain breach
    ev = both(pack, facts, D(2026, 10, 31), (D(2026, 7, 1), D(2026, 9, 30)))
    assert [(f.subject, f.status, f.details["prev_availability"]) for f in ev.findings if f.status != "compliant"] == [
        ("CORE-1 2026-09", "breach", "100.0000")]
    assert by_subject(ev)["CORE-1 2026-09"].details["availability"] == "98.8426"


def test_a_running_month_is_left_out_or_never_compliant(tmp_path: Path) -> None:
    facts = {"outage": [out("O1", T(2026, 11, 3, 0, 0), T(2026, 11, 3, 0, 30))]}
    window_ = (D(2026, 11, 1), D(2026, 11, 30))
    ev = both(make_pack(tmp_path / "a", TWO_MONTHS.replace("$partial", "false")), facts, D(2026, 11, 15), window_)
    assert [(f.status, f.details["checked"]) for f in ev.findings] == [("not_due", 0)]  # November left out: nothing fell due
    pack = make_pack(tmp_path / "b", TWO_MONTHS.replace("$partial", "true"))
    # partial: 30 min so far of the whole month's 43,200 → 99.9306 %; not over, so at risk, not compliant
    ev = both(pack, facts, D(2026, 11, 15), window_)
    assert [(f.subject, f.status, f.details["availability"]) for f in ev.findings] == [
        ("CORE-1 2026-11", "at_risk", "99.9306")]
    assert "期间未结束：中断计至 2026-11-16 00:00" in ev.findings[0].details["derivation"]
    # the compliant outcome carries the guard, visible in `rules compile`
    c = compile_rule(pack.rule("AV-1"), pack.fact_types)
    assert [(t.field, t.op, t.value) for t in c.outcomes[3].all[0].tests][0] == ("complete", "eq", True)
    assert c.types() == ["outage.per_month"]
    # 50 min by mid-month is already below 99.9 on the whole month's length: a breach, final
    facts["outage"].append(out("O2", T(2026, 11, 4, 0, 0), T(2026, 11, 4, 0, 50)))  # 80 min → 99.8148 %
    ev = both(pack, facts, D(2026, 11, 15), window_)
    assert [(f.status, f.details["availability"]) for f in ev.findings] == [("breach", "99.8148")]


FAULTS = """
- id: FT-1
  clause: 四（二）2
  text: 每季度重大故障不超过2次
  title: 季度重大故障次数
  obligor: party_b
  check:
    kind: when
    facts: fault_ticket
    date_field: reported_at
    per: contract_quarter
    aggregate:
      faults: {fn: count, where: {severity: 重大}}
      all_tickets: {fn: count}
      first: {fn: min, field: reported_at}
      last_repair: {fn: max, field: repaired_at}
    derive:
      span: {fn: minutes_between, a: first, b: last_repair}
    outcomes:
      - status: breach
        when: {subject: {faults: {gt: $max_faults_per_quarter}}}
      - status: compliant
        when: {subject: {faults: {le: $max_faults_per_quarter}}}
  message: {zh: "{period} 重大故障 {faults} 次（共 {all_tickets} 张工单）", en: "{period}: {faults}"}
"""


def ticket(tid: str, at: T, severity: str = "重大") -> Any:
    return Ticket(id=tid, reported_at=at, repaired_at=at + dt.timedelta(hours=2), severity=severity)


def test_count_min_max_per_contract_quarter_with_a_derivation_on_top(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, FAULTS)
    # contract quarters from signing 2026-07-01: 07-01..09-30, 10-01..12-31
    facts = {"fault_ticket": [ticket("F1", T(2026, 7, 2, 9)), ticket("F2", T(2026, 8, 2, 9)),
                              ticket("F3", T(2026, 9, 30, 23, 59)), ticket("F4", T(2026, 9, 1, 9), "一般"),
                              ticket("F5", T(2026, 10, 1, 0, 0))]}
    ev = both(pack, facts, D(2026, 12, 31))
    assert [(f.subject, f.status) for f in ev.findings] == [("2026-07-01..2026-09-30", "breach")]
    f = ev.findings[0]
    assert f.message["zh"] == "2026年7月1日至2026年9月30日重大故障 3 次（共 4 张工单）"  # Chinese dates in zh text
    assert f.message["en"].startswith("2026-07-01..2026-09-30")
    # first report 07-02 09:00, last repair 09-30 23:59 + 2 h = 10-01 01:59
    assert f.details["first"] == "2026-07-02 09:00" and f.details["last_repair"] == "2026-10-01 01:59"
    assert f.details["span"] == (T(2026, 10, 1, 1, 59) - T(2026, 7, 2, 9)).days * 1440 + 16 * 60 + 59
    assert sorted(e.id for e in f.evidence) == ["F1", "F2", "F3", "F4"]
    assert ev.items_checked == 2


def test_periods_from_the_service_start() -> None:
    cal = WorkingCalendar()
    # a calendar month that began before the start is cut at the start
    assert [(p.label, p.start) for p in period_list("month", D(2026, 7, 15), D(2026, 8, 31), cal)] == [
        ("2026-07", D(2026, 7, 15)), ("2026-08", D(2026, 8, 1))]
    q = period_list("contract_quarter", D(2026, 11, 30), D(2027, 6, 1), cal)
    # 11-30 + 3 months = 02-28 (no 02-30): quarters end the day before the corresponding day
    assert [(p.start, p.end) for p in q] == [(D(2026, 11, 30), D(2027, 2, 27)), (D(2027, 2, 28), D(2027, 5, 29)),
                                            (D(2027, 5, 30), D(2027, 8, 29))]
    # working days: the make-up Saturday 2026-10-10 is one, the National Day holidays are not
    wd = [p.start for p in period_list("working_day", D(2026, 9, 30), D(2026, 10, 12), cal)]
    assert wd == [D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12)]


def test_contract_quarters_count_from_the_service_start_in_contract_yaml(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, FAULTS)
    contract = Path(pack.root) / "contract.yaml"
    contract.write_text(contract.read_text(encoding="utf-8").replace(
        "signed_on: 2026-07-01\n", "signed_on: 2026-07-01\nservice_start: 2026-08-15\n", 1), encoding="utf-8")
    pack = load_pack(Path(pack.root))
    # quarters 08-15..11-14, 11-15..02-14: F1 (07-02) is before the service starts; F2, F3 in the first
    facts = {"fault_ticket": [ticket("F1", T(2026, 7, 2, 9)), ticket("F2", T(2026, 8, 15, 0)),
                              ticket("F3", T(2026, 11, 14, 23)), ticket("F4", T(2026, 11, 15, 0))]}
    ev = both(pack, facts, D(2027, 2, 14))
    assert [(f.status, f.details["checked"]) for f in ev.findings] == [("compliant", 2)]
    facts["fault_ticket"].append(ticket("F5", T(2026, 9, 1, 9)))
    ev = both(pack, facts, D(2027, 2, 14))
    assert [(f.subject, f.details["faults"]) for f in ev.findings] == [("2026-08-15..2026-11-14", 3)]


DAILY = HEAD + """\
    kind: when
    facts: outage
    per: day
    aggregate:
      down: {fn: sum, field: minutes}
    date_field: start
    outcomes:
      - status: breach
        when: {subject: {down: {gt: 60}}}
      - status: compliant
        when: {subject: {down: {le: 60}}}
"""


def test_consecutive_bad_days_merge_into_one_finding(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, DAILY)
    facts = {"outage": [out("O1", T(2026, 8, 3, 1), T(2026, 8, 3, 3)), out("O2", T(2026, 8, 4, 1), T(2026, 8, 4, 2, 1)),
                        out("O3", T(2026, 8, 6, 1), T(2026, 8, 6, 1, 30))]}
    ev = both(pack, facts, D(2026, 8, 10), (D(2026, 8, 1), D(2026, 8, 10)))
    assert [(f.subject, f.status, f.period) for f in ev.findings] == [
        ("核心网络月可用率", "breach", (D(2026, 8, 3), D(2026, 8, 4)))]
    assert ev.items_checked == 10


# --- mistakes are named, with the nearest valid name ---------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        ("fn: availability", "fn: availabilty", "aggregate.availability.fn", "did you mean `availability`?"),
        ("start: start\n        end: end\n        exclude", "start: strat\n        end: end\n        exclude",
         "aggregate.availability.start", "did you mean `start`?"),
        ("per: month", "per: monht", "per", "did you mean `month`?"),
        ("group_by: system", "group_by: sytem", "group_by", "did you mean `system`?"),
        ("approved: approved_on", "approved: aproved_on", "aggregate.availability.exclude.approved",
         "did you mean `approved_on`?"),
        ("{availability: {lt:", "{availabilty: {lt:", "outcomes.0.when.subject.availabilty",
         "did you mean `availability`?"),
    ],
)
def test_a_misspelling_is_an_error_naming_it(tmp_path: Path, old: str, new: str, path: str, expected: str) -> None:
    assert old in AVAILABILITY
    text = textwrap.dedent(AVAILABILITY.replace(old, new, 1))
    with pytest.raises(InputError) as exc:  # loading refuses it, as lint does
        make_pack(tmp_path, text)
    err = exc.value
    assert expected in err.message and err.field == f"AV-1.check.{path}", str(err)
    key = new.split(":")[0].strip("{ ").split("\n")[0]
    assert err.line is not None and key in text.splitlines()[err.line - 1], (err.line, key)


def test_lint_names_a_missing_date_field_and_a_previous_of_nothing(tmp_path: Path) -> None:
    text = FAULTS.replace("    date_field: reported_at\n", "").replace(
        "      all_tickets: {fn: count}", "      all_tickets: {fn: count}\n      before: {fn: previous, of: fautls}")
    pack = make_pack(tmp_path, FAULTS)
    raw = parse_yaml(textwrap.dedent(text), "rules.yaml")[0]
    errs = check_rule(raw, lvyue.engine.rule.resolve_refs(raw["check"], pack.params), "rules.yaml", pack.fact_types, set())
    msgs = {e.field: e.message for e in errs}
    assert "give the rule a `date_field`" in msgs["FT-1.check.aggregate.faults"]
    assert "did you mean `faults`?" in msgs["FT-1.check.aggregate.before.of"]
    # and the good rule passes, offering its aggregates and period fields as placeholders
    raw = parse_yaml(textwrap.dedent(FAULTS), "rules.yaml")[0]
    assert check_rule(raw, lvyue.engine.rule.resolve_refs(raw["check"], pack.params), "r", pack.fact_types, set()) == []


# --- docs -----------------------------------------------------------------------------


def test_docs_carry_the_aggregate_table() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert markdown() in doc, "docs/rules.md is out of date: paste `python -m lvyue.engine.aggregate`"
    assert all(f"`{name}`" in doc for name in FUNCTIONS)
    assert "### Per-period aggregates" in doc


def _worked_example() -> tuple[str, str]:
    """The section's contract.yaml parameters and rule blocks (not linted against Hebi by test_lint)."""
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = doc.split("### Per-period aggregates", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    params = next(b for b in blocks if b.startswith("# contract.yaml"))
    rules = next(b for b in blocks if "- id:" in b)
    return params.split("parameters:\n", 1)[1], rules


def test_the_worked_example_lints_and_gives_the_figures_it_states(tmp_path: Path, capsys) -> None:
    params, rules = _worked_example()
    root = write_pack(tmp_path / "pack", {"service.yaml": rules})
    contract = root / "contract.yaml"
    text = contract.read_text(encoding="utf-8")
    text = text.replace("\nclauses:\n", '\nclauses:\n  "3.1": 可用率\n  "3.2": 扣减\n  "8.2": 解除\n', 1)
    contract.write_text(text.replace("\nparameters:\n", "\nparameters:\n" + params, 1), encoding="utf-8")
    assert main(["rules", "lint", str(root)]) == 0, capsys.readouterr()
    pack = load_pack(root)
    facts = {
        "outage": [out("J", T(2027, 1, 12, 10, 0), T(2027, 1, 12, 10, 44), "CORE-CITY"),
                   out("F", T(2027, 2, 3, 2, 0), T(2027, 2, 3, 2, 41), "CORE-CITY"),
                   out("W", T(2027, 2, 9, 2, 0), T(2027, 2, 9, 3, 0), "CORE-CITY")],
        "service_window": [window("M", T(2027, 2, 9, 2, 0), T(2027, 2, 9, 4, 0), D(2027, 2, 8), None)],
    }
    ev = both(pack, facts, D(2027, 2, 28), (D(2027, 1, 1), D(2027, 2, 28)))
    assert [(f.subject, f.status, f.details["availability"], f.details.get("deduction_tier_1")) for f in ev.findings] == [
        ("CORE-CITY 2027-02", "breach", "99.8983", True)]
    facts["service_window"] = [window("M", T(2027, 2, 9, 2, 0), T(2027, 2, 9, 4, 0), D(2027, 2, 10), None)]
    ev = both(pack, facts, D(2027, 2, 28), (D(2027, 2, 1), D(2027, 2, 28)))
    # 41 + 60 = 101 min: (40,320 − 101) ÷ 40,320 × 100 = 99.74950… → 99.7495, still the first tier
    assert [(f.details["availability"], "晚于窗口开始" in f.message["zh"]) for f in ev.findings] == [("99.7495", True)]

"""`presence` with a working-time window and a certificate sub-quota (issue 11, Jiangzhou 4.1, 4.2, 4.4).

"At least 3 engineers on site 08:30-17:30 on every working day, make-up days
included; at least 2 of them with a CISP certificate valid that day; 500 per
absent engineer per working day." Every test runs through durable_rules and
the reference evaluator and asserts they give identical findings.

Days counted by hand on the official 2026 arrangement:
  2026-10-01 (Thu) .. 10-07 (Wed)  National Day holidays: nobody is required;
  2026-10-08 (Thu), 10-09 (Fri)    working days;
  2026-10-10 (Sat)                 make-up working day (调休上班);
  2026-10-11 (Sun)                 rest day;
  2026-10-12 (Mon)                 working day.
So 10-08..10-12 has 4 working days: 10-08, 10-09, 10-10, 10-12.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from packkit import write_pack

from lvyue.engine.cli.main import main
from lvyue.engine.evaluate import evaluate
from lvyue.engine.evaluators import available, durable, reference
from lvyue.engine.findings import Finding
from lvyue.engine.pack import Pack, load_pack
from lvyue.facts.model import FACT_TYPES, Fact, OnsiteDay, StaffMember

D = dt.date
Certificate = FACT_TYPES["certificate"]

# Appended to the copy of the Hebi contract.yaml (its parameters block is the file's last).
PARAMS = """
  jz_min_onsite_engineers:
    value: 3
    clause: 四（三）2
  jz_min_cisp_engineers:
    value: 2
    clause: 四（三）2
  jz_onsite_window:
    value: {from: "08:30", to: "17:30"}
    clause: 四（三）2
"""

RULE = """\
- id: JZ-ONSITE
  clause: 四（三）2
  text: 每个工作日（含调休上班日）8:30—17:30安排不少于3名驻场工程师值守；其中至少2名持有有效期内的CISP证书。
  title: 驻场工程师值守
  obligor: party_b
  check:
    kind: presence
    facts: onsite_day
    roster: {facts: staff, where: {onsite: true}}
    at_least: $jz_min_onsite_engineers
    window: $jz_onsite_window
    qualified:
      facts: certificate
      person_field: person_id
      where: {kind: CISP}
      valid_from: valid_from
      valid_to: valid_to
      at_least: $jz_min_cisp_engineers
  message:
    zh: "{start}至{end}（{window}）在岗{count}人（应≥{required}），缺{shortfall}人；持证{qualified_count}人（应≥{qualified_required}）"
    en: "{start} to {end} ({window}): {count} on site (needs {required}), {shortfall} short; {qualified_count} certified (needs {qualified_required})"
"""

HEADCOUNT = "驻场工程师值守"
CERTIFIED = "驻场工程师值守（持CISP证书）"
OCT = (D(2026, 10, 8), D(2026, 10, 12))
WORKING = [D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12)]
STAFF = [StaffMember(id=p, name=p, onsite=True, start=D(2026, 7, 1)) for p in ("E1", "E2", "E3", "E4")]


def cert(person: str, valid_to: D = D(2028, 12, 31), kind: str = "CISP", valid_from: D = D(2025, 1, 1)) -> Fact:
    return Certificate(id=f"{kind}-{person}", person_id=person, kind=kind, valid_from=valid_from, valid_to=valid_to)


# E1 and E2 hold CISP; E3 a different certificate, which the sub-quota does not count.
CERTS = [cert("E1"), cert("E2"), cert("E3", kind="NISP")]


def on(person: str, d: D, first_in: str | None = "08:20:00", last_out: str | None = "17:45:00") -> Fact:
    return OnsiteDay(id=f"{person}@{d.isoformat()}", person_id=person, day=d, first_in=first_in, last_out=last_out)


def crew(days: list[D], people: tuple[str, ...] = ("E1", "E2", "E3")) -> list[Fact]:
    return [on(p, d) for d in days for p in people]


def pack(tmp_path: Path, rules: str = RULE) -> Pack:
    root = write_pack(tmp_path / "pack", {"rules.yaml": textwrap.dedent(rules)})
    contract = root / "contract.yaml"
    contract.write_text(contract.read_text(encoding="utf-8").rstrip("\n") + "\n" + PARAMS, encoding="utf-8")
    return load_pack(root)


def run(p: Pack, onsite: list[Fact], period: tuple[D, D] = OCT, certs: list[Fact] = CERTS) -> list[Finding]:
    """The findings, identical through both evaluators (the reference alone where durable-rules is missing)."""
    facts = {"staff": STAFF, "onsite_day": onsite, "certificate": certs}
    names = available()
    results = [
        evaluate(p, facts, as_of=period[1], period=period, evaluator=e).findings
        for e in ([durable()] if "durable_rules" in names else []) + [reference()]
    ]
    assert all([f.to_dict() for f in r] == [f.to_dict() for f in results[0]] for r in results)
    return results[-1]


def of(findings: list[Finding], subject: str) -> list[Finding]:
    return [f for f in findings if f.subject == subject]


def test_three_engineers_for_the_whole_window_every_working_day_is_compliant(tmp_path: Path) -> None:
    onsite = crew(WORKING)
    # E1 on 10-08 arrives at 08:30:00 and leaves at 17:30:00 sharp: the whole window, counted
    onsite[0] = on("E1", D(2026, 10, 8), "08:30:00", "17:30:00")
    findings = run(pack(tmp_path), onsite)
    assert [f.status for f in findings] == ["compliant"]
    # 4 working days x (head count + certified count); the Sunday 10-11 with nobody is not checked
    assert findings[0].details["checked"] == 8


def test_one_engineer_at_0831_leaves_two_and_a_shortfall_of_one(tmp_path: Path) -> None:
    onsite = [f for f in crew(WORKING) if f.id != "E3@2026-10-09"] + [on("E3", D(2026, 10, 9), "08:31:00")]
    findings = run(pack(tmp_path), onsite)
    f = of(findings, HEADCOUNT)
    assert len(f) == 1 and f[0].status == "breach"
    assert f[0].period == (D(2026, 10, 9), D(2026, 10, 9))
    # 3 required, 2 counted (E1, E2): 1 short on 1 day = 1 person-day (x 500 in settlement)
    assert f[0].details["count"] == 2 and f[0].details["shortfall"] == 1
    assert f[0].details["shortfall_person_days"] == 1
    assert any("E3" in n and "08:31:00" in n and "17:45:00" in n for n in f[0].notes), f[0].notes
    # one day is one date, not a range from the day to itself
    assert f[0].message["zh"] == "2026年10月9日（08:30—17:30）在岗2人（应≥3），缺1人；持证2人（应≥2）"
    # E1 and E2 (the CISP holders) were there: no certified-count finding
    assert of(findings, CERTIFIED) == []


def test_leaving_one_second_early_or_without_a_time_does_not_count(tmp_path: Path) -> None:
    day = D(2026, 10, 12)
    onsite = [f for f in crew(WORKING) if f.day != day] + [
        on("E1", day),
        on("E2", day, last_out="17:29:59"),  # left before 17:30
        on("E3", day, last_out=None),  # no departure in the door log
    ]
    f = of(run(pack(tmp_path), onsite), HEADCOUNT)
    assert len(f) == 1 and f[0].period == (day, day)
    assert f[0].details["count"] == 1 and f[0].details["shortfall_person_days"] == 2
    assert any("E2" in n and "17:29:59" in n for n in f[0].notes)
    assert any("E3" in n and "无记录" in n for n in f[0].notes)


def test_nobody_on_the_make_up_saturday_is_a_breach_of_both_quotas(tmp_path: Path) -> None:
    saturday = D(2026, 10, 10)
    findings = run(pack(tmp_path), crew([d for d in WORKING if d != saturday]))
    head = of(findings, HEADCOUNT)
    assert [(f.status, f.period) for f in head] == [("breach", (saturday, saturday))]
    # 3 required, 0 there: 3 person-days
    assert head[0].details["shortfall"] == 3 and head[0].details["shortfall_person_days"] == 3
    assert "2026-10-10 为调休上班日" in head[0].notes
    certified = of(findings, CERTIFIED)
    assert [(f.status, f.period) for f in certified] == [("breach", (saturday, saturday))]
    assert certified[0].details["qualified_count"] == 0
    assert certified[0].details["shortfall_person_days"] == 0  # person-days are counted once, on the head count


def test_nobody_on_the_national_day_holidays_is_nothing(tmp_path: Path) -> None:
    # 10-01..10-09: holidays 10-01..07 with nobody, then the working days 10-08 and 10-09 covered
    findings = run(pack(tmp_path), crew([D(2026, 10, 8), D(2026, 10, 9)]), period=(D(2026, 10, 1), D(2026, 10, 9)))
    assert [f.status for f in findings] == ["compliant"]
    assert findings[0].details["checked"] == 4  # 2 working days x 2 counts


def test_consecutive_short_days_merge_and_their_person_days_add_up(tmp_path: Path) -> None:
    # 10-09: E3 late (1 short); 10-10: nobody (3 short); 10-12: all there; 10-08: all there.
    onsite = crew([D(2026, 10, 8), D(2026, 10, 12)]) + crew([D(2026, 10, 9)], ("E1", "E2"))
    onsite.append(on("E3", D(2026, 10, 9), "09:05:00"))
    f = of(run(pack(tmp_path), onsite), HEADCOUNT)
    assert [(x.status, x.period) for x in f] == [("breach", (D(2026, 10, 9), D(2026, 10, 10)))]
    # 1 + 3 = 4 person-days; the finding quotes its worst day (10-10: 0 present, 3 short)
    assert f[0].details["shortfall_person_days"] == 4
    assert f[0].details["count"] == 0 and f[0].details["days"] == ["2026-10-09", "2026-10-10"]


def test_a_certificate_expired_the_day_before_leaves_one_certified_engineer(tmp_path: Path) -> None:
    # E2's CISP runs to 2026-10-08: valid on 10-08 (its last day counts), not from 10-09.
    # E3's NISP is valid but not a CISP. So certified: 10-08 two (E1, E2), 10-09/10/12 one (E1).
    certs = [cert("E1"), cert("E2", valid_to=D(2026, 10, 8)), cert("E3", kind="NISP")]
    findings = run(pack(tmp_path), crew(WORKING), certs=certs)
    assert of(findings, HEADCOUNT) == []  # three there every day: the head count holds
    f = of(findings, CERTIFIED)
    assert [(x.status, x.period) for x in f] == [("breach", (D(2026, 10, 9), D(2026, 10, 12)))]
    assert f[0].details["days"] == ["2026-10-09", "2026-10-10", "2026-10-12"]
    assert f[0].details["qualified_count"] == 1 and f[0].details["qualified_required"] == 2
    assert any("E2" in n and "2026-10-08" in n and "当日无效" in n for n in f[0].notes)
    assert {e.id for e in f[0].evidence} >= {"CISP-E2", "CISP-E1"}


def test_a_certificate_whose_validity_starts_or_ends_that_day_counts(tmp_path: Path) -> None:
    day = D(2026, 10, 9)
    certs = [cert("E1", valid_to=day), cert("E2", valid_from=day)]
    findings = run(pack(tmp_path), crew([day]), period=(day, day), certs=certs)
    assert [f.status for f in findings] == ["compliant"]


def test_missing_certificates_are_no_evidence_not_compliance(tmp_path: Path) -> None:
    p = pack(tmp_path)
    facts = {"staff": STAFF, "onsite_day": crew(WORKING)}
    f = evaluate(p, facts, as_of=OCT[1], period=OCT, evaluator=reference()).findings
    assert [(x.status, x.details.get("missing_fact_types")) for x in f] == [("no_evidence", ["certificate"])]


def test_a_rule_without_window_naming_a_new_placeholder_gets_it_filled(tmp_path: Path) -> None:
    plain = RULE.split("    window:")[0] + (
        "  message:\n"
        '    zh: "缺{shortfall}人，共{shortfall_person_days}人日"\n'
        '    en: "{shortfall} short, {shortfall_person_days} person-days"\n'
    )
    day = D(2026, 10, 9)
    # no window: E3 arriving at 11:00 counts; only E1 and E3 there, so 1 short
    onsite = [on("E1", day), on("E3", day, "11:00:00")]
    f = of(run(pack(tmp_path, plain), onsite, period=(day, day)), HEADCOUNT)
    assert f[0].message["zh"] == "缺1人，共1人日"


# --- lint: the window's format and the sub-quota's names, with file and line -----------------


def lint(p: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["rules", "lint", str(p)])
    out = capsys.readouterr()
    return code, out.out + out.err


def lint_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str) -> tuple[str, int, str]:
    """Lint RULE with `old` replaced by `new`; the rule file, the line of `new`'s first line and the output."""
    text = RULE.replace(old, new)
    assert text != RULE
    root = write_pack(tmp_path / "pack", {"rules.yaml": text})
    contract = root / "contract.yaml"
    contract.write_text(contract.read_text(encoding="utf-8").rstrip("\n") + "\n" + PARAMS, encoding="utf-8")
    code, out = lint(root, capsys)
    assert code == 2, out
    line = next(i for i, t in enumerate(text.splitlines(), 1) if new.splitlines()[0] in t)
    return str(root / "rules.yaml"), line, out


def test_the_rule_as_written_lints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack(tmp_path)
    code, out = lint(tmp_path / "pack", capsys)
    assert code == 0, out


@pytest.mark.parametrize(
    ("window", "words"),
    [
        ('{from: "8:30", to: "17:30"}', ["HH:MM", "'8:30'"]),
        ('{from: "17:30", to: "08:30"}', ["start before it ends"]),
        ('{from: "08:30", to: 17:30}', ["in quotes", "1050"]),  # YAML 1.1 reads 17:30 as 17*60+30
        ('{from: "08:30", until: "17:30"}', ["window.to", "Field required"]),
    ],
)
def test_a_bad_window_is_reported_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], window: str, words: list[str]
) -> None:
    file, line, out = lint_rule(tmp_path, capsys, "window: $jz_onsite_window", f"window: {window}")
    hits = [h for h in out.splitlines() if f"{file}:{line}:" in h]
    assert hits, out
    assert all(any(w in h for h in hits) for w in words), hits


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("valid_to: valid_to", "valid_to: valid_until", ["valid_until", "certificate"]),
        ("valid_from: valid_from", "valid_from: kind", ["`kind` is a text field", "a date is needed"]),
        ("person_field: person_id", "person_field: person", ["`person`", "did you mean `person_id`"]),
        ("where: {kind: CISP}", "where: {type: CISP}", ["`type` is not a field of `certificate`"]),
        ("facts: certificate", "facts: certificates", ["unknown fact type `certificates`", "certificate"]),
        ("at_least: $jz_min_cisp_engineers", "at_least: $jz_min_cisp_engineers\n      atleast: 2", ["unknown field"]),
    ],
)
def test_a_bad_name_in_the_sub_quota_is_reported_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, words: list[str]
) -> None:
    file, line, out = lint_rule(tmp_path, capsys, old, new)
    if "atleast" in new:
        line += 1  # the misspelt key is the second line written
    hits = [h for h in out.splitlines() if f"{file}:{line}:" in h]
    assert hits, out
    assert all(any(w in h for h in hits) for w in words), hits

"""A pack defines its own template in YAML (`templates.yaml`) and rules `use:` it.

The template is a `when` check with {{placeholders}}; a rule fills them under
`with:`. The expanded rule is linted, compiled and evaluated like any other,
and a mistake points at the rule's `use:` line.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from packkit import write_pack

from lvyue.engine.cli.main import main
from lvyue.engine.evaluate import evaluate
from lvyue.engine.evaluators import installed
from lvyue.engine.pack import load_pack

T = dt.datetime

TEMPLATES = """\
within_minutes:
  description: 自事件发生起N分钟内完成（连续计算，不因节假日顺延）
  params: {facts: null, start: null, done: null, minutes: null}
  kind: when
  facts: "{{facts}}"
  derive:
    took: {fn: minutes_between, a: "{{start}}", b: "{{done}}"}
  outcomes:
    - status: compliant
      when: {subject: {took: {le: "{{minutes}}"}}}
    - status: breach
      when: {subject: {took: {gt: "{{minutes}}"}}}
    - status: breach
      when: {subject: {"{{done}}": absent}}
"""

RULES = """\
- id: P-REPAIR
  clause: 四（三）3
  text: 一般故障应在4小时内修复
  title: 4小时内修复
  obligor: party_b
  check:
    use: within_minutes
    with: {facts: fault_ticket, start: reported_at, done: repaired_at, minutes: 240}
- id: P-RESPOND
  clause: 四（三）3
  text: 30分钟内响应
  title: 30分钟内响应
  obligor: party_b
  check:
    use: within_minutes
    with: {facts: fault_ticket, start: reported_at, done: responded_at, minutes: 30}
"""


def make(tmp_path: Path, rules: str = RULES, templates: str = TEMPLATES) -> Path:
    return write_pack(tmp_path / "pack", {"rules.yaml": rules, "templates.yaml": templates})


def test_rules_that_use_a_pack_template_are_evaluated_like_any_other(tmp_path: Path) -> None:
    pack = load_pack(make(tmp_path))
    assert [r.id for r in pack.rules] == ["P-REPAIR", "P-RESPOND"]  # templates.yaml is not a rule file
    ticket = pack.fact_types["fault_ticket"]
    facts = {"fault_ticket": [
        # reported 09-30 22:00; repaired 10-01 02:00 = 240 min exactly (a holiday: nothing is extended)
        ticket(id="F1", reported_at=T(2026, 9, 30, 22), responded_at=T(2026, 9, 30, 22, 30), repaired_at=T(2026, 10, 1, 2)),
        # repaired 4 h 01 min after the report: late; responded after 31 minutes: late
        ticket(id="F2", reported_at=T(2026, 10, 9, 9), responded_at=T(2026, 10, 9, 9, 31), repaired_at=T(2026, 10, 9, 13, 1)),
    ]}
    kw = {"as_of": dt.date(2026, 10, 31), "period": (dt.date(2026, 7, 1), dt.date(2026, 10, 31))}
    a = evaluate(pack, facts, evaluator=installed()[0], **kw)
    b = evaluate(pack, facts, evaluator=installed()[-1], **kw)
    got = {(f.rule, f.subject, f.status) for f in a.findings}
    assert got == {("P-REPAIR", "F2", "breach"), ("P-RESPOND", "F2", "breach")}
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]
    repair = next(f for f in a.findings if f.rule == "P-REPAIR")
    assert repair.details["took"] == 241


def test_a_template_mistake_points_at_the_rules_use_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = RULES.replace("use: within_minutes\n    with: {facts: fault_ticket, start: reported_at, done: repaired_at",
                        "use: within_minute\n    with: {facts: fault_ticket, start: reported_at, done: repaired_at", 1)
    bad = bad.replace("done: responded_at, minutes: 30}", "done: respondd_at, minutes: 30}")
    root = make(tmp_path, bad)
    assert main(["rules", "lint", str(root)]) == 2
    out = capsys.readouterr().out
    lines = textwrap.dedent(bad).splitlines()
    use_lines = [i for i, line in enumerate(lines, 1) if "use: within_minute" in line]
    assert f"rules.yaml:{use_lines[0]}: P-REPAIR.check.use: unknown template 'within_minute' (did you mean `within_minutes`?)" in out
    # a misspelled field passed to the template is caught in the expanded rule, at the use: line
    assert f"rules.yaml:{use_lines[1]}:" in out and "respondd_at" in out and "responded_at" in out


def test_a_template_file_that_is_not_a_mapping_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make(tmp_path, templates="- not: a mapping\n")
    assert main(["rules", "lint", str(root)]) == 2
    assert "templates.yaml" in capsys.readouterr().out

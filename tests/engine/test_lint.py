"""`lvyue rules lint`: every mistake a contract manager can make, with file and line.

Each test writes a small pack into tmp_path (the Hebi contract.yaml plus one
rule file) and runs the CLI in-process. A broken pack exits 2 and names the
rule file and the line of the mistake; a valid one exits 0.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packkit import write_pack

from lvyue.engine.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "rules.md"

GOOD = """\
- id: L-NOTICE
  clause: 四（三）6
  text: 乙方进行检修线路……提前7个工作日通知甲方。
  title: 计划性维护须提前7个工作日通知
  obligor: party_b
  check:
    kind: advance_notice
    facts: maintenance
    event_date: start
    notice_date: notified_on
    working_days: $maintenance_notice_working_days
  remediation: {working_days: $rectify_working_days, from: notice}
- id: L-CORE
  clause: 四（三）2
  text: 乙方需建立本地化运维团队，核心成员不少于10人
  title: 本地核心团队不少于10人
  obligor: party_b
  check:
    kind: maintain
    facts: staff
    at_least: $min_core_local_engineers
"""


def make_pack(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_pack(tmp_path / "pack", files)


def lint(root: Path, capsys) -> tuple[int, str]:
    code = main(["rules", "lint", str(root)])
    out = capsys.readouterr()
    return code, out.out + out.err


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing needle (counted in the test, by hand)."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def assert_reported(output: str, file: Path, line: int, *words: str) -> None:
    pattern = re.escape(f"{file}:{line}:")
    hits = [ln for ln in output.splitlines() if re.search(pattern, ln)]
    assert hits, f"nothing reported at {file.name}:{line}:\n{output}"
    for w in words:
        assert any(w in h for h in hits), f"{w!r} not in {hits}"


def test_a_valid_pack_exits_0(tmp_path: Path, capsys) -> None:
    root = make_pack(tmp_path, {"rules.yaml": GOOD})
    code, out = lint(root, capsys)
    assert code == 0, out
    assert "ok: 2 rules" in out


def test_yaml_syntax_error(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("  title: 本地核心团队不少于10人", "  title: [本地核心团队不少于10人")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    # the unclosed flow sequence is noticed where the next key starts, on the following lines
    opened = line_of(text, "title: [本地")
    reported = re.search(re.escape(str(root / "rules.yaml")) + r":(\d+):", out)
    assert reported, out
    assert opened <= int(reported.group(1)) <= opened + 3
    assert "not valid YAML" in out
    assert "Traceback" not in out


def test_yaml_tab_indentation_error(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("    facts: staff", "\tfacts: staff")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "\tfacts: staff"), "not valid YAML")


def test_unknown_field_in_a_rule(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("  obligor: party_b\n  check:\n    kind: maintain", "  obligor: party_b\n  colour: red\n  check:\n    kind: maintain")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "colour: red"), "colour", "unknown field")


def test_unknown_field_inside_check(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("    at_least: $min_core_local_engineers", "    at_least: $min_core_local_engineers\n    atleast: 3")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "atleast: 3"), "L-CORE.check.atleast", "unknown field")


def test_unknown_obligation_kind(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("kind: maintain", "kind: sometimes")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "kind: sometimes"), "unknown obligation kind", "sometimes")


def test_reference_to_a_parameter_that_does_not_exist(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("$min_core_local_engineers", "$min_core_engineers")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "$min_core_engineers"), "$min_core_engineers")


def test_unknown_parameter_in_remediation(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("$rectify_working_days", "$rectify_days")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "$rectify_days"), "$rectify_days")


def test_parameter_of_the_wrong_type(tmp_path: Path, capsys) -> None:
    # annual_budget_cap_cny is money (a Decimal); working_days needs a strict integer
    text = GOOD.replace("working_days: $maintenance_notice_working_days", "working_days: $annual_budget_cap_cny")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "$annual_budget_cap_cny"), "working_days", "type")


def test_parameter_of_the_wrong_type_for_a_choice(tmp_path: Path, capsys) -> None:
    # a number where the notice reading (strict / lenient) is expected
    text = GOOD.replace(
        "    working_days: $maintenance_notice_working_days\n",
        "    working_days: $maintenance_notice_working_days\n    reading: $min_hotlines\n",
    )
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "reading: $min_hotlines"), "reading")


def test_two_rules_with_the_same_id_in_one_file(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("- id: L-CORE", "- id: L-NOTICE")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "- id: L-NOTICE", nth=2), "duplicate rule id")


def test_two_rules_with_the_same_id_in_two_files(tmp_path: Path, capsys) -> None:
    second = GOOD.split("- id: L-CORE")[0]  # L-NOTICE again, in b.yaml
    root = make_pack(tmp_path, {"a.yaml": GOOD, "b.yaml": second})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "b.yaml", 1, "duplicate rule id", "a.yaml")


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path, capsys) -> None:
    text = GOOD.replace("kind: maintain", "kind: sometimes").replace("$rectify_working_days", "$rectify_days")
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "kind: sometimes"), "sometimes")
    assert_reported(out, root / "rules.yaml", line_of(text, "$rectify_days"), "$rectify_days")
    assert "2 problem(s)" in out


def test_unknown_message_placeholder(tmp_path: Path, capsys) -> None:
    text = GOOD + '  message:\n    zh: "核心成员仅{count}人"\n    en: "only {headcount} engineers"\n'
    root = make_pack(tmp_path, {"rules.yaml": text})
    code, out = lint(root, capsys)
    assert code == 2
    assert_reported(out, root / "rules.yaml", line_of(text, "{headcount}"), "{headcount}")


def test_the_hebi_pack_itself_lints_clean(capsys) -> None:
    code, out = lint(ROOT / "rules" / "hebi-shuguang-2026", capsys)
    assert code == 0, out


def _doc_rules() -> list[str]:
    if not DOCS.exists():
        return []
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return [b for b in blocks if b.lstrip().startswith("- id:")]


@pytest.mark.parametrize("block", _doc_rules() or [pytest.param("", marks=pytest.mark.skip("no docs"))])
def test_every_rule_example_in_the_reference_page_lints(tmp_path: Path, capsys, block: str) -> None:
    root = make_pack(tmp_path, {"example.yaml": block})
    code, out = lint(root, capsys)
    assert code == 0, out + "\n" + block


def test_the_scenario_example_in_the_reference_page_is_a_valid_scenario() -> None:
    from lvyue.engine.scenarios import Scenario
    from lvyue.engine.yamlio import parse_yaml

    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    scenarios = [b for b in blocks if b.lstrip().startswith("- name:")]
    assert scenarios, "docs/rules.md shows no scenario example"
    for block in scenarios:
        for case in parse_yaml(block, "docs/rules.md"):
            Scenario.model_validate(case)


# --- every name a rule uses (issue 10) ------------------------------------------------

NAMES = """\
- id: N-NOTICE
  clause: 四（三）6
  text: 乙方进行检修线路……提前7个工作日通知甲方。
  title: 计划性维护须提前7个工作日通知
  obligor: party_b
  check:
    kind: advance_notice
    facts: maintenence
    event_date: start
    notice_date: notified_on
    working_days: $maintenance_notice_working_days
- id: N-WHERE
  clause: 四（三）6
  text: 乙方进行检修线路……提前7个工作日通知甲方。
  title: 计划性维护须提前7个工作日通知
  obligor: party_b
  check:
    kind: advance_notice
    facts: maintenance
    where: {affects_servic: true}
    event_date: start
    notice_date: notifed_on
    working_days: $maintenance_notice_working_days
  message:
    zh: "{subject}通知日{notice_dat}"
    en: "{subject} notified {notice_date"
- id: N-PAY
  clause: 三.2
  text: 甲方在收到发票后60个工作日内支付
  title: 付款期限
  obligor: party_a
  check:
    kind: respond_within
    facts: invoice
    trigger_date: issued_on
    working_days: $payment_working_days
    response: {facts: payment, match: invoice, date: paid_on, amount: amont}
"""


@pytest.mark.parametrize(
    ("needle", "nth", "expect"),
    [
        ("facts: maintenence", 1, "did you mean `maintenance`?"),
        ("where: {affects_servic: true}", 1, "did you mean `affects_service`?"),
        ("notice_date: notifed_on", 1, "did you mean `notified_on`?"),
        ('zh: "{subject}通知日{notice_dat}"', 1, "did you mean `notice_date`?"),
        ('en: "{subject} notified {notice_date"', 1, "{"),
        ("response: {facts: payment, match: invoice", 1, "did you mean `invoice_id`?"),
        ("response: {facts: payment, match: invoice", 1, "did you mean `amount`?"),
    ],
)
def test_lint_checks_every_name_with_file_line_and_suggestion(tmp_path: Path, capsys, needle: str, nth: int, expect: str) -> None:
    root = make_pack(tmp_path, {"rules.yaml": NAMES})
    code, out = lint(root, capsys)
    assert code == 2
    line = line_of(NAMES, needle, nth)
    mine = [x for x in out.splitlines() if f"rules.yaml:{line}:" in x]
    assert any(expect in x for x in mine), (line, out)


def test_check_refuses_a_pack_that_lint_rejects(tmp_path: Path, capsys) -> None:
    bad_clause = GOOD.replace("clause: 四（三）6", "clause: 四（三）99", 1)
    root = make_pack(tmp_path, {"rules.yaml": bad_clause})
    code, out = lint(root, capsys)
    assert code == 2 and "clause '四（三）99' is not in contract.yaml clauses" in out
    example = ROOT / "examples" / "hebi-2026h2"
    code = main(["check", str(example), "--pack", str(root), "--half", "2026H2", "--ledger", str(tmp_path / "l.sqlite")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"rules.yaml:{line_of(bad_clause, '四（三）99')}" in err and "四（三）99" in err


def test_lint_rejects_a_jiangzhou_rule_naming_an_undeclared_field(tmp_path: Path, capsys) -> None:
    """The second contract's pack-declared fields (facts.yaml) are checked like built-in ones."""
    import shutil

    src = ROOT / "rules" / "jiangzhou-waiwang-2026"
    root = tmp_path / "jz"
    shutil.copytree(src, root)
    assert main(["rules", "lint", str(root)]) == 0
    capsys.readouterr()
    text = (root / "reports.yaml").read_text(encoding="utf-8")
    bad = text.replace("first: approved_on", "first: aproved_on", 1)  # approved_on comes from the pack's facts.yaml
    assert bad != text
    (root / "reports.yaml").write_text(bad, encoding="utf-8")
    code, out = lint(root, capsys)
    assert code == 2
    line = line_of(bad, "first: aproved_on")
    assert f"reports.yaml:{line}:" in out and "did you mean `approved_on`?" in out

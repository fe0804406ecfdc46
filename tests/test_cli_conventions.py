"""Issue 13 item 6: the command line follows its users' habits.

--version; dates typed as evidence spells them; integers and choices typed (help shows
them, errors name the option and what was expected); help in Chinese first, then English;
a file written is said on stderr; warnings on stderr, results on stdout; rich tables for
`rules list` and `coverage` that line up with Chinese text.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from importlib.metadata import version
from pathlib import Path

import pytest
import typer.main
from rich.cells import cell_len

from lvyue.engine.cli.main import app, main

ROOT = Path(__file__).parents[1]
EVIDENCE = ROOT / "examples" / "hebi-2026h2"
PACK = ROOT / "rules" / "hebi-shuguang-2026"
CHECK = ["check", str(EVIDENCE), "--pack", str(PACK)]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LVYUE_DEBUG", raising=False)
    monkeypatch.delenv("LVYUE_LEDGER", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_error(capsys: pytest.CaptureFixture[str], *argv: object) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (code, out[-300:], err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.fixture(scope="module")
def result_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("conv") / "result.json"
    assert main([*CHECK, "--half", "2026H2", "--format", "json", "-o", str(path)]) == 1
    return path


# --- --version ------------------------------------------------------------------------


def test_version_names_lvyue_and_the_holidays_data(capsys) -> None:
    code, out, err = run(capsys, "--version")
    assert code == 0 and err == ""
    assert out.startswith(f"lvyue {version('lvyue')} ") and f"holidays {version('holidays')}" in out


# --- dates as evidence spells them -------------------------------------------------------


@pytest.mark.parametrize("spelling", ["2026-09-30", "2026/09/30", "2026/9/30", "2026年9月30日", "２０２６年９月３０日", "２０２６－０９－３０"])
def test_calendar_dates_in_every_evidence_spelling(capsys, spelling: str) -> None:
    code, out, _ = run(capsys, "calendar", "add", spelling, "1")
    assert code == 0 and out.split()[0] == "2026-10-08"


@pytest.mark.parametrize("spelling", ["2026/12/31", "2026年12月31日"])
def test_check_as_of_in_evidence_spellings(capsys, spelling: str) -> None:
    code, out, _ = run(capsys, *CHECK, "--half", "2026H2", "--as-of", spelling, "--format", "json")
    assert code == 1 and json.loads(out)["as_of"] == "2026-12-31"


def test_check_period_in_evidence_spellings(capsys) -> None:
    code, out, _ = run(capsys, *CHECK, "--period", "2026/7/1..2026年12月31日", "--format", "json")
    period = json.loads(out)["period"]
    assert code == 1 and (period["start"], period["end"]) == ("2026-07-01", "2026-12-31")


def test_notice_issue_date_with_slashes(capsys, result_json: Path) -> None:
    """Issue 13: `--issue-date 2027/01/05` was rejected although evidence accepts it."""
    code, out, err = run(capsys, "notice", result_json, "--kind", "rectification", "--issue-date", "2027/01/05", "--format", "md")
    assert code == 0, err
    assert "2027年1月5日" in out


def test_prepay_payment_date_in_chinese(capsys, result_json: Path) -> None:
    code, iso, _ = run(capsys, "report", "prepay", result_json, "--payment-date", "2027-04-20", "--format", "json")
    assert code == 0
    code, zh, _ = run(capsys, "report", "prepay", result_json, "--payment-date", "2027年4月20日", "--format", "json")
    assert code == 0 and zh == iso


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["calendar", "day", "yesterday"], "DATE"),
        (["calendar", "add", "2026-02-30", "1"], "DATE"),
        (["calendar", "count", "2026-09-01", "46266"], "END"),  # an Excel serial is a cell's value, not a date typed
        ([*CHECK, "--half", "2026H2", "--as-of", "12/31/2026"], "--as-of"),
        ([*CHECK, "--period", "2026-07-01", "--format", "json"], "--period"),
        (["report", "prepay", "{r}", "--payment-date", "soon"], "--payment-date"),
        (["notice", "{r}", "--kind", "warning", "--issue-date", "2027-1-5x"], "--issue-date"),
    ],
)
def test_a_bad_date_names_the_option_and_the_spellings(capsys, result_json: Path, argv: list[str], option: str) -> None:
    line = one_error(capsys, *[str(result_json) if a == "{r}" else a for a in argv])
    assert line.startswith(f"error: {option}: ")
    assert "2027年1月5日" in line or "no day 30" in line or "START..END" in line


# --- integers and choices --------------------------------------------------------------


def test_integers_accept_full_width_digits(capsys) -> None:
    code, out, _ = run(capsys, "calendar", "add", "2026-09-30", "１")
    assert code == 0 and out.split()[0] == "2026-10-08"
    code, out, _ = run(capsys, "calendar", "period", "2026-01-31", "--months", "１")
    assert code == 0 and out.split()[0] == "2026-02-28"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["calendar", "add", "2026-09-30", "one"], "error: N: expected an integer, got 'one'"),
        (["calendar", "period", "2026-07-01", "--days", "3.5"], "error: --days: expected an integer, got '3.5'"),
        (["calendar", "period", "2026-07-01", "--years", "0"], "error: --years: expected a positive number, got 0"),
        (["calendar", "add", "2026-09-30", "99999"], "error: N: expected at most 36500 in absolute value, got 99999"),
        ([*CHECK, "--half", "2026H2", "--format", "xml"], "error: --format: expected one of table, json, md, got 'xml'"),
        ([*CHECK, "--half", "2026H2", "--evaluator", "drools"], "error: --evaluator: expected durable_rules or reference, got 'drools'"),
        (["report", "audit", "{r}", "--lang", "fr"], "error: --lang: expected zh or en, got 'fr'"),
        (["report", "audit", "{r}", "--format", "pdf"], "error: --format: expected one of md, html, docx, json, xlsx, got 'pdf'"),
        (["notice", "{r}", "--kind", "scolding"], "error: --kind: expected rectification or warning, got 'scolding'"),
        (["rules", "schema", "--part", "everything"], "error: --part: expected one of all, contract, rules, scenarios, facts"),
    ],
)
def test_bad_integers_and_choices_name_the_option(capsys, result_json: Path, argv: list[str], says: str) -> None:
    line = one_error(capsys, *[str(result_json) if a == "{r}" else a for a in argv])
    assert line.startswith(says), line


def test_choices_are_case_insensitive_and_typed_values_reach_the_command(capsys, result_json: Path) -> None:
    code, out, _ = run(capsys, "report", "audit", result_json, "--format", "JSON", "--lang", "EN")
    assert code == 0 and json.loads(out)


def test_parser_usage_errors_are_one_line_too(capsys) -> None:
    line = one_error(capsys, "check", str(EVIDENCE), "--half", "2026H2")
    assert "--pack" in line and "lvyue check --help" in line
    line = one_error(capsys, "calendar", "add", "2026-09-30", "1", "--no-such-option")
    assert "--no-such-option" in line


# --- help: typed, bilingual, 中文 first ---------------------------------------------------


def _commands(cmd=None, path=()):
    cmd = cmd or typer.main.get_command(app)
    yield path, cmd
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


def _bilingual(text: str) -> bool:
    """Chinese first, then ` / ` and English."""
    zh, sep, en = text.partition(" / ")
    return bool(sep) and bool(CJK.search(zh)) and bool(re.search(r"[A-Za-z]{3}", en))


def test_every_command_and_option_has_help_in_chinese_then_english() -> None:
    missing = []
    for path, cmd in _commands():
        if not _bilingual(cmd.help or ""):
            missing.append(("lvyue", *path))
        for p in cmd.params:
            if p.name == "help":  # click's own --help
                continue
            if not _bilingual(getattr(p, "help", None) or ""):
                missing.append(("lvyue", *path, p.name))
    assert missing == []


ALL_COMMANDS = [list(path) for path, _ in _commands()]


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=[" ".join(p) or "lvyue" for p in ALL_COMMANDS])
def test_help_shows_types_and_choices_and_keeps_every_word(capsys, path: list[str]) -> None:
    code, out, _ = run(capsys, *path, "--help")
    assert code == 0
    assert "…" not in out  # rich cut a long Chinese run with an ellipsis
    words = " ".join(re.sub(r"[│╭╮╰╯─]", " ", out).split())  # help wraps: compare the words
    assert "显示本帮助并退出 / show this message and exit." in words  # --help itself too
    opts = re.findall(r"│\s+\*?\s*(--[a-z-]+)(?:\s+-\w)?\s+(\S+)", out)
    assert all(t != "<str>" for _, t in opts), opts


def test_help_lists_the_choices(capsys) -> None:
    _, out, _ = run(capsys, "check", "--help")
    assert "<table|json|md>" in out and "<durable_rules|reference>" in out and "<date>" in out
    _, out, _ = run(capsys, "report", "audit", "--help")
    assert "<md|html|docx|json|xlsx>" in out and "<zh|en>" in out
    _, out, _ = run(capsys, "notice", "--help")
    assert "<rectification|warning>" in out
    _, out, _ = run(capsys, "calendar", "add", "--help")
    assert "<int>" in out and "<date>" in out


# --- files written, ledger records, warnings: stderr --------------------------------------


def test_check_says_what_it_wrote_on_stderr(capsys, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    code, out, err = run(capsys, *CHECK, "--half", "2026H2", "--format", "json", "-o", target)
    assert code == 1 and out == "" and target.is_file()
    assert f"已写入 {target.as_posix()} / wrote {target.as_posix()}" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "audit", "{r}", "-o", "{o}.md"],
        ["report", "audit", "{r}", "--format", "xlsx", "-o", "{o}.xlsx"],
        ["report", "prepay", "{r}", "--format", "docx", "-o", "{o}.docx"],
        ["notice", "{r}", "--kind", "rectification", "-o", "{o}.docx"],
    ],
)
def test_reports_say_what_they_wrote_on_stderr(capsys, tmp_path: Path, result_json: Path, argv: list[str]) -> None:
    argv = [a.replace("{r}", str(result_json)).replace("{o}", str(tmp_path / "out")) for a in argv]
    code, out, err = run(capsys, *argv)
    target = Path(argv[-1])
    assert code == 0 and out == "" and target.is_file()
    assert f"wrote {target.as_posix()}" in err and "已写入" in err


def test_text_to_stdout_says_nothing_about_files(capsys, result_json: Path) -> None:
    code, out, err = run(capsys, "report", "audit", result_json)
    assert code == 0 and out.strip() and "wrote" not in err


def test_record_says_it_recorded_with_ledger_and_audit_id(capsys, tmp_path: Path) -> None:
    ledger = tmp_path / "audits.sqlite"
    code, _, err = run(capsys, *CHECK, "--quarter", "2026Q3", "--record", "--ledger", ledger, "--format", "json")
    assert code == 1
    ids = [r[0] for r in sqlite3.connect(ledger).execute("select id from audits")]
    assert len(ids) == 1
    assert f"recorded audit {ids[0]}" in err and ledger.as_posix() in err and "已记录" in err
    code, _, err = run(capsys, *CHECK, "--half", "2026H2", "--ledger", ledger, "--format", "json")
    assert code == 1 and "recorded" not in err  # compared only


def test_notice_issue_says_it_recorded(capsys, tmp_path: Path, result_json: Path) -> None:
    ledger = tmp_path / "n.sqlite"
    code, _, err = run(
        capsys, "notice", result_json, "--kind", "rectification", "--number", "鹤审管〔2027〕1号",
        "--issue", "--ledger", ledger, "-o", tmp_path / "n.docx",
    )  # fmt: skip
    assert code == 0, err
    assert f"in the ledger {ledger.as_posix()}" in err and "已记录" in err and "wrote" in err


def test_check_warnings_go_to_stderr_and_the_table_to_stdout(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, folder)
    (folder / "会议纪要.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # not in evidence.yaml
    code, out, err = run(capsys, "check", folder, "--pack", PACK, "--half", "2026H2")
    assert code == 1
    assert "needs action:" in out and "HB-" in out  # the result
    assert "not in evidence.yaml" in err and "会议纪要.csv" in err
    assert "provisional" in err and "2027" in err  # a 2027 deadline rests on a guessed calendar
    assert "not in evidence.yaml" not in out and "State Council" not in out
    code, out, err = run(capsys, "check", folder, "--pack", PACK, "--half", "2026H2", "--format", "json")
    assert json.loads(out)["unlisted_files"] == ["会议纪要.csv"] and "会议纪要.csv" in err


def test_calendar_caveat_on_stderr(capsys) -> None:
    code, out, err = run(capsys, "calendar", "period", "2026-07-01", "--years", "1")
    assert code == 0 and out.split()[0] == "2027-07-01"
    assert "provisional" in err and "provisional" not in out


# --- rich tables that line up with Chinese text -------------------------------------------


def _columns_line_up(out: str) -> list[str]:
    """Rows of a rich table (╇/┼ rules excluded): each │ at the same terminal cell in every row."""
    rows = [line for line in out.splitlines() if line.startswith(("│", "┃"))]
    positions = {tuple(cell_len(line[:i]) for i, ch in enumerate(line) if ch in "│┃") for line in rows}
    assert len(positions) == 1, positions
    return rows


def test_rules_list_is_a_table_that_lines_up(capsys) -> None:
    code, out, _ = run(capsys, "rules", "list", PACK)
    assert code == 0
    rows = _columns_line_up(out)
    text = "\n".join(rows)
    assert "规则 rule" in text and "HB-PAY-BUDGET-CAP" in text and "年度服务费不得高于1070万元" in text
    assert len(rows) >= 70  # header + one row per rule (71)


def test_coverage_is_a_table_that_lines_up(capsys) -> None:
    code, out, _ = run(capsys, "rules", "coverage", PACK)
    assert code == 0
    rows = _columns_line_up(out)
    assert any(r.startswith("│ 三.1.1 ") and "HB-PAY-USAGE-REPORT (periodic)" in r for r in rows)
    assert "HB-PAY-FEE (fee)" in out and "人工 manual" in out
    assert "62 of 62 clauses covered" in out


def test_list_json_unchanged(capsys) -> None:
    code, out, _ = run(capsys, "rules", "list", PACK, "--json")
    rows = json.loads(out)
    assert code == 0 and {"id", "clause", "kind", "obligor", "severity", "title"} <= set(rows[0])


def test_cli_dump_json_is_the_reports_form() -> None:
    """engine.cli.common writes JSON itself (so `calendar --json` stays light): the same bytes as reports.output."""
    from lvyue.engine.cli.common import dump_json
    from lvyue.reports.output import dump_json as reports_dump_json

    sample = {"b": [1, 2.5, None], "a": {"名称": "鹤壁", "z": True}}
    assert dump_json(sample) == reports_dump_json(sample)


# --- README --------------------------------------------------------------------------------


def test_readme_installs_users_and_developers_and_its_schema_command_runs(capsys) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -c constraints.txt ." in readme and "pip install -c constraints.txt -e '.[dev]'" in readme
    used = re.findall(r"`lvyue (rules schema[^`]*)`", readme)
    assert used
    for command in used:
        argv = [a for a in command.split() if not a.startswith("[")]
        code, out, err = run(capsys, *argv)
        assert code == 0 and out.strip(), (command, err)

"""Exit codes mean one thing: 0 nothing needs action, 1 findings, 2 usage/input error (one `error:` line),
3 internal error (one line; the traceback only with --debug or LVYUE_DEBUG=1).

Each case from issue 12 that used to print a traceback (and exit 1, the code for "findings").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import lvyue.engine.calendar as cal_cli  # the CLI calls the calendar through this module (imported lazily)
import lvyue.engine.cli.check as check_cli
from lvyue.engine.cli.main import main
from lvyue.engine.ledger import record_audit

ROOT = Path(__file__).parents[1]
EVIDENCE = str(ROOT / "examples" / "hebi-2026h2")
PACK = str(ROOT / "rules" / "hebi-shuguang-2026")
CHECK = ["check", EVIDENCE, "--pack", PACK]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LVYUE_DEBUG", raising=False)
    monkeypatch.delenv("LVYUE_LEDGER", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Exit 2, exactly one line on stderr starting `error:`, no traceback anywhere; the line."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (code, out[-500:], err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in out + err
    return lines[0]


@pytest.fixture(scope="module")
def result_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("result") / "result.json"
    assert main([*CHECK, "--half", "2026H2", "--format", "json", "-o", str(path)]) == 1
    return path


def _damaged(tmp_path: Path, result_json: Path, change) -> Path:
    data = json.loads(result_json.read_text(encoding="utf-8"))
    change(data)
    out = tmp_path / "damaged.json"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return out


# --- periods and dates -----------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--half", "9999H2", "year 9999 is outside 1900-2200"),
        ("--half", "2026H3", "no such half year"),
        ("--quarter", "2026Q5", "no such quarter"),
        ("--quarter", "2026Q0", "no such quarter"),
        ("--quarter", "1899Q4", "year 1899 is outside 1900-2200"),
        ("--period", "2026-07-01..2201-01-01", "2201-01-01 is outside the years 1900-2200"),
    ],
)
def test_period_labels_outside_the_calendar_are_usage_errors(capsys, option: str, value: str, says: str) -> None:
    line = usage_error(capsys, *CHECK, option, value)
    assert says in line and option in line


def test_as_of_far_in_the_future_is_a_usage_error(capsys) -> None:
    line = usage_error(capsys, *CHECK, "--half", "2026H2", "--as-of", "9999-12-31")
    assert "--as-of" in line and "9999" in line and "1900-2200" in line


def test_as_of_before_the_signing_date_names_both_dates(capsys) -> None:
    line = usage_error(capsys, *CHECK, "--half", "2026H2", "--as-of", "2026-01-01")
    assert "2026-01-01" in line and "2026-07-01" in line and "signing date" in line


def test_as_of_before_the_period_start_names_both_dates(capsys) -> None:
    line = usage_error(capsys, *CHECK, "--quarter", "2026Q4", "--as-of", "2026-09-30")
    assert "2026-09-30" in line and "2026-10-01" in line and "period start" in line


def test_as_of_inside_the_period_still_checks(capsys) -> None:
    code, out, err = run(capsys, *CHECK, "--half", "2026H2", "--as-of", "2026-12-31", "--format", "json")
    assert code == 1 and json.loads(out)["as_of"] == "2026-12-31"


@pytest.mark.parametrize(
    "argv",
    [
        ["calendar", "add", "2026-01-01", "3000000"],
        ["calendar", "add", "2026-01-01", "-3000000"],
        ["calendar", "period", "2026-01-01", "--months", "99999"],
        ["calendar", "notice-by", "2026-10-08", "9999999"],
        ["calendar", "day", "9999-12-31"],
    ],
)
def test_calendar_counts_that_leave_the_calendar_are_usage_errors(capsys, argv: list[str]) -> None:
    line = usage_error(capsys, *argv)
    assert "36500" in line or "1200" in line or "1900-2200" in line


# --- output files ----------------------------------------------------------------


def test_check_output_into_a_missing_folder(capsys, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "r.json"
    line = usage_error(capsys, *CHECK, "--half", "2026H2", "--format", "json", "-o", str(target))
    assert "does not exist" in line and "no-such-folder" in line
    assert not target.parent.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["report", "audit", "{r}", "--format", "docx"],
        ["report", "audit", "{r}", "--format", "xlsx"],
        ["report", "prepay", "{r}"],
        ["notice", "{r}", "--kind", "rectification", "--findings", "X:1"],
    ],
)
def test_report_output_into_a_missing_folder(capsys, tmp_path: Path, result_json: Path, command: list[str]) -> None:
    target = tmp_path / "missing" / "out.bin"
    argv = [str(result_json) if a == "{r}" else a for a in command]
    line = usage_error(capsys, *argv, "-o", str(target))
    assert "does not exist" in line
    assert not target.parent.exists()


# --- damaged result files given to the reports -------------------------------------

REPORTS = [
    ["report", "audit", "{r}"],
    ["report", "audit", "{r}", "--format", "xlsx", "-o", "{o}"],
    ["report", "prepay", "{r}"],
    ["notice", "{r}", "--kind", "rectification", "-o", "{o}"],
]


@pytest.mark.parametrize("command", REPORTS)
@pytest.mark.parametrize(
    ("damage", "field"),
    [
        (lambda d: d.update(findings=[{}]), "findings[0].id"),
        (lambda d: d["findings"].append("breach"), "findings["),
        (lambda d: d["findings"][0].update(status="fine"), "findings[0].status"),
        (lambda d: d["findings"][0].update(message="broken"), "findings[0].message"),
        (lambda d: d["findings"][0].update(deadline={"date": "2026-02-30"}), "findings[0].deadline.date"),
        (lambda d: d.update(as_of="yesterday"), "as_of"),
        (lambda d: d.update(contract={"id": "x"}), "contract.title"),
    ],
)
def test_a_damaged_result_is_an_input_error(capsys, tmp_path: Path, result_json: Path, command, damage, field: str) -> None:
    bad = _damaged(tmp_path, result_json, damage)
    argv = [str(bad) if a == "{r}" else str(tmp_path / "out.bin") if a == "{o}" else a for a in command]
    line = usage_error(capsys, *argv)
    assert field in line and str(bad) in line
    assert not (tmp_path / "out.bin").exists()


@pytest.mark.parametrize("amount", ["1e308", "-1e308", "1E+15", "Infinity"])
def test_absurd_amounts_in_prepay_inputs(capsys, tmp_path: Path, result_json: Path, amount: str) -> None:
    def damage(d):
        d["settlement_facts"]["invoice"][0]["amount"] = amount

    bad = _damaged(tmp_path, result_json, damage)
    line = usage_error(capsys, "report", "prepay", str(bad), "--pack", PACK)
    assert "settlement_facts.invoice[0].amount" in line


def test_a_plausible_amount_still_settles(capsys, tmp_path: Path, result_json: Path) -> None:
    code, out, err = run(capsys, "report", "prepay", str(result_json), "--pack", PACK)
    assert code == 0 and "Traceback" not in out + err and out.strip()


# --- rich markup in evidence text --------------------------------------------------

HOSTILE = "[/] [bold]粗体[/bold] [link=http://evil.example]x[/link] [/red]"


def test_markup_in_evidence_text_is_printed_as_written_in_the_check_table(capsys, monkeypatch) -> None:
    real = check_cli.run_check

    def hostile(*a, **k):
        result = real(*a, **k)
        for f in result["findings"]:
            f["subject"] = f"{f['subject']} {HOSTILE}"
            f["message"]["zh"] = f"{HOSTILE} {f['message']['zh']}"
            f["clause"] = "[/]"
        return result

    monkeypatch.setattr(check_cli, "run_check", hostile)
    code, out, err = run(capsys, *CHECK, "--half", "2026H2")
    assert code == 1, err
    assert "Traceback" not in out + err and "error" not in err
    flat = "".join(out.split())  # the table folds long cells over several lines
    assert "[bold]粗体[/bold]" in flat and "[/red]" in flat and "[link=http://evil.example]x[/link]" in flat


def test_markup_in_the_ledger_is_printed_as_written_by_history(capsys, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    finding = {
        "id": "HB-OPS-ONSITE:[/]",
        "rule": "HB-OPS-ONSITE",
        "clause": "四（三）2",
        "title": "[bold]title[/bold]",
        "kind": "presence",
        "obligor": "party_b",
        "severity": "major",
        "status": "breach",
        "subject": f"张三 {HOSTILE}",
        "period": {"start": "2026-09-06", "end": "2026-09-06"},
        "message": {"zh": f"未到岗 {HOSTILE}", "en": "absent"},
        "deadline": {"date": "2026-10-16", "basis": "整改期限"},
        "consequence": "八.1",
        "details": {},
    }
    record_audit(
        ledger,
        {
            "contract": {"id": "hebi-shuguang-2026", "title": "[/]合同", "pack": "x", "signed_on": "2026-07-01"},
            "as_of": "2026-09-30",
            "period": {"start": "2026-07-01", "end": "2026-09-30"},
            "findings": [finding],
        },
    )
    code, out, err = run(capsys, "history", "--ledger", str(ledger))
    assert code == 0 and "Traceback" not in out + err, err
    flat = "".join(out.split())
    assert "[bold]粗体[/bold]" in flat and "HB-OPS-ONSITE:[/]" in flat
    code, out, err = run(capsys, "history", "HB-OPS-ONSITE:[/]", "--ledger", str(ledger))
    assert code == 0 and "Traceback" not in out + err, err
    flat = "".join(out.split())
    assert "[bold]title[/bold]" in flat and "[link=http://evil.example]x[/link]" in flat


# --- the ledger only when asked ------------------------------------------------------


def test_a_ledger_lying_in_the_folder_is_not_used(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, *CHECK, "--quarter", "2026Q3", "--record", "--format", "json")
    assert code == 1 and json.loads(out)["ledger"] == {"file": "lvyue-ledger.sqlite", "recorded": True}
    assert (tmp_path / "lvyue-ledger.sqlite").is_file()
    code, out, _ = run(capsys, *CHECK, "--half", "2026H2", "--format", "json")
    result = json.loads(out)
    assert code == 1 and "follow_up" not in result and "ledger" not in result


def test_the_ledger_asked_for_is_named(capsys, tmp_path: Path, monkeypatch) -> None:
    ledger = tmp_path / "audits.sqlite"
    assert main([*CHECK, "--quarter", "2026Q3", "--ledger", str(ledger), "--record", "--format", "json"]) == 1
    capsys.readouterr()
    monkeypatch.setenv("LVYUE_LEDGER", str(ledger))
    code, out, _ = run(capsys, *CHECK, "--half", "2026H2", "--format", "json")
    result = json.loads(out)
    assert code == 1 and result["ledger"] == {"file": ledger.as_posix(), "recorded": False}
    assert result["follow_up"]["previous_audit"]["as_of"] == "2026-09-30"
    code, out, _ = run(capsys, *CHECK, "--half", "2026H2")  # the table says it too
    assert code == 1 and f"ledger: {ledger.as_posix()}" in "".join(out.split("\n"))
    code, out, _ = run(capsys, *CHECK, "--half", "2026H2", "--format", "md")
    assert code == 1 and ledger.as_posix() in out


def test_a_missing_ledger_asked_for_is_a_usage_error(capsys, tmp_path: Path, monkeypatch) -> None:
    line = usage_error(capsys, *CHECK, "--half", "2026H2", "--ledger", str(tmp_path / "typo.sqlite"))
    assert "ledger not found" in line and "typo.sqlite" in line
    monkeypatch.setenv("LVYUE_LEDGER", str(tmp_path / "env.sqlite"))
    line = usage_error(capsys, *CHECK, "--half", "2026H2")
    assert "LVYUE_LEDGER" in line and "env.sqlite" in line
    assert not (tmp_path / "typo.sqlite").exists() and not (tmp_path / "env.sqlite").exists()


# --- 0 / 1 / 3 and --debug ------------------------------------------------------------


def test_exit_1_for_findings_and_0_for_none(capsys) -> None:
    code, out, _ = run(capsys, *CHECK, "--half", "2026H2", "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["needs_action"] > 0
    assert run(capsys, "calendar", "add", "2026-09-30", "1")[0] == 0


def _boom(*a, **k):
    raise RuntimeError("simulated bug\nsecond line")


def test_an_internal_error_is_exit_3_in_one_line(capsys, monkeypatch) -> None:
    monkeypatch.setattr(cal_cli, "add_working_days", _boom)
    code, out, err = run(capsys, "calendar", "add", "2026-09-30", "1")
    assert code == 3 and "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("internal error: RuntimeError: simulated bug second line")


def test_debug_option_shows_the_traceback(capsys, monkeypatch) -> None:
    monkeypatch.setattr(cal_cli, "add_working_days", _boom)
    with pytest.raises(RuntimeError, match="simulated bug"):
        main(["--debug", "calendar", "add", "2026-09-30", "1"])
    assert main(["calendar", "add", "2026-09-30", "1"]) == 3  # --debug does not stick to the next run


def test_debug_does_not_turn_usage_errors_into_tracebacks(capsys) -> None:
    line = usage_error(capsys, "--debug", *CHECK, "--half", "9999H2")
    assert "9999" in line


def test_the_installed_entry_point_exits_2_without_a_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LVYUE_DEBUG", "LVYUE_LEDGER")}
    proc = subprocess.run(
        [sys.executable, "-m", "lvyue.engine.cli.main", *CHECK, "--as-of", "9999-12-31", "--half", "2026H2"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr.strip().startswith("error: --as-of:")

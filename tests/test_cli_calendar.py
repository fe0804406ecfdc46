"""`lvyue calendar`: values first on the line, JSON on request, exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lvyue.engine.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "args, first",
    [
        (["add", "2026-09-30", "1"], "2026-10-08"),
        (["add", "2026-10-09", "-7"], "2026-09-22"),
        (["period", "2026-07-01", "--months", "3"], "2026-10-08"),
        (["period", "2026-01-31", "--months", "1"], "2026-02-28"),
        (["count", "2026-09-21", "2026-10-09"], "7"),
        (["notice-by", "2026-10-09", "7"], "2026-09-21"),
        (["notice-by", "2026-09-15", "7", "--natural"], "2026-09-07"),
        (["late-days", "2026-12-15", "2027-01-15"], "31"),
        (["day", "2026-09-20"], "working"),
        (["day", "2026-10-06"], "rest"),
    ],
)
def test_value_comes_first(capsys: pytest.CaptureFixture[str], args: list[str], first: str) -> None:
    code, out, _ = run(capsys, "calendar", *args)
    assert code == 0
    assert out.split()[0] == first


def test_json_output_and_provisional_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calendar", "period", "2026-07-01", "--years", "1", "--json")
    assert code == 0
    obj = json.loads(out)
    assert obj["value"] == "2027-07-01"
    assert obj["provisional"] is True and obj["provisional_years"] == [2027]
    code, out, _ = run(capsys, "calendar", "day", "2027-02-09", "--json")
    assert json.loads(out)["provisional"] is True


def test_text_output_warns_of_provisional_years_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run(capsys, "calendar", "add", "2026-12-30", "10")
    assert "provisional" in err and "2027" in err and "推定" in err
    assert "provisional" not in out and out.split()[0] == "2027-01-14"


@pytest.mark.parametrize(
    "args, needle",
    [
        (["add", "2026-13-01", "1"], "DATE"),
        (["add", "2026-09-30", "one"], "N"),
        (["count", "yesterday", "2026-10-09"], "START"),
        (["period", "2026-07-01"], "exactly one"),
        (["period", "2026-07-01", "--days", "3", "--months", "1"], "exactly one"),
        (["day", "2026-09-20", "--calendar", "/nonexistent/cal.yaml"], "not found"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    code, out, err = run(capsys, "calendar", *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_malformed_override_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text("source: x\nholidays: [{date: 2027-02-30, name: a}]\n", encoding="utf-8")
    code, _, err = run(capsys, "calendar", "day", "2027-01-04", "--calendar", str(f))
    assert code == 2 and "cal.yaml:2" in err


def test_override_makes_the_year_official(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text("source: 通知\nyears: [2027]\nworkdays: [{date: 2027-01-03, name: 调休}]\n", encoding="utf-8")
    code, out, _ = run(capsys, "calendar", "day", "2027-01-03", "--calendar", str(f), "--json")
    obj = json.loads(out)
    assert code == 0 and obj["working"] is True and obj["official"] is True

"""Issue 17: pack files by role (calendar overrides), provisional dates, what falls due in the period.

Every date below is counted by hand in a comment.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.pack import calendar_files, load_pack

ROOT = Path(__file__).resolve().parent.parent
HEBI = ROOT / "rules" / "hebi-shuguang-2026"

# A made-up 2027 notice for the test (the real one is not out). 2027-01-01 is a Friday, so
# 2027-01-31 (Friday + 30 days = Friday + 4 weeks + 2 days) is a Sunday: here a make-up working day.
OVERRIDE_2027 = """\
source: 测试用 2027 年安排（非官方）
years: [2027]
holidays:
  - {start: 2027-01-01, end: 2027-01-03, name: 元旦}
  - {start: 2027-02-06, end: 2027-02-13, name: 春节}
workdays:
  - {date: 2027-01-31, name: 春节调休上班}
  - {date: 2027-02-20, name: 春节调休上班}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pack_with_override(tmp_path: Path) -> Path:
    """A copy of the Hebi pack with calendar-2027.yaml placed as docs/calendar.md says (not listed anywhere)."""
    dst = tmp_path / "hebi"
    shutil.copytree(HEBI, dst)
    (dst / "calendar-2027.yaml").write_text(OVERRIDE_2027, encoding="utf-8")
    return dst


# --- 1. file roles ------------------------------------------------------------------------


def test_override_file_in_pack_is_a_calendar_not_a_rule_file(pack_with_override: Path) -> None:
    pack = load_pack(pack_with_override)
    assert pack.file_roles["calendar-2027.yaml"] == "calendar"
    assert pack.file_roles["billing.yaml"] == "rules"
    assert pack.file_roles["contract.yaml"] == "contract"
    assert pack.file_roles["settlement.yaml"] == "settlement"
    assert calendar_files(pack_with_override) == [pack_with_override / "calendar-2027.yaml"]
    # the override is used: 2027-01-31 (a Sunday) is a working day, 2027-02-08 (a Monday) a holiday
    import datetime as dt

    assert pack.calendar.is_working(dt.date(2027, 1, 31))
    assert not pack.calendar.is_working(dt.date(2027, 2, 8))
    assert not any(r.id.startswith("calendar") for r in pack.rules)


def test_lint_names_each_files_role(capsys: pytest.CaptureFixture[str], pack_with_override: Path) -> None:
    code, out, _ = run(capsys, "rules", "lint", pack_with_override)
    assert code == 0, out
    lines = {line.split()[1]: line.split()[0] for line in out.splitlines() if len(line.split()) == 2}
    assert lines["calendar-2027.yaml"] == "calendar"
    assert lines["billing.yaml"] == "rules"
    assert lines["settlement.yaml"] == "settlement"


def test_listed_override_elsewhere_still_loaded(tmp_path: Path) -> None:
    dst = tmp_path / "hebi"
    shutil.copytree(HEBI, dst)
    (dst / "cal").mkdir()
    (dst / "cal" / "y2027.yaml").write_text(OVERRIDE_2027, encoding="utf-8")
    text = (dst / "contract.yaml").read_text(encoding="utf-8")
    (dst / "contract.yaml").write_text(text.replace("calendar_overrides: []", "calendar_overrides: [cal/y2027.yaml]"),
                                       encoding="utf-8")
    pack = load_pack(dst)
    assert pack.file_roles["cal/y2027.yaml"] == "calendar"
    import datetime as dt

    assert pack.calendar.is_working(dt.date(2027, 1, 31))


def test_calendar_day_with_pack(capsys: pytest.CaptureFixture[str], pack_with_override: Path) -> None:
    code, out, _ = run(capsys, "calendar", "day", "2027-01-31", "--pack", pack_with_override, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["working"] is True and d["provisional"] is False
    # without the pack the same Sunday is a provisional rest day
    code, out, _ = run(capsys, "calendar", "day", "2027-01-31", "--json")
    d = json.loads(out)
    assert d["working"] is False and d["provisional"] is True
    # --pack without contract.yaml is bad input
    code, out, err = run(capsys, "calendar", "day", "2027-01-31", "--pack", pack_with_override / "tests")
    assert code == 2

"""`facts inspect`: per file type, sha256, rows = facts + rejected with reasons, dates; --json."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from factkit import (
    ACCESS_LINES,
    ACCESS_MANIFEST,
    BAD_ROWS,
    ROSTER_HEADERS,
    ROSTER_MANIFEST,
    ROSTER_ROWS,
    csv_bytes,
)
from typer.testing import CliRunner

from lvyue.engine.cli.facts import app

runner = CliRunner()


def _audit_folder(folder: Callable[..., Path]) -> Path:
    manifest = ROSTER_MANIFEST.format(path="roster.csv", extra="") + ACCESS_MANIFEST.replace(
        "files:\n", ""
    )
    return folder(
        "audit",
        manifest,
        {
            "roster.csv": csv_bytes(ROSTER_HEADERS, ROSTER_ROWS + BAD_ROWS[:2], "gb18030"),
            "门禁记录.csv": "\n".join(ACCESS_LINES).encode("utf-8"),
            "会议纪要.docx": b"not listed",
            "README.md": b"# notes",
            ".DS_Store": b"",
        },
    )


def test_inspect_text(folder: Callable[..., Path]) -> None:
    root = _audit_folder(folder)
    result = runner.invoke(app, ["inspect", str(root)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    sha = hashlib.sha256((root / "roster.csv").read_bytes()).hexdigest()
    assert out.splitlines()[0] == "2 files, 7 facts, 5 rejected"
    assert "roster.csv\tstaff 运维人员名册" in out
    assert f"  sha256 {sha}" in out
    assert "  rows 5 = facts 3 + rejected 2" in out
    assert "  dates 2026-07-01 .. 2026-12-31" in out
    assert "  encoding gb18030" in out
    assert "  rejected row 5 [到岗日期]: impossible date '2026-02-30': 2026-02 has no day 30" in out
    assert "  rejected row 6 [姓名]: missing required field" in out
    assert "门禁记录.csv\tonsite_day 驻场到岗记录" in out
    assert "  lines 10 = aggregated 6 + outside location 1 + rejected 3  ->  facts 4" in out
    assert "  rejected row 10: expected 4 fields, found 3" in out
    assert out.rstrip().endswith("not in evidence.yaml (not loaded): 会议纪要.docx")


def test_inspect_json_is_complete_and_byte_identical(
    folder: Callable[..., Path], tmp_path: Path
) -> None:
    root = _audit_folder(folder)
    first = runner.invoke(app, ["inspect", str(root), "--json", "--facts"])
    assert first.exit_code == 0, first.output
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(root, copy)
    again = runner.invoke(app, ["inspect", str(copy), "--json", "--facts"])
    assert again.stdout == first.stdout  # same inputs, same bytes, wherever the folder is

    data = json.loads(first.stdout)
    roster, log = data["files"]
    assert roster["file"] == "roster.csv" and roster["fact_type"] == "staff"
    assert roster["sha256"] == hashlib.sha256((root / "roster.csv").read_bytes()).hexdigest()
    assert (roster["rows"], roster["facts"]) == (5, 3)
    assert roster["rejected"] == [
        {
            "row": 5,
            "field": "到岗日期",
            "reason": "impossible date '2026-02-30': 2026-02 has no day 30",
        },
        {"row": 6, "field": "姓名", "reason": "missing required field"},
    ]
    assert roster["date_range"] == ["2026-07-01", "2026-12-31"]
    assert log["log"] == {
        "lines_aggregated": 6,
        "lines_outside_location": 1,
        "lines_rejected": 3,
        "derived_facts": 4,
    }
    assert data["unlisted"] == ["会议纪要.docx"]
    assert data["facts_by_type"] == {"onsite_day": 4, "staff": 3}
    assert data["present_types"] == ["onsite_day", "staff"]
    p1 = data["facts"]["staff"][0]
    assert (p1["id"], p1["start"], p1["provenance"]["row"]) == ("P001", "2026-07-01", 2)


def test_inspect_fatal_error_is_one_line_and_exit_2(folder: Callable[..., Path]) -> None:
    # (a listed file that is missing is not fatal any more: it is a gap; an unknown type still is)
    manifest = ROSTER_MANIFEST.format(path="roster.csv", extra="").replace("type: staff", "type: staf")
    root = folder("typo", manifest, {"roster.csv": csv_bytes(ROSTER_HEADERS, ROSTER_ROWS, "gb18030")})
    result = runner.invoke(app, ["inspect", str(root), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: evidence.yaml:4: type: unknown fact type 'staf'")
    assert result.stderr.count("\n") == 1

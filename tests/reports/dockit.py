"""The example's check result and its documents, written once per test module (docs, pages, charts)."""

from __future__ import annotations

from pathlib import Path

from reportkit import HEBI, ROOT, cli
from typer.testing import CliRunner

from lvyue.engine.cli.check import run_check
from lvyue.engine.cli.common import dump_json, parse_period

EXAMPLE = ROOT / "examples" / "hebi-2026h2"
NUMBER = "鹤审管〔2027〕1号"


def example_result(folder: Path) -> Path:
    result = run_check(EXAMPLE, HEBI, None, parse_period(None, None, "2026H2"))
    path = folder / "result.json"
    path.write_text(dump_json(result) + "\n", encoding="utf-8")
    return path


def ok(args: list[str]) -> None:
    res = CliRunner().invoke(cli(), args)
    assert res.exit_code == 0, (res.output, res.exception)


def documents(result: Path, folder: Path) -> dict[str, Path]:
    """audit.docx, audit.xlsx, audit.html, prepay.docx and notice.docx for the result."""
    out = {name: folder / name for name in ("audit.docx", "audit.xlsx", "audit.html", "prepay.docx", "notice.docx")}
    for name in ("audit.docx", "audit.xlsx", "audit.html"):
        ok(["report", "audit", str(result), "--format", name.split(".")[1], "-o", str(out[name])])
    ok(["report", "prepay", str(result), "--format", "docx", "-o", str(out["prepay.docx"])])
    ok(["notice", str(result), "--kind", "rectification", "--number", NUMBER, "--issue-date", "2027-01-05", "-o", str(out["notice.docx"])])
    return out

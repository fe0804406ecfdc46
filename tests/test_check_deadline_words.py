"""Issue 13.2: `lvyue check` states a remediation deadline in the same words and date as the audit report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lvyue.engine.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hebi-2026h2"
AS_OF_WORDS = "自整改通知书下达之日起5个工作日；如于核查基准日2026年12月31日下达，为2027年1月8日前"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def test_check_and_audit_state_the_same_deadline(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, md = run(capsys, "check", EXAMPLE, "--pack", "hebi-shuguang-2026", "--half", "2026H2", "--format", "md")
    assert code == 1
    row = next(line for line in md.splitlines() if "| HB-PAY-FEE |" in line)
    assert row.rstrip(" |").endswith(AS_OF_WORDS)  # the last column: words and date, no bare ISO date
    assert not re.search(r"\|\s*\d{4}-\d{2}-\d{2}\s*\|", md)
    result = tmp_path / "r.json"
    assert run(capsys, "check", EXAMPLE, "--pack", "hebi-shuguang-2026", "--half", "2026H2", "--format", "json", "-o", result)[0] == 1
    assert run(capsys, "report", "audit", result, "-o", tmp_path / "a.md")[0] == 0
    audit = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert AS_OF_WORDS in audit

"""Every report for the example evidence (examples/hebi-2026h2), as the README runs them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import docx
import pytest
from reportkit import HEBI, ROOT, cli
from typer.testing import CliRunner

from lvyue.engine.cli.check import run_check
from lvyue.engine.cli.common import dump_json, parse_period

EXAMPLE = ROOT / "examples" / "hebi-2026h2"
pytestmark = pytest.mark.skipif(not (EXAMPLE / "evidence.yaml").is_file(), reason="example evidence not generated")


@pytest.fixture(scope="module")
def result_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = run_check(EXAMPLE, HEBI, None, parse_period(None, None, "2026H2"))
    path = tmp_path_factory.mktemp("example") / "result.json"
    path.write_text(dump_json(result) + "\n", encoding="utf-8")
    return path


def ok(args: list[str]) -> str:
    res = CliRunner().invoke(cli(), args)
    assert res.exit_code == 0, (res.output, res.exception)
    return res.stdout


def test_all_reports(tmp_path: Path, result_path: Path) -> None:
    r = str(result_path)
    for fmt in ("md", "html", "docx", "json", "xlsx"):
        ok(["report", "audit", r, "--format", fmt, "-o", str(tmp_path / f"audit.{fmt}")])
    for fmt in ("md", "html", "docx", "json"):
        ok(["report", "prepay", r, "--format", fmt, "-o", str(tmp_path / f"prepay.{fmt}")])
    for kind in ("rectification", "warning"):
        ok(["notice", r, "--kind", kind, "--number", "鹤审管〔2027〕1号", "--issue-date", "2027-01-11", "-o", str(tmp_path / f"{kind}.docx")])
    for name in ("audit.html", "prepay.html"):
        ET.fromstring((tmp_path / name).read_text(encoding="utf-8").split("\n", 1)[1])
    audit = docx.Document(str(tmp_path / "audit.docx"))
    assert any(p.text.endswith("逐条款核查情况") for p in audit.paragraphs)
    prepay = json.loads((tmp_path / "prepay.json").read_text(encoding="utf-8"))
    assert prepay["decision"] == "blocked"
    assert "payee_name_contract" in {b["code"] for b in prepay["blockers"]}  # the doubled 云
    assert prepay["overdue_sum"]["deadline"] == "2026-10-08"
    notice = docx.Document(str(tmp_path / "rectification.docx"))
    assert [p.text for p in notice.paragraphs if p.style.name == "Title"] == ["整改通知书"]
    assert any("2027年1月" in p.text and "前" in p.text for p in notice.paragraphs)

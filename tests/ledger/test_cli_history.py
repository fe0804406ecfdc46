"""`lvyue history`: the open findings, the life of one finding, JSON or table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from ledgerkit import compliant, finding, notice, result
from typer.testing import CliRunner

from lvyue.engine.cli.history import history
from lvyue.engine.errors import InputError
from lvyue.engine.ledger import record_audit, record_notice, resolve

app = typer.Typer()
app.command("history")(history)
app.command("noop", hidden=True)(lambda: None)  # keep `history` a subcommand, as `lvyue history`


def _ledger(path: Path) -> str:
    p = finding("HB-OPS-ONSITE", "0914", subject="驻场", start="2026-09-14", deadline="2026-10-14")
    record_audit(path, result("2026-09-30", "2026-07-01", "2026-09-30", [p]))
    record_notice(path, notice("rectification", "整改〔2026〕2号", "2026-10-09", [(p["id"], "2026-10-16")]))
    record_audit(path, result("2026-10-31", "2026-10-01", "2026-12-31",
                              [compliant("HB-OPS-ONSITE", "2026-10-01", "2026-10-31")]))
    return p["id"]


def test_open_findings_table_and_json(ledger: Path) -> None:
    fid = _ledger(ledger)
    runner = CliRunner()
    out = runner.invoke(app, ["history", "--ledger", str(ledger), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert [(r["finding_id"], r["state"], r["escalation"]["next"]) for r in rows] == [(fid, "overdue", "warning")]
    out = runner.invoke(app, ["history", "--ledger", str(ledger)])
    assert out.exit_code == 0 and "逾期未整改" in out.output and "八.1" in out.output


def test_life_of_one_finding(ledger: Path) -> None:
    fid = _ledger(ledger)
    runner = CliRunner()
    out = runner.invoke(app, ["history", fid, "--ledger", str(ledger), "--json"])
    life = json.loads(out.output)
    assert [a["status"] for a in life["audits"]] == ["breach"]
    assert life["notices"][0]["deadline"] == "2026-10-16"
    assert life["follow_up"]["state"] == "overdue"
    out = runner.invoke(app, ["history", fid, "--ledger", str(ledger), "--pack", "hebi-shuguang-2026"])
    assert out.exit_code == 0 and "整改〔2026〕2号" in out.output and "2026-10-16" in out.output


def test_unknown_finding_and_missing_ledger_are_input_errors(ledger: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["history", "--ledger", str(tmp_path / "none.sqlite")])
    assert isinstance(out.exception, InputError) and "no ledger" in str(out.exception)
    _ledger(ledger)
    out = runner.invoke(app, ["history", "NOPE:1", "--ledger", str(ledger)])
    assert isinstance(out.exception, InputError) and "not in the ledger" in str(out.exception)


def test_ledger_path_default_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LVYUE_LEDGER", raising=False)
    assert resolve(None) == Path("lvyue-ledger.sqlite")
    monkeypatch.setenv("LVYUE_LEDGER", str(tmp_path / "x.sqlite"))
    assert resolve(None) == tmp_path / "x.sqlite"
    assert resolve(tmp_path / "given.sqlite") == tmp_path / "given.sqlite"

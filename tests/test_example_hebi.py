"""Acceptance: `lvyue check` on examples/hebi-2026h2 finds exactly the breaches its README plants."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path

import examplekit
import pytest
import yaml
from examplekit import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hebi-2026h2"
GENERATOR = ROOT / "examples" / "make_hebi_2026h2.py"
PACK = ROOT / "rules" / "hebi-shuguang-2026"
DEVICE_RULES = ("HB-SEC-DEVICES", "HB-OPS-LINES", "HB-OPS-HOTLINE")


def check_json(folder: Path) -> tuple[int, str]:
    return cli("check", folder, "--pack", PACK, "--half", "2026H2", "--format", "json")


def readme_breaches() -> list[dict[str, str]]:
    return examplekit.readme_breaches(EXAMPLE)


@pytest.fixture(scope="module")
def first_run() -> tuple[int, str]:
    return check_json(EXAMPLE)


@pytest.fixture(scope="module")
def result(first_run: tuple[int, str]) -> dict:
    return json.loads(first_run[1])


def test_breaches_are_exactly_the_planted_ones(result: dict) -> None:
    planted = readme_breaches()
    assert len(planted) >= 10
    found = [f for f in result["findings"] if f["status"] == "breach"]
    assert Counter((f["rule"], f["subject"]) for f in found) == Counter(
        (r["rule"], r["subject"]) for r in planted
    )
    clause_of = {f["rule"]: f["clause"] for f in found}
    assert {r["rule"]: r["clause"] for r in planted} == clause_of


def test_audit_date_and_evidence_accounting(result: dict) -> None:
    assert result["as_of"] == "2026-12-31"
    assert result["as_of_basis"] == "evidence"
    assert result["period"] == {"start": "2026-07-01", "end": "2026-12-31"}
    assert result["unlisted_files"] == []
    for entry in result["manifest"]:
        assert entry["rejected"] == [], entry["file"]
        if entry["log"] is None:
            assert entry["rows"] == entry["facts"], entry["file"]
    log = next(e for e in result["manifest"] if e["file"] == "门禁记录.csv")
    assert log["encoding"] == "gb18030"
    assert log["log"]["lines_outside_location"] > 0  # 乙方机房 lines are filtered out
    assert log["rows"] > 3000


def test_details_of_the_planted_findings(result: dict) -> None:
    by_rule: dict[str, list[dict]] = {}
    for f in result["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    onsite = sorted(
        f["period"]["start"] for f in by_rule["HB-OPS-ONSITE"] if f["status"] == "breach"
    )
    assert onsite == ["2026-09-20", "2026-10-10"]
    team = next(f for f in by_rule["HB-OPS-TEAM-SIZE"] if f["status"] == "breach")
    assert team["period"] == {"start": "2026-09-01", "end": "2026-09-14"}
    tamper = next(f for f in by_rule["HB-SEC-DEVICES"] if f["status"] == "breach")
    assert tamper["period"] == {"start": "2026-11-01", "end": "2026-11-10"}
    notice = {f["subject"]: f for f in by_rule["HB-OPS-NOTICE"] if f["status"] == "breach"}
    assert notice["M-2026-05"]["details"].get("reading_sensitive") is True
    assert any("仅按严格读法" in n for n in notice["M-2026-05"]["notes"])
    delivery = next(f for f in by_rule["HB-RES-DELIVERY"] if f["status"] == "breach")
    assert delivery["details"]["deadline"] == "2026-10-09"
    settle = next(f for f in by_rule["HB-PAY-OVERDUE-SETTLE"] if f["status"] == "breach")
    assert settle["obligor"] == "party_a"
    assert settle["details"]["deadline"] == "2026-10-08"
    assert settle["details"]["achieved_on"] == "2026-10-20"
    fee = next(f for f in by_rule["HB-PAY-FEE"] if f["status"] == "breach")
    assert fee["details"]["excess"] == "17,000.00"
    # absent on purpose: force majeure → no evidence; hand-over → not yet due
    assert [f["status"] for f in by_rule["HB-FM-NOTICE"]] == ["no_evidence"]
    assert [f["status"] for f in by_rule["HB-DATA-HANDOVER"]] == ["not_due"]  # applies from the term end: nothing fell due


def test_exit_code_says_findings_need_action(first_run: tuple[int, str]) -> None:
    assert first_run[0] == 1


def test_second_run_is_byte_identical(first_run: tuple[int, str]) -> None:
    assert check_json(EXAMPLE) == first_run


def test_coverage_lists_every_clause() -> None:
    code, out = cli("rules", "coverage", PACK)
    assert code == 0
    contract = yaml.safe_load((PACK / "contract.yaml").read_text(encoding="utf-8"))
    clauses = [str(c) for c in contract["clauses"]]
    rows = [  # the table's rows: clause │ 状态 state │ heading │ rules (continuation lines have no clause)
        [c.strip() for c in line.strip().strip("│").split("│")] for line in out.splitlines() if line.startswith("│")
    ]
    states = {r[0]: r[1].split()[-1] for r in rows if r[0]}
    for clause in clauses:
        assert states.get(clause) in ("ruled", "manual"), clause
    for clause in (
        "四（三）2",
        "四（三）6",
        "四（四）6",
        "三.1.1",
        "三.2",
        "五（考核）",
        "十二",
        "九.2",
    ):
        assert states[clause] == "ruled", clause
    assert f"{len(clauses)} of {len(clauses)} clauses covered" in out


def test_removing_the_device_file_gives_no_evidence(tmp_path: Path, result: dict) -> None:
    folder = tmp_path / "hebi"
    shutil.copytree(EXAMPLE, folder)
    (folder / "设备清单.xlsx").unlink()
    manifest = yaml.safe_load((folder / "evidence.yaml").read_text(encoding="utf-8"))
    manifest["files"] = [f for f in manifest["files"] if f["path"] != "设备清单.xlsx"]
    (folder / "evidence.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    code, out = check_json(folder)
    assert code == 1
    statuses: dict[str, set[str]] = {}
    for f in json.loads(out)["findings"]:
        statuses.setdefault(f["rule"], set()).add(f["status"])
    for rule in DEVICE_RULES:
        assert statuses[rule] == {"no_evidence"}, rule
    before = {f["rule"] for f in result["findings"] if f["status"] == "compliant"}
    assert {"HB-OPS-LINES", "HB-OPS-HOTLINE"} <= before  # compliant only while evidence exists


def test_generator_reproduces_the_committed_folder(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_hebi_2026h2", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(tmp_path)
    committed = sorted(p.name for p in EXAMPLE.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name

"""Acceptance: `lvyue check` on examples/jiangzhou-2026q4 finds exactly the breaches its README plants.

Twice: as the quarter's audit (as of 2026-12-31, the default) and as the
pre-payment run after the acceptance (`--as-of 2027-01-05`, the last day the
evidence covers: the 2026Q4 acceptance and invoice are dated January 2027).

Every row of the README's table counts; a row naming a rule the pack lacks fails.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path

import examplekit
import pytest
import yaml
from examplekit import cli

from lvyue.engine.pack import load_pack
from lvyue.facts.evidence import load_evidence

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "jiangzhou-2026q4"
GENERATOR = ROOT / "examples" / "make_jiangzhou_2026q4.py"
PACK = ROOT / "rules" / "jiangzhou-waiwang-2026"
T = dt.datetime
PREPAY_AS_OF = "2027-01-05"  # the 2026Q4 invoice's date, the last day the evidence covers


def check_json(folder: Path, *extra: object) -> tuple[int, str]:
    return cli("check", folder, "--pack", PACK, "--quarter", "2026Q4", "--format", "json", *extra)


def readme_breaches() -> list[dict[str, str]]:
    return examplekit.readme_breaches(EXAMPLE)


def pack_rules() -> set[str]:
    return {r.id for r in load_pack(PACK).rules}


def planted() -> list[dict[str, str]]:
    """The README's planted breaches (every rule they name exists: see the test below)."""
    return readme_breaches()


@pytest.fixture(scope="module")
def first_run() -> tuple[int, str]:
    return check_json(EXAMPLE)


@pytest.fixture(scope="module")
def result(first_run: tuple[int, str]) -> dict:
    return json.loads(first_run[1])


@pytest.fixture(scope="module")
def january() -> dict:
    """The pre-payment run: as of the day the 2026Q4 invoice arrived."""
    code, out = check_json(EXAMPLE, "--as-of", PREPAY_AS_OF)
    assert code == 1
    return json.loads(out)


def breaches(result: dict) -> dict[tuple[str, str], dict]:
    return {(f["rule"], f["subject"]): f for f in result["findings"] if f["status"] == "breach"}


def test_breaches_are_exactly_the_planted_ones(result: dict) -> None:
    rows = planted()
    assert len(rows) >= 9
    found = [f for f in result["findings"] if f["status"] == "breach"]
    assert Counter((f["rule"], f["subject"]) for f in found) == Counter(
        (r["rule"], r["subject"]) for r in rows
    )
    clause_of = {f["rule"]: f["clause"] for f in found}
    assert {r["rule"]: r["clause"] for r in rows} == clause_of


def test_january_documents_create_no_breach(january: dict) -> None:
    """As of 2027-01-05 the breaches are still exactly the planted ones (the quarter's window ends 12-31)."""
    assert (january["as_of"], january["as_of_basis"]) == (PREPAY_AS_OF, "given")
    assert january["period"] == {"start": "2026-10-01", "end": "2026-12-31"}
    found = Counter(
        (f["rule"], f["subject"]) for f in january["findings"] if f["status"] == "breach"
    )
    assert found == Counter((r["rule"], r["subject"]) for r in planted())


def test_as_of_the_quarter_end_the_january_acceptance_is_not_known(result: dict) -> None:
    status = {(f["rule"], f["subject"]): f["status"] for f in result["findings"]}
    assert status[("JZ-ACCEPTANCE", "2026Q4")] == "at_risk"
    assert not any(
        f["rule"] == "JZ-PAYMENT" and f["subject"] == "YS-2026Q4" for f in result["findings"]
    )


def test_january_acceptance_compliant_and_payment_at_risk(january: dict) -> None:
    by_rule = {}
    for f in january["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    # 2027-01-04 is the 1st of the 10 working days after 2026-12-31 (01-04..01-08, 01-11..01-15)
    assert [f["status"] for f in by_rule["JZ-ACCEPTANCE"]] == ["compliant"]
    pay = {f["subject"]: f for f in by_rule["JZ-PAYMENT"]}
    assert pay["YS-2026Q3"]["status"] == "breach"
    q4 = pay["YS-2026Q4"]
    assert q4["status"] == "at_risk"
    assert q4["obligor"] == "party_a"
    # 2027-01-04 + 30 days (the day of acceptance not counted) = 2027-02-03, a Wednesday
    assert q4["details"]["deadline"] == "2027-02-03"
    assert q4["deadline"]["date"] == "2027-02-03" and q4["deadline"]["provisional"] is True
    at_risk = {(f["rule"], f["subject"]) for f in january["findings"] if f["status"] == "at_risk"}
    assert at_risk == {
        ("JZ-MONTHLY-REPORT", "2026-12"),  # due 2027-01-08
        ("JZ-PATCH-REPORT", "2026Q4"),  # due 2027-01-15
        ("JZ-DRILL", "2026-07-01..2027-06-30"),
        ("JZ-PAYMENT", "YS-2026Q4"),
    }


def test_the_rules_the_table_waits_for_exist() -> None:
    missing = sorted({r["rule"] for r in readme_breaches()} - pack_rules())
    assert missing == [], f"README rows name rules the pack lacks: {missing}"


def test_audit_date_and_evidence_accounting(result: dict) -> None:
    assert result["as_of"] == "2026-12-31"
    assert result["as_of_basis"] == "evidence"
    assert result["period"] == {"start": "2026-10-01", "end": "2026-12-31"}
    assert result["unlisted_files"] == []
    for entry in result["manifest"]:
        assert entry["rejected"] == [], entry["file"]
        if entry["log"] is None:
            assert entry["rows"] == entry["facts"], entry["file"]
        else:
            log = entry["log"]
            assert entry["rows"] == log["lines_aggregated"] + log["lines_outside_location"]
    logs = {e["file"]: e for e in result["manifest"] if e["log"] is not None and e["fact_type"] != "system_day"}
    door = logs["门禁记录.csv"]
    assert door["encoding"] == "gb18030"
    assert door["log"]["lines_outside_location"] > 0  # 1F闸机 and 5F办公区 lines are filtered out
    probes = logs["网络监控.csv"]
    assert probes["rows"] == 6 * 92 * 1440  # six systems, every minute of the quarter
    assert probes["facts"] == 3


def test_the_probe_log_gives_exactly_the_three_outages() -> None:
    ev = load_evidence(EXAMPLE, types=load_pack(PACK).fact_types)
    spans = sorted((f.system, f.start, f.end, f.minutes) for f in ev.facts["outage"])
    assert spans == [
        ("骨干链路-云溪县", T(2026, 11, 11, 14, 20), T(2026, 11, 11, 15, 10), 50),
        ("骨干链路-桐山县", T(2026, 10, 17, 1, 0), T(2026, 10, 17, 2, 30), 90),
        ("骨干链路-江北区", T(2026, 12, 9, 3, 12), T(2026, 12, 9, 3, 56), 44),
    ]


def test_details_of_the_planted_findings(result: dict) -> None:
    found = breaches(result)
    repair = found[("JZ-REPAIR", "GZ-2026-1104")]["details"]
    assert (repair["took"], repair["due_at"]) == (241, "2026-11-05 13:12")
    respond = found[("JZ-RESPOND", "GZ-2026-1015")]["details"]
    assert (respond["took"], respond["due_at"]) == (35, "2026-10-22 10:35")
    sec = found[("JZ-SEC-REPORT", "AQ-2026-08")]["details"]
    assert (sec["took"], sec["due_at"]) == (130, "2026-11-24 12:30")
    pay = found[("JZ-PAYMENT", "YS-2026Q3")]
    assert pay["obligor"] == "party_a"
    assert (pay["details"]["deadline"], pay["details"]["late_days"]) == ("2026-11-13", 7)
    assert pay["details"]["penalty"] in ("1890.00", "1,890.00")
    rectify = found[("JZ-RECTIFY", "江数管整〔2026〕7号")]["details"]
    assert (rectify["deadline"], rectify["late_days"]) == ("2026-11-17", 3)
    monthly = found[("JZ-MONTHLY-REPORT", "2026-11")]
    assert "2026年12月7日" in monthly["message"]["zh"] and "2026年12月8日" in monthly["message"]["zh"]
    assert "2026-12-07" in monthly["message"]["en"]  # English keeps ISO dates
    change = found[("JZ-ENGINEER-CHANGE-NOTICE", "RY-2026-03")]
    assert "仅2个工作日" in change["message"]["zh"] and "2026年11月3日" in change["message"]["zh"]
    approval = found[("JZ-MAINT-APPROVAL", "WH-2026-12")]
    assert "2026年12月7日" in approval["message"]["zh"]


def test_details_of_the_presence_findings(result: dict) -> None:
    rows = {r["subject"]: r for r in readme_breaches() if r["rule"] == "JZ-ONSITE"}
    found = {s: f for (rule, s), f in breaches(result).items() if rule == "JZ-ONSITE"}
    assert found.keys() == rows.keys()
    late, cisp = sorted(found.values(), key=lambda f: f["period"]["start"])
    assert late["period"] == {"start": "2026-11-18", "end": "2026-11-18"}
    assert (late["details"]["count"], late["details"]["shortfall_person_days"]) == (2, 1)
    assert any("JZ05" in n and "08:45" in n for n in late["notes"])
    assert cisp["period"] == {"start": "2026-12-16", "end": "2026-12-31"}
    assert len(cisp["details"]["days"]) == 12
    assert (cisp["details"]["count"], cisp["details"]["qualified_count"]) == (3, 1)
    # the make-up Saturday and the visit of a non-resident CISP holder change nothing
    days = {d for f in found.values() for d in f["details"]["days"]}
    assert "2026-10-10" not in days


def test_availability_findings(result: dict) -> None:
    (row,) = [r for r in readme_breaches() if r["rule"] == "JZ-AVAILABILITY"]
    found = [
        f for f in result["findings"] if f["rule"] == "JZ-AVAILABILITY" and f["status"] == "breach"
    ]
    assert [f["subject"] for f in found] == [row["subject"]]
    nov = found[0]
    assert nov["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert nov["details"]["availability"] == "99.8843"
    assert "(43,200 − 50) ÷ 43,200 × 100% = 99.8843%" in nov["details"]["derivation"]
    # October (90 minutes inside the approved window) and December (44 minutes: 99.9014 %)
    # are no breach, of this rule or of the termination right
    months = {
        f["period"]["start"][:7]
        for f in result["findings"]
        if f["rule"].startswith("JZ-AVAIL") and f["status"] == "breach"
    }
    assert months == {"2026-11"}


def test_without_the_approved_windows_october_is_a_breach(tmp_path: Path) -> None:
    """The October trap holds only because of the window: drop 维护窗口.xlsx and it fires."""
    folder = tmp_path / "jz"
    folder.mkdir()
    for p in EXAMPLE.iterdir():
        if p.name != "维护窗口.xlsx":
            shutil.copy(p, folder / p.name)  # a copy: files linked from outside the folder are refused
    (folder / "evidence.yaml").unlink()
    manifest = yaml.safe_load((EXAMPLE / "evidence.yaml").read_text(encoding="utf-8"))
    manifest["files"] = [f for f in manifest["files"] if f["path"] != "维护窗口.xlsx"]
    (folder / "evidence.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    code, out = check_json(folder)
    assert code == 1
    months = {
        f["period"]["start"][:7]: f["details"]["availability"]
        for f in json.loads(out)["findings"]
        if f["rule"] == "JZ-AVAILABILITY" and f["status"] == "breach"
    }
    # (44,640 − 90) ÷ 44,640 × 100 = 99.79838… → 99.7984
    assert months == {"2026-10": "99.7984", "2026-11": "99.8843"}


def test_not_yet_due_items_are_at_risk(result: dict) -> None:
    at_risk = {(f["rule"], f["subject"]) for f in result["findings"] if f["status"] == "at_risk"}
    assert {
        ("JZ-MONTHLY-REPORT", "2026-12"),
        ("JZ-PATCH-REPORT", "2026Q4"),
        ("JZ-ACCEPTANCE", "2026Q4"),
        ("JZ-DRILL", "2026-07-01..2027-06-30"),
    } <= at_risk


def test_exit_code_says_findings_need_action(first_run: tuple[int, str]) -> None:
    assert first_run[0] == 1


def test_second_run_is_byte_identical(first_run: tuple[int, str]) -> None:
    assert check_json(EXAMPLE) == first_run


def test_generator_reproduces_the_committed_folder(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_jiangzhou_2026q4", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(tmp_path)
    committed = sorted(p.name for p in EXAMPLE.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name

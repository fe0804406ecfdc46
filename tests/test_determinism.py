"""Same inputs, same bytes: every report format twice, the result JSON however the pack is typed.

Between the two runs the clock moves on by a day (time.time is shifted), so a zip
timestamp or a document date taken from "now" would show as a difference.
"""

from __future__ import annotations

import io
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from lvyue.engine.cli.main import main

ROOT = Path(__file__).parents[1]
EVIDENCE = str(ROOT / "examples" / "hebi-2026h2")
PACK_REL = "rules/hebi-shuguang-2026"
PACK = str(ROOT / PACK_REL)
AS_OF = "2026-12-31"
ISSUED = "2027-01-05"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LVYUE_LEDGER", raising=False)


@pytest.fixture(scope="module")
def result_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("det") / "result.json"
    assert main(["check", EVIDENCE, "--pack", PACK, "--half", "2026H2", "--as-of", AS_OF, "--format", "json", "-o", str(path)]) == 1
    return path


def _twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], suffix: str) -> tuple[bytes, bytes]:
    outs = []
    real = time.time
    for i, shift in enumerate((0, 86400 + 7)):
        monkeypatch.setattr(time, "time", lambda s=shift: real() + s)
        out = tmp_path / f"run{i}.{suffix}"
        code = main([*argv, "-o", str(out)])
        assert code == 0, code
        outs.append(out.read_bytes())
    monkeypatch.setattr(time, "time", real)
    return outs[0], outs[1]


def _core_times(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
        stamps = {info.date_time for info in z.infolist()}
    assert len(stamps) == 1, stamps  # every member the same timestamp
    return re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core)


def _first_stamp(data: bytes) -> tuple[int, ...]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.infolist()[0].date_time


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "json", "xlsx"])
def test_audit_report_bytes_are_identical(tmp_path, monkeypatch, result_json: Path, fmt: str) -> None:
    a, b = _twice(tmp_path, monkeypatch, ["report", "audit", str(result_json), "--pack", PACK, "--format", fmt], fmt)
    assert a and a == b
    if fmt in ("docx", "xlsx"):
        assert _core_times(a) == [f"{AS_OF}T00:00:00Z"] * 2
        assert _first_stamp(a) == (2026, 12, 31, 0, 0, 0)


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "json"])
def test_prepay_report_bytes_are_identical(tmp_path, monkeypatch, result_json: Path, fmt: str) -> None:
    argv = ["report", "prepay", str(result_json), "--pack", PACK, "--payment-date", "2027-04-20", "--format", fmt]
    a, b = _twice(tmp_path, monkeypatch, argv, fmt)
    assert a and a == b
    if fmt == "docx":
        assert _core_times(a) == [f"{AS_OF}T00:00:00Z"] * 2


def test_notice_docx_bytes_are_identical_and_dated_by_the_issue_date(tmp_path, monkeypatch, result_json: Path) -> None:
    import json

    findings = [
        f["id"]
        for f in json.loads(result_json.read_text(encoding="utf-8"))["findings"]
        if f["status"] in ("breach", "at_risk") and f["obligor"] == "party_b"
    ]
    assert findings
    argv = ["notice", str(result_json), "--pack", PACK, "--kind", "rectification", "--number", "鹤审管〔2027〕1号",
            "--issue-date", ISSUED, "--findings", ",".join(findings)]  # fmt: skip
    a, b = _twice(tmp_path, monkeypatch, argv, "docx")
    assert a and a == b
    assert _core_times(a) == [f"{ISSUED}T00:00:00Z"] * 2
    assert _first_stamp(a) == (2027, 1, 5, 0, 0, 0)


def _check_json(out: Path, pack: str) -> bytes:
    assert main(["check", EVIDENCE, "--pack", pack, "--half", "2026H2", "--format", "json", "-o", str(out)]) == 1
    return out.read_bytes()


def test_relative_and_absolute_pack_give_the_same_result_json(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    rel = _check_json(tmp_path / "rel.json", PACK_REL)
    absolute = _check_json(tmp_path / "abs.json", PACK)
    dotted = _check_json(tmp_path / "dot.json", f"./{PACK_REL}/../hebi-shuguang-2026/")
    assert rel == absolute == dotted
    contract = __import__("json").loads(rel)["contract"]
    assert contract["id"] == "hebi-shuguang-2026" and contract["pack"] == PACK_REL
    assert re.fullmatch(r"[0-9a-f]{64}", contract["pack_sha256"])


def test_the_pack_hash_follows_the_pack_content(tmp_path, monkeypatch) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    first = json.loads(_check_json(tmp_path / "a.json", "pack"))["contract"]
    again = json.loads(_check_json(tmp_path / "b.json", str(copy)))["contract"]
    assert first["pack"] == again["pack"] == "pack" and first["pack_sha256"] == again["pack_sha256"]
    with (copy / "contract.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    changed = json.loads(_check_json(tmp_path / "c.json", "pack"))["contract"]
    assert changed["pack_sha256"] != first["pack_sha256"]


def test_a_ledger_in_the_folder_does_not_change_the_result(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = _check_json(tmp_path / "before.json", PACK)
    assert main(["check", EVIDENCE, "--pack", PACK, "--quarter", "2026Q3", "--record", "--format", "json", "-o", str(tmp_path / "q3.json")]) == 1
    assert (tmp_path / "lvyue-ledger.sqlite").is_file()
    after = _check_json(tmp_path / "after.json", PACK)
    assert before == after and b"follow_up" not in after

"""The same roster from UTF-8 CSV, UTF-8-BOM CSV, GB18030 CSV (detected or declared), XLSX, JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from factkit import (
    ROSTER_HEADERS,
    ROSTER_MANIFEST,
    ROSTER_ROWS,
    ROSTER_XLSX_ROWS,
    csv_bytes,
    write_xlsx,
)

from lvyue.facts.evidence import EvidenceSet, load_evidence


def _csv_folder(folder: Callable[..., Path], name: str, encoding: str, declared: str = "") -> Path:
    extra = f"    encoding: {declared}\n" if declared else ""
    data = csv_bytes(ROSTER_HEADERS, ROSTER_ROWS, encoding)
    return folder(
        name, ROSTER_MANIFEST.format(path="roster.csv", extra=extra), {"roster.csv": data}
    )


def _xlsx_folder(folder: Callable[..., Path], tmp_path: Path) -> Path:
    root = folder("xlsx", ROSTER_MANIFEST.format(path="roster.xlsx", extra="    sheet: 名册\n"), {})
    write_xlsx(root / "roster.xlsx", ROSTER_HEADERS, ROSTER_XLSX_ROWS)
    return root


def _without_file(ev: EvidenceSet) -> list[dict]:
    """Facts as data, with provenance reduced to what must not differ (the row)."""
    return [
        {**f.model_dump(mode="json", exclude={"provenance"}), "row": f.provenance.row}
        for f in ev.facts["staff"]
    ]


def test_csv_encodings_and_xlsx_give_identical_facts(
    folder: Callable[..., Path], tmp_path: Path
) -> None:
    sets = {
        "utf-8": load_evidence(_csv_folder(folder, "u8", "utf-8")),
        "utf-8-bom": load_evidence(_csv_folder(folder, "bom", "utf-8-sig")),
        "gb18030": load_evidence(_csv_folder(folder, "gb", "gb18030")),
        "gbk declared": load_evidence(_csv_folder(folder, "gbk", "gbk", declared="gbk")),
        "xlsx": load_evidence(_xlsx_folder(folder, tmp_path)),
    }
    reference = _without_file(sets["utf-8"])
    for name, ev in sets.items():
        assert _without_file(ev) == reference, name
        report = ev.files[0]
        assert (report.rows, report.facts, report.rejected) == (3, 3, []), name
    assert [r.files[0].encoding for r in sets.values()] == [
        "utf-8",
        "utf-8-bom",
        "gb18030",
        "gbk",
        None,
    ]
    assert sets["xlsx"].files[0].sheet == "名册"
    assert sets["xlsx"].facts["staff"][0].provenance.sheet == "名册"

    p1, p2, p3 = sets["gb18030"].facts["staff"]
    assert (p1.id, p1.name, p1.categories, p1.local, p1.core) == (
        "P001",
        "张伟",
        ["cloud", "network"],
        True,
        True,
    )
    assert (p1.start, p1.end) == (dt.date(2026, 7, 1), None)
    assert (p2.core, p2.end, p2.categories) == (False, dt.date(2026, 12, 31), ["security"])
    assert (p3.local, p3.start, p3.categories) == (
        False,
        dt.date(2026, 7, 15),
        ["network", "storage"],
    )
    assert p1.provenance.row == 2 and p3.provenance.row == 4


def test_provenance_names_file_and_its_sha256(folder: Callable[..., Path]) -> None:
    root = _csv_folder(folder, "gb", "gb18030")
    ev = load_evidence(root)
    sha = hashlib.sha256((root / "roster.csv").read_bytes()).hexdigest()
    assert ev.files[0].sha256 == sha
    assert {f.provenance.file for f in ev.facts["staff"]} == {"roster.csv"}
    assert {f.provenance.sha256 for f in ev.facts["staff"]} == {sha}
    assert ev.files[0].date_range == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert ev.present_types() == {"staff"}


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_json_and_yaml_records(folder: Callable[..., Path], fmt: str) -> None:
    records = [dict(zip(ROSTER_HEADERS, r, strict=True)) for r in ROSTER_ROWS]
    if fmt == "json":
        data = json.dumps({"exported": "2026-09-30", "staff": records}, ensure_ascii=False)
    else:
        data = "staff:\n" + "".join(
            "  - " + "\n    ".join(f"{k}: '{v}'" for k, v in rec.items()) + "\n" for rec in records
        )
    root = folder(fmt, ROSTER_MANIFEST.format(path=f"roster.{fmt}", extra=""), {})
    (root / f"roster.{fmt}").write_text(data, encoding="utf-8")
    ev = load_evidence(root)
    csv_ev = load_evidence(_csv_folder(folder, "ref", "utf-8"))
    strip = [f.model_dump(exclude={"provenance"}) for f in ev.facts["staff"]]
    assert strip == [f.model_dump(exclude={"provenance"}) for f in csv_ev.facts["staff"]]
    rows = [f.provenance.row for f in ev.facts["staff"]]
    # JSON: record position; YAML: the line the record starts on
    assert rows == ([1, 2, 3] if fmt == "json" else [2, 11, 20])

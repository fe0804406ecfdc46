"""Problems that stop loading: one InputError naming the file (and line / field)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from factkit import ROSTER_HEADERS, ROSTER_MANIFEST, ROSTER_ROWS, csv_bytes

from lvyue.engine.errors import InputError
from lvyue.facts.evidence import load_evidence

ROSTER = csv_bytes(ROSTER_HEADERS, ROSTER_ROWS, "utf-8")


def _error(root: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_evidence(root)
    return info.value


def test_missing_manifest(folder: Callable[..., Path]) -> None:
    err = _error(folder("none", None, {"roster.csv": ROSTER}))
    assert err.file is not None and err.file.endswith("none")
    assert "no evidence.yaml" in err.message


def test_listed_file_missing_is_not_fatal_but_a_gap(folder: Callable[..., Path]) -> None:
    """A missing file stops nothing: its type is incomplete evidence (rules get no_evidence)."""
    from lvyue.facts.evidence import load_evidence

    ev = load_evidence(folder("gone", ROSTER_MANIFEST.format(path="roster-2026Q3.csv", extra=""), {}))
    (report,) = ev.files
    assert (report.file, report.rows, report.facts) == ("roster-2026Q3.csv", 0, 0)
    assert report.problems == ["listed in evidence.yaml but not found"]
    assert [g.reason for g in ev.gaps()["staff"]] == ["listed in evidence.yaml but not found"]


def test_unknown_fact_type_names_file_and_line(folder: Callable[..., Path]) -> None:
    manifest = ROSTER_MANIFEST.format(path="roster.csv", extra="").replace(
        "type: staff", "type: staf"
    )
    err = _error(folder("type", manifest, {"roster.csv": ROSTER}))
    assert (err.file, err.line, err.field) == ("evidence.yaml", 4, "type")
    assert "unknown fact type 'staf' for roster.csv (did you mean `staff`?)" in err.message


def test_manifest_typo_in_field_name_has_its_line(folder: Callable[..., Path]) -> None:
    manifest = ROSTER_MANIFEST.format(path="roster.csv", extra="").replace(
        "到岗日期: start", "到岗日期: strat"
    )
    err = _error(folder("field", manifest, {"roster.csv": ROSTER}))
    assert (err.file, err.line, err.field) == ("evidence.yaml", 14, "columns")  # the typo's line
    assert "'strat' is not a field of staff (did you mean `start`?)" in err.message


def test_manifest_not_yaml(folder: Callable[..., Path]) -> None:
    err = _error(folder("yaml", "files:\n  - path: [a\n", {}))
    assert err.file == "evidence.yaml" and err.line is not None
    assert "not valid YAML" in err.message


def test_manifest_unknown_option(folder: Callable[..., Path]) -> None:
    manifest = "files:\n  - path: roster.csv\n    type: staff\n    colums: {}\n"
    err = _error(folder("opt", manifest, {"roster.csv": ROSTER}))
    assert (err.file, err.line, err.message) == ("evidence.yaml", 4, "unknown field")


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("roster.xlsx", b"PK\x03\x04 this is not really a workbook", "cannot read as an Excel"),
        ("roster.csv", b"\xff\xfe\x00\x81\xff garbage \xff", "cannot decode the file"),
        ("roster.docx", b"not a zip", "cannot read as a Word document"),
        ("roster.pdf", b"%PDF-1.4 truncated", "cannot read as a PDF"),
        ("roster.xls", b"\xd0\xcf\x11\xe0", "old Office format; save it as .xlsx"),
    ],
)
def test_unreadable_file_names_it(
    folder: Callable[..., Path], name: str, data: bytes, words: str
) -> None:
    extra = "    extract: {name: '姓名[:：](\\S+)'}\n" if name.endswith((".docx", ".pdf")) else ""
    manifest = f"files:\n  - path: {name}\n    type: staff\n{extra}"
    err = _error(folder("bad", manifest, {name: data}))
    assert err.file == name
    assert words in err.message


def test_column_named_in_manifest_but_absent(folder: Callable[..., Path]) -> None:
    data = csv_bytes(
        [h if h != "到岗日期" else "入职日期" for h in ROSTER_HEADERS], ROSTER_ROWS, "utf-8"
    )
    err = _error(
        folder("col", ROSTER_MANIFEST.format(path="roster.csv", extra=""), {"roster.csv": data})
    )
    assert err.file == "roster.csv"
    assert "column '到岗日期' named in evidence.yaml is not in the file" in err.message
    assert "入职日期" in err.message


def test_path_outside_the_folder_is_refused(folder: Callable[..., Path]) -> None:
    err = _error(folder("escape", ROSTER_MANIFEST.format(path="../roster.csv", extra=""), {}))
    assert err.file == "evidence.yaml" and err.line == 3
    assert "inside the evidence folder" in err.message

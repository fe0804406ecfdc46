"""The notice and the audit report as LibreOffice prints them: no amount or id cut across lines.

Renders the DOCX to PDF with `soffice --headless`, then reads the laid-out lines
back with `pdftotext -layout` and the pages with `pdftoppm` (poppler). Skipped
only when LibreOffice (or poppler) is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from dockit import EXAMPLE, documents
from reportkit import HEBI
from typer.testing import CliRunner

from lvyue.engine.cli.main import app

pytestmark = [
    pytest.mark.skipif(not (EXAMPLE / "evidence.yaml").is_file(), reason="example evidence not generated"),
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed"),
    pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="poppler-utils not installed"),
]

# a line ending inside a number ("27,000." / "5,262," / "27,0") whose rest starts the next line
SPLIT_AMOUNT = re.compile(r"\d[\d,]*[.,]$")
# a table cell ending inside a Chinese date (2026 / 2026年 / 2026年12 / 2026年12月) whose rest starts the next line
SPLIT_DATE = re.compile(r"\d{4}(?:年(?:\d{1,2}(?:月\d{0,2})?)?)?")
CONTINUES_DATE = re.compile(r"年\d|月\d|\d{1,2}[月日]|日(?:$|[前后）)，。])")
RULE_ID = re.compile(r"\b[A-Z]{2,}(?:-[A-Z0-9]+)+\b")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    # the README's follow-up (Q3, then H2 on the same ledger): the audit has its comparison tables
    ledger, result = folder / "ledger.sqlite", folder / "result.json"
    for period, out in (("2026Q3", []), ("2026H2", ["--format", "json", "-o", str(result)])):
        res = CliRunner().invoke(app, ["check", str(EXAMPLE), "--pack", str(HEBI), "--quarter" if "Q" in period else "--half",
                                         period, "--record", "--ledger", str(ledger), *out])
        assert res.exit_code == 1, (res.output, res.exception)  # the example has findings
    docs = documents(result, folder)
    profile = folder / "lo-profile"  # a private LibreOffice profile: no clash with a running one
    out = {}
    for name in ("notice.docx", "audit.docx"):
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docs[name])],
            check=True, capture_output=True, timeout=300,
        )
        out[name] = folder / name.replace(".docx", ".pdf")
        assert out[name].is_file()
    return out


def lines(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.replace("\u2011", "-").splitlines()  # a non-breaking hyphen is a hyphen to the reader


def cells(line: str) -> list[str]:
    """A laid-out line cut into its columns (pdftotext separates them by 2+ spaces)."""
    return [c.strip() for c in re.split(r"\s{2,}", line) if c.strip()]


@pytest.mark.parametrize("name", ["notice.docx", "audit.docx"])
def test_no_amount_is_split_across_lines(pdfs: dict[str, Path], name: str) -> None:
    got = lines(pdfs[name])
    assert len(got) > 50  # the document was really laid out
    bad = []
    for a, b in zip(got, got[1:], strict=False):
        for i, cell in enumerate(cells(a)):
            nxt = cells(b)
            if SPLIT_AMOUNT.search(cell) and i < len(nxt) and re.match(r"^\d", nxt[i]):
                bad.append((a.strip(), b.strip()))
    assert not bad, bad[:5]
    amounts = [m for line in got for m in re.findall(r"\d{1,3}(?:,\d{3})+\.\d\d", line)]
    assert amounts  # the amounts are there, whole


@pytest.mark.parametrize("name", ["notice.docx", "audit.docx"])
def test_no_date_in_a_table_is_split_across_lines(pdfs: dict[str, Path], name: str) -> None:
    got = lines(pdfs[name])
    bad = []
    for a, b in zip(got, got[1:], strict=False):
        here, nxt = cells(a), cells(b)
        if len(here) < 2:
            continue  # prose may wrap a date; a table cell must not
        for i, cell in enumerate(here):
            if SPLIT_DATE.fullmatch(cell) and i < len(nxt) and CONTINUES_DATE.match(nxt[i]):
                bad.append((a.strip(), b.strip()))
    assert not bad, bad[:5]
    if name == "audit.docx":
        squeezed = [re.sub(r"(?<=[\d年月日]) (?=[\d年月日])", "", line) for line in got]  # pdftotext's autospace
        assert any(re.search(r"2026年12月31日\s+2027年1月8日", line) for line in squeezed)  # follow-up table, whole dates


@pytest.mark.parametrize("name", ["notice.docx", "audit.docx"])
def test_no_rule_id_is_broken(pdfs: dict[str, Path], name: str) -> None:
    got = lines(pdfs[name])
    broken = [(a.strip(), b.strip()) for a, b in zip(got, got[1:], strict=False) if any(c.endswith(("HB-", "-")) and re.search(r"[A-Z]{2,}-$", c) for c in cells(a))]
    assert not broken, broken[:5]
    if name == "audit.docx":
        ids = {m for line in got for m in RULE_ID.findall(line)}
        assert {"HB-GEN-SCOPE", "HB-OPS-TEAM-SIZE", "HB-PAY-OVERDUE-SETTLE"} <= ids  # whole on a line


def test_page_images_show_the_charts(pdfs: dict[str, Path], tmp_path: Path) -> None:
    """The audit report's chart pages rasterise with colour in them (the pictures are drawn, not lost)."""
    text = "\n".join(lines(pdfs["audit.docx"]))
    assert "图1" in text.replace(" ", "") and "驻场到岗日历" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdfs["audit.docx"]), str(tmp_path / "p")], check=True, timeout=300)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 5
    import numpy as np  # matplotlib's dependencies
    from PIL import Image

    def coloured(png: Path) -> int:
        px = np.asarray(Image.open(png).convert("RGB").resize((100, 140)), dtype=int)
        return int(((px.max(axis=2) - px.min(axis=2)) > 60).sum())

    assert sum(coloured(p) > 20 for p in pages) >= 2  # the chart pages (green calendar, red shading, bars)

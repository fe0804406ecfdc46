"""Word and PDF reports yield their declared fields, citing paragraph / page and the words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from lvyue.facts.evidence import load_evidence
from lvyue.facts.model import Assessment

MANIFEST = r"""
files:
  - path: {path}
    type: assessment
    title: 等级保护测评报告
    fixed: {{kind: mlps_assessment}}
    id: "{{report_no}}"
    extract:
      report_no: 报告编号[:：]\s*([A-Z0-9-]+)
      conclusion: 测评结论[:：\s]*(\S+)
      score: 综合得分[:：]\s*([\d.]+)
      date: 报告日期[:：]\s*(\d{{4}}年\d{{1,2}}月\d{{1,2}}日)
      issuer: 测评机构[:：\s]*(\S+)
"""


def _docx(path: Path, with_date: bool = True) -> None:
    import docx

    d = docx.Document()
    d.add_heading("网络安全等级保护测评报告", 0)  # paragraph 1
    d.add_paragraph("")  # 2: blank paragraphs count too
    d.add_paragraph("报告编号：DJCP-2026-0917")  # 3
    table = d.add_table(rows=2, cols=2)  # table rows are paragraphs 4 and 5
    table.cell(0, 0).text, table.cell(0, 1).text = "测评机构", "河南省信息安全测评中心"
    table.cell(1, 0).text, table.cell(1, 1).text = "测评结论", "良"
    d.add_paragraph("综合得分：86.50分")  # 6
    if with_date:
        d.add_paragraph("报告日期：2026年9月17日")  # 7
    d.save(str(path))


def _pdf(path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "网络安全等级保护测评报告")
    c.drawString(72, 740, "报告编号：DJCP-2026-0917")
    c.drawString(72, 720, "测评机构：河南省信息安全测评中心")
    c.showPage()
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "测评结论：良    综合得分：86.50")
    c.drawString(72, 740, "报告日期：2026年9月17日")
    c.save()


def _check_fields(fact: Assessment) -> None:
    assert fact.id == "DJCP-2026-0917"
    assert (fact.kind, fact.report_no, fact.conclusion) == (
        "mlps_assessment",
        "DJCP-2026-0917",
        "良",
    )
    assert fact.score == Decimal("86.50")
    assert fact.date == dt.date(2026, 9, 17)
    assert fact.issuer == "河南省信息安全测评中心"


def test_word_report_fields_with_paragraphs(folder: Callable[..., Path]) -> None:
    root = folder("docx", MANIFEST.format(path="djcp.docx"), {})
    _docx(root / "djcp.docx")
    ev = load_evidence(root)
    (fact,) = ev.facts["assessment"]
    assert isinstance(fact, Assessment)
    _check_fields(fact)
    where = {e.field: (e.paragraph, e.page, e.text) for e in fact.provenance.excerpts}
    assert where == {
        "report_no": (3, None, "报告编号：DJCP-2026-0917"),
        "issuer": (4, None, "测评机构 河南省信息安全测评中心"),
        "conclusion": (5, None, "测评结论 良"),
        "score": (6, None, "综合得分：86.50"),
        "date": (7, None, "报告日期：2026年9月17日"),
    }
    # the fact's own provenance cites the first declared field
    assert (fact.provenance.paragraph, fact.provenance.text) == (3, "报告编号：DJCP-2026-0917")
    report = ev.files[0]
    assert (report.rows, report.facts, report.rejected) == (1, 1, [])
    assert report.date_range == (dt.date(2026, 9, 17), dt.date(2026, 9, 17))


def test_pdf_report_fields_with_pages(folder: Callable[..., Path]) -> None:
    root = folder("pdf", MANIFEST.format(path="reports/djcp.pdf"), {})
    (root / "reports").mkdir()
    _pdf(root / "reports" / "djcp.pdf")
    ev = load_evidence(root)
    (fact,) = ev.facts["assessment"]
    assert isinstance(fact, Assessment)
    _check_fields(fact)
    pages = {e.field: e.page for e in fact.provenance.excerpts}
    assert pages == {"report_no": 1, "issuer": 1, "conclusion": 2, "score": 2, "date": 2}
    assert {e.paragraph for e in fact.provenance.excerpts} == {None}
    texts = {e.field: e.text for e in fact.provenance.excerpts}
    assert texts["date"] == "报告日期：2026年9月17日"
    assert fact.provenance.page == 1 and fact.provenance.file == "reports/djcp.pdf"


def test_report_missing_a_required_field_is_one_rejection(folder: Callable[..., Path]) -> None:
    root = folder("nodate", MANIFEST.format(path="djcp.docx"), {})
    _docx(root / "djcp.docx", with_date=False)
    ev = load_evidence(root)
    report = ev.files[0]
    assert (report.rows, report.facts) == (1, 0)
    (rej,) = report.rejected
    assert (rej.file, rej.row, rej.field) == ("djcp.docx", None, "date")
    assert "missing required field" in rej.reason and "patterns not found: date" in rej.reason
    assert ev.facts["assessment"] == [] and ev.present_types() == {"assessment"}

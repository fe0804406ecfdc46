"""An agency's own Word template: its styles, page, header and fixed text kept; the seal over the signature."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from lvyue.engine.errors import InputError
from lvyue.reports.docx_writer import to_docx
from lvyue.reports.markdown import parse

NOTICE = """鹤壁市行政审批和政务信息管理局
{: .authority}

# 整改通知书

鹤壁城市云计算有限公司：
{: .to}

经查，你单位存在以下问题（HB-OPS-NOTICE），金额27,000.00元。

鹤壁市行政审批和政务信息管理局
{: .sign}

2027年1月5日
{: .date}
"""


def red_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(buf, format="PNG")
    return buf.getvalue()


def agency_template(path: Path) -> Path:
    """A template as an agency would make it in Word: 楷体 body, red header, own margins, markers."""
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "楷体"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "楷体")
    normal.font.size = Pt(15)
    d.styles["Title"].font.color.rgb = RGBColor(0xC0, 0, 0)
    s = d.sections[0]
    s.top_margin, s.left_margin = Mm(40), Mm(30)
    head = s.header.paragraphs[0]
    head.text = "鹤壁市行政审批和政务信息管理局文件"
    head.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
    d.add_paragraph("（机关抬头固定文字）")
    d.add_paragraph("{{正文}}")
    d.add_paragraph("（此页无正文）")
    seal = d.add_paragraph("{{印章}}")
    seal.add_run().add_picture(io.BytesIO(red_png()), width=Mm(40))
    d.save(str(path))
    return path


@pytest.fixture
def made(tmp_path: Path) -> docx.document.Document:
    data = to_docx(parse(NOTICE), "official", "整改通知书", "鹤壁市行政审批和政务信息管理局", dt.date(2027, 1, 5), template=agency_template(tmp_path / "agency.docx"))
    return docx.Document(io.BytesIO(data))


def test_template_styles_page_and_header_are_kept(made) -> None:
    normal = made.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体" and normal.font.size == Pt(15)
    assert made.styles["Title"].font.color.rgb == RGBColor(0xC0, 0, 0)
    s = made.sections[0]
    assert abs(s.top_margin - Mm(40)) < Mm(0.1) and abs(s.left_margin - Mm(30)) < Mm(0.1)  # not GB/T 9704's 37/28
    assert s.header.paragraphs[0].text == "鹤壁市行政审批和政务信息管理局文件"
    assert made.core_properties.author == "鹤壁市行政审批和政务信息管理局"


def test_generated_text_goes_where_the_marker_was(made) -> None:
    texts = [p.text for p in made.paragraphs if p.text.strip()]
    assert texts[0] == "（机关抬头固定文字）" and texts[-1] == "（此页无正文）"
    assert texts.index("整改通知书") < texts.index("2027年1月5日") < texts.index("（此页无正文）")
    assert not [t for t in texts if "{{" in t]


def test_the_seal_sits_in_the_signature_line(made) -> None:
    sign = next(p for p in made.paragraphs if p.text == "鹤壁市行政审批和政务信息管理局" and p.alignment is not None and p.alignment != 1)
    assert sign._p.findall(".//" + qn("w:drawing"))
    drawings = made.element.body.findall(".//" + qn("w:drawing"))
    assert len(drawings) == 1  # moved, not copied


def test_without_template_the_gbt9704_page_is_set(tmp_path: Path) -> None:
    d = docx.Document(io.BytesIO(to_docx(parse(NOTICE), "official", "整改通知书", "某局", dt.date(2027, 1, 5))))
    assert abs(d.sections[0].top_margin - Mm(37)) < Mm(0.1)
    assert d.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_a_template_that_is_not_a_docx_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "agency.docx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError) as info:
        to_docx(parse(NOTICE), "official", "整改通知书", "某局", template=bad)
    assert info.value.field == "--template"
    with pytest.raises(InputError):
        to_docx(parse(NOTICE), "official", "整改通知书", "某局", template=tmp_path / "missing.docx")


def test_the_cli_takes_the_template_for_notice_and_audit(tmp_path: Path) -> None:
    """`lvyue notice … --template` and `lvyue report audit … --template` use the agency's file."""
    from dockit import EXAMPLE
    from reportkit import HEBI
    from typer.testing import CliRunner

    from lvyue.engine.cli.main import app

    runner = CliRunner()
    result, agency = tmp_path / "r.json", agency_template(tmp_path / "agency.docx")
    res = runner.invoke(app, ["check", str(EXAMPLE), "--pack", str(HEBI), "--half", "2026H2", "--format", "json", "-o", str(result)])
    assert res.exit_code == 1, res.output
    for args in (["notice", str(result), "--kind", "rectification", "--number", "鹤审管〔2027〕1号", "--issue-date", "2027/1/5"],
                 ["report", "audit", str(result), "--format", "docx"]):
        out = tmp_path / f"{args[0]}.docx"
        res = runner.invoke(app, [*args, "--template", str(agency), "-o", str(out)])
        assert res.exit_code == 0, (res.output, res.exception)
        d = docx.Document(str(out))
        assert d.sections[0].header.paragraphs[0].text == "鹤壁市行政审批和政务信息管理局文件"
        texts = [p.text for p in d.paragraphs]
        assert "（机关抬头固定文字）" in texts and "{{正文}}" not in texts
    res = runner.invoke(app, ["report", "audit", str(result), "--format", "docx", "--template", str(tmp_path / "none.docx"),
                              "-o", str(tmp_path / "x.docx")])
    assert isinstance(res.exception, InputError) and res.exception.field == "--template"  # `lvyue` exits 2 on it

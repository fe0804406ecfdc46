"""Word documents laid out to be signed: fitted columns, amounts whole and right-aligned,
repeated headers, no blank rows, a title without a lone character, honest metadata."""

from __future__ import annotations

import datetime as dt
import re

import docx
import pytest
from dockit import EXAMPLE, documents, example_result
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from lvyue.reports.tablefit import (
    ID_HASH_BREAK,
    fit_table,
    is_number,
    text_em,
    title_lines,
    token_em,
)

pytestmark = pytest.mark.skipif(not (EXAMPLE / "evidence.yaml").is_file(), reason="example evidence not generated")
PAGE_PT = 156 / 25.4 * 72
AMOUNT = re.compile(r"^\d{1,3}(,\d{3})*\.\d\d$")


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("docx")
    return documents(example_result(folder), folder)


def widths(table) -> list[int]:
    return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_tables_have_fitted_not_equal_columns_across_the_text_block(docs) -> None:
    for name in ("audit.docx", "prepay.docx", "notice.docx"):
        for t in docx.Document(str(docs[name])).tables:
            w = widths(t)
            assert abs(sum(w) / 20 - PAGE_PT) < 2, name  # twentieths of a point: the 156 mm block
            layout = t._tbl.tblPr.find(qn("w:tblLayout"))
            assert layout is not None and layout.get(qn("w:type")) == "fixed"
    clause_table = next(t for t in docx.Document(str(docs["audit.docx"])).tables if t.rows[0].cells[0].text == "条款")
    assert len(set(widths(clause_table))) > 1


def test_ids_and_amounts_fit_their_columns(docs) -> None:
    """The column holding HB-GEN-SCOPE, and every amount's column, is wide enough for it on one line."""
    seen = {"id": 0, "amount": 0}
    for name in ("audit.docx", "prepay.docx"):
        for t in docx.Document(str(docs[name])).tables:
            w = widths(t)
            for row in t.rows[1:]:
                for j, cell in enumerate(row.cells):
                    text = cell.text.strip()
                    if text == "HB-GEN-SCOPE" or "HB-GEN-SCOPE" in text.split(", ") or AMOUNT.match(text):
                        size = max((r.font.size.pt for p in cell.paragraphs for r in p.runs if r.font.size), default=10.5)
                        # 0.5 em a Latin character in the fonts named; the column's own margins aside
                        assert w[j] / 20 >= len("HB-GEN-SCOPE" if "HB-" in text else text) * 0.5 * size, (name, text)
                        seen["amount" if AMOUNT.match(text) else "id"] += 1
    assert seen["id"] and seen["amount"]


def test_amount_columns_are_right_aligned_and_headers_repeat(docs) -> None:
    d = docx.Document(str(docs["prepay.docx"]))
    right = 0
    for t in d.tables:
        first = t.rows[0]
        assert any(c.text.strip() for c in first.cells)  # never a blank first row
        body = t.rows[1:]
        for j in range(len(first.cells)):
            col = [r.cells[j] for r in body if r.cells[j].text.strip()]
            if col and all(is_number(c.text) for c in col) and any(AMOUNT.match(c.text.strip()) for c in col):
                assert all(c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for c in col)
                right += 1
        if first.cells[0].text.strip() == "月份" and len(t.rows) > 40:  # the long fee listing
            trpr = first._tr.trPr
            assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None
            assert body[5]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert right >= 2


def test_key_value_table_has_no_empty_header_row(docs) -> None:
    d = docx.Document(str(docs["audit.docx"]))
    first = d.tables[0]
    assert first.rows[0].cells[0].text == "合同"  # the Markdown `| | |` header is not printed


def test_metadata_names_the_authority_and_the_documents_own_date(docs) -> None:
    audit = docx.Document(str(docs["audit.docx"])).core_properties
    assert audit.author == "鹤壁市行政审批和政务信息管理局"
    naive = [x.replace(tzinfo=None) for x in (audit.created, audit.modified)]
    assert naive == [dt.datetime(2026, 12, 31)] * 2  # the as-of date, not python-docx's 2013
    assert "履约核查报告" in audit.title and "python-docx" not in (audit.comments or "")
    notice = docx.Document(str(docs["notice.docx"])).core_properties
    assert notice.created.replace(tzinfo=None) == dt.datetime(2027, 1, 5) and notice.title == "整改通知书"


def test_long_title_is_cut_in_balanced_lines_and_kept_together(docs) -> None:
    d = docx.Document(str(docs["audit.docx"]))
    title = next(p for p in d.paragraphs if p.style.name == "Title")
    lines = title.text.split("\n")
    assert len(lines) == 2 and min(len(x) for x in lines) >= 5
    assert title.paragraph_format.keep_together and title.paragraph_format.keep_with_next


@pytest.mark.parametrize(
    "text",
    ["鹤壁市曙光政务云服务 项目合同 履约核查报告", "某某市某某局关于某某公司某某项目合同履约情况的整改通知书", "整改通知书"],
)
def test_title_lines_never_leave_a_lone_character(text: str) -> None:
    em = PAGE_PT / 22
    lines = title_lines(text, em)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(text_em(x) <= em for x in lines)
    assert len(lines) == 1 or min(len(x) for x in lines) >= 3


def test_fit_keeps_tokens_whole_and_gives_text_the_rest() -> None:
    rows = [["规则", "说明", "金额（元）"], ["HB-OPS-REPLACE-CONSENT", "很长的说明" * 20, "5,262,040.00"]]
    fit = fit_table(rows, PAGE_PT, 10.5)
    assert fit.numeric == [False, False, True]
    assert fit.widths[0] >= len("HB-OPS-REPLACE-CONSENT") * 0.6 * 10.5
    assert fit.widths[2] >= len("5,262,040.00") * 0.6 * 10.5
    assert fit.widths[1] > fit.widths[0] and abs(sum(fit.widths) - PAGE_PT) < 0.01
    assert Pt(fit.widths[1])  # a length Word accepts


def test_imprint_lines_sit_between_rules() -> None:
    """版记: a thick rule above 抄送, a thin one between, a thick one under 印发机关和日期 (GB/T 9704 §7.4)."""
    import io

    from lvyue.reports.docx_writer import to_docx
    from lvyue.reports.markdown import parse

    md = "# 整改通知书\n\n抄送：某某局。\n{: .cc .to}\n\n某某局办公室　　2027年1月5日印发\n{: .imprint .to}\n"
    d = docx.Document(io.BytesIO(to_docx(parse(md), "official", "整改通知书", "某某局", dt.date(2027, 1, 5))))
    cc, imprint = d.paragraphs[-2], d.paragraphs[-1]

    def rule(p, side: str) -> str | None:
        el = p._p.pPr.find(qn("w:pBdr"))
        got = el.find(qn(f"w:{side}")) if el is not None else None
        return got.get(qn("w:sz")) if got is not None else None

    assert (rule(cc, "top"), rule(cc, "bottom")) == ("12", None)
    assert (rule(imprint, "top"), rule(imprint, "bottom")) == ("4", "12")
    assert cc.runs[0].font.size == Pt(14) and cc.paragraph_format.first_line_indent == 0


def test_a_chinese_date_is_one_token_with_its_autospace() -> None:
    # 2026年12月31日: digits 8 × 0.64, 年月日 3 × 1, five Chinese/Latin boundaries × 0.25 = 9.37 em
    assert abs(token_em("首次发现于2026年12月31日，期限2027年1月8日") - 9.37) < 1e-9
    rows = [["条款", "发现", "首次发现", "期限", "状态"],
            ["四（三）6", "很长的说明文字" * 12 + "（HB-OPS-NOTICE:b69d859bf142）", "2026年12月31日", "2027年1月8日", "待整改"]]
    fit = fit_table(rows, PAGE_PT, 10.5)
    assert fit.widths[2] - 2 * fit.pad_pt >= token_em("2026年12月31日") * fit.font_pt


def test_a_finding_id_breaks_only_after_its_colon() -> None:
    # the rule id and the hash are each whole; the pair may wrap at the colon
    assert token_em("（HB-PAY-OVERDUE-SETTLE:849356f1b026）") == token_em("（HB-PAY-OVERDUE-SETTLE:")
    assert ID_HASH_BREAK.sub(":\u200b", "HB-SEC-DEVICES:b31c616d361a") == "HB-SEC-DEVICES:\u200bb31c616d361a"
    assert ID_HASH_BREAK.sub(":\u200b", "09:12 与 HB-X:notahash") == "09:12 与 HB-X:notahash"


def test_a_prose_column_keeps_six_characters_a_line_in_a_crowded_listing() -> None:
    # the prepay usage listing: eight columns of ids, dates and amounts, then 核算依据 in words
    row = ["2026年7月", "U2607-007", "互联网带宽（BGP）（BW-INET）", "2025年10月1日", "600 Mbps·月", "45", "27,000.00",
           "上月及以前部署，按整月核算"]
    rows = [["月份", "使用量编号", "服务项", "部署日期", "数量", "单价", "金额（元）", "核算依据"]] + [row] * 50
    fit = fit_table(rows, PAGE_PT, 10.5)
    assert fit.widths[-1] - 2 * fit.pad_pt - 1.5 >= 6 * fit.font_pt - 1e-6
    assert fit.widths[3] - 2 * fit.pad_pt - 1.5 >= token_em("2025年10月1日") * fit.font_pt - 1e-6  # dates still whole

"""Rectification notice and warning letter: content, GB/T 9704-2012 layout, ledger recording."""

from __future__ import annotations

import sys
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from reportkit import cli, notice_result, save
from typer.testing import CliRunner

from lvyue.engine.errors import InputError
from lvyue.reports.notice import check_number, cn_date, cn_index

NUMBER = "鹤审管〔2026〕7号"


@pytest.fixture(scope="module")
def result() -> dict:
    return notice_result()


@pytest.fixture
def path(tmp_path: Path, result: dict) -> Path:
    return save(result, tmp_path / "result.json")


def invoke(args: list[str]):
    return CliRunner().invoke(cli(), args)


def breach_id(result: dict) -> str:
    return next(f["id"] for f in result["findings"] if f["status"] == "breach" and f["rule"] == "HB-OPS-NOTICE")


# Issued Mon 2026-11-02; HB-OPS-NOTICE remediation: 5 working days from the notice
# (rectify_working_days) → Nov 3, 4, 5, 6, 9 → 2026-11-09; re-check the next working day 2026-11-10.
def test_rectification_docx(tmp_path: Path, path: Path, result: dict) -> None:
    out = tmp_path / "notice.docx"
    res = invoke(["notice", str(path), "--kind", "rectification", "--number", NUMBER, "--issue-date", "2026-11-02", "-o", str(out)])
    assert res.exit_code == 0, (res.output, res.exception)
    d = docx.Document(str(out))
    paras = [p for p in d.paragraphs if p.text.strip()]
    texts = [p.text for p in paras]
    # 版头: issuing authority, document number, then the title
    assert texts[0] == "鹤壁市行政审批和政务信息管理局"
    assert texts[1] == NUMBER and paras[1].alignment == WD_ALIGN_PARAGRAPH.CENTER
    title = next(p for p in paras if p.style.name == "Title")
    assert title.text == "整改通知书" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert texts[texts.index("整改通知书") + 1] == "鹤壁城市云计算有限公司："
    heads = [p.text for p in paras if p.style.name == "Heading 1"]
    assert heads == ["一、存在的问题及整改要求", "二、书面回复要求", "三、逾期未整改的后果"]
    assert [p.text for p in paras if p.style.name == "Heading 2"] == ["（一）计划性维护须提前7个工作日通知"]
    body = "\n".join(texts)
    assert "六.1条款" in body  # basis: the pack's rule on complying with a rectification notice
    assert "合同约定（四（三）6条款）" in body
    assert "其间仅4个工作日" in body  # the facts found
    assert "说明未按期通知的原因" in body  # the rule's remediation action
    assert "完成期限：2026年11月9日前（自本通知下达之日起5个工作日）" in body
    assert "于2026年11月9日前向我局报送书面整改报告" in body and "2026年11月10日起组织复查" in body
    assert "整改后仍不能满足本合同要求的，甲方有权利终止本合同" in body  # 六.1's words
    # signature, the seal's place (right, between the authority's name and the date), the date
    sign = texts.index("特此通知。") + 1
    assert texts[sign : sign + 3] == ["鹤壁市行政审批和政务信息管理局", "（盖章）", "2026年11月2日"]  # no leading zeros
    assert all(paras[i].alignment == WD_ALIGN_PARAGRAPH.RIGHT for i in range(sign, sign + 3))
    # a receipt slip whose lines are short enough never to break inside an underline
    slip = texts[texts.index("签收回执") :]
    assert slip[1:5] == [f"文件：{NUMBER}整改通知书", "签收单位：鹤壁城市云计算有限公司", "签收人（签字）：＿＿＿＿＿＿＿＿", "签收日期：＿＿＿＿年＿＿月＿＿日"]  # fmt: skip
    assert all(len(t) <= 28 for t in slip[1:5])  # 28 characters of 3号 fill the 156 mm line
    # 版记 last: 抄送 and 印发机关/印发日期 from the pack (templates/notice.yaml), never from Python
    assert texts[-2:] == ["抄送：鹤壁市财政局。", "鹤壁市行政审批和政务信息管理局办公室　2026年11月2日印发"]

    # GB/T 9704-2012 page and fonts
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    for got, mm in ((s.top_margin, 37), (s.bottom_margin, 35), (s.left_margin, 28), (s.right_margin, 26)):
        assert abs(got - Mm(mm)) < Mm(0.1)
    normal = d.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    t = d.styles["Title"]
    assert t.font.size == Pt(22) and t.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert d.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert d.styles["Heading 2"].element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    # page numbers "— 1 —": a PAGE field between dashes, odd pages right, even pages left
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert "PAGE" in "".join(x.text or "" for x in p._p.iter(qn("w:instrText")))


def test_warning_letter_markdown(path: Path, result: dict) -> None:
    fid = breach_id(result)
    res = invoke(["notice", str(path), "--kind", "warning", "--findings", fid.split(":")[1], "--issue-date", "2026-11-02", "--format", "md"])
    assert res.exit_code == 0, (res.output, res.exception)
    md = res.stdout
    assert "# 警示函" in md and "八.1条款" in md and "纠正要求" in md
    assert "2026年11月9日前" in md
    assert "乙方在规定时间内未反馈纠正的，甲方有权在书面通知乙方后终止合同" in md  # 八.1's words
    assert "〔2026〕　号" in md  # no number given: left blank to fill in
    assert "特此函告" in md


def test_html_notice_well_formed(tmp_path: Path, path: Path) -> None:
    import xml.etree.ElementTree as ET

    out = tmp_path / "n.html"
    res = invoke(["notice", str(path), "--kind", "rectification", "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, (res.output, res.exception)
    page = out.read_text(encoding="utf-8")
    ET.fromstring(page.split("\n", 1)[1])
    assert 'class="docno redline"' in page and "整改通知书" in page


def test_default_issue_date_is_the_audit_date(path: Path) -> None:
    res = invoke(["notice", str(path), "--kind", "rectification", "--format", "md"])
    # as-of Sat 2026-10-31 + 5 working days: Nov 2, 3, 4, 5, 6 → 2026-11-06
    assert "2026年11月6日前" in res.stdout and "2026年10月31日" in res.stdout
    assert "未给出发文日期" in res.stderr


@pytest.mark.parametrize(
    "args,field",
    [
        (["--kind", "scolding"], "--kind"),
        (["--kind", "warning", "--findings", "no-such-id"], "--findings"),
        (["--kind", "warning", "--findings", ","], "--findings"),
        (["--kind", "warning", "--issue-date", "2026-11-31"], "--issue-date"),
        (["--kind", "warning", "--number", "鹤审管〔2026〕07号"], "--number"),  # leading zero
        (["--kind", "warning", "--number", "鹤审管〔2026〕第7号"], "--number"),  # 第
        (["--kind", "warning", "--number", "鹤审管[2026]7号"], "--number"),  # year in 〔〕
        (["--kind", "warning", "--issue"], "--number"),  # recording needs a number
    ],
)
def test_user_errors(path: Path, args: list[str], field: str) -> None:
    res = invoke(["notice", str(path), "--format", "md", *args])
    assert isinstance(res.exception, InputError), res.output
    assert res.exception.field == field


def test_compliant_finding_refused(path: Path, result: dict) -> None:
    fid = next(f["id"] for f in result["findings"] if f["status"] == "manual")
    res = invoke(["notice", str(path), "--kind", "warning", "--findings", fid, "--format", "md"])
    assert isinstance(res.exception, InputError) and "only breaches" in str(res.exception)


def test_issue_records_in_the_ledger(tmp_path: Path, path: Path, result: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import lvyue.engine.ledger

    seen: list[tuple[Path, dict]] = []
    monkeypatch.setattr(lvyue.engine.ledger, "record_notice", lambda p, n: seen.append((p, n)) or "id")
    ledger = tmp_path / "ledger.sqlite"
    out = tmp_path / "n.docx"
    args = ["notice", str(path), "--kind", "rectification", "--number", NUMBER, "--issue-date", "2026-11-02", "-o", str(out)]
    assert invoke(args).exit_code == 0 and not seen  # without --issue nothing is recorded
    res = invoke([*args, "--issue", "--ledger", str(ledger)])
    assert res.exit_code == 0, (res.output, res.exception)
    assert seen == [
        (
            ledger,
            {
                "kind": "rectification",
                "number": NUMBER,
                "issue_date": "2026-11-02",
                "pack": "hebi-shuguang-2026",
                "items": [{"finding_id": breach_id(result), "rule": "HB-OPS-NOTICE", "clause": "四（三）6", "deadline": "2026-11-09"}],
            },
        )
    ]


def test_issue_without_the_ledger_module(tmp_path: Path, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lvyue.engine.ledger", None)  # import fails as if not written yet
    out = tmp_path / "n.docx"
    res = invoke(["notice", str(path), "--kind", "warning", "--number", NUMBER, "--issue", "--ledger", str(tmp_path / "l"), "-o", str(out)])
    assert isinstance(res.exception, InputError) and str(res.exception) == "ledger not available"
    assert not out.exists()  # nothing written when it cannot be recorded


def test_helpers() -> None:
    import datetime as dt

    assert cn_date(dt.date(2026, 1, 8)) == "2026年1月8日"
    assert [cn_index(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
    assert check_number(" 鹤审管〔2026〕12号 ") == "鹤审管〔2026〕12号"

"""The quarterly audit report: every format, read back; escaping; masking; follow-up section."""

from __future__ import annotations

import copy
import datetime as dt
import html.parser
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.shared import Mm
from reportkit import cli, notice_result, save
from typer.testing import CliRunner

from lvyue.engine.errors import InputError
from lvyue.engine.privacy import mask_text

SCRIPT = "<script>alert('x')</script>"
ID_CARD = "410611199001011234"
MOBILE = "13812345678"


@pytest.fixture(scope="module")
def result() -> dict:
    return notice_result()


def run(args: list[str]) -> str:
    res = CliRunner().invoke(cli(), args)
    assert res.exit_code == 0, (res.output, res.exception)
    return res.stdout


def planted(result: dict) -> dict:
    """Evidence text with markup, markdown and personal data in it."""
    r = copy.deepcopy(result)
    f = next(x for x in r["findings"] if x["status"] == "breach")
    f["message"]["zh"] = f"{SCRIPT} 联系人 {MOBILE} | 身份证 {ID_CARD} **粗** & <b>"
    f["evidence"][0]["cite"] = f"割接.xlsx<img src=x onerror=alert(1)>, row 2 & {ID_CARD}"
    r["manifest"][0]["file"] = "名单<script>.xlsx"
    return r


def test_markdown_sections(tmp_path: Path, result: dict) -> None:
    md = run(["report", "audit", str(save(result, tmp_path / "r.json"))])
    for heading in ("## 一、核查结论摘要", "## 二、逐条款核查情况", "## 三、问题清单", "## 五、人工核查清单", "## 六、证据清单", "## 七、工作日历", "## 八、待确认的假设参数"):  # fmt: skip
        assert heading in md
    assert "与上次核查相比" not in md  # no follow_up in the result: no section
    assert "| 四（三）6 | 检修割接升级提前7个工作日通知 | 违约 |" in md
    # the remediation deadline: counted from the notice; none issued yet, so the date it would be if issued
    # on the as-of date: Sat 2026-10-31 + 5 working days = Nov 2,3,4,5,6 → 2026年11月6日
    assert "**整改期限：自整改通知书下达之日起5个工作日；如于核查基准日2026年10月31日下达，为2026年11月6日前**" in md
    assert "2026-11-06" not in md and "2026-10-31" not in md  # no ISO date in a Chinese report
    # an assumption to confirm, by its description (the parameter key is the rule language's, not the reader's)
    assert "billing_cutoff_day_bills_full_month" not in md
    assert "| “15日之前/之后”都不含15日本身：默认15日部署按整月核算（可改为不按整月核算） | 是 | 三.1.1 |" in md
    assert "| 2026 | 正式 |" in md


def test_english(tmp_path: Path, result: dict) -> None:
    md = run(["report", "audit", str(save(result, tmp_path / "r.json")), "--lang", "en"])
    assert "## 1. Summary" in md and "| 四（三）6 |" in md and "breach" in md


def test_follow_up_section(tmp_path: Path, result: dict) -> None:
    r = copy.deepcopy(result)
    fid = next(x["id"] for x in r["findings"] if x["status"] == "breach")
    r["follow_up"] = {
        "previous_audit": {"id": "a1", "as_of": "2026-09-30", "period": {"start": "2026-07-01", "end": "2026-09-30"}},
        "findings": {fid: {"first_seen": "2026-09-30", "notices": [{"number": "鹤审管〔2026〕7号"}], "deadline": "2026-10-15",
                           "state": "overdue", "escalation": {"label": "警示函", "clause": "八.1"}}},
        "since_last": {"new": [], "rectified": [], "overdue": [fid], "recurring": []},
    }  # fmt: skip
    md = run(["report", "audit", str(save(r, tmp_path / "r.json"))])
    assert "## 三、与上次核查相比" in md and "## 四、问题清单" in md
    assert "上次核查：2026年9月30日（核查期间2026年7月1日至2026年9月30日）" in md
    assert "逾期未整改" in md and "鹤审管〔2026〕7号" in md and "警示函（八.1）" in md


def test_html_escapes_evidence_and_is_well_formed(tmp_path: Path, result: dict) -> None:
    out = tmp_path / "a.html"
    run(["report", "audit", str(save(planted(result), tmp_path / "r.json")), "--format", "html", "-o", str(out)])
    page = out.read_text(encoding="utf-8")
    root = ET.fromstring(page.split("\n", 1)[1])  # well-formed XML after the doctype line
    assert not list(root.iter("{http://www.w3.org/1999/xhtml}script")) and not list(root.iter("script"))
    # the only pictures are the charts, embedded as data: URIs; the planted <img> is text
    imgs = list(root.iter("{http://www.w3.org/1999/xhtml}img"))
    assert all(i.get("src", "").startswith("data:image/png;base64,") for i in imgs)
    assert "<script>" not in page and "<img src=x" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page and "&amp;" in page
    assert "http://" not in page.replace("http://www.w3.org/1999/xhtml", "")  # self-contained

    class Strict(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.tags: set[str] = set()

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            if tag not in ("meta",):
                self.stack.append(tag)

        def handle_startendtag(self, tag, attrs):
            self.tags.add(tag)

        def handle_endtag(self, tag):
            assert self.stack and self.stack.pop() == tag, tag

    p = Strict()
    p.feed(page)
    p.close()
    assert not p.stack and "script" not in p.tags  # img: only the charts' data: URIs (checked above)


def test_markdown_cannot_break_out(tmp_path: Path, result: dict) -> None:
    md = run(["report", "audit", str(save(planted(result), tmp_path / "r.json"))])
    assert "\\<script\\>" in md and "\\| 身份证" in md and "\\*\\*粗\\*\\*" in md


def test_personal_data_masked_unless_asked(tmp_path: Path, result: dict) -> None:
    path = save(planted(result), tmp_path / "r.json")
    for fmt in ("md", "json"):
        text = run(["report", "audit", str(path), "--format", fmt]).replace("\\*", "*")  # md escapes *
        assert ID_CARD not in text and MOBILE not in text
        assert "410611********1234" in text and "138****5678" in text
    assert ID_CARD in run(["report", "audit", str(path), "--no-mask"])
    out = tmp_path / "a.docx"
    run(["report", "audit", str(path), "--format", "docx", "-o", str(out)])
    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert ID_CARD not in body and "410611********1234" in body


@pytest.mark.parametrize(
    "text,masked",
    [
        (ID_CARD, "410611********1234"),
        ("41061119900101123X", "410611********123X"),
        (f"电话{MOBILE}。", "电话138****5678。"),
        ("sha 3f138123456789ab", "sha 3f138123456789ab"),  # inside a hex string: not personal data
        ("账号 6222021234567890123", "账号 6222021234567890123"),  # 19 digits: not an ID
        ("金额 13812345678.00", "金额 138****5678.00"),  # an 11-digit number is masked wherever it stands alone
    ],
)
def test_mask_text(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_docx_read_back(tmp_path: Path, result: dict) -> None:
    out = tmp_path / "audit.docx"
    run(["report", "audit", str(save(result, tmp_path / "r.json")), "--format", "docx", "-o", str(out)])
    d = docx.Document(str(out))
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert abs(s.top_margin - Mm(37)) < Mm(0.1) and abs(s.left_margin - Mm(28)) < Mm(0.1)
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert "一、核查结论摘要" in heads and "二、逐条款核查情况" in heads and "五、人工核查清单" in heads
    assert any("四（三）6" in h and "计划性维护" in h for h in heads)
    cells = {c.text for t in d.tables for row in t.rows for c in row.cells}
    assert {"四（三）6", "三.2.4", "十四.4"} <= cells  # every clause is in the clause table
    body = "\n".join(p.text for p in d.paragraphs)
    assert "整改期限：自整改通知书下达之日起5个工作日；如于核查基准日2026年10月31日下达，为2026年11月6日前" in body


def test_xlsx_findings(tmp_path: Path, result: dict) -> None:
    out = tmp_path / "f.xlsx"
    run(["report", "audit", str(save(result, tmp_path / "r.json")), "--format", "xlsx", "-o", str(out)])
    wb = openpyxl.load_workbook(out)
    ws = wb["发现 findings"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    assert len(rows) == len(result["findings"])
    breach = [r for r in rows if r["状态"] == "违约" and r["条款"] == "四（三）6"]
    assert breach and breach[0]["期限"] == dt.datetime(2026, 11, 6)  # a real Excel date
    assert "证据 manifest" in wb.sheetnames and "条款 clauses" in wb.sheetnames


def test_json_and_binary_to_stdout(tmp_path: Path, result: dict) -> None:
    path = save(result, tmp_path / "r.json")
    data = json.loads(run(["report", "audit", str(path), "--format", "json"]))
    assert data["summary"]["by_status"]["breach"] >= 1 and data["coverage"]
    res = CliRunner().invoke(cli(), ["report", "audit", str(path), "--format", "docx"])
    assert isinstance(res.exception, InputError) and res.exception.field == "-o"
    res = CliRunner().invoke(cli(), ["report", "audit", str(path), "--lang", "fr"])
    assert isinstance(res.exception, InputError) and res.exception.field == "--lang"


def test_pack_template_override(tmp_path: Path, result: dict) -> None:
    import shutil

    from reportkit import HEBI

    pack = tmp_path / "pack"
    shutil.copytree(HEBI, pack)
    (pack / "templates").mkdir(exist_ok=True)
    (pack / "templates" / "audit.md.j2").write_text("# 自定义 {{ contract.title }} {{ summary.needs_action }}\n", encoding="utf-8")
    md = run(["report", "audit", str(save(result, tmp_path / "r.json")), "--pack", str(pack)])
    need = sum(f["status"] in ("breach", "at_risk", "no_evidence") for f in result["findings"])  # counted here
    assert md.startswith(f"# 自定义 鹤壁市曙光政务云服务项目合同 {need}\n")

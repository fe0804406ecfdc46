"""Charts: series from the pack's rules, the data behind each, pictures in DOCX and HTML, same bytes twice."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from dockit import EXAMPLE, documents, example_result

from lvyue.reports.chartdata import audit_charts
from lvyue.reports.charts import FONT_FILE, font_families, render_all

pytestmark = pytest.mark.skipif(not (EXAMPLE / "evidence.yaml").is_file(), reason="example evidence not generated")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("charts")
    path = example_result(folder)
    return json.loads(path.read_text(encoding="utf-8")), documents(path, folder)


def by_id(result: dict) -> dict[str, dict]:
    return {c["id"]: c for c in result["charts"]}


def test_series_agree_with_the_findings(example) -> None:
    """The short days the chart shades are the days of the team-size breach; the absent days are
    the on-site breaches, both make-up Sundays (2026-09-20, 2026-10-10)."""
    result, _ = example
    charts = by_id(result)
    team = charts["core_team"]
    assert team["required"] == 10 and len(team["days"]) == 184  # every day of 2026H2
    short = [d["day"] for d in team["days"] if d["count"] < team["required"]]
    breach = next(f for f in result["findings"] if f["rule"] == "HB-OPS-TEAM-SIZE" and f["status"] == "breach")
    assert short == breach["details"]["days"]
    onsite = charts["onsite"]
    absent = [d for d in onsite["days"] if d["kind"] in ("working", "makeup") and not d["count"]]
    assert [(d["day"], d["kind"]) for d in absent] == [("2026-09-20", "makeup"), ("2026-10-10", "makeup")]
    kinds = {d["day"]: d["kind"] for d in onsite["days"]}
    assert kinds["2026-10-01"] == "holiday" and kinds["2026-10-03"] == "holiday" and kinds["2026-07-04"] == "weekend"


def test_fee_series_is_the_prepay_fee_by_month(example, tmp_path: Path) -> None:
    result, _ = example
    fees = by_id(result)["fees"]
    assert [r["month"] for r in fees["rows"]] == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    assert fees["rows"][0]["fee"] == "838640.00" and fees["rows"][-1]["running"] == "5245040.00"  # prepay: 5,245,040.00
    assert fees["cap"] == "10700000.00"


def test_each_chart_has_a_caption_and_its_data(example) -> None:
    result, _ = example
    charts = audit_charts(result)
    assert [c["label"] for c in charts] == ["图1", "图2", "图3", "图4"]
    for c in charts:
        assert c["caption"] and "{" not in c["caption"] and c["table"]["rows"] and c["data_rows"]
    team = charts[0]
    assert ["2026年9月1日至2026年9月14日", 14, 9, "不足"] in team["table"]["rows"]
    assert "不少于10人" in team["caption"]
    findings = charts[3]
    total = sum(r[-1] for r in findings["table"]["rows"])
    assert total == sum(f["status"] in ("breach", "at_risk", "no_evidence") for f in result["findings"])


def test_pictures_are_in_the_docx_and_html_and_the_data_in_the_xlsx(example) -> None:
    result, docs = example
    d = docx.Document(str(docs["audit.docx"]))
    pictures = [r for r in d.part.related_parts.values() if r.content_type == "image/png"]
    assert len(pictures) == 4 and all(p.blob.startswith(PNG) for p in pictures)
    captions = [p.text for p in d.paragraphs if p.text.startswith("图") and "驻场" in p.text]
    assert captions
    page = docs["audit.html"].read_text(encoding="utf-8")
    uris = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(uris) == 4 and all(base64.b64decode(u).startswith(PNG) for u in uris)
    wb = openpyxl.load_workbook(docs["audit.xlsx"])
    sheets = [n for n in wb.sheetnames if n.startswith("图")]
    assert len(sheets) == 4
    ws = wb[next(n for n in sheets if "驻场" in n)]
    assert ws.max_row == 1 + 184 and ws.cell(1, 2).value == "日期类型"


def test_same_result_same_png_bytes(example) -> None:
    result, _ = example
    charts = audit_charts(result)
    first, second = render_all(charts), render_all(charts)
    assert first == second
    assert all(b"Software" not in png and b"tIME" not in png for png in first.values())  # no version, no time


def test_the_bundled_font_is_used_and_covers_the_captions(example) -> None:
    from fontTools.ttLib import TTFont

    assert FONT_FILE.is_file() and FONT_FILE.stat().st_size < 6_000_000
    assert (FONT_FILE.parent / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") >= 1
    assert font_families()[0] == "Lvyue Noto Sans SC GB2312"
    cmap = TTFont(str(FONT_FILE))["cmap"].getBestCmap()
    result, _ = example
    text = "".join(c["title"] + c["caption"] + "".join(map(str, c["table"]["columns"])) for c in audit_charts(result))
    text += "到岗缺岗调休上班日班法定节假日休息日当月服务费累计年度预算上限每日人数合同要求严重重要一般月"
    missing = {ch for ch in text if ord(ch) not in cmap and not ch.isspace()}
    assert not missing


def test_a_pack_without_charts_yaml_gets_no_chart_section(tmp_path: Path) -> None:
    import shutil

    from reportkit import HEBI, make_result

    pack = tmp_path / "pack"
    shutil.copytree(HEBI, pack, ignore=shutil.ignore_patterns("charts.yaml", "tests"))
    result = make_result({"staff": []}, "2026-09-30", ("2026-07-01", "2026-09-30"), pack)
    assert result["charts"] == [] and audit_charts(result) == []
    assert io  # (module used by other tests)

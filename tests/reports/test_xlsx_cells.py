"""The findings workbook holds values Excel can compute with: dates, numbers, Chinese parties."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import openpyxl
import pytest
from dockit import EXAMPLE, documents, example_result

pytestmark = pytest.mark.skipif(not (EXAMPLE / "evidence.yaml").is_file(), reason="example evidence not generated")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[openpyxl.Workbook, dict]:
    folder = tmp_path_factory.mktemp("xlsx")
    result = example_result(folder)
    docs = documents(result, folder)
    return openpyxl.load_workbook(docs["audit.xlsx"]), json.loads(result.read_text(encoding="utf-8"))


def rows(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2)]


def test_one_row_per_finding_with_real_dates_and_chinese_parties(book) -> None:
    wb, result = book
    ws = wb["发现 findings"]
    got = rows(ws)
    assert len(got) == len(result["findings"])
    assert {r["义务方"].value for r in got} == {"甲方", "乙方"}
    dated = [r for r in got if r["期限"].value not in (None, "")]
    assert dated and all(isinstance(r["期限"].value, dt.datetime) for r in dated)
    assert all(r["期限"].number_format == "yyyy-mm-dd" for r in dated)
    onsite = next(r for r in got if r["规则"].value == "HB-OPS-ONSITE")
    assert onsite["期限"].value == dt.datetime(2027, 1, 8)  # the result's date, 2027-01-08
    assert onsite["期间起"].value == onsite["期间止"].value == dt.datetime(2026, 9, 20)


def test_amounts_are_numbers_that_sum(book) -> None:
    wb, result = book
    got = rows(wb["发现 findings"])
    fee = next(f for f in result["findings"] if f["rule"] == "HB-PAY-FEE")
    row = next(r for r in got if r["编号"].value == fee["id"])
    for name, text in fee["amounts"].items():
        [cell] = [c for h, c in row.items() if h.startswith(name) or h.startswith(_label(name))]
        assert isinstance(cell.value, (int, float)) and Decimal(str(cell.value)) == Decimal(text)  # a number, not text
        assert cell.number_format == "#,##0.00"


def _label(name: str) -> str:
    from lvyue.reports.templating import labels

    return labels(None, "zh").get(f"amount_{name}", name)


def test_every_sheet_filters_and_freezes_its_header(book) -> None:
    wb, _ = book
    for ws in wb:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026-09-01..2026-09-14", dt.date(2026, 9, 1), dt.date(2026, 9, 14)),
        ("2026年9月1日至2026年9月14日", dt.date(2026, 9, 1), dt.date(2026, 9, 14)),
        ("2026年9月20日", dt.date(2026, 9, 20), dt.date(2026, 9, 20)),  # one day, written once
        ("2026Q3", "2026Q3", None),  # not a span of dates: kept as written
    ],
)
def test_the_period_becomes_two_dates_however_written(text: str, start, end) -> None:
    from lvyue.reports.xlsx import _period

    assert _period({"period": text}) == (start, end)

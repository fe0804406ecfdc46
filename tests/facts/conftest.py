"""Evidence folders built by the tests themselves: a roster, reports and logs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROSTER_HEADERS = ["工号", "姓名", "身份证号", "岗位", "专业方向", "是否本地", "是否核心", "到岗日期", "离岗日期"]  # fmt: skip
# as an HR system exports it: mixed date spellings, 、 and ， lists, full-width digits, spaces
ROSTER_ROWS: list[list[Any]] = [
    ["P001", " 张伟 ", "410600199001011234", "运维工程师", "云计算、网络", "是", "是", "2026/7/1", ""],
    ["P002", "李娜", "410600199202023456", "安全工程师", "安全", "是", "否", "2026年7月1日", "2026-12-31"],
    ["P003", "王强", "410600198803035678", "网络工程师", "网络，存储", "否", "是", "２０２６-07-15", ""],
]
# the same roster as Excel holds it: real date cells, real numbers where Excel would
ROSTER_XLSX_ROWS: list[list[Any]] = [
    ["P001", "张伟", "410600199001011234", "运维工程师", "云计算、网络", "是", "是", dt.datetime(2026, 7, 1), None],
    ["P002", "李娜", "410600199202023456", "安全工程师", "安全", "是", "否", dt.datetime(2026, 7, 1), dt.datetime(2026, 12, 31)],
    ["P003", "王强", "410600198803035678", "网络工程师", "网络，存储", "否", "是", 46218, None],
]  # fmt: skip

ROSTER_MANIFEST = """\
audit: 2026年第三季度履约检查
files:
  - path: {path}
    type: staff
    title: 乙方运维人员名册
{extra}    columns:
      工号: id
      姓名: name
      身份证号: id_number
      岗位: role
      专业方向: categories
      是否本地: local
      是否核心: core
      到岗日期: start
      离岗日期: end
    values:
      categories: {{云计算: cloud, 网络: network, 存储: storage, 安全: security}}
"""


def csv_bytes(headers: list[str], rows: list[list[Any]], encoding: str) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any]], sheet: str = "名册") -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)


@pytest.fixture
def folder(tmp_path: Path) -> Callable[..., Path]:
    """make(name, manifest_text, {relpath: bytes}) → a new evidence folder."""

    def make(name: str, manifest: str | None, files: dict[str, bytes]) -> Path:
        root = tmp_path / name
        root.mkdir()
        if manifest is not None:
            (root / "evidence.yaml").write_text(manifest, encoding="utf-8")
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        return root

    return make

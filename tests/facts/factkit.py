"""Test data for evidence loading: a roster as HR exports it, and file writers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

ROSTER_HEADERS = ["工号", "姓名", "身份证号", "岗位", "专业方向", "是否本地", "是否核心", "到岗日期", "离岗日期"]  # fmt: skip
# as an HR system exports it: mixed date spellings, 、 and ， lists, full-width digits, spaces
ROSTER_ROWS: list[list[Any]] = [
    [
        "P001",
        " 张伟 ",
        "410600199001011234",
        "运维工程师",
        "云计算、网络",
        "是",
        "是",
        "2026/7/1",
        "",
    ],
    [
        "P002",
        "李娜",
        "410600199202023456",
        "安全工程师",
        "安全",
        "是",
        "否",
        "2026年7月1日",
        "2026-12-31",
    ],
    [
        "P003",
        "王强",
        "410600198803035678",
        "网络工程师",
        "网络，存储",
        "否",
        "是",
        "２０２６-07-15",
        "",
    ],
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


BAD_ROWS = [
    ["P004", "赵敏", "", "", "存储", "是", "是", "2026-02-30", ""],  # row 5: impossible date
    ["P005", "", "", "", "存储", "是", "是", "2026-07-01", ""],  # row 6: no name
    ["P001", "张伟二", "", "", "存储", "是", "是", "2026-07-01", ""],  # row 7: duplicate id
    ["P006", "钱七", "", "", "网络", "也许", "是", "2026-07-01", ""],  # row 8: not yes/no
    ["", "", "", "", "", "", "", "", ""],  # blank row: not a record
    ["P007", "孙八", "", "", "网络", "否", "否", "2026-08-01", "2026-07-31x"],  # row 10
]

ACCESS_MANIFEST = """\
files:
  - path: 门禁记录.csv
    type: onsite_day
    title: 甲方机房门禁刷卡记录（导出）
    derive: access_log
    columns: {卡号: person_id, 刷卡时间: time, 门禁点: location}
    location: [甲方机房, 甲方机房东门]
    values:
      person_id: {C-1001: P001, C-1002: P002}
"""

# line numbers as a text editor shows them (header = 1)
ACCESS_LINES = [
    "卡号,刷卡时间,门禁点,方向",  # 1
    "C-1001,2026-09-01 08:31:05,甲方机房,进",  # 2
    "C-1001,2026/9/1 12:02:00,甲方机房东门,出",  # 3
    "C-1001,2026-09-01 18:05:59,甲方机房,出",  # 4
    "C-1001,2026-09-01 10:00:00,乙方办公区,进",  # 5  outside the location filter
    "C-1002,2026-09-01 09:00:00,甲方机房,进",  # 6
    ",2026-09-01 09:10:00,甲方机房,进",  # 7  no card number
    "C-1002,2026-02-30 09:00:00,甲方机房,进",  # 8  impossible date
    "",  # 9  blank: not a line of data
    "C-1002,2026-09-02 09:00:00,甲方机房",  # 10 a field short
    '"C-1003",2026-09-02 08:59:00,"甲方机房",进',  # 11 quoted, fine; no mapping -> C-1003
    "C-1002,2026-09-02 08:45:00,甲方机房,进",  # 12
]

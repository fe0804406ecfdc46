"""Writes examples/hebi-2026h2/: a realistic evidence folder for 2026-07-01..2026-12-31.

The folder is what a contract manager at 鹤壁市行政审批和政务信息管理局 collects
for the second-half audit of the Shuguang government-cloud contract: the
supplier's Excel roster, the door-access export (GB18030 CSV), a Word MLPS
report, registers kept in Excel, a CSV with a BOM, invoices and payments.
Every file is generated from the fixed data below (the only randomness, the
minutes and seconds of door swipes, is seeded), and Office files are written
with fixed timestamps, so two runs give byte-identical files.

A handful of breaches is planted on purpose; README.md (also written here)
lists them in a table that tests/test_example_hebi.py compares with
`lvyue check`.

    .venv/bin/python examples/make_hebi_2026h2.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

D = dt.date
OUT = Path(__file__).resolve().parent / "hebi-2026h2"
START, END = D(2026, 7, 1), D(2026, 12, 31)
FIXED_TIME = (2026, 12, 31, 18, 0, 0)  # every zip member and document property

# --- calendar ------------------------------------------------------------------------
# 国务院办公厅关于2026年部分节假日安排的通知 (second half): 中秋节 9月25日, 国庆节
# 10月1日至7日; 调休上班 9月20日（星期日）、10月10日（星期六）.
HOLIDAYS = {D(2026, 9, 25), *(D(2026, 10, d) for d in range(1, 8))}
MAKEUP = {D(2026, 9, 20), D(2026, 10, 10)}


def is_working(d: dt.date) -> bool:
    if d in MAKEUP:
        return True
    return d.weekday() < 5 and d not in HOLIDAYS


def days(a: dt.date, b: dt.date):
    while a <= b:
        yield a
        a += dt.timedelta(days=1)


# --- people --------------------------------------------------------------------------
# id, name, region (ID card), birth, phone, role, categories, local, core, onsite, security
# team, start (as typed in the roster), end (as typed)
STAFF = [
    ("H001", "王建军", "410611", D(1983, 4, 12), "13803920101", "项目经理", "云计算", "是", "是", "否", "否", D(2024, 3, 1), None),
    ("H002", "李晓燕", "410602", D(1992, 8, 23), "13903920212", "驻场运维工程师", "云计算", "是", "是", "是", "否", "2025/3/15", "2026年11月1日"),
    ("H003", "张磊", "410603", D(1988, 1, 30), "15803920323", "网络工程师", "网络", "是", "是", "否", "否", D(2024, 3, 1), None),
    ("H004", "刘洋", "410611", D(1990, 11, 5), "18803920434", "网络安全工程师", "网络、安全", "是", "是", "否", "否", "2024年6月1日", None),
    ("H005", "陈静", "410621", D(1991, 6, 18), "13703920545", "存储工程师", "存储", "是", "是", "否", "否", D(2024, 3, 1), None),
    ("H006", "杨帆", "410622", D(1994, 2, 27), "15903920656", "存储工程师", "存储", "是", "是", "否", "否", D(2025, 1, 6), D(2026, 8, 31)),
    ("H007", "赵强", "410602", D(1987, 9, 9), "18603920767", "安全工程师", "安全", "是", "是", "否", "是", "2024-03-01", None),
    ("H008", "黄丽", "410611", D(1993, 12, 1), "13603920878", "安全工程师", "安全", "是", "是", "否", "是", D(2025, 5, 19), None),
    ("H009", "周鹏", "410603", D(1995, 3, 14), "15003920989", "驻场运维工程师", "云计算、网络", "是", "是", "是", "否", "2025年3月15日", None),
    ("H010", "吴涛", "410611", D(1989, 7, 22), "13503921090", "数据库工程师", "云计算，存储", "是", "是", "否", "否", D(2024, 9, 2), None),
    ("H011", "孙悦", "410621", D(1996, 10, 3), "18103921101", "存储工程师", "存储", "是", "是", "否", "否", "2026年9月15日", None),
    ("H012", "马超", "410611", D(1994, 5, 28), "13303921212", "驻场运维工程师", "云计算", "是", "是", "是", "否", "2026/11/2", None),
    ("H013", "郭敏", "410602", D(1990, 2, 14), "13203921323", "客户经理", "", "是", "否", "否", "否", D(2024, 3, 1), None),
    ("H014", "何志远", "410105", D(1982, 12, 8), "13603711434", "云平台架构师", "云计算、网络", "否", "是", "否", "否", "2024年3月1日", None),
]  # fmt: skip
CARD = {"H002": "3102876541", "H009": "3102876590", "H012": "3102877013"}
DUTY = {  # Party B staff on duty at its own machine room (not Party A's office)
    "H001": "3102876502", "H003": "3102876517", "H004": "3102876533",
    "H005": "3102876558", "H007": "3102876566", "H010": "3102876574",
}  # fmt: skip
PARTY_A = [  # Party A's own employees: in the same export, not on the supplier's roster
    ("0017203311", "宋丽华"), ("0017203328", "韩东"), ("0017203345", "冯晓"), ("0017203362", "曹宇"),
    ("0017203379", "彭娟"), ("0017203386", "许浩"), ("0017203393", "邓敏"), ("0017203401", "田野"),
]  # fmt: skip
NAMES = {s[0]: s[1] for s in STAFF}


def id_card(region: str, birth: dt.date, seq: int, female: bool) -> str:
    """A well-formed (GB 11643 checksum) but fictitious resident ID number."""
    order = seq * 2 + (0 if female else 1)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


FEMALE = {"H002", "H005", "H008", "H013"}

# --- catalogue and usage ---------------------------------------------------------------
# SAMPLE unit prices: invented for the example, NOT the contract's 附件1.
CATALOGUE = [
    ("ECS-4C8G", "云主机", "4核8G", "台·月", "420.00"),
    ("ECS-8C16G", "云主机", "8核16G", "台·月", "830.00"),
    ("ECS-16C64G", "云主机", "16核64G", "台·月", "2350.00"),
    ("EVS-SSD", "云硬盘", "SSD", "GB·月", "0.85"),
    ("EVS-SATA", "云硬盘", "普通型", "GB·月", "0.32"),
    ("OBS-STD", "对象存储", "标准存储", "TB·月", "95.00"),
    ("RDS-MYSQL", "云数据库", "MySQL 8核32G 主备", "实例·月", "3600.00"),
    ("BW-INET", "互联网带宽", "BGP", "Mbps·月", "45.00"),
    ("WAF-DOMAIN", "云WAF", "防护域名", "个·月", "800.00"),
    ("CBR-TB", "云备份", "备份容量", "TB·月", "150.00"),
    ("ELB", "负载均衡", "共享型", "实例·月", "260.00"),
    ("HSS-HOST", "主机安全", "企业版", "台·月", "60.00"),
]
PRICE = {c[0]: Decimal(c[4]) for c in CATALOGUE}
ITEM_NAME = {c[0]: f"{c[1]}（{c[2]}）" for c in CATALOGUE}
DEPTS = {
    "市政务服务和大数据管理中心": [("ECS-8C16G", 80), ("ECS-16C64G", 20), ("EVS-SSD", 60000), ("EVS-SATA", 150000), ("OBS-STD", 180), ("RDS-MYSQL", 10), ("BW-INET", 600), ("WAF-DOMAIN", 30), ("CBR-TB", 80), ("ELB", 24), ("HSS-HOST", 320)],
    "市公安局": [("ECS-8C16G", 40), ("ECS-16C64G", 12), ("EVS-SSD", 30000), ("EVS-SATA", 80000), ("RDS-MYSQL", 4), ("HSS-HOST", 60)],
    "市卫生健康委员会": [("ECS-4C8G", 40), ("ECS-8C16G", 30), ("EVS-SSD", 30000), ("OBS-STD", 60), ("RDS-MYSQL", 6), ("HSS-HOST", 76)],
    "市人力资源和社会保障局": [("ECS-4C8G", 30), ("ECS-8C16G", 24), ("EVS-SSD", 24000), ("RDS-MYSQL", 4), ("BW-INET", 200), ("HSS-HOST", 54)],
    "市医疗保障局": [("ECS-8C16G", 20), ("EVS-SSD", 16000), ("RDS-MYSQL", 4), ("HSS-HOST", 20)],
    "市自然资源和规划局": [("ECS-16C64G", 12), ("EVS-SATA", 100000), ("OBS-STD", 140), ("HSS-HOST", 12)],
    "市教育局": [("ECS-4C8G", 36), ("EVS-SSD", 12000), ("BW-INET", 300), ("WAF-DOMAIN", 12), ("HSS-HOST", 36)],
}  # fmt: skip
BASE_DEPLOYED = D(2025, 10, 1)  # in use since before the contract (the overdue 9 months)

# --- resource requests: formal notice → delivery (deployment) --------------------------
# id, department, what, (item, quantity), requested_on, delivered_on
REQUESTS = [
    ("RR-2026-01", "市卫生健康委员会", "全民健康信息平台扩容", ("ECS-8C16G", 6), D(2026, 7, 6), D(2026, 7, 8)),
    ("RR-2026-02", "市医疗保障局", "医保结算系统数据库", ("RDS-MYSQL", 2), D(2026, 8, 11), D(2026, 8, 14)),
    ("RR-2026-03", "市人力资源和社会保障局", "社保卡服务系统云主机", ("ECS-4C8G", 10), D(2026, 9, 10), D(2026, 9, 14)),
    ("RR-2026-04", "市公安局", "视频解析平台存储扩容", ("EVS-SSD", 20000), D(2026, 9, 15), D(2026, 9, 18)),
    ("RR-2026-05", "市教育局", "招生报名系统临时扩容", ("ECS-8C16G", 8), D(2026, 9, 17), D(2026, 9, 21)),
    ("RR-2026-06", "市政务服务和大数据管理中心", "一网通办备份扩容", ("CBR-TB", 20), D(2026, 9, 22), D(2026, 9, 24)),
    ("RR-2026-07", "市自然资源和规划局", "国土空间规划一张图", ("ECS-16C64G", 6), D(2026, 9, 29), D(2026, 10, 12)),
    ("RR-2026-08", "市政务服务和大数据管理中心", "数据共享交换平台", ("ECS-8C16G", 12), D(2026, 10, 12), D(2026, 10, 15)),
    ("RR-2026-09", "市卫生健康委员会", "互联网医院对象存储", ("OBS-STD", 40), D(2026, 11, 12), D(2026, 11, 16)),
    ("RR-2026-10", "市人力资源和社会保障局", "就业服务平台带宽", ("BW-INET", 100), D(2026, 12, 8), D(2026, 12, 10)),
]  # fmt: skip
MONTHS = [f"2026-{m:02d}" for m in range(7, 13)]
WRONGLY_BILLED = ("RR-2026-04", "2026-09")  # deployed on the 18th, billed for September anyway
CUTOFF_DAY, CUTOFF_DAY_BILLS_FULL_MONTH = 15, True  # the pack's defaults for 三.1.1
OVERDUE_SUM = Decimal("6182058.17")
PAYEE = ("鹤壁城市云计算有限公司", "246830861818", "中国银行鹤壁分行")


def usage_lines() -> list[dict]:
    lines = []
    for month in MONTHS:
        n = 0
        for dept, items in DEPTS.items():
            for item, qty in items:
                n += 1
                lines.append(
                    dict(id=f"U{month[2:4]}{month[5:]}-{n:03d}", month=month, dept=dept, item=item, qty=qty, deployed=BASE_DEPLOYED, source=None)
                )  # fmt: skip
        y, m = int(month[:4]), int(month[5:])
        for rid, dept, _, (item, qty), _, delivered in REQUESTS:
            if (delivered.year, delivered.month) <= (y, m):
                n += 1
                lines.append(
                    dict(id=f"U{month[2:4]}{month[5:]}-{n:03d}", month=month, dept=dept, item=item, qty=qty, deployed=delivered, source=rid)
                )  # fmt: skip
    return lines


def billable(deployed: dt.date, month: str) -> bool:
    """三.1.1: deployed before the 15th → whole month; after the 15th → not that month."""
    y, m = int(month[:4]), int(month[5:])
    if (deployed.year, deployed.month) != (y, m):
        return (deployed.year, deployed.month) < (y, m)
    if deployed.day == CUTOFF_DAY:
        return CUTOFF_DAY_BILLS_FULL_MONTH
    return deployed.day < CUTOFF_DAY


def invoice_amount(lines: list[dict]) -> tuple[Decimal, Decimal]:
    """(correct fee for 2026H2, the amount invoiced = correct + the wrongly billed line)."""
    correct = Decimal(0)
    wrong = Decimal(0)
    for u in lines:
        amount = PRICE[u["item"]] * u["qty"]
        if billable(u["deployed"], u["month"]):
            correct += amount
        elif (u["source"], u["month"]) == WRONGLY_BILLED:
            wrong += amount
    cent = Decimal("0.01")
    return correct.quantize(cent, ROUND_HALF_UP), (correct + wrong).quantize(cent, ROUND_HALF_UP)


# --- writers -----------------------------------------------------------------------------
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def xlsx(path: Path, sheet: str, headers: list[str], rows: list[list], *, title: str | None = None, widths: dict[int, int] | None = None, formats: dict[int, str] | None = None) -> None:  # fmt: skip
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(1, 1).font = Font(bold=True, size=13, color="C00000")
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append(headers)
    hr = ws.max_row
    for c in range(1, len(headers) + 1):
        ws.cell(hr, c).font = HEAD_FONT
        ws.cell(hr, c).fill = HEAD_FILL
    for row in rows:
        ws.append(row)
    for r in ws.iter_rows(min_row=hr + 1):
        for cell in r:
            if isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = "yyyy-mm-dd"
            if formats and cell.column in formats:
                cell.number_format = formats[cell.column]
    for c in range(1, len(headers) + 1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = (widths or {}).get(c, 14)
    ws.freeze_panes = ws.cell(hr + 1, 1)
    wb.properties.creator = "lvyue example"
    wb.properties.created = dt.datetime(*FIXED_TIME)
    wb.save(path)
    fix_zip(path)


def fix_zip(path: Path) -> None:
    """Same bytes on every run: fixed member timestamps and document dates."""
    stamp = dt.datetime(*FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text)  # fmt: skip
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())


def csv_file(path: Path, headers: list[str], rows: list[list], encoding: str) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


# --- the files ---------------------------------------------------------------------------


def roster(out: Path) -> None:
    headers = ["工号", "姓名", "身份证号", "手机号", "岗位", "专业类别", "是否本地", "是否核心", "是否驻场", "安全团队", "到岗日期", "离岗日期", "备注"]  # fmt: skip
    rows = []
    for i, (sid, name, region, birth, phone, role, cats, local, core, onsite, sec, start, end) in enumerate(STAFF):  # fmt: skip
        note = ""
        if sid == "H006":
            note = "个人原因离职"
        elif sid == "H011":
            note = "接替杨帆"
        elif sid == "H012":
            note = "接替李晓燕驻场"
        elif sid == "H014":
            note = "常驻郑州，远程支持"
        rows.append([sid, name, id_card(region, birth, 30 + i, sid in FEMALE), int(phone) if i % 3 == 0 else phone, role, cats or None, local, core, onsite, sec, start, end, note or None])  # fmt: skip
    xlsx(out / "人员名册.xlsx", "运维团队", headers, rows, widths={3: 22, 4: 14, 5: 16, 6: 14, 11: 16, 12: 16, 13: 20})  # fmt: skip


def access_log(out: Path) -> int:
    rnd = random.Random(20260701)
    events: list[tuple[dt.datetime, str, str, str, str, str, str]] = []

    def swipe(d, h, m, who, where, way):
        card, name, unit = who
        area, door = where
        t = dt.datetime(d.year, d.month, d.day, h, m, rnd.randrange(60))
        events.append((t, card, name, unit, area, door, way))

    b_room = ("乙方机房", "机房1F门禁")
    b_unit, a_unit = "鹤壁城市云计算有限公司", "市行政审批和政务信息管理局"
    leave = {  # annual leave and training: never both on-site engineers at once
        "H002": set(days(D(2026, 8, 3), D(2026, 8, 7))) | {D(2026, 9, 11), D(2026, 10, 16)},
        "H009": set(days(D(2026, 7, 20), D(2026, 7, 24))) | {D(2026, 11, 27)} | set(days(D(2026, 12, 21), D(2026, 12, 23))),
    }  # fmt: skip
    for d in days(START, END):
        # Party B's machine room is staffed around the clock (outside Party A's office)
        for k, (sid, card) in enumerate(DUTY.items()):
            if (d.toordinal() + k) % 3 == 0:
                swipe(d, 7, 50 + rnd.randrange(10), (card, NAMES[sid], b_unit), b_room, "进")
                swipe(d, 20, rnd.randrange(15), (card, NAMES[sid], b_unit), b_room, "出")
        if d == D(2026, 9, 20):  # the on-site engineer was at the machine room that Sunday
            swipe(d, 8, 55, (CARD["H009"], NAMES["H009"], b_unit), b_room, "进")
            swipe(d, 17, 40, (CARD["H009"], NAMES["H009"], b_unit), b_room, "出")
        if not is_working(d):
            continue
        for j, (card, name) in enumerate(PARTY_A):
            if (d.toordinal() + j) % 9 == 0:
                continue  # out of office
            swipe(
                d, 8, 20 + rnd.randrange(40), (card, name, a_unit), ("甲方办公区", "3F东门"), "进"
            )
            swipe(
                d, 17, 30 + rnd.randrange(30), (card, name, a_unit), ("甲方办公区", "3F东门"), "出"
            )
        if d in (D(2026, 9, 20), D(2026, 10, 10)):
            continue  # planted: nobody on site on the make-up working days
        onsite = ["H002", "H009"] if d <= D(2026, 11, 1) else ["H009", "H012"]
        for sid in onsite:
            if d in leave.get(sid, ()):
                continue
            who = (CARD[sid], NAMES[sid], "鹤壁城市云计算有限公司（驻场）")
            where = ("甲方办公区", "3F东门" if sid != "H012" else "3F西门")
            swipe(d, 8, 30 + rnd.randrange(30), who, where, "进")
            swipe(d, 12, rnd.randrange(10), who, where, "出")
            swipe(d, 13, 40 + rnd.randrange(20), who, where, "进")
            swipe(d, 17, 35 + rnd.randrange(25), who, where, "出")
    events.sort()
    rows = []
    for n, (t, card, name, unit, area, door, way) in enumerate(events, start=1):
        stamp = f"{t.year}/{t.month}/{t.day} {t:%H:%M:%S}"
        rows.append([n, stamp, card, name, unit, area, door, way])
    headers = ["序号", "刷卡时间", "卡号", "姓名", "单位", "区域", "门禁点", "进出方向"]
    csv_file(out / "门禁记录.csv", headers, rows, "gb18030")
    return len(rows)


def maintenance(out: Path) -> None:
    headers = ["计划编号", "作业类型", "作业内容", "开始日期", "结束日期", "通知甲方日期", "是否影响业务", "通知方式"]  # fmt: skip
    rows = [
        ["M-2026-01", "检修", "核心交换机光模块更换", D(2026, 8, 8), D(2026, 8, 8), D(2026, 7, 24), "是", "书面函件"],
        ["M-2026-02", "升级", "云管平台版本升级（V6.2→V6.3）", D(2026, 9, 12), D(2026, 9, 13), D(2026, 8, 28), "是", "书面函件"],
        ["M-2026-03", "割接", "互联网出口链路割接", D(2026, 10, 9), D(2026, 10, 9), D(2026, 9, 22), "是", "书面函件"],
        ["M-2026-04", "调试", "备份一体机策略调试（不中断业务）", D(2026, 10, 24), D(2026, 10, 24), D(2026, 10, 21), "否", "工作群通知"],
        ["M-2026-05", "升级", "分布式存储固件升级", D(2026, 11, 20), D(2026, 11, 21), D(2026, 11, 11), "是", "书面函件"],
        ["M-2026-06", "检修", "机房UPS年度检修", D(2026, 12, 12), D(2026, 12, 12), D(2026, 12, 2), "是", "书面函件"],
    ]  # fmt: skip
    xlsx(out / "检修计划.xlsx", "检修割接计划", headers, rows, widths={3: 34, 8: 12})


def staff_changes(out: Path) -> None:
    headers = ["更换编号", "离岗人员工号", "接替人员工号", "生效日期", "告知甲方日期", "甲方同意日期", "更换原因"]  # fmt: skip
    rows = [
        ["SC-2026-01", "H006", "H011", "2026-09-15", "2026-08-20", "2026-08-26", "原存储工程师杨帆8月31日离职"],
        ["SC-2026-02", "H002", "H012", "2026/11/2", "2026/10/23", "2026/11/4", "驻场工程师李晓燕调回公司总部"],
    ]  # fmt: skip
    csv_file(out / "人员更换.csv", headers, rows, "utf-8-sig")


def resource_requests(out: Path) -> None:
    headers = ["申请编号", "申请单位", "申请内容", "资源", "数量", "正式通知日期", "交付日期"]
    rows = [[rid, dept, what, ITEM_NAME[item], qty, req, dlv] for rid, dept, what, (item, qty), req, dlv in REQUESTS]  # fmt: skip
    xlsx(out / "资源申请.xlsx", "资源申请台账", headers, rows, widths={2: 28, 3: 26, 4: 22})


def report_register(out: Path) -> None:
    usage_delivered = {"2026-07": D(2026, 8, 6), "2026-08": D(2026, 9, 7), "2026-09": D(2026, 10, 14), "2026-10": D(2026, 11, 20), "2026-11": D(2026, 12, 14)}  # fmt: skip
    ops_delivered = {"2026-07": D(2026, 8, 10), "2026-08": D(2026, 9, 9), "2026-09": D(2026, 10, 16), "2026-10": D(2026, 11, 10), "2026-11": D(2026, 12, 9)}  # fmt: skip
    rows = []
    for i, (month, day) in enumerate(usage_delivered.items(), start=1):
        confirmed = day + dt.timedelta(days=3)
        rows.append([f"QR-2026-{i:02d}", f"{month[:4]}年{int(month[5:])}月资源使用量交付确认报告", "资源使用量交付确认报告", month, day, confirmed])  # fmt: skip
    for i, (month, day) in enumerate(ops_delivered.items(), start=1):
        rows.append([f"YW-2026-{i:02d}", f"{month[:4]}年{int(month[5:])}月政务云运行报告", "运行报告", month, day, None])  # fmt: skip
    headers = ["报告编号", "报告名称", "报告类型", "所属期间", "提交日期", "甲方确认日期"]
    xlsx(out / "报告台账.xlsx", "报告台账", headers, rows, widths={2: 36, 3: 24})


def drills(out: Path) -> None:
    headers = ["演练编号", "演练日期", "演练类型", "演练名称", "参演单位"]
    rows = [
        ["DR-2026-01", D(2026, 8, 27), "桌面推演", "政务云网络安全事件应急处置桌面推演", "甲方、乙方、市公安局网安支队"],
        ["DR-2026-02", D(2026, 11, 19), "实战演练", "云平台分布式存储故障切换演练", "甲方、乙方"],
    ]  # fmt: skip
    xlsx(out / "应急演练.xlsx", "演练记录", headers, rows, widths={4: 40, 5: 30})


def assessments(out: Path) -> None:
    headers = ["编号", "类型", "完成日期", "结论", "证书或报告编号", "出具机构", "有效期至"]
    rows = [
        ["BA-2026-01", "等保备案", D(2026, 8, 20), "已备案（第三级）", "41060013001-26001", "鹤壁市公安局网络安全保卫支队", None],
        ["MP-2026-01", "商用密码应用安全性评估", D(2026, 11, 5), "基本符合", "MP-HN-2026-0417", "豫信商用密码检测技术有限公司", D(2027, 11, 4)],
        ["CAC-2026-01", "云计算服务安全评估", D(2026, 12, 18), "通过", "CCSA-2026-0093", "云计算服务安全评估工作办公室", D(2029, 12, 17)],
    ]  # fmt: skip
    xlsx(out / "测评备案.xlsx", "测评与备案", headers, rows, widths={2: 24, 4: 18, 5: 22, 6: 32})


def mlps_report(out: Path) -> None:
    d = docx.Document()
    d.core_properties.author = "豫信网络安全测评技术有限公司"
    d.core_properties.title = "网络安全等级保护测评报告"
    d.core_properties.created = dt.datetime(*FIXED_TIME)
    d.core_properties.modified = dt.datetime(*FIXED_TIME)
    d.core_properties.last_modified_by = "lvyue example"
    d.core_properties.revision = 1
    d.add_heading("鹤壁市政务云平台（曙光）网络安全等级保护测评报告", level=0)
    d.add_paragraph("报告编号：41060013001-00017-26-0002")
    d.add_paragraph("被测对象：鹤壁市政务云平台（云服务商侧）")
    d.add_paragraph("安全保护等级：第三级（S3A3G3）")
    d.add_paragraph("委托单位：鹤壁城市云计算有限公司")
    d.add_paragraph("测评机构：豫信网络安全测评技术有限公司")
    d.add_paragraph("报告日期：2026年11月26日")
    d.add_heading("声明", level=1)
    d.add_paragraph("本报告是对被测对象的等级测评结论，测评结论仅对测评时点的被测对象有效。本报告为示例文档，机构与编号均为虚构。")  # fmt: skip
    d.add_heading("等级测评结论", level=1)
    t = d.add_table(rows=1, cols=3)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, ["测评对象", "综合得分", "测评结论"], strict=True):
        cell.text = text
    for row in [("云平台（IaaS）", "86.45", "良"), ("云管平台", "88.10", "良")]:
        cells = t.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    d.add_paragraph("等级测评结论：良")
    d.add_paragraph("综合得分：86.45")
    d.add_paragraph("中风险问题 3 项，已于报告出具前整改完成并复测通过；低风险问题 11 项，列入整改计划。")  # fmt: skip
    d.add_heading("问题整改情况", level=1)
    for line in ["1. 部分云主机安全组规则过宽：已收敛至业务所需端口。", "2. 运维审计日志留存不足180天：已扩容日志审计存储。", "3. 个别管理账户未启用双因素认证：已启用。"]:  # fmt: skip
        d.add_paragraph(line)
    path = out / "等保测评报告.docx"
    d.save(str(path))
    fix_zip(path)


def devices(out: Path) -> None:
    headers = ["资产编号", "设备类别", "名称及型号", "部署位置", "启用日期", "停用日期", "备注"]
    rows = [
        ["SEC-FW-01", "防火墙", "下一代防火墙 NF-8000（主）", "互联网区", D(2024, 3, 1), None, None],
        ["SEC-FW-02", "防火墙", "下一代防火墙 NF-8000（备）", "互联网区", D(2024, 3, 1), None, None],
        ["SEC-AV-01", "防病毒网关", "防病毒网关 AVG-3000", "互联网区", D(2024, 3, 1), None, None],
        ["SEC-IPS-01", "入侵防御系统（IPS）", "IPS-6000", "互联网区", D(2024, 3, 1), None, None],
        ["SEC-WT-01", "WEB网站防篡改系统", "网页防篡改 WT-2.0", "DMZ区", D(2024, 3, 1), D(2026, 10, 31), "授权到期停用"],
        ["SEC-WT-02", "WEB网站防篡改系统", "网页防篡改 WT-3.0", "DMZ区", D(2026, 11, 11), None, "新采购部署"],
        ["SEC-GAP-01", "安全隔离与信息交换系统", "网闸 GAP-5000", "电子政务外网边界", D(2024, 3, 1), None, None],
        ["SEC-VS-01", "漏洞扫描系统", "漏洞扫描 RSAS-V6", "安全管理区", D(2024, 3, 1), None, None],
        ["SEC-LA-01", "综合日志审计系统", "日志审计 LAS-5000", "安全管理区", D(2024, 3, 1), None, None],
        ["CRY-01", "密码设备", "服务器密码机 SJJ1912（商密认证）", "安全管理区", D(2026, 6, 20), None, None],
        ["CRY-02", "密码设备", "云密码服务平台", "安全管理区", D(2026, 6, 20), None, None],
        ["LINE-01", "10G裸光纤专线", "电子政务外网汇聚—云平台 A路", "机房—市政务外网中心", D(2024, 3, 1), None, None],
        ["LINE-02", "10G裸光纤专线", "电子政务外网汇聚—云平台 B路", "机房—市政务外网中心", D(2024, 3, 1), None, None],
        ["LINE-03", "10G裸光纤专线", "互联网出口 A路", "机房—运营商", D(2024, 3, 1), D(2026, 11, 30), "运营商线路调整停用"],
        ["LINE-04", "10G裸光纤专线", "互联网出口 B路", "机房—运营商", D(2024, 3, 1), None, None],
        ["LINE-05", "10G裸光纤专线", "灾备中心 A路", "机房—灾备中心", D(2024, 3, 1), None, None],
        ["LINE-06", "10G裸光纤专线", "灾备中心 B路", "机房—灾备中心", D(2024, 3, 1), None, None],
        ["LINE-07", "10G裸光纤专线", "互联网出口 C路（替换A路）", "机房—运营商", D(2026, 10, 20), None, None],
        ["HL-01", "服务热线", "统一服务电话 0392-3300000（7×24小时）", "运维中心", D(2024, 3, 1), None, None],
    ]  # fmt: skip
    xlsx(
        out / "设备清单.xlsx", "安全设备与线路", headers, rows, widths={2: 24, 3: 38, 4: 22, 7: 20}
    )


def incidents(out: Path) -> None:
    headers = ["事件编号", "发生日期", "事件等级", "是否乙方原因", "事件描述", "处置情况"]
    rows = [
        ["INC-2026-01", "2026-07-21", "一般", "否", "市教育局门户网站管理后台弱口令被利用，首页被篡改", "委办局自行修改口令，乙方协助恢复页面"],
        ["INC-2026-02", "2026-08-18", "较大", "是", "乙方运维人员调整防火墙策略时误放通数据库端口，市医保局数据库遭外部扫描探测", "当日恢复策略，提交事件分析报告"],
    ]  # fmt: skip
    csv_file(out / "安全事件.csv", headers, rows, "utf-8")


def acceptance(out: Path) -> None:
    headers = ["验收编号", "验收事项", "验收日期", "验收结论", "不合格通知日期", "整改完成日期"]
    rows = [
        ["YS-2026-01", "7月新增资源交付验收", D(2026, 7, 30), "合格", None, None],
        ["YS-2026-02", "RR-2026-07 国土空间规划一张图资源交付验收", D(2026, 10, 13), "不合格", D(2026, 10, 14), D(2026, 10, 20)],
        ["YS-2026-03", "下半年安全设备配置验收", D(2026, 12, 16), "合格", None, None],
    ]  # fmt: skip
    xlsx(out / "验收记录.xlsx", "服务验收", headers, rows, widths={2: 44, 5: 16, 6: 16})


def notices(out: Path) -> None:
    headers = ["文号", "类型", "下达日期", "整改期限", "整改完成日期", "事由"]
    rows = [
        ["鹤审政信〔2026〕整改1号", "整改通知书", D(2026, 9, 10), D(2026, 9, 17), D(2026, 9, 15), "本地化运维团队核心成员不足10人"],
        ["鹤审政信〔2026〕整改2号", "整改通知书", D(2026, 9, 23), D(2026, 9, 30), D(2026, 9, 28), "9月20日调休上班日无驻场人员，要求提交排班表"],
    ]  # fmt: skip
    xlsx(out / "整改通知.xlsx", "整改通知与警示函", headers, rows, widths={1: 26, 6: 44})


def performance(out: Path) -> None:
    headers = [
        "考核编号",
        "考核期间",
        "考核日期",
        "考核组人数",
        "考核组成员",
        "考核得分",
        "考核等级",
    ]
    rows = [["KH-2026H2", "2026H2", D(2026, 12, 28), 4, "宋丽华、韩东（业务）；李卫东、陈曦（外聘专家）", 91.5, "优秀"]]  # fmt: skip
    xlsx(out / "绩效考核.xlsx", "绩效考核", headers, rows, widths={5: 44})


def catalogue(out: Path) -> None:
    headers = ["目录编号", "服务名称", "规格", "计费单位", "单价（元/月）", "备注"]
    rows = [[cid, ITEM_NAME[cid], spec, unit, Decimal(price), "示例单价"] for cid, name, spec, unit, price in CATALOGUE]  # fmt: skip
    title = "服务目录及单价【示例数据 SAMPLE：单价为虚构示例，并非合同附件1价格】"
    xlsx(out / "服务目录.xlsx", "服务目录（示例）", headers, rows, title=title, widths={1: 14, 3: 20}, formats={5: "#,##0.00"})  # fmt: skip


def usage(out: Path, lines: list[dict]) -> None:
    headers = [
        "明细编号",
        "月份",
        "使用单位",
        "目录编号",
        "服务名称",
        "数量",
        "部署日期",
        "关联申请",
    ]
    rows = [[u["id"], u["month"], u["dept"], u["item"], ITEM_NAME[u["item"]], u["qty"], u["deployed"], u["source"]] for u in lines]  # fmt: skip
    title = "2026年7—12月政务云资源使用量明细（各月交付确认报告汇总；12月为12月30日结算口径）"
    xlsx(out / "资源使用量.xlsx", "使用量明细", headers, rows, title=title, widths={3: 28, 5: 26, 7: 14})  # fmt: skip


def invoices(out: Path, amount_h2: Decimal) -> None:
    headers = ["发票编号", "发票号码", "开票日期", "价税合计（元）", "结算期间", "收款方名称", "收款账号", "开户行"]  # fmt: skip
    rows = [
        ["INV-2026-001", "26412000000010384217", D(2026, 7, 10), OVERDUE_SUM, "2025-10..2026-06", *PAYEE],
        ["INV-2026-002", "26412000000029751306", D(2026, 12, 30), amount_h2, "2026H2", *PAYEE],
    ]  # fmt: skip
    xlsx(out / "发票.xlsx", "发票登记", headers, rows, widths={2: 24, 4: 18, 5: 18, 6: 26}, formats={4: "#,##0.00"})  # fmt: skip


def payments(out: Path) -> None:
    headers = ["付款编号", "发票编号", "付款日期", "付款金额（元）", "结算期间", "付款方式"]
    rows = [
        ["PAY-2026-001", "INV-2026-001", D(2026, 9, 15), Decimal("3000000.00"), "2025-10..2026-06", "转账"],
        ["PAY-2026-002", "INV-2026-001", D(2026, 10, 20), Decimal("3182058.17"), "2025-10..2026-06", "转账"],
    ]  # fmt: skip
    xlsx(
        out / "付款.xlsx", "付款登记", headers, rows, widths={4: 18, 5: 18}, formats={4: "#,##0.00"}
    )


MANIFEST = """\
# 鹤壁市曙光政务云 2026年下半年履约检查：证据清单（lvyue evidence manifest）
# 每个文件一项：事实类型（type）与“表头 → 字段”的对应（columns）。
audit: 2026年下半年履约检查（2026-07-01 至 2026-12-31）
note: 示例证据，由 examples/make_hebi_2026h2.py 生成；人名、证件号、电话、编号、单价均为虚构。
files:
  - path: 人员名册.xlsx
    type: staff
    title: 乙方本地化运维团队名册
    columns:
      工号: id
      姓名: name
      身份证号: id_number
      手机号: phone
      岗位: role
      专业类别: categories
      是否本地: local
      是否核心: core
      是否驻场: onsite
      安全团队: security_team
      到岗日期: start
      离岗日期: end
    values:
      categories: {云计算: cloud, 网络: network, 存储: storage, 安全: security}

  - path: 门禁记录.csv
    type: onsite_day
    title: 甲方办公区门禁刷卡记录（门禁平台导出）
    derive: access_log
    encoding: gb18030
    columns:
      卡号: person_id
      刷卡时间: time
      区域: location
    location: 甲方办公区
    values:
      person_id: {"3102876541": H002, "3102876590": H009, "3102877013": H012}

  - path: 人员更换.csv
    type: staff_change
    title: 驻场人员更换登记
    columns:
      更换编号: id
      离岗人员工号: leaving
      接替人员工号: joining
      生效日期: effective
      告知甲方日期: notified_on
      甲方同意日期: consented_on

  - path: 检修计划.xlsx
    type: maintenance
    title: 检修、割接、升级计划及通知
    columns:
      计划编号: id
      作业类型: kind
      作业内容: title
      开始日期: start
      结束日期: end
      通知甲方日期: notified_on
      是否影响业务: affects_service

  - path: 资源申请.xlsx
    type: resource_request
    title: 资源申请与交付台账
    columns:
      申请编号: id
      申请单位: requester
      申请内容: description
      正式通知日期: requested_on
      交付日期: delivered_on

  - path: 报告台账.xlsx
    type: report
    title: 资源使用量交付确认报告与运行报告台账
    columns:
      报告编号: id
      报告类型: kind
      所属期间: period
      提交日期: delivered_on
      甲方确认日期: confirmed_on
    values:
      kind: {资源使用量交付确认报告: usage_confirmation, 运行报告: operation}

  - path: 应急演练.xlsx
    type: drill
    title: 应急演练记录
    columns:
      演练编号: id
      演练日期: date
      演练类型: kind
      演练名称: title

  - path: 等保测评报告.docx
    type: assessment
    title: 网络安全等级保护测评报告（Word）
    id: "{report_no}"
    fixed: {kind: mlps_assessment}
    extract:
      report_no: '报告编号[：:]\\s*([0-9A-Za-z-]+)'
      issuer: '测评机构[：:]\\s*(\\S+)'
      date: '报告日期[：:]\\s*(\\d{4}年\\d{1,2}月\\d{1,2}日)'
      conclusion: '等级测评结论[：:]\\s*(优|良|中|差)'
      score: '综合得分[：:]\\s*([0-9.]+)'

  - path: 测评备案.xlsx
    type: assessment
    title: 等保备案、商用密码评估、云计算服务安全评估
    columns:
      编号: id
      类型: kind
      完成日期: date
      结论: conclusion
      证书或报告编号: report_no
      出具机构: issuer
      有效期至: valid_until
    values:
      kind: {等保备案: mlps_filing, 商用密码应用安全性评估: crypto_assessment, 云计算服务安全评估: cac_assessment}

  - path: 设备清单.xlsx
    type: device
    title: 网络安全设备、专线与服务热线清单
    columns:
      资产编号: id
      设备类别: category
      名称及型号: name
      启用日期: in_service_from
      停用日期: in_service_to
    values:
      category:
        防火墙: firewall
        防病毒网关: av_gateway
        入侵防御系统（IPS）: ips
        WEB网站防篡改系统: web_tamper
        安全隔离与信息交换系统: isolation
        漏洞扫描系统: vuln_scanner
        综合日志审计系统: log_audit
        10G裸光纤专线: line_10g
        服务热线: hotline
        密码设备: crypto

  - path: 安全事件.csv
    type: incident
    title: 安全事件登记
    columns:
      事件编号: id
      发生日期: date
      事件等级: severity
      是否乙方原因: caused_by_supplier
      事件描述: description

  - path: 验收记录.xlsx
    type: acceptance
    title: 服务验收记录
    columns:
      验收编号: id
      验收事项: subject
      验收日期: date
      验收结论: passed
      不合格通知日期: notified_on
      整改完成日期: rectified_on
    values:
      passed: {合格: true, 不合格: false}

  - path: 整改通知.xlsx
    type: notice
    title: 整改通知书与警示函
    columns:
      文号: id
      类型: kind
      下达日期: issued_on
      整改期限: deadline
      整改完成日期: rectified_on
      事由: subject
    values:
      kind: {整改通知书: rectification, 警示函: warning}

  - path: 绩效考核.xlsx
    type: performance_review
    title: 半年度绩效考核
    columns:
      考核编号: id
      考核期间: period
      考核日期: date
      考核组人数: panel_size
      考核得分: score
      考核等级: grade

  - path: 服务目录.xlsx
    type: catalogue
    title: 服务目录及单价（示例数据，非合同价格）
    header_row: 2
    columns:
      目录编号: id
      服务名称: name
      计费单位: unit
      单价（元/月）: unit_price
    fixed: {sample: true}

  - path: 资源使用量.xlsx
    type: usage
    title: 月度资源使用量明细（交付确认报告汇总）
    header_row: 2
    columns:
      明细编号: id
      月份: month
      使用单位: department
      目录编号: item
      数量: quantity
      部署日期: deployed_on

  - path: 发票.xlsx
    type: invoice
    title: 发票登记
    columns:
      发票编号: id
      发票号码: number
      开票日期: issued_on
      价税合计（元）: amount
      结算期间: period
      收款方名称: payee_name
      收款账号: payee_account
      开户行: payee_bank

  - path: 付款.xlsx
    type: payment
    title: 甲方付款登记
    columns:
      付款编号: id
      发票编号: invoice_id
      付款日期: paid_on
      付款金额（元）: amount
      结算期间: period
"""

README = """\
# 示例证据：鹤壁市曙光政务云 2026年下半年（2026-07-01 至 2026-12-31）

A realistic evidence folder for the Hebi Shuguang government-cloud contract
(`../../shared/contract/hebi-shuguang-2026.txt`, signed 2026-07-01), as the
contract manager at 鹤壁市行政审批和政务信息管理局 (Party A) collects it for the
second-half audit. Everything here is **fictitious**: names, ID-card and phone
numbers (well-formed, with a valid checksum, but invented), card numbers,
invoice numbers and institutions. The unit prices in `服务目录.xlsx` are
**sample data (示例数据 / SAMPLE)**, not the contract's 附件1.

Generated by `examples/make_hebi_2026h2.py` (deterministic: the same bytes on
every run); `evidence.yaml` says which file holds which facts and maps the
Chinese headers to fact fields. Run:

```bash
.venv/bin/python examples/make_hebi_2026h2.py        # (re)write this folder
.venv/bin/lvyue check examples/hebi-2026h2 --pack rules/hebi-shuguang-2026 --half 2026H2
.venv/bin/lvyue check examples/hebi-2026h2 --pack rules/hebi-shuguang-2026 --half 2026H2 --format json
```

The as-of date defaults to the last day the evidence covers: 2026-12-31 (the
door-access export runs to that day).

## Files

| file | what | fact type |
|---|---|---|
| 人员名册.xlsx | Party B's O&M team: 工号, 姓名, 身份证号, 手机号, 岗位, 专业类别 (云计算/网络/存储/安全), 是否本地/核心/驻场, 安全团队 (是/否), 到岗/离岗日期 (Excel dates and typed text such as 2026年9月15日, 2026/11/2) | staff |
| 门禁记录.csv | door-access export, **GB18030**, {access_lines} lines, timestamps like `2026/9/1 08:52:11`; only 区域 = 甲方办公区 counts (乙方机房 lines and Party A's own employees are in the export too) | onsite_day (derived) |
| 人员更换.csv | staff replacements (UTF-8 with BOM) | staff_change |
| 检修计划.xlsx | maintenance / cut-over / upgrade plan with the date Party A was notified | maintenance |
| 资源申请.xlsx | resource requests: formal notice date and delivery date | resource_request |
| 报告台账.xlsx | monthly usage confirmation reports and operation reports (periods 2026-07 … 2026-11; December's are not yet due) | report |
| 应急演练.xlsx | drills | drill |
| 等保测评报告.docx | MLPS level-3 assessment report (Word); report number, institution, date, conclusion and score are extracted by the manifest's regular expressions | assessment |
| 测评备案.xlsx | MLPS filing, commercial-cryptography assessment, CAC cloud-service security assessment | assessment |
| 设备清单.xlsx | security devices, 10G lines (7, one retired 2026-11-30), the 7×24 hotline, cryptography devices, with in-service dates | device |
| 安全事件.csv | security incidents (UTF-8) | incident |
| 验收记录.xlsx | acceptance results; one failure rectified within 5 working days | acceptance |
| 整改通知.xlsx | rectification notices, both corrected within their deadlines | notice |
| 绩效考核.xlsx | the 2026H2 performance review | performance_review |
| 服务目录.xlsx | service catalogue, title row 示例数据 SAMPLE, `sample: true` | catalogue |
| 资源使用量.xlsx | monthly usage lines (month, item, quantity, deployed on); resources deployed on the 14th, 15th, 16th and 18th of a month exercise the 15th-of-month rule | usage |
| 发票.xlsx | INV-2026-001: the separately paid overdue sum 6,182,058.17 (period 2025-10..2026-06, issued 2026-07-10); INV-2026-002: 2026H2, issued 2026-12-30, {h2_amount} | invoice |
| 付款.xlsx | Party A's payments, with invoice and period | payment |

**Deliberately absent:** no force-majeure file (十二: `HB-FM-NOTICE` reports
`no_evidence`: nothing shows whether a force-majeure event occurred) and no
hand-over file (九.2: `HB-DATA-HANDOVER` is not yet due, it applies when the
term ends). Removing any other file turns its clauses into `no_evidence`,
never `compliant`.

## Planted breaches

Exactly these findings have status `breach`. Everything else with evidence is
compliant, except where nothing fell due in the half year (`not_due`, never
compliant): `HB-PAY-WITHIN-60` (the 2026-12-30 invoice is payable in 2027),
`HB-QA-WARNING` (no warning letter was issued) and `HB-DATA-HANDOVER` (it
applies when the term ends). `tests/test_example_hebi.py` compares this table
(rule, subject) with `lvyue check --format json`.

| rule | subject | clause | what | where |
|---|---|---|---|---|
| HB-OPS-TEAM-SIZE | 本地化运维团队核心成员不少于10人 | 四（三）2 | Only 9 core local engineers from 2026-09-01 to 2026-09-14: 杨帆 (H006) left 2026-08-31, 孙悦 (H011) started 2026-09-15 | 人员名册.xlsx rows H006, H011 |
| HB-OPS-ONSITE | 工作日至少一名技术人员驻场（含调休上班日） | 四（三）2 | Nobody on site on the make-up Sunday 2026-09-20 (周鹏 badged at 乙方机房, which does not count) | 门禁记录.csv (no 甲方办公区 line of H002/H009 that day) |
| HB-OPS-ONSITE | 工作日至少一名技术人员驻场（含调休上班日） | 四（三）2 | Nobody on site on the make-up Saturday 2026-10-10 | 门禁记录.csv |
| HB-OPS-NOTICE | M-2026-03 | 四（三）6 | Cut-over on 2026-10-09 notified 2026-09-22: 6 working days between (Mid-Autumn and National Day intervene), 7 needed, notice due by 2026-09-21; counting the event day in gives 7, so the finding notes that only the strict reading makes it a breach | 检修计划.xlsx M-2026-03 |
| HB-OPS-NOTICE | M-2026-05 | 四（三）6 | Upgrade on 2026-11-20 notified 2026-11-11: 6 working days strictly between, 7 if the event day counts; only the strict reading (the pack's default) makes it a breach, and the finding says so | 检修计划.xlsx M-2026-05 |
| HB-OPS-REPLACE-CONSENT | SC-2026-02 | 四（三）2 | On-site engineer 李晓燕 → 马超 effective 2026-11-02; Party A consented only on 2026-11-04 (the notice of 2026-10-23 was in time) | 人员更换.csv SC-2026-02 |
| HB-RES-DELIVERY | RR-2026-07 | 四（二）2 | Formally notified 2026-09-29 (Tue); 3 working days across National Day end 2026-10-09; delivered 2026-10-12 | 资源申请.xlsx RR-2026-07 |
| HB-PAY-USAGE-REPORT | 2026-10 | 三.1.1 | October's usage confirmation report due 2026-11-13 (10 working days after 2026-10-31, parameter to confirm), delivered 2026-11-20 | 报告台账.xlsx QR-2026-04 |
| HB-SEC-DEVICES | WEB网站防篡改系统 | 四（四）6 | No web anti-tamper system in service 2026-11-01 to 2026-11-10 (old licence ended 2026-10-31, new system from 2026-11-11) | 设备清单.xlsx SEC-WT-01, SEC-WT-02 |
| HB-SEC-INCIDENT | INC-2026-02 | 四（四）7 | Supplier-caused incident on 2026-08-18 (firewall rule opened a database port); INC-2026-01 was not caused by the supplier and is no breach | 安全事件.csv INC-2026-02 |
| HB-PAY-OVERDUE-SETTLE | 超期9个月费用于合同签订后3个月内结清 | 三.2 | **Party A**: the overdue sum 6,182,058.17 was due by 2026-10-08 (3 months from 2026-07-01 end on 2026-10-01, a holiday); paid 3,000,000.00 on 2026-09-15 and 3,182,058.17 on 2026-10-20 | 付款.xlsx PAY-2026-001, PAY-2026-002 |
| HB-PAY-FEE | INV-2026-002 | 三.1.1 | INV-2026-002 bills RR-2026-04 (20,000 GB SSD deployed 2026-09-18) for September although it was deployed after the 15th: {excess} too much; every other line is usage × unit price exactly | 发票.xlsx INV-2026-002; 资源使用量.xlsx {wrong_line} |
| HB-QA-PANEL | KH-2026H2 | 五（考核） | **Party A**: the 2026H2 performance review on 2026-12-28 had a panel of 4 (needs an odd number, at least 3) | 绩效考核.xlsx KH-2026H2 |

## What is compliant, and why (the boundaries exercised)

- Core team ≥ 10 otherwise, with cloud, network, storage and security engineers
  every day (storage stays covered while H006 is gone); 何志远 (core, not local)
  and 郭敏 (local, not core) do not count.
- On-site presence on every other working day, including leave days covered by
  the other engineer; the replacement on 2026-11-02 hands over without a gap.
- Maintenance M-2026-06 (2026-12-12) was notified 2026-12-02: exactly 7
  working days between. M-2026-04 does not affect service and needs no notice.
- RR-2026-05 (notified Thu 2026-09-17) was due on Mon 2026-09-21 because the
  make-up Sunday 2026-09-20 counts as a working day; RR-2026-08 was delivered
  on its last day.
- The usage report for 2026-11 was delivered on its due date 2026-12-14; the
  December reports are not yet due on 2026-12-31.
- At least 6 10G lines every day (LINE-07 joined before LINE-03 was retired);
  the hotline and cryptography devices are in service throughout.
- 15th-of-month rule: a resource deployed on the 14th (RR-2026-03) and on the
  15th (RR-2026-08, billed in full by the pack's default for the unstated 15th)
  is billed for that month; ones deployed on the 16th (RR-2026-09), 21st and
  24th are not, and the invoice leaves them out.
- MLPS filing 2026-08-20; MLPS assessment (Word report) 良 86.45; commercial
  cryptography assessment 基本符合; CAC assessment 通过; two drills.
- Rectification notices corrected before their deadlines; acceptance failure
  YS-2026-02 notified 2026-10-14 and rectified 2026-10-20 (due 2026-10-21).
- INV-2026-002 (issued 2026-12-30) is not yet payable: 60 working days run
  into 2027.
"""


def write(out: Path = OUT) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    lines = usage_lines()
    correct, invoiced = invoice_amount(lines)
    roster(out)
    n = access_log(out)
    maintenance(out)
    staff_changes(out)
    resource_requests(out)
    report_register(out)
    drills(out)
    assessments(out)
    mlps_report(out)
    devices(out)
    incidents(out)
    acceptance(out)
    notices(out)
    performance(out)
    catalogue(out)
    usage(out, lines)
    invoices(out, invoiced)
    payments(out)
    wrong = next(u["id"] for u in lines if (u["source"], u["month"]) == WRONGLY_BILLED)
    (out / "evidence.yaml").write_text(MANIFEST, encoding="utf-8")
    readme = README.format(
        access_lines=f"{n:,}",
        h2_amount=f"{invoiced:,.2f}",
        excess=f"{invoiced - correct:,.2f}",
        wrong_line=wrong,
    )
    (out / "README.md").write_text(readme, encoding="utf-8")
    return {"access_lines": n, "fee_correct": correct, "invoiced": invoiced}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    info = write(target)
    print(f"wrote {target}: {info['access_lines']} access lines, INV-2026-002 {info['invoiced']} (correct {info['fee_correct']})")  # fmt: skip

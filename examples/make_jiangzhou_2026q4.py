"""Writes examples/jiangzhou-2026q4/: a realistic evidence folder for 2026-10-01..2026-12-31.

The folder is what the contract manager at 江州市大数据管理局 (Party A) collects
for the fourth-quarter audit of the extranet operations contract
(`../shared/contract/jiangzhou-waiwang-2026.txt`): the supplier's Excel roster
and certificate list, the door-access export of the government service centre
(GB18030, CRLF), the network monitoring platform's per-minute probe export
(about 795,000 lines), maintenance plans and approved windows, fault tickets,
security events, staff changes, reports, a drill register, rectification
notices, acceptance and payment, invoices. Two documents are dated January
2027, after the quarter: the 2026Q4 acceptance (2027-01-04) and the 2026Q4
invoice (2027-01-05), which the pre-payment check needs. Every file is generated from the
fixed data below (the only randomness, minutes and seconds of swipes and
probes, is seeded), and Office files are written with fixed timestamps, so two
runs give byte-identical files.

A handful of breaches is planted on purpose, and a few traps that must not be
breaches; README.md (also written here) lists them, and
tests/test_example_jiangzhou.py compares its table with `lvyue check`.

    .venv/bin/python examples/make_jiangzhou_2026q4.py [OUT_DIR]
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

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

D = dt.date
T = dt.datetime
OUT = Path(__file__).resolve().parent / "jiangzhou-2026q4"
START, END = D(2026, 10, 1), D(2026, 12, 31)
FIXED_TIME = (2027, 1, 4, 9, 0, 0)  # every zip member and document property

# --- calendar ------------------------------------------------------------------------
# 国务院办公厅关于2026年部分节假日安排的通知 (fourth quarter): 国庆节、中秋节 10月1日至7日
# 放假; 10月10日（星期六）调休上班. No other holiday until 2027-01-01.
HOLIDAYS = {D(2026, 10, d) for d in range(1, 8)}
MAKEUP = {D(2026, 10, 10)}


def is_working(d: dt.date) -> bool:
    if d in MAKEUP:
        return True
    return d.weekday() < 5 and d not in HOLIDAYS


def days(a: dt.date, b: dt.date):
    while a <= b:
        yield a
        a += dt.timedelta(days=1)


# --- people --------------------------------------------------------------------------
# id, name, masked ID number, masked phone, role, on site, start, end, card number, note
STAFF = [
    ("JZ01", "陈立新", "3601**********0437", "139****2086", "项目经理", "否", D(2026, 7, 1), D(2026, 11, 30), "0061502201", "调任公司华东区域"),
    ("JZ02", "方海涛", "3601**********2215", "138****7410", "项目经理", "否", D(2026, 12, 1), None, "0061502202", "接替陈立新"),
    ("JZ03", "刘振宇", "3604**********1819", "135****6652", "驻场工程师", "是", D(2026, 7, 1), None, "0061502211", None),
    ("JZ04", "王思远", "3601**********3058", "158****0937", "驻场工程师", "是", D(2026, 7, 1), None, "0061502212", "CISP证书2026-12-15到期，换证中"),
    ("JZ05", "赵敏", "3609**********4527", "187****3361", "驻场工程师", "是", D(2026, 7, 1), None, "0061502213", None),
    ("JZ06", "孙浩", "3601**********0654", "136****9025", "驻场工程师", "是", D(2026, 7, 1), D(2026, 11, 6), "0061502214", "调回公司"),
    ("JZ07", "李佳琪", "3607**********2146", "177****5183", "驻场工程师", "是", D(2026, 11, 9), None, "0061502215", "接替孙浩"),
    ("JZ08", "黄振东", "3601**********1572", "133****4418", "网络工程师（二线）", "否", D(2026, 7, 1), None, "0061502221", "公司本部，割接时到场"),
    ("JZ09", "吴雪梅", "3601**********0829", "189****6670", "安全工程师（二线）", "否", D(2026, 7, 1), None, "0061502222", "公司本部，远程支持"),
]  # fmt: skip
NAMES = {s[0]: s[1] for s in STAFF}
CARD = {s[0]: s[8] for s in STAFF}
SUPPLIER = "江州信诚网络技术有限公司"
PARTY_A = "江州市大数据管理局"

# certificate id, person, kind, number, valid from, valid to
CERTS = [
    ("ZS-01", "JZ03", "CISP", "CNITSEC2025CISP05871", D(2025, 3, 20), D(2028, 3, 19)),
    ("ZS-02", "JZ04", "CISP", "CNITSEC2023CISP11324", D(2023, 12, 16), D(2026, 12, 15)),
    ("ZS-03", "JZ05", "HCIE-Datacom", "HCIE-DC-39127", D(2024, 5, 8), D(2027, 5, 7)),
    ("ZS-04", "JZ06", "CISP", "CNITSEC2024CISP07765", D(2024, 9, 2), D(2027, 9, 1)),
    ("ZS-05", "JZ07", "CISP", "CNITSEC2025CISP12093", D(2025, 11, 24), D(2028, 11, 23)),
    ("ZS-06", "JZ09", "CISP", "CNITSEC2022CISP03318", D(2022, 6, 30), D(2028, 6, 29)),
    ("ZS-07", "JZ02", "PMP", "PMP-3081442", D(2023, 4, 1), D(2026, 3, 31)),
]  # fmt: skip

# who is on duty at Party A's network machine room, day by day
LEAVE = {  # leave days (年休假/事假), never leaving fewer than 3, or fewer than 2 CISP holders
    "JZ03": {D(2026, 10, 27)},
    "JZ05": {D(2026, 10, 30), D(2026, 11, 27)},
    "JZ07": {D(2026, 11, 18)},  # planted with JZ05's late arrival: only 3 scheduled that day
}
# 赴省大数据中心集中培训（后转县区节点割接）
AWAY = {"JZ07": set(days(D(2026, 12, 16), D(2026, 12, 31)))}
LATE = {("JZ05", D(2026, 11, 18)): (8, 45)}  # planted: arrives at the machine room at 08:45


def resident(d: dt.date) -> list[str]:
    crew = ["JZ03", "JZ04", "JZ05", "JZ06" if d <= D(2026, 11, 6) else "JZ07"]
    return [p for p in crew if d not in LEAVE.get(p, ()) and d not in AWAY.get(p, ())]


PARTY_A_STAFF = [  # Party A's own employees: in the same export, not on the supplier's roster
    ("1002300417", "周文斌", "网络安全科"), ("1002300425", "蒋丽", "网络安全科"), ("1002300433", "沈家豪", "办公室"),
    ("1002300441", "韩雪", "数据资源科"), ("1002300458", "曹阳", "数据资源科"), ("1002300466", "邱敏", "办公室"),
]  # fmt: skip
HALL, OFFICE = "政务服务中心1F闸机", "5F办公区门禁"
ROOM_A, ROOM_B = "网络机房A门", "网络机房B门"


# --- the monitored core network --------------------------------------------------------------
SYSTEMS = ["市级核心节点", "骨干链路-江北区", "骨干链路-清源县", "骨干链路-桐山县", "骨干链路-云溪县", "骨干链路-石门县"]  # fmt: skip
# system, first failed minute, minutes down (each a run of 中断 probes)
OUTAGES = [
    ("骨干链路-桐山县", T(2026, 10, 17, 1, 0), 90),  # inside approved window CK-2026-10: excluded
    ("骨干链路-云溪县", T(2026, 11, 11, 14, 20), 50),  # planted: 99.8843 % in November
    ("骨干链路-江北区", T(2026, 12, 9, 3, 12), 44),  # boundary: 99.9014 % in December, compliant
]
SLOW = 0.0004  # share of probes reporting 延迟高 (a warning, not a failure)


def month_minutes(y: int, m: int) -> int:
    nxt = D(y + (m == 12), m % 12 + 1, 1)
    return (nxt - D(y, m, 1)).days * 1440


def availability(minutes_down: int, y: int, m: int) -> Decimal:
    total = month_minutes(y, m)
    return (Decimal(total - minutes_down) / total * 100).quantize(Decimal("0.0001"), ROUND_HALF_UP)


# --- operations --------------------------------------------------------------------------
# id, kind, title, start, end, notified, approved, affects service
MAINTENANCE = [
    ("WH-2026-09", "割接", "骨干链路-桐山县光缆迁改割接", D(2026, 10, 17), D(2026, 10, 17), D(2026, 10, 13), D(2026, 10, 14), "是"),
    ("WH-2026-10", "巡检", "核心交换机季度巡检（不中断业务）", D(2026, 10, 29), D(2026, 10, 29), None, None, "否"),
    ("WH-2026-11", "升级", "市级核心节点交换机软件版本升级（主备切换）", D(2026, 11, 21), D(2026, 11, 21), D(2026, 11, 13), D(2026, 11, 16), "是"),
    ("WH-2026-12", "调试", "骨干链路-石门县备用链路切换调试", D(2026, 12, 5), D(2026, 12, 5), D(2026, 11, 27), D(2026, 12, 7), "是"),
]  # fmt: skip
# id, system, start, end, approved, maintenance
WINDOWS = [
    ("CK-2026-10", "骨干链路-桐山县", T(2026, 10, 17, 0, 30), T(2026, 10, 17, 4, 30), D(2026, 10, 14), "WH-2026-09"),
    ("CK-2026-11", "市级核心节点", T(2026, 11, 21, 1, 0), T(2026, 11, 21, 5, 0), D(2026, 11, 16), "WH-2026-11"),
    ("CK-2026-12", "骨干链路-石门县", T(2026, 12, 5, 1, 0), T(2026, 12, 5, 3, 0), D(2026, 12, 7), "WH-2026-12"),
]  # fmt: skip
# id, object, description, reported, responded, repaired, severity, source, analysis report
TICKETS = [
    ("GZ-2026-1003", "市卫健委接入点", "接入交换机端口频繁翻转", T(2026, 10, 3, 20, 41), T(2026, 10, 3, 20, 58), T(2026, 10, 3, 23, 5), "一般", "甲方报修", None),
    ("GZ-2026-1009", "市人社局接入点", "接入路由器CPU利用率过高，业务卡顿", T(2026, 10, 13, 9, 26), T(2026, 10, 13, 9, 39), T(2026, 10, 13, 11, 2), "一般", "甲方报修", None),
    ("GZ-2026-1015", "市公安局接入点", "汇聚至接入点光模块收光弱", T(2026, 10, 22, 10, 5), T(2026, 10, 22, 10, 40), T(2026, 10, 22, 11, 30), "一般", "甲方报修", None),
    ("GZ-2026-1104", "市医保局接入点", "接入交换机电源模块故障", T(2026, 11, 5, 9, 12), T(2026, 11, 5, 9, 25), T(2026, 11, 5, 13, 13), "一般", "甲方报修", None),
    ("GZ-2026-1107", "骨干链路-云溪县", "云溪县节点骨干链路中断（光缆被施工挖断）", T(2026, 11, 11, 14, 21), T(2026, 11, 11, 14, 29), T(2026, 11, 11, 15, 10), "一般", "监控告警", None),
    ("GZ-2026-1112", "市教育局接入点", "DHCP地址池耗尽", T(2026, 11, 26, 16, 48), T(2026, 11, 26, 17, 2), T(2026, 11, 26, 18, 15), "一般", "甲方报修", None),
    ("GZ-2026-1201", "市自然资源局接入点", "接入防火墙会话表满", T(2026, 12, 3, 15, 40), T(2026, 12, 3, 15, 52), T(2026, 12, 3, 19, 40), "一般", "甲方报修", None),
    ("GZ-2026-1203", "骨干链路-江北区", "江北区节点骨干链路中断（对端设备掉电）", T(2026, 12, 9, 3, 13), T(2026, 12, 9, 3, 30), T(2026, 12, 9, 3, 56), "一般", "监控告警", None),
    ("GZ-2026-1209", "市税务局接入点", "VPN隧道间歇中断", T(2026, 12, 22, 11, 8), T(2026, 12, 22, 11, 21), T(2026, 12, 22, 14, 36), "一般", "甲方报修", None),
]  # fmt: skip
# id, found, reported, severity, by supplier, description
SECURITY = [
    ("AQ-2026-07", T(2026, 10, 6, 23, 10), T(2026, 10, 7, 1, 10), "一般", "否", "境外IP对外网统一门户持续暴力破解登录，已封禁源地址"),
    ("AQ-2026-08", T(2026, 11, 24, 10, 30), T(2026, 11, 24, 12, 40), "较大", "否", "市直部门终端感染挖矿木马并横向扫描外网地址段"),
    ("AQ-2026-09", T(2026, 12, 14, 15, 2), T(2026, 12, 14, 16, 20), "一般", "否", "接入点发现仿冒政务邮件钓鱼链接，已拦截并通报"),
]  # fmt: skip
# id, leaving, joining, role, effective, notified, consented, reason
CHANGES = [
    ("RY-2026-03", "JZ06", "JZ07", "驻场工程师", "2026/11/9", "2026/11/4", "2026/11/6", "孙浩调回公司总部"),
    ("RY-2026-04", "JZ01", "JZ02", "项目经理", "2026/12/1", "2026/11/16", "2026/11/20", "陈立新调任公司华东区域"),
]  # fmt: skip
# id, kind, name, period, delivered
REPORTS = [
    # July and August fell due in Q3; they are here so that no report is still open in Q4
    ("YB-2026-07", "运维服务月报", "2026年7月运维服务月报", "2026-07", D(2026, 8, 6)),
    ("YB-2026-08", "运维服务月报", "2026年8月运维服务月报", "2026-08", D(2026, 9, 4)),
    ("YB-2026-09", "运维服务月报", "2026年9月运维服务月报", "2026-09", D(2026, 10, 13)),
    ("BD-2026Q3", "补丁级别核查报告", "2026年第三季度补丁级别核查报告", "2026Q3", D(2026, 10, 19)),
    ("YB-2026-10", "运维服务月报", "2026年10月运维服务月报", "2026-10", D(2026, 11, 5)),
    ("YB-2026-11", "运维服务月报", "2026年11月运维服务月报", "2026-11", D(2026, 12, 8)),
]  # fmt: skip
DRILLS = [
    ("YL-2026-01", D(2026, 6, 18), "实战演练", "电子政务外网核心节点断电应急切换演练（上一服务期）", "甲方、原运维单位"),
]  # fmt: skip
# id, kind, issued, deadline (15 days), rectified, subject
NOTICES = [
    ("江数管整〔2026〕5号", "整改通知书", D(2026, 10, 12), D(2026, 10, 27), D(2026, 10, 23), "9月巡检记录缺少2个县区节点，要求补巡并完善巡检台账"),
    ("江数管整〔2026〕7号", "整改通知书", D(2026, 11, 2), D(2026, 11, 17), D(2026, 11, 20), "10月22日故障GZ-2026-1015响应超时，要求完善7×24小时值守与告警响应机制"),
]  # fmt: skip
QUARTER_FEE = Decimal("900000.00")
LATE_RATE = Decimal("0.0003")
ACCEPTED, PAID = D(2026, 10, 14), D(2026, 11, 20)
DUE = ACCEPTED + dt.timedelta(days=30)  # 2026-11-13, a Friday (a working day: no extension)
LATE_DAYS = (PAID - DUE).days
PENALTY = (QUARTER_FEE * LATE_RATE * LATE_DAYS).quantize(Decimal("0.01"), ROUND_HALF_UP)
# The 2026Q4 settlement (README, "The quarter's settlement, by hand"): the quarter's fee less
# 3.2 availability 2 % tier (900,000.00 × 0.02), 3.3 one repair overrun, 4.4 one absent
# person-day, 8.1 three days' late rectification.
Q4_DEDUCTIONS = {
    "3.2": QUARTER_FEE * Decimal("0.02"),  # 18,000.00
    "3.3": Decimal("2000") * 1,
    "4.4": Decimal("500") * 1,
    "8.1": Decimal("1000") * 3,
}
Q4_NET = QUARTER_FEE - sum(Q4_DEDUCTIONS.values())  # 876,500.00
# January 2027, after the quarter. 2027's State Council arrangement is not yet published (the
# engine's 2027 calendar is provisional), so these dates are chosen not to depend on it:
# 2027-01-01 (Fri) is New Year's Day in any arrangement, 01-04 (Mon) the first working day.
# The acceptance on 01-04 is the 1st of the 10 working days after 2026-12-31 (due 01-15), and
# 30 days after it end on Wed 2027-02-03, two days before 除夕 (02-05): a later acceptance would
# put the payment deadline into the Spring Festival, whose holidays are only guessed for 2027.
ACCEPTED_Q4, INVOICED_Q4 = D(2027, 1, 4), D(2027, 1, 5)
LAST_EVIDENCE_DAY = INVOICED_Q4  # the pre-payment check's as-of date
PAYEE = (SUPPLIER, "360201060001288817", "中国工商银行江州分行营业部")


# --- writers -----------------------------------------------------------------------------
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E2EFDA")


def sheet(wb: openpyxl.Workbook, name: str, headers: list[str], rows: list[list], widths: dict[int, int] | None = None, formats: dict[int, str] | None = None) -> None:  # fmt: skip
    ws = wb.active if wb.active.title == "Sheet" else wb.create_sheet()
    ws.title = name
    ws.append(headers)
    for c in range(1, len(headers) + 1):
        ws.cell(1, c).font = HEAD_FONT
        ws.cell(1, c).fill = HEAD_FILL
    for row in rows:
        ws.append(row)
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if formats and cell.column in formats:
                cell.number_format = formats[cell.column]
    for c in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(c)].width = (widths or {}).get(c, 16)
    ws.freeze_panes = "A2"


def xlsx(path: Path, sheets: list[tuple]) -> None:
    wb = openpyxl.Workbook()
    for args in sheets:
        sheet(wb, *args)
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


def csv_file(path: Path, headers: list[str], rows: list[list], encoding: str, eol: str = "\r\n") -> None:  # fmt: skip
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator=eol)
    w.writerow(headers)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


# --- the files ---------------------------------------------------------------------------


def roster(out: Path) -> None:
    headers = ["人员编号", "姓名", "身份证号", "联系电话", "岗位", "是否驻场", "到岗日期", "离岗日期", "门禁卡号", "备注"]  # fmt: skip
    rows = [[sid, name, idn, phone, role, onsite, start, end, card, note] for sid, name, idn, phone, role, onsite, start, end, card, note in STAFF]  # fmt: skip
    xlsx(
        out / "人员名册.xlsx",
        [("运维人员名册", headers, rows, {3: 22, 4: 14, 5: 20, 9: 14, 10: 30})],
    )


def certificates(out: Path) -> None:
    headers = ["证书编号", "人员编号", "姓名", "证书类型", "证书号码", "发证日期", "有效期至"]
    rows = [
        [cid, pid, NAMES[pid], kind, number, vf, vt] for cid, pid, kind, number, vf, vt in CERTS
    ]
    xlsx(out / "资质证书.xlsx", [("人员资质", headers, rows, {5: 26, 6: 14, 7: 14})])


def access_log(out: Path) -> int:
    rnd = random.Random(20261001)
    events: list[tuple] = []

    def swipe(
        d: dt.date, h: int, m: int, card: str, name: str, unit: str, door: str, way: str
    ) -> None:
        events.append((dt.datetime(d.year, d.month, d.day, h, m, rnd.randrange(60)), card, name, unit, door, way))  # fmt: skip

    for d in days(START, END):
        if d == D(2026, 10, 17):  # the cut-over night: the second-line engineer at the machine room
            who = (CARD["JZ08"], NAMES["JZ08"], SUPPLIER)
            swipe(d, 0, 12, *who, HALL, "进")
            swipe(d, 0, 16, *who, ROOM_B, "进")
            swipe(d, 4, 41, *who, ROOM_B, "出")
            swipe(d, 4, 45, *who, HALL, "出")
        if not is_working(d):
            continue
        for j, (card, name, dept) in enumerate(PARTY_A_STAFF):
            if (d.toordinal() + j) % 7 == 0:
                continue  # out of office
            who = (card, name, f"{PARTY_A}{dept}")
            swipe(d, 8, 15 + rnd.randrange(20), *who, HALL, "进")
            swipe(d, 8, 36 + rnd.randrange(10), *who, OFFICE, "进")
            # Party A's network admin looks in at the machine room now and then
            if dept == "网络安全科" and d.day % 5 == 0:
                swipe(d, 10, rnd.randrange(50), *who, ROOM_A, "进")
            swipe(d, 17, 31 + rnd.randrange(20), *who, OFFICE, "出")
            swipe(d, 17, 52 + rnd.randrange(8), *who, HALL, "出")
        if d == D(2026, 12, 17):  # a CISP holder of the second line visits: not a resident engineer
            who = (CARD["JZ09"], NAMES["JZ09"], SUPPLIER)
            swipe(d, 9, 40, *who, ROOM_A, "进")
            swipe(d, 16, 5, *who, ROOM_A, "出")
        for k, sid in enumerate(resident(d)):
            who = (CARD[sid], NAMES[sid], f"{SUPPLIER}（驻场）")
            door = ROOM_A if k % 2 == 0 else ROOM_B
            h_in, m_in = LATE.get((sid, d), (8, rnd.randrange(26)))  # 08:00-08:25
            swipe(d, h_in, max(m_in - 4, 0), *who, HALL, "进")
            swipe(d, h_in, m_in, *who, door, "进")
            swipe(d, 11, 55 + rnd.randrange(5), *who, door, "出")
            swipe(d, 12, 50 + rnd.randrange(10), *who, door, "进")
            leave_at = 17 * 60 + 35 + rnd.randrange(56)  # 17:35-18:30
            swipe(d, leave_at // 60, leave_at % 60, *who, door, "出")
            swipe(d, (leave_at + 3) // 60, (leave_at + 3) % 60, *who, HALL, "出")
    events.sort()
    rows = []
    for n, (t, card, name, unit, door, way) in enumerate(events, start=1):
        rows.append([n, f"{t.year}/{t.month}/{t.day} {t:%H:%M:%S}", card, name, unit, door, way])
    headers = ["序号", "刷卡时间", "卡号", "姓名", "单位", "门禁点", "进出方向"]
    csv_file(out / "门禁记录.csv", headers, rows, "gb18030")
    return len(rows)


def monitoring(out: Path) -> int:
    """The monitoring platform's export: one probe per system per minute, UTF-8, LF."""
    rnd = random.Random(20261231)
    down: dict[str, set[int]] = {s: set() for s in SYSTEMS}
    t0 = T(2026, 10, 1)
    for system, start, minutes in OUTAGES:
        first = int((start - t0).total_seconds() // 60)
        down[system].update(range(first, first + minutes))
    total = ((END - START).days + 1) * 1440
    base = {s: 2 + 3 * i for i, s in enumerate(SYSTEMS)}  # typical round-trip milliseconds
    chunks = ["时间,监测对象,状态,时延(ms)\n"]
    n = 0
    for minute in range(total):
        t = t0 + dt.timedelta(minutes=minute)
        stamp = f"{t:%Y-%m-%d %H:%M}"
        for system in SYSTEMS:
            sec = rnd.randrange(60)
            if minute in down[system]:
                status, ms = "中断", ""
            elif rnd.random() < SLOW:
                status, ms = "延迟高", str(180 + rnd.randrange(300))
            else:
                status, ms = "正常", str(base[system] + rnd.randrange(4))
            chunks.append(f"{stamp}:{sec:02d},{system},{status},{ms}\n")
            n += 1
    (out / "网络监控.csv").write_bytes("".join(chunks).encode("utf-8"))
    return n


def maintenance(out: Path) -> None:
    headers = ["计划编号", "作业类型", "作业内容", "实施日期", "结束日期", "报甲方日期", "甲方批准日期", "是否影响业务"]  # fmt: skip
    rows = [list(m) for m in MAINTENANCE]
    xlsx(out / "检修计划.xlsx", [("检修割接计划", headers, rows, {3: 40, 6: 14, 7: 14})])


def windows(out: Path) -> None:
    headers = ["窗口编号", "监测对象", "窗口开始", "窗口结束", "甲方批准日期", "关联计划"]
    rows = [list(w) for w in WINDOWS]
    xlsx(out / "维护窗口.xlsx", [("批准的维护窗口", headers, rows, {2: 18, 3: 18, 4: 18, 5: 14})])


def tickets(out: Path) -> None:
    headers = ["工单号", "故障对象", "故障描述", "报修时间", "响应时间", "修复时间", "故障级别", "来源", "分析报告提交日期"]  # fmt: skip
    rows = [list(t) for t in TICKETS]
    xlsx(
        out / "故障工单.xlsx",
        [("故障工单", headers, rows, {2: 20, 3: 40, 4: 18, 5: 18, 6: 18, 9: 16})],
    )


def security(out: Path) -> None:
    headers = ["事件编号", "发现时间", "书面报告时间", "事件级别", "是否乙方原因", "事件描述"]
    rows = [list(s) for s in SECURITY]
    xlsx(out / "安全事件.xlsx", [("网络安全事件", headers, rows, {2: 18, 3: 18, 6: 50})])


def staff_changes(out: Path) -> None:
    headers = ["更换编号", "离任人员", "接任人员", "岗位", "生效日期", "告知甲方日期", "甲方同意日期", "更换原因"]  # fmt: skip
    csv_file(out / "人员更换.csv", headers, [list(c) for c in CHANGES], "utf-8-sig")


def reports(out: Path) -> None:
    headers = ["报告编号", "报告类型", "报告名称", "报告期", "提交日期"]
    rows = [list(r) for r in REPORTS]
    xlsx(out / "运维报告.xlsx", [("报告台账", headers, rows, {2: 18, 3: 34})])


def drills(out: Path) -> None:
    headers = ["演练编号", "演练日期", "演练类型", "演练名称", "参演单位"]
    xlsx(out / "演练记录.xlsx", [("演练记录", headers, [list(r) for r in DRILLS], {4: 50, 5: 20})])


def notices(out: Path) -> None:
    headers = ["文号", "类型", "下达日期", "整改期限", "整改完成日期", "事由"]
    xlsx(out / "整改通知.xlsx", [("整改通知", headers, [list(n) for n in NOTICES], {1: 22, 6: 60})])


def acceptance_and_payment(out: Path) -> None:
    acc_headers = ["验收编号", "验收期间", "验收日期", "验收结论", "应付金额（元）", "验收组"]
    acc = [
        ["YS-2026Q3", "2026Q3", ACCEPTED, "合格", QUARTER_FEE, "周文斌、蒋丽、韩雪"],
        ["YS-2026Q4", "2026Q4", ACCEPTED_Q4, "合格", Q4_NET, "周文斌、蒋丽、韩雪"],
    ]
    pay_headers = ["付款编号", "验收编号", "付款日期", "付款金额（元）", "付款方式", "备注"]
    pay = [
        ["FK-2026-03", "YS-2026Q3", PAID, QUARTER_FEE, "国库集中支付", "2026年第三季度运维服务费"]
    ]
    money = {5: "#,##0.00"}
    xlsx(
        out / "验收与付款.xlsx",
        [
            ("验收", acc_headers, acc, {6: 24}, money),
            ("付款", pay_headers, pay, {5: 16, 6: 30}, {4: "#,##0.00"}),
        ],
    )


def invoices(out: Path) -> None:
    headers = ["发票编号", "发票号码", "开票日期", "价税合计（元）", "所属期间", "销售方名称", "收款账号", "开户银行"]  # fmt: skip
    rows = [
        ["FP-2026-03", "36012600000020481735", D(2026, 10, 16), QUARTER_FEE, "2026Q3", *PAYEE],
        ["FP-2026-04", "36012700000000316092", INVOICED_Q4, Q4_NET, "2026Q4", *PAYEE],
    ]
    xlsx(out / "发票.xlsx", [("发票登记", headers, rows, {2: 24, 4: 16, 6: 28, 7: 22, 8: 26}, {4: "#,##0.00"})])  # fmt: skip


MANIFEST = """\
# 江州市电子政务外网运维服务 2026年第四季度履约检查：证据清单（lvyue evidence manifest）
# 每个文件一项：事实类型（type）与“表头 → 字段”的对应（columns）。
audit: 2026年第四季度履约检查（2026-10-01 至 2026-12-31）
note: 示例证据，由 examples/make_jiangzhou_2026q4.py 生成；人名、证件号、电话、卡号、编号均为虚构。
files:
  - path: 人员名册.xlsx
    type: staff
    title: 乙方运维人员名册（含驻场工程师）
    columns:
      人员编号: id
      姓名: name
      身份证号: id_number
      联系电话: phone
      岗位: role
      是否驻场: onsite
      到岗日期: start
      离岗日期: end

  - path: 资质证书.xlsx
    type: certificate
    title: 运维人员资质证书（CISP等）
    columns:
      证书编号: id
      人员编号: person_id
      证书类型: kind
      证书号码: number
      发证日期: valid_from
      有效期至: valid_to

  - path: 门禁记录.csv
    type: onsite_day
    title: 政务服务中心门禁刷卡记录（门禁平台导出）
    derive: access_log
    encoding: gb18030
    columns:
      卡号: person_id
      刷卡时间: time
      门禁点: location
    location: [网络机房A门, 网络机房B门]
    values:
      person_id:
{cards}
  - path: 网络监控.csv
    type: outage
    title: 外网核心网络监控平台逐分钟探测记录
    derive: outages
    columns:
      时间: time
      监测对象: system
      状态: status
    systems: [{systems}]
    failure_values: [中断]
    fixed: {{core: true}}

  - path: 网络监控.csv
    type: system_day
    title: 同一探测记录的逐日汇总（证明每个监测对象每天都有数据）
    derive: monitoring
    columns:
      时间: time
      监测对象: system
      状态: status
    failure_values: [中断]

  - path: 维护窗口.xlsx
    type: service_window
    title: 甲方书面批准的计划内维护窗口
    columns:
      窗口编号: id
      监测对象: system
      窗口开始: start
      窗口结束: end
      甲方批准日期: approved_on

  - path: 检修计划.xlsx
    type: maintenance
    title: 计划内维护（割接、升级、调试）报批台账
    columns:
      计划编号: id
      作业类型: kind
      作业内容: title
      实施日期: start
      结束日期: end
      报甲方日期: notified_on
      甲方批准日期: approved_on
      是否影响业务: affects_service

  - path: 故障工单.xlsx
    type: fault_ticket
    title: 故障报修工单
    columns:
      工单号: id
      故障对象: system
      报修时间: reported_at
      响应时间: responded_at
      修复时间: repaired_at
      故障级别: severity
      分析报告提交日期: analysis_report_on

  - path: 安全事件.xlsx
    type: security_event
    title: 网络安全事件登记
    columns:
      事件编号: id
      发现时间: found_at
      书面报告时间: reported_at
      事件级别: severity
      是否乙方原因: caused_by_supplier
      事件描述: description

  - path: 人员更换.csv
    type: staff_change
    title: 项目经理及驻场工程师更换登记
    columns:
      更换编号: id
      离任人员: leaving
      接任人员: joining
      岗位: role
      生效日期: effective
      告知甲方日期: notified_on
      甲方同意日期: consented_on

  - path: 运维报告.xlsx
    type: report
    title: 运维服务月报与补丁级别核查报告台账
    columns:
      报告编号: id
      报告类型: kind
      报告期: period
      提交日期: delivered_on
    values:
      kind: {{运维服务月报: monthly, 补丁级别核查报告: patch_check}}

  - path: 演练记录.xlsx
    type: drill
    title: 外网应急演练记录
    columns:
      演练编号: id
      演练日期: date
      演练类型: kind
      演练名称: title

  - path: 整改通知.xlsx
    type: notice
    title: 甲方书面整改通知
    columns:
      文号: id
      类型: kind
      下达日期: issued_on
      整改期限: deadline
      整改完成日期: rectified_on
      事由: subject
    values:
      kind: {{整改通知书: rectification, 警示函: warning}}

  - path: 验收与付款.xlsx
    type: acceptance
    title: 季度服务验收
    sheet: 验收
    columns:
      验收编号: id
      验收期间: period
      验收日期: date
      验收结论: passed
      应付金额（元）: amount
    values:
      passed: {{合格: true, 不合格: false}}

  - path: 验收与付款.xlsx
    type: payment
    title: 季度服务费付款
    sheet: 付款
    columns:
      付款编号: id
      验收编号: acceptance_id
      付款日期: paid_on
      付款金额（元）: amount

  - path: 发票.xlsx
    type: invoice
    title: 乙方开具的增值税发票
    columns:
      发票编号: id
      发票号码: number
      开票日期: issued_on
      价税合计（元）: amount
      所属期间: period
      销售方名称: payee_name
      收款账号: payee_account
      开户银行: payee_bank
"""


def manifest() -> str:
    cards = "".join(f'        "{CARD[sid]}": {sid}\n' for sid, *_ in STAFF)
    return MANIFEST.format(cards=cards, systems=", ".join(SYSTEMS))


def write(out: Path = OUT) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    roster(out)
    certificates(out)
    n_access = access_log(out)
    n_probes = monitoring(out)
    maintenance(out)
    windows(out)
    tickets(out)
    security(out)
    staff_changes(out)
    reports(out)
    drills(out)
    notices(out)
    acceptance_and_payment(out)
    invoices(out)
    (out / "evidence.yaml").write_text(manifest(), encoding="utf-8")
    (out / "README.md").write_text(readme(n_access, n_probes), encoding="utf-8")
    return {"access_lines": n_access, "probe_lines": n_probes}


# JZ-ONSITE's title is its subject; the certificate sub-quota adds its label
ONSITE = "工作日8:30—17:30驻场不少于3人（其中持有效CISP证书不少于2人）"
CISP = ONSITE + "（持有效CISP证书的驻场工程师）"
AVAIL = "2026-11"  # JZ-AVAILABILITY judges the core network per month (no group_by: system)

README = """\
# 示例证据：江州市电子政务外网运维 2026年第四季度（2026-10-01 至 2026-12-31）

A realistic evidence folder for the Jiangzhou e-government extranet operations
contract (`../../shared/contract/jiangzhou-waiwang-2026.txt`, JZSJ-2026-WW-017,
signed 2026-06-26, service from 2026-07-01), as the contract manager at
江州市大数据管理局 (Party A) collects it for the fourth-quarter audit. Everything
here is **fictitious**: names, masked ID-card and phone numbers, card numbers,
certificate, ticket, invoice and document numbers, counties and institutions.
Two documents are dated after the quarter, January 2027, as they reach the
contract manager: the 2026Q4 acceptance (2027-01-04) and Party B's 2026Q4
invoice (2027-01-05), which the pre-payment check needs.

Generated by `examples/make_jiangzhou_2026q4.py` (deterministic: the same bytes
on every run); `evidence.yaml` says which file holds which facts and maps the
Chinese headers to fact fields. Run:

```bash
.venv/bin/python examples/make_jiangzhou_2026q4.py        # (re)write this folder
.venv/bin/lvyue check examples/jiangzhou-2026q4 --pack rules/jiangzhou-waiwang-2026 --quarter 2026Q4
```

The as-of date defaults to the last day the evidence covers, but never beyond
the period under check: 2026-12-31 (the door-access export and the monitoring
export run to that day). The January acceptance and invoice lie after it, and
an audit as of 2026-12-31 treats them as not yet happened: the 2026Q4
acceptance is still at risk, as it was before they were added.

The pre-payment check comes after the quarter's acceptance. Run the check as
of the day the invoice arrived, {last_day}, the last day the evidence covers
(`--as-of`: the quarter's default stops at 2026-12-31), then the report
(`lvyue report prepay` reads the pack's settlement.yaml):

```bash
.venv/bin/lvyue check examples/jiangzhou-2026q4 --pack rules/jiangzhou-waiwang-2026 --quarter 2026Q4 --as-of {last_day} --format json -o result.json
.venv/bin/lvyue report prepay result.json --format md     # md | html | docx | json
.venv/bin/lvyue report prepay result.json --payment-date 2027-02-10 --format md   # paid 7 days late
```

The findings of that run are those of the quarter's audit, except that the
2026Q4 acceptance of 2027-01-04 is now compliant and its payment, due
2027-02-03, at risk ("Not yet due" below), and the rectification deadlines of
the breaches (15 days from the as-of date) end 2027-01-20 instead of
2027-01-15; the figures of the report are worked out by hand in the last
section.

## Files

| file | what | fact type |
|---|---|---|
| 人员名册.xlsx | Party B's staff: 人员编号, 姓名, masked 身份证号 and 联系电话, 岗位, 是否驻场 (是 for the resident engineers JZ03-JZ07), 到岗/离岗日期 (Excel dates), 门禁卡号 | staff |
| 资质证书.xlsx | certificates: CISP of JZ03, JZ04 (valid to 2026-12-15), JZ06, JZ07 and the second-line JZ09; JZ05 holds an HCIE (not a CISP); the PM's PMP | certificate |
| 门禁记录.csv | door-access export of the government service centre, **GB18030, CRLF**, {access_lines} lines, timestamps like `2026/10/8 08:21:37`; only 门禁点 网络机房A门 / 网络机房B门 count (1F闸机 and 5F办公区 lines, and Party A's own employees, are in the export too); `derive: access_log` gives one `onsite_day` per person and day with first_in / last_out | onsite_day (derived) |
| 网络监控.csv | the monitoring platform's per-minute probes of the six monitored objects of the core network ({systems}), UTF-8, {probe_lines} lines (6 × 132,480 minutes), 状态 正常 / 延迟高 (a warning) / 中断; `derive: outages` turns runs of 中断 minutes into `outage` spans; the same file, listed a second time with `derive: monitoring`, gives one `system_day` per object and day, so a day without probes shows (JZ-MONITORING-DATA) instead of passing as 100 % | outage, system_day (derived) |
| 维护窗口.xlsx | maintenance windows Party A approved in writing (system, start, end, approval date) | service_window |
| 检修计划.xlsx | planned maintenance (cut-over, upgrade, test) with the dates it was reported to and approved by Party A, and whether it affects service | maintenance |
| 故障工单.xlsx | fault tickets with 报修/响应/修复时间 (date-times), 故障级别 一般/重大 | fault_ticket |
| 安全事件.xlsx | network security events: 发现时间, 书面报告时间, level, supplier's fault | security_event |
| 人员更换.csv | replacement of the project manager and of a resident engineer, with role, notice and consent dates (UTF-8 with BOM) | staff_change |
| 运维报告.xlsx | monthly reports for 2026-07 and 2026-08 (on time in Q3; one overdue and still undelivered would be judged again in Q4), 2026-09 (delivered in October), 2026-10, 2026-11; the 2026Q3 patch-level report | report |
| 演练记录.xlsx | drills: only YL-2026-01 of 2026-06-18, before this service year | drill |
| 整改通知.xlsx | Party A's written rectification notices | notice |
| 验收与付款.xlsx | sheet 验收: the 2026Q3 acceptance (passed 2026-10-14, 900,000.00) and the 2026Q4 acceptance YS-2026Q4 (passed 2027-01-04, {net} after the quarter's deductions); sheet 付款: the 2026Q3 payment (acceptance id); 2026Q4 is not paid yet | acceptance, payment |
| 发票.xlsx | FP-2026-03: the 2026Q3 invoice, 900,000.00, issued 2026-10-16; FP-2026-04: the 2026Q4 invoice, {net}, issued 2027-01-05 | invoice |

Calendar (国务院办公厅 2026 arrangement): 2026-10-01..10-07 National Day and
Mid-Autumn holidays, **2026-10-10 (Saturday) a make-up working day**. Working
days: 18 in October (10-08, 10-09, 10-10, then 10-12..10-30 without weekends),
21 in November, 23 in December. 2027's arrangement is not yet published: dates
in 2027 are provisional and say so. The engine's provisional 2027 has only the
statutory days (2027-01-01 New Year's Day; 春节 from 除夕 2027-02-05, plus
guessed 补假), no make-up days. The January documents are dated so that nothing
rests on that guess: 2027-01-01 is a Friday, 01-04 (Mon) the first working day
in any arrangement, and 30 days after 01-04 end on Wed 2027-02-03, before the
Spring Festival.

Resident engineers on duty at 网络机房 (4.1): JZ03 刘振宇, JZ04 王思远, JZ05 赵敏
and JZ06 孙浩 (until 2026-11-06), then JZ07 李佳琪 (from 2026-11-09). They arrive
08:00-08:25 and leave 17:35-18:30 on every working day, the make-up Saturday
included, and never on holidays or weekends. Leave days: JZ03 on 10-27, JZ05 on
10-30 and 11-27 (three remain, at least two with a CISP); JZ07 on 11-18; JZ07
away at provincial training 12-16..12-31.

## Planted breaches

Exactly these findings have status `breach`, as of 2026-12-31 and as of
{last_day} alike; everything else with evidence is compliant, manual, or not
yet due (at risk). `tests/test_example_jiangzhou.py` compares this table (rule,
subject) with `lvyue check --format json`, for both as-of dates.

| rule | subject | clause | what | where |
|---|---|---|---|---|
| JZ-REPAIR | GZ-2026-1104 | 3.3 | Fault reported 2026-11-05 09:12, repaired 13:13: 241 minutes, 1 over the 240 (4 h, due 13:12); a 2,000.00 per-event deduction | 故障工单.xlsx GZ-2026-1104 |
| JZ-RESPOND | GZ-2026-1015 | 3.3 | Fault reported 2026-10-22 10:05, responded 10:40: 35 minutes (due 10:35) | 故障工单.xlsx GZ-2026-1015 |
| JZ-MONTHLY-REPORT | 2026-11 | 5.1 | The November report was due by the 5th working day of December, 2026-12-07 (12-01, 12-02, 12-03, 12-04, 12-07); delivered 2026-12-08 | 运维报告.xlsx YB-2026-11 |
| JZ-ENGINEER-CHANGE-NOTICE | RY-2026-03 | 4.3 | Resident engineer 孙浩 (JZ06) replaced by 李佳琪 (JZ07) effective Mon 2026-11-09, Party A told Wed 2026-11-04: 2 working days strictly between (11-05, 11-06), 3 needed, latest notice 2026-11-03 | 人员更换.csv RY-2026-03 |
| JZ-SEC-REPORT | AQ-2026-08 | 6.1 | Security event found 2026-11-24 10:30, reported in writing 12:40: 130 minutes (due 12:30) | 安全事件.xlsx AQ-2026-08 |
| JZ-RECTIFY | 江数管整〔2026〕7号 | 8.1 | Notice issued 2026-11-02; 15 days (the day of issue not counted) end 2026-11-17 (Tue); rectified 2026-11-20: 3 days late (3 × 1,000.00 under 8.1) | 整改通知.xlsx 江数管整〔2026〕7号 |
| JZ-PAYMENT | YS-2026Q3 | 7.2 | **Party A**: the 2026Q3 acceptance passed on 2026-10-14; 30 days end 2026-11-13 (Fri, no extension); paid 2026-11-20: 7 days late (11-14..11-20), penalty 900,000.00 × 0.0003 × 7 = {penalty} (cap 5 % = 45,000.00 not reached) | 验收与付款.xlsx YS-2026Q3, FK-2026-03 |
| JZ-MAINT-APPROVAL | WH-2026-12 | 5.4 | Backup-link test on 骨干链路-石门县 carried out Sat 2026-12-05, approved by Party A only on 2026-12-07 (reported 11-27: the 3 working days' notice was kept) | 检修计划.xlsx WH-2026-12; 维护窗口.xlsx CK-2026-12 |
| JZ-AVAILABILITY | {avail} | 3.1 | 骨干链路-云溪县 down 2026-11-11 14:20-15:10 (50 中断 minutes, no window): (43,200 − 50) ÷ 43,200 × 100 = {nov}% < 99.9 % (3.2: the 2 % tier, 18,000.00 of the quarter's fee) | 网络监控.csv; 故障工单.xlsx GZ-2026-1107 |
| JZ-ONSITE | {onsite} | 4.1 | 2026-11-18 (Wed): only 3 engineers scheduled (JZ06 gone, JZ07 on leave) and 赵敏 (JZ05) reaches the machine room at 08:45, so 2 are on site for the whole 08:30-17:30 window: 1 short, 1 absent person-day (4.4: 500.00) | 门禁记录.csv, 2026/11/18 lines of card 0061502213 |
| JZ-ONSITE | {cisp} | 4.1 | 4.2: 2026-12-16..12-31 (12 working days): 3 on site (JZ03, JZ04, JZ05) but only 刘振宇 (JZ03) holds a valid CISP: 王思远's ZS-02 expired 2026-12-15, 李佳琪 (JZ07) is away, 赵敏's HCIE is no CISP, and 吴雪梅 (JZ09, CISP, not a resident engineer) visiting on 12-17 does not count | 资质证书.xlsx ZS-02; 门禁记录.csv; 人员名册.xlsx |

## Traps: boundaries that must NOT be breaches

- **Outage inside an approved window**: 骨干链路-桐山县 down 2026-10-17
  01:00-02:30 (90 minutes) during the fibre cut-over WH-2026-09, entirely inside
  window CK-2026-10 (00:30-04:30, approved 2026-10-14, before it began): excluded,
  October stays at 100.0000 %. Counted, it would be (44,640 − 90) ÷ 44,640 =
  {oct_if_counted}%. WH-2026-09 was reported 2026-10-13: exactly 3 working days
  strictly between (10-14, 10-15, 10-16).
- **Availability just compliant**: 骨干链路-江北区 down 2026-12-09 03:12-03:56,
  44 minutes: (44,640 − 44) ÷ 44,640 × 100 = {dec}% ≥ 99.9 % (GZ-2026-1203).
- **Repair of exactly 4 h 00 min**: GZ-2026-1201 reported 2026-12-03 15:40,
  repaired 19:40: 240 minutes, not more than 240.
- **Security report exactly 2 h after discovery, across midnight into a holiday**:
  AQ-2026-07 found 2026-10-06 23:10, reported 2026-10-07 01:10 (National Day):
  120 minutes; the hour deadline (9.3) is not extended over holidays, so it is
  due 10-07 01:10 and met.
- **The make-up Saturday 2026-10-10** is a working day: all four resident
  engineers are there for the whole window. The cut-over night of Saturday
  10-17 (JZ08 at 网络机房B门) is no working day and needs nobody.
- Every other working day has at least 3 resident engineers for the whole
  08:30-17:30 window and at least 2 valid CISPs among them, also on the leave
  days; the hand-over JZ06 → JZ07 (Fri 11-06 → Mon 11-09) leaves no gap.
- Project manager 陈立新 → 方海涛 (RY-2026-04) effective 2026-12-01: notified
  2026-11-16 (14 natural days strictly between, 10 needed) and consented to on
  2026-11-20.
- The September report delivered on its due date 2026-10-13 (the 5th working
  day counts the make-up Saturday: 10-08, 10-09, 10-10, 10-12, 10-13); October's
  on 2026-11-05 (due 11-06); the 2026Q3 patch-level report on 2026-10-19 (due
  2026-10-20, the 10th working day after 09-30); the 2026Q3 acceptance on
  2026-10-14 (due 2026-10-20).
- WH-2026-11 (core-node upgrade, 11-21) reported 11-13 and approved 11-16; its
  window CK-2026-11 saw no outage. WH-2026-10 (inspection) does not affect
  service and needs neither notice nor approval.
- Notice 江数管整〔2026〕5号 issued 2026-10-12, due 10-27, rectified 10-23.
- Invoices issued in the quarter: FP-2026-03 only, 900,000.00 = the quarterly
  fee exactly (FP-2026-04 is issued in 2027Q1, {net} ≤ 900,000.00). No 重大 fault (so no analysis report was due) and no major
  security event caused by the supplier.
- Tickets on holidays and at night are responded to within 30 minutes
  (GZ-2026-1003 on 2026-10-03: 17 minutes).

## Not yet due on 2026-12-31 (at risk, not breach)

- JZ-MONTHLY-REPORT 2026-12: due by the 5th working day of January 2027
  (01-04, 01-05, 01-06, 01-07, 01-08: 2027-01-08, provisional).
- JZ-PATCH-REPORT 2026Q4: due 10 working days after 2026-12-31 (01-04..01-08,
  01-11..01-15: 2027-01-15, provisional).
- JZ-ACCEPTANCE 2026Q4: due 10 working days after 2026-12-31 (2027-01-15,
  provisional); the acceptance of 2027-01-04 lies after the as-of date, so the
  audit does not know it yet, and JZ-PAYMENT has nothing more to judge.
- JZ-DRILL 2026-07-01..2027-06-30: no drill yet in this service year (the one on
  file, 2026-06-18, precedes it); due by 2027-06-30.

As of {last_day} (the pre-payment run): JZ-ACCEPTANCE 2026Q4 is compliant
(YS-2026Q4 passed on 2027-01-04, the 1st of the 10 working days, due
2027-01-15); JZ-PAYMENT YS-2026Q4 is at risk: 2027-01-04 + 30 days = 2027-02-03
(7.2; the day of acceptance not counted), not yet paid. The December report
(due 01-08), the 2026Q4 patch-level report (due 01-15) and the drill are still
at risk; nothing in January creates a breach.

Manual items: JZ-SCOPE (1.1), JZ-TERM-PLACE (2.2), JZ-CONFIDENTIAL (6.2),
JZ-DISPUTE (十), JZ-DOCUMENTS (11.1).

## The quarter's settlement, by hand (for `lvyue report prepay`)

`lvyue report prepay result.json` on the run as of {last_day}
(`tests/reports/test_report_example_jiangzhou.py` asserts these figures):

| item | clause | by hand | amount (CNY) |
|---|---|---|---|
| quarterly fee 2026Q4 | 7.1 | one fixed instalment | 900,000.00 |
| availability 骨干链路-云溪县 2026-11, {nov}% | 3.2 | 99.5 ≤ {nov} < 99.9: the 2 % tier, 900,000.00 × 0.02; the quarter's cap 900,000.00 × 0.20 = 180,000.00 is not reached | − 18,000.00 |
| repair overrun GZ-2026-1104 | 3.3 | 1 × 2,000.00 | − 2,000.00 |
| absence 2026-11-18 | 4.4 | 1 person-day × 500.00 (the 12 CISP days of 12-16..12-31 lack no engineer: nothing under 4.4) | − 500.00 |
| late rectification 江数管整〔2026〕7号 | 8.1 | 3 days × 1,000.00 | − 3,000.00 |
| deductions | | 18,000.00 + 2,000.00 + 500.00 + 3,000.00 | 23,500.00 |
| **net payable** | 7.1 | 900,000.00 − 23,500.00 (人民币捌拾柒万陆仟伍佰元整) | **{net}** |

- Invoice FP-2026-04, {net}, issued 2027-01-05 for 2026Q4, equals the net
  payable to the fen; its payee is Party B, 江州信诚网络技术有限公司 (the pack
  records no account or bank to compare them with).
- Due date (7.2, 9.2): 30 days from the acceptance YS-2026Q4 of 2027-01-04, the
  day itself not counted (art. 201): 2027-01-04 + 30 = **2027-02-03**, a
  Wednesday and a working day, so art. 203 moves nothing. It is flagged
  **provisional (2027)**: the official 2027 arrangement could in principle
  change it. (An acceptance on 2027-01-08 would end the 30 days on Sunday
  2027-02-07, inside the Spring Festival, and art. 203 would move the last day
  to the first working day after a holiday only guessed so far: 2027-02-11 on
  the provisional calendar.)
- Decision on {last_day}: payable, nothing blocks; no late fee yet.
- Paid on 2027-02-10 (`--payment-date`): 7 days late (02-04..02-10, the due
  date not counted, the payment day counted), late fee 7.3: 876,500.00 ×
  0.0003 × 7 = 1,840.65 (cap 876,500.00 × 0.05 = 43,825.00 not reached). Paid
  on 2027-08-22: 200 days late, 876,500.00 × 0.0003 × 200 = 52,590.00 > 43,825.00,
  so 43,825.00. With a payment date after 2027-01-20 the report also lists the
  ten Party B breaches as blockers: their rectification deadline (15 days from
  the as-of date) has passed and no ledger records them as rectified.

Party A still owes the 2026Q3 late-payment penalty {penalty} (7.3, JZ-PAYMENT
YS-2026Q3).
"""


def readme(n_access: int, n_probes: int) -> str:
    pct = lambda down, y, m: f"{availability(down, y, m)}"  # noqa: E731
    return README.format(
        access_lines=f"{n_access:,}",
        probe_lines=f"{n_probes:,}",
        systems="、".join(SYSTEMS),
        penalty=f"{PENALTY:,.2f}",
        nov=pct(50, 2026, 11),
        dec=pct(44, 2026, 12),
        oct_if_counted=pct(90, 2026, 10),
        onsite=ONSITE,
        cisp=CISP,
        avail=AVAIL,
        net=f"{Q4_NET:,.2f}",
        last_day=LAST_EVIDENCE_DAY.isoformat(),
    )


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    info = write(target)
    print(
        f"wrote {target}: {info['access_lines']:,} door-access lines, {info['probe_lines']:,} probe lines"
    )

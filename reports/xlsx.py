"""Findings (and the clause table and manifest) as an Excel workbook auditors can filter."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
# a text starting with one of these would be a formula (or start one when the cell is edited
# or the sheet is saved as CSV): `=HYPERLINK("http://evil.example", "点此查看")` in an incident id
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def cell_text(value: Any) -> Any:
    """A value safe to put in a cell: text that could start a formula gets a leading
    apostrophe (shown, and never evaluated); numbers, dates and booleans pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
FINDING_COLS = [
    ("编号", "id", 30), ("条款", "clause", 10), ("规则", "rule", 22), ("标题", "title", 30),
    ("状态", "status", 10), ("严重程度", "severity", 10), ("义务方", "obligor", 8),
    ("对象", "subject", 24), ("期间起", "period_start", 12), ("期间止", "period_end", 12), ("说明", "message", 60),
    ("证据", "evidence", 50), ("期限", "deadline", 12), ("期限暂定", "provisional", 10),
    ("期限依据", "deadline_rule", 40), ("合同后果", "consequence", 40), ("金额说明", "amounts", 30),
]  # fmt: skip
# one numeric column per amount a finding carries (computed, excess, ...), after the fixed ones
AMOUNT_WIDTH = 16


CHECKLIST_SHEET = "人工核查清单"
CONCLUSION_VALUES = ("符合", "不符合", "不适用")
# read back as `manual_conclusion` facts: the manifest entry in docs/reports.md maps these headers
CHECKLIST_COLS = [
    ("规则", "rule", 22), ("条款", "clause", 10), ("标题", "title", 26), ("条款内容", "clause_text", 50),
    ("核查方法", "how", 50), ("结论", "conclusion", 10), ("说明", "note", 40), ("核查人", "checker", 12),
    ("核查日期", "checked_on", 12),
]  # fmt: skip


def _checklist(ws, audit: dict[str, Any]) -> None:
    """One row per manual item; 结论 a drop-down; a conclusion already on record is filled in."""
    headings = {c.get("clause"): c.get("heading") for c in audit.get("coverage") or []}
    rows = []
    for f in audit["findings"]:
        if f.get("kind") != "manual" and f["status"] != "manual":
            continue
        done = f.get("conclusion") or {}
        rows.append({
            "rule": f["rule"], "clause": f.get("clause"), "title": f.get("title"),
            "clause_text": f.get("clause_text") or headings.get(f.get("clause")) or "",
            "how": f.get("how") or "", "conclusion": done.get("conclusion"), "note": done.get("note"),
            "checker": done.get("checker"), "checked_on": done.get("checked_on"),
        })  # fmt: skip
    _sheet(ws, CHECKLIST_COLS, rows)
    col = get_column_letter([k for _, k, _ in CHECKLIST_COLS].index("conclusion") + 1)
    dv = DataValidation(
        type="list", formula1='"' + ",".join(CONCLUSION_VALUES) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="结论", error="请选择：符合、不符合 或 不适用",
        showInputMessage=True, promptTitle="结论", prompt="符合 / 不符合 / 不适用",
    )  # fmt: skip
    ws.add_data_validation(dv)
    dv.add(f"{col}2:{col}{max(len(rows) + 1, 2)}")


def as_date(value: Any) -> dt.date | None:
    """An ISO date string (or date) as a date Excel stores as a date; anything else None."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def as_money(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and str(value).strip() else None
    except InvalidOperation:
        return None


_ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _period(f: dict[str, Any]) -> tuple[Any, Any]:
    """The finding's period as two dates, written `start..end`, 2026年9月1日至2026年9月14日 or one
    Chinese date (a single day); a period written otherwise (2026Q3) kept as text in the first."""
    text = str(f.get("period") or "")
    start, _, end = text.partition("..")
    if as_date(start) and as_date(end):
        return as_date(start), as_date(end)
    days = [dt.date(int(y), int(m), int(d)) for y, m, d in _ZH_DATE.findall(text)]
    if len(days) in (1, 2) and _ZH_DATE.sub("", text).strip() in ("", "至"):
        return days[0], days[-1]
    return text or None, None


def _row(f: dict[str, Any], status_zh: dict[str, str], sev_zh: dict[str, str], party: dict[str, str] | None = None) -> dict[str, Any]:
    d = f.get("deadline") or {}
    start, end = _period(f)
    return {
        **f,
        "status": status_zh.get(f["status"], f["status"]),
        "severity": sev_zh.get(f.get("severity") or "", f.get("severity")),
        "obligor": (party or {}).get(f.get("obligor") or "", f.get("obligor")),
        "period_start": start,
        "period_end": end,
        "evidence": "\n".join(f"{e['fact_type']} {e['id']}：{e['cite']}" for e in f["evidence"]),
        "deadline": as_date(d.get("date")) or d.get("date") or "",
        "provisional": "是" if d.get("provisional") or f.get("provisional_words") else "",
        "deadline_rule": "；".join([d.get("rule") or "", *d.get("steps", [])]) if d else "",
        "amounts": "；".join(f"{k} {v}" for k, v in f["amounts"].items()),
    }


def _value(v: Any) -> Any:
    """A cell value: a date as a date, a Decimal as a number, text neutralised; None blank."""
    if v is None:
        return None
    if isinstance(v, Decimal):
        return float(v)  # Excel keeps 15 significant digits: every amount to the fen fits
    if isinstance(v, (dt.date, int, float, bool)):
        return v
    return cell_text(v if isinstance(v, str) else str(v))


def _sheet(ws, cols: list[tuple[str, str, int]], rows: list[dict[str, Any]]) -> None:
    ws.append([cell_text(c[0]) for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r in rows:
        ws.append([_value(r.get(k)) for _, k, _ in cols])
    for i, (_, _, width) in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(vertical="top", horizontal="center")
            elif isinstance(cell.value, float) and not isinstance(cell.value, bool):
                cell.number_format = MONEY_FORMAT
                cell.alignment = Alignment(vertical="top", horizontal="right")
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _amount_cols(findings: list[dict[str, Any]], labels: dict[str, str]) -> list[tuple[str, str, int]]:
    """A numeric column per amount name the findings carry, headed by its label when there is one."""
    names = sorted({k for f in findings for k in (f.get("amounts") or {})})
    return [(f"{labels.get('amount_' + n, n)}（元）", f"amount:{n}", AMOUNT_WIDTH) for n in names]


def to_xlsx(audit: dict[str, Any], labels: dict[str, str]) -> bytes:
    """One row per finding: real dates, amounts as numbers (one column each), 义务方 as the
    pack's labels say (甲方/乙方); filters and a frozen header on every sheet."""
    status_zh = {k[len("status_") :]: v for k, v in labels.items() if k.startswith("status_")}
    sev_zh = {k[len("severity_") :]: v for k, v in labels.items() if k.startswith("severity_")}
    party = {k[: -len("_short")]: v for k, v in labels.items() if k.startswith("party_") and k.endswith("_short")}
    wb = Workbook()
    ws = wb.active
    ws.title = "发现 findings"
    money_cols = _amount_cols(audit["findings"], labels)
    rows = []
    for f in audit["findings"]:
        row = _row(f, status_zh, sev_zh, party)
        row.update({f"amount:{k}": as_money(v) for k, v in (f.get("amounts") or {}).items()})
        rows.append(row)
    _sheet(ws, FINDING_COLS + money_cols, rows)
    _checklist(wb.create_sheet(CHECKLIST_SHEET), audit)
    cov = [
        {**c, "status": status_zh.get(c["status"], c["status"]), "rules": ", ".join(c["rules"]),
         "counts": "；".join(f"{status_zh.get(k, k)} {v}" for k, v in c["counts"].items())}
        for c in audit["coverage"]
    ]  # fmt: skip
    _sheet(wb.create_sheet("条款 clauses"), [("条款", "clause", 10), ("内容", "heading", 40), ("状态", "status", 10), ("发现数", "counts", 30), ("规则", "rules", 40)], cov)  # fmt: skip
    man = [{**m, "rejected": len(m.get("rejected") or [])} for m in audit["manifest"]]
    for chart in audit.get("charts") or []:  # the data behind each chart of the report
        _sheet(wb.create_sheet(chart_sheet_name(chart, wb.sheetnames)), [(h, str(i), 16) for i, h in enumerate(chart["data_columns"])], [
            {str(i): _chart_cell(v) for i, v in enumerate(r)} for r in chart["data_rows"]
        ])
    _sheet(wb.create_sheet("证据 manifest"), [("文件", "file", 30), ("事实类型", "fact_type", 16), ("sha256", "sha256", 70), ("行数", "rows", 8), ("事实数", "facts", 8), ("拒收", "rejected", 8)], man)  # fmt: skip
    # fixed document times: the same result gives the same workbook contents
    stamp = dt.datetime.combine(dt.date.fromisoformat(audit["as_of"]), dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "lvyue"
    wb.properties.title = f"{audit['contract']['title']} findings {audit['as_of']}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def chart_sheet_name(chart: dict[str, Any], taken: list[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    base = "".join(c for c in f"图 {chart.get('title') or chart['id']}" if c not in "[]:*?/\\")[:28]
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}{n}", n + 1
    return name


def _chart_cell(v: Any) -> Any:
    """Chart data cells: ISO dates and decimal strings become dates and numbers."""
    if isinstance(v, str):
        if (d := as_date(v)) is not None and len(v) == 10:
            return d
        if re.fullmatch(r"-?\d+\.\d\d", v):
            return Decimal(v)
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return Decimal(str(v)) if isinstance(v, float) else v
    return v

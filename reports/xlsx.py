"""Findings (and the clause table and manifest) as an Excel workbook auditors can filter."""

from __future__ import annotations

import datetime as dt
import io
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


FINDING_COLS = [
    ("编号", "id", 30), ("条款", "clause", 10), ("规则", "rule", 22), ("标题", "title", 30),
    ("状态", "status", 10), ("严重程度", "severity", 10), ("义务方", "obligor", 10),
    ("对象", "subject", 24), ("期间", "period", 22), ("说明", "message", 60),
    ("证据", "evidence", 50), ("期限", "deadline", 12), ("期限暂定", "provisional", 10),
    ("期限依据", "deadline_rule", 40), ("合同后果", "consequence", 40), ("金额", "amounts", 30),
]  # fmt: skip


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


def _row(f: dict[str, Any], status_zh: dict[str, str], sev_zh: dict[str, str]) -> dict[str, Any]:
    d = f.get("deadline") or {}
    return {
        **f,
        "status": status_zh.get(f["status"], f["status"]),
        "severity": sev_zh.get(f.get("severity") or "", f.get("severity")),
        "evidence": "\n".join(f"{e['fact_type']} {e['id']}：{e['cite']}" for e in f["evidence"]),
        "deadline": d.get("date") or "",
        "provisional": "是" if d.get("provisional") or f.get("provisional_words") else "",
        "deadline_rule": "；".join([d.get("rule") or "", *d.get("steps", [])]) if d else "",
        "amounts": "；".join(f"{k} {v}" for k, v in f["amounts"].items()),
    }


def _sheet(ws, cols: list[tuple[str, str, int]], rows: list[dict[str, Any]]) -> None:
    ws.append([cell_text(c[0]) for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for r in rows:
        ws.append(["" if r.get(k) is None else cell_text(r.get(k)) for _, k, _ in cols])
    for i, (_, _, width) in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def to_xlsx(audit: dict[str, Any], labels: dict[str, str]) -> bytes:
    status_zh = {k[len("status_") :]: v for k, v in labels.items() if k.startswith("status_")}
    sev_zh = {k[len("severity_") :]: v for k, v in labels.items() if k.startswith("severity_")}
    wb = Workbook()
    ws = wb.active
    ws.title = "发现 findings"
    _sheet(ws, FINDING_COLS, [_row(f, status_zh, sev_zh) for f in audit["findings"]])
    _checklist(wb.create_sheet(CHECKLIST_SHEET), audit)
    cov = [
        {**c, "status": status_zh.get(c["status"], c["status"]), "rules": ", ".join(c["rules"]),
         "counts": "；".join(f"{status_zh.get(k, k)} {v}" for k, v in c["counts"].items())}
        for c in audit["coverage"]
    ]  # fmt: skip
    _sheet(wb.create_sheet("条款 clauses"), [("条款", "clause", 10), ("内容", "heading", 40), ("状态", "status", 10), ("发现数", "counts", 30), ("规则", "rules", 40)], cov)  # fmt: skip
    man = [{**m, "rejected": len(m.get("rejected") or [])} for m in audit["manifest"]]
    _sheet(wb.create_sheet("证据 manifest"), [("文件", "file", 30), ("事实类型", "fact_type", 16), ("sha256", "sha256", 70), ("行数", "rows", 8), ("事实数", "facts", 8), ("拒收", "rejected", 8)], man)  # fmt: skip
    # fixed document times: the same result gives the same workbook contents
    stamp = dt.datetime.combine(dt.date.fromisoformat(audit["as_of"]), dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "lvyue"
    wb.properties.title = f"{audit['contract']['title']} findings {audit['as_of']}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""The audit report's charts as data: caption, a short table for the report, the full series
for the XLSX, and what the drawing needs. No drawing here (reports/charts.py draws).

Everything comes from the check result: the pack's charts.yaml was read at check time
(engine/series.py) and its series stored under `charts`; the findings chart counts the
findings. JSON only: dates ISO, money as text with two decimals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from itertools import groupby
from typing import Any

SEVERITIES = ("critical", "major", "minor")
ATTENTION = ("breach", "at_risk", "no_evidence")
DAY_KINDS = ("working", "makeup", "holiday", "weekend")


def zh_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def zh_span(a: str, b: str) -> str:
    """One day as one date; a span as 起至止."""
    return zh_date(a) if a == b else f"{zh_date(a)}至{zh_date(b)}"


def yuan(text: str | None) -> str:
    return f"{Decimal(text):,.2f}" if text not in (None, "") else ""


def _caption_values(c: dict[str, Any]) -> dict[str, str]:
    period = c.get("cap_period") or ""
    a, _, b = period.partition("..")
    return {
        "required": str(c.get("required", "")),
        "cap": yuan(c.get("cap")),
        "cap_period": zh_span(a, b) if a and b else period,
    }


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _count_chart(c: dict[str, Any]) -> dict[str, Any]:
    """Spans of equal count: a few rows in the report, every day in the XLSX."""
    req = c.get("required")
    rows = []
    for n, run in groupby(c["days"], key=lambda x: x["count"]):
        days = list(run)
        ok = req is None or n >= req
        rows.append([zh_span(days[0]["day"], days[-1]["day"]), len(days), n, "" if ok else "不足"])
    return {
        "table": {"columns": ["日期", "天数", "人数", "与要求相比"], "rows": rows},
        "data_columns": ["日期", "人数", "要求"],
        "data_rows": [[d["day"], d["count"], req] for d in c["days"]],
    }


def _calendar_chart(c: dict[str, Any]) -> dict[str, Any]:
    """Per month: working days (make-up days among them), days with someone on site, the days without."""
    req = c.get("required") or 1
    rows = []
    for month, run in groupby(c["days"], key=lambda x: x["day"][:7]):
        days = [d for d in run if d["kind"] in ("working", "makeup")]
        short = [d for d in days if (d["count"] or 0) < req]
        y, m = month.split("-")
        rows.append([
            f"{int(y)}年{int(m)}月", len(days), sum(d["kind"] == "makeup" for d in days), len(days) - len(short),
            "、".join(f"{int(d['day'][5:7])}月{int(d['day'][8:])}日" + ("（调休上班日）" if d["kind"] == "makeup" else "") for d in short) or "无",
        ])  # fmt: skip
    kinds = {"working": "工作日", "makeup": "调休上班日", "holiday": "法定节假日", "weekend": "休息日"}
    return {
        "table": {"columns": ["月份", "工作日", "其中调休上班日", "到岗天数", "缺岗日期"], "rows": rows},
        "data_columns": ["日期", "日期类型", "到岗人数"],
        "data_rows": [[d["day"], kinds[d["kind"]], d["count"]] for d in c["days"]],
    }


def _fee_chart(c: dict[str, Any]) -> dict[str, Any]:
    cap = Decimal(c["cap"]) if c.get("cap") else None
    rows = [
        [f"{int(r['month'][:4])}年{int(r['month'][5:])}月", yuan(r["fee"]), yuan(r["running"]), yuan(str(cap - Decimal(r["running"]))) if cap is not None else ""]
        for r in c["rows"]
    ]
    return {
        "table": {"columns": ["月份", "服务费（元）", "累计（元）", "距年度预算（元）"], "rows": rows},
        "data_columns": ["月份", "服务费（元）", "累计（元）", "年度预算（元）"],
        "data_rows": [[r["month"], r["fee"], r["running"], c.get("cap")] for r in c["rows"]],
    }


def _findings_chart(findings: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any]:
    """Findings needing action, per clause (the contract's order) and severity."""
    order: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    for f in findings:
        if f.get("status") not in ATTENTION:
            continue
        clause = f.get("clause") or ""
        if clause not in order:
            order.append(clause)
        counts[(clause, f.get("severity") or "minor")] += 1
    sev = [labels.get(f"severity_{s}", s) for s in SEVERITIES]
    rows = [[cl, *(counts[(cl, s)] for s in SEVERITIES), sum(counts[(cl, s)] for s in SEVERITIES)] for cl in order]
    return {
        "clauses": order,
        "counts": {s: [counts[(cl, s)] for cl in order] for s in SEVERITIES},
        "table": {"columns": ["条款", *sev, "合计"], "rows": rows},
        "data_columns": ["条款", *sev, "合计"],
        "data_rows": rows,
    }


def audit_charts(result: dict[str, Any], lang: str = "zh") -> list[dict[str, Any]]:
    """The charts of the audit report, numbered 图1, 图2, … in the pack's order."""
    from lvyue.reports.templating import labels as ui_labels

    labels = ui_labels(None, lang)
    out = []
    for c in result.get("charts") or []:
        if c["kind"] == "daily_count" and c.get("days"):
            extra = _count_chart(c)
        elif c["kind"] == "presence_calendar" and c.get("days"):
            extra = _calendar_chart(c)
        elif c["kind"] == "monthly_fee" and c.get("rows"):
            extra = _fee_chart(c)
        elif c["kind"] == "findings":
            extra = _findings_chart(result.get("findings") or [], labels)
            if not extra["data_rows"]:
                continue
        else:
            continue
        n = len(out) + 1
        caption = c["caption"].format_map(_Keep(_caption_values(c)))
        out.append({**c, **extra, "n": n, "label": f"图{n}", "caption": caption})
    return out

"""The quarterly audit report's content, taken from a saved check result.

One dict that the templates (Markdown → HTML, DOCX), the JSON output and the
XLSX export all read: contract and period, summary by status and severity,
every clause, every finding needing attention with its evidence and deadline
explanation, the compliant and not-yet-due items, the evidence a rule rests on
that could not be read completely, the manual checklist and the conclusions read back from it, the input manifest, calendar years, the
assumptions (parameters to confirm) and, when the ledger supplied one, the
comparison with the last audit.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lvyue.engine.calendar import provisional_words
from lvyue.engine.findings import STATUSES
from lvyue.engine.zhtext import cn_date, cn_period, money, zh_dates
from lvyue.facts.model import FACT_TYPES
from lvyue.reports.chartdata import audit_charts
from lvyue.reports.remedy import notices_of, remediations

SEVERITIES = ("critical", "major", "minor")
DETAILED = ("breach", "at_risk", "no_evidence")


def _deadline(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if not d:
        return None
    ex = d.get("explanation") or {}
    return {
        "date": d.get("date"),
        "basis": d.get("basis"),
        "provisional": bool(d.get("provisional")),
        "rule": ex.get("rule"),
        "steps": list(ex.get("steps") or []),
        "holidays_met": [f"{h.get('date')} {h.get('name', '')}".strip() for h in ex.get("holidays_met") or []],
        "makeup_days_met": list(ex.get("makeup_days_met") or []),
        "provisional_years": list(ex.get("provisional_years") or []),
    }


def fact_type_names(result: dict[str, Any]) -> dict[str, str]:
    """fact type → its Chinese title: built-in types, and the pack's own as the manifest names them."""
    names = {t: c.title_zh for t, c in FACT_TYPES.items() if c.title_zh}
    for m in result.get("manifest") or []:
        if m.get("fact_type") and m.get("title_zh"):
            names[m["fact_type"]] = m["title_zh"]
    for g in result.get("incomplete_evidence") or []:
        if g.get("fact_type") and g.get("title_zh"):
            names[g["fact_type"]] = g["title_zh"]
    return names


def types_zh(text: str, names: dict[str, str]) -> str:
    """Fact-type keys left in a Chinese sentence (的certificate, (force_majeure)) replaced by their Chinese titles."""
    if not text or not names:
        return text
    import re

    def one(m: re.Match[str]) -> str:
        return names.get(m.group(0), m.group(0))

    for key in [k for k in names if f"({k})" in text]:  # 不可抗力(force_majeure): the title is already there
        text = text.replace(f"{names[key]}({key})", names[key])

    out = re.sub(r"(?<![A-Za-z0-9_\-])[a-z][a-z0-9_]*(?![A-Za-z0-9_\-])", one, text)
    return re.sub(r"(\S)\(([^()]*[\u4e00-\u9fff][^()]*)\)", r"\1（\2）", out) if out != text else out


_CITE_IN_TEXT = re.compile(
    r"([^\s，,（(：:]+\.(?:xlsx|xlsm|xls|csv|docx|pdf|json|yaml|txt|log))((?:, (?:sheet [^,，）)]+|row \d+|page \d+|paragraph \d+|\d+ lines))+)"
)


def cites_zh(text: str) -> str:
    """Evidence places quoted inside a sentence (人工核查清单.xlsx, sheet 人工核查清单, row 3) in Chinese."""
    return _CITE_IN_TEXT.sub(lambda m: cite_text_zh(m.group(1) + m.group(2)), text) if text else text


def cite_zh(e: dict[str, Any]) -> str:
    """Where a fact was read, in Chinese: 发票.xlsx 工作表「发票登记」第3行."""
    p = e.get("provenance") or {}
    if not p.get("file"):
        return cite_text_zh(str(e.get("cite") or ""))
    out = str(p["file"])
    if p.get("sheet"):
        out += f" 工作表「{p['sheet']}」"
    if p.get("row") is not None:
        out += f"第{p['row']}行"
    if p.get("page") is not None:
        out += f"第{p['page']}页"
    if p.get("paragraph") is not None:
        out += f"第{p['paragraph']}段"
    if p.get("derived_from") is not None:
        out += f"（由{p['derived_from']}行汇总）"
    return out


def cite_text_zh(cite: str) -> str:
    """The English cite string (file, sheet S, row N, page N, N lines) read back into Chinese."""
    parts = [x.strip() for x in cite.split(", ")]
    out = parts[0] if parts else ""
    for x in parts[1:]:
        if x.startswith("sheet "):
            out += f" 工作表「{x[6:]}」"
        elif x.startswith("row "):
            out += f"第{x[4:]}行"
        elif x.startswith("page "):
            out += f"第{x[5:]}页"
        elif x.startswith("paragraph "):
            out += f"第{x[10:]}段"
        elif x.endswith(" lines"):
            out += f"（由{x[:-6]}行汇总）"
        else:
            out += f"，{x}"
    return "内嵌数据" if out == "inline" else out


def _finding(
    f: dict[str, Any], lang: str, names: dict[str, str] | None = None, remedy: dict[str, Any] | None = None
) -> dict[str, Any]:
    msg = f.get("message") or {}
    period = f.get("period")
    zh = lang == "zh"
    names = names or {}
    return {
        "id": f["id"],
        "rule": f.get("rule"),
        "clause": f.get("clause"),
        "title": f.get("title"),
        "status": f.get("status"),
        "severity": f.get("severity"),
        "obligor": f.get("obligor"),
        "subject": f.get("subject"),
        "period": (cn_period(period["start"], period["end"]) if zh else f"{period['start']}..{period['end']}") if period else "",
        "message": cites_zh(types_zh(zh_dates(msg.get("zh") or ""), names)) if zh else (msg.get(lang) or msg.get("zh") or ""),
        "evidence": [
            {
                "fact_type": names.get(e.get("fact_type") or "", e.get("fact_type")) if zh else e.get("fact_type"),
                "id": zh_dates(str(e.get("id"))) if zh else e.get("id"),
                "cite": cite_zh(e) if zh else e.get("cite"),
            }
            for e in f.get("evidence") or []
        ],
        "evidence_total": f.get("evidence_total", len(f.get("evidence") or [])),
        "deadline": _deadline(f.get("deadline")),
        # the one remediation deadline every document states (reports/remedy.py)
        "remedy": remedy,
        "consequence": f.get("consequence"),
        "amounts": dict(f.get("amounts") or {}),
        "notes": [cites_zh(types_zh(zh_dates(n), names)) for n in f.get("notes") or []] if zh else list(f.get("notes") or []),
        "how": (f.get("details") or {}).get("how"),
        "kind": f.get("kind"),
        "clause_text": (f.get("details") or {}).get("clause_text"),
        # a manual item the auditor concluded (符合/不符合/不适用), or whose conclusion was not used
        "conclusion": (f.get("details") or {}).get("manual_conclusion"),
        "conclusion_invalid": (f.get("details") or {}).get("conclusion_invalid"),
        # the obligation's own dates (due date, latest notice day, late days) computed over a guessed year
        "provisional_words": provisional_words(f),
        # the same without the remediation deadline, whose provisional note goes with the deadline itself
        "dates_provisional_words": provisional_words({"details": f.get("details") or {}}),
    }


def _matrix(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows: status; columns: severity (counts)."""
    c = Counter((f.get("status"), f.get("severity")) for f in findings)
    rows = []
    for s in STATUSES:
        counts = {sev: c[(s, sev)] for sev in SEVERITIES}
        rows.append({"status": s, **counts, "total": sum(counts.values())})
    return rows


def _follow_up(
    fu: dict[str, Any] | None, by_id: dict[str, dict[str, Any]], lang: str, notices: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """The comparison with the last audit; a deadline set by a notice on record is the notice's."""
    if not fu:
        return None
    since = fu.get("since_last") or {}
    per = fu.get("findings") or {}

    zh = lang == "zh"

    def day(d: Any) -> Any:
        return cn_date(d) if zh and d else d

    def row(fid: str) -> dict[str, Any]:
        f = by_id.get(fid, {})
        led = per.get(fid) or {}
        msg = (f.get("message") or {}).get(lang) or (f.get("message") or {}).get("zh") or ""
        msg = msg or f"{led.get('rule', '')} {led.get('subject', '')}".strip()  # not in this audit
        return {
            "id": fid,
            "clause": f.get("clause") or led.get("clause", ""),
            "rule": f.get("rule", fid.split(":")[0]),
            "message": zh_dates(msg) if zh else msg,
            "first_seen": day(led.get("first_seen")),
            "deadline": day(((notices or {}).get(fid) or {}).get("deadline") or led.get("deadline")),
            "state": led.get("state"),
            "escalation": _escalation(led.get("escalation")),
            "notices": list(dict.fromkeys(
                [n if isinstance(n, str) else (n.get("number") or n.get("kind") or "") for n in led.get("notices") or []]
                + ([notices[fid]["number"]] if notices and fid in notices else [])
            )),
        }

    groups = {k: [row(i) for i in since.get(k) or []] for k in ("new", "rectified", "overdue", "recurring")}
    prev = fu.get("previous_audit")
    if isinstance(prev, dict):
        period = prev.get("period") or {}
        if zh:
            prev = f"{cn_date(prev['as_of'])}（核查期间{cn_period(period.get('start'), period.get('end'))}）" if period else day(prev.get("as_of"))
        else:
            prev = f"{prev.get('as_of', '')}（{period.get('start', '')}..{period.get('end', '')}）" if period else prev.get("as_of")
    carried = [
        {**m, "checked_on": day(m.get("checked_on")), "audit_as_of": day(m.get("audit_as_of"))} for m in fu.get("manual_carried") or []
    ]
    return {"previous_audit": prev, "groups": groups, "manual_carried": carried}


def _escalation(e: Any) -> str | None:
    """The ledger's next step: {"label", "clause", ...} → 警示函（八.1）."""
    if not e:
        return None
    if isinstance(e, dict):
        label = e.get("label") or e.get("next") or ""
        return f"{label}（{e['clause']}）" if e.get("clause") else str(label)
    return str(e)


def build_audit(result: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    findings = result.get("findings") or []
    by_id = {f["id"]: f for f in findings if "id" in f}
    names = fact_type_names(result)
    notices = notices_of(result)
    remedy = remediations(result)
    rows = [_finding(f, lang, names, remedy.get(f["id"])) for f in findings]
    contract = result["contract"]
    assumptions = [
        {"name": k, **v} for k, v in sorted((result.get("parameters") or {}).items()) if v.get("confirm")
    ]
    return {
        "contract": contract,
        "term_end": contract.get("term_end") or {},
        "as_of": result["as_of"],
        "as_of_basis": result.get("as_of_basis"),
        "period": result["period"],
        "version": result.get("lvyue_version"),
        "summary": result["summary"],
        "matrix": _matrix(findings),
        "coverage": result.get("coverage") or [],
        "attention": [f for f in rows if f["status"] in DETAILED],
        "compliant": [f for f in rows if f["status"] == "compliant"],
        "not_due": [f for f in rows if f["status"] == "not_due"],
        "incomplete": result.get("incomplete_evidence") or [],
        "empty_registers": result.get("empty_registers") or {},
        "manual": [f for f in rows if f["status"] == "manual"],
        # manual items the auditor concluded (breach, compliant, not_applicable) from the filled-in checklist
        "manual_concluded": [f for f in rows if f.get("conclusion")],
        "findings": rows,
        "manifest": result.get("manifest") or [],
        "unlisted": result.get("unlisted_files") or [],
        "calendar": result.get("calendar") or {"years": {}, "sources": []},
        "assumptions": assumptions,
        "follow_up": _follow_up(result.get("follow_up"), by_id, lang, notices),
        # the pack's charts (charts.yaml) with captions and the data behind them (reports/chartdata.py)
        "charts": audit_charts(result, lang),
        "fact_types": names if lang == "zh" else {},
        "dates": _dates(result, lang),
    }


def _dates(result: dict[str, Any], lang: str) -> dict[str, str]:
    """The header's dates as the language writes them."""
    c = result["contract"]
    term = (c.get("term_end") or {}).get("date")
    p = result["period"]
    if lang != "zh":
        return {"signed_on": c.get("signed_on") or "", "term_end": term or "", "period": f"{p['start']} – {p['end']}", "as_of": result["as_of"]}
    return {
        "signed_on": cn_date(c["signed_on"]) if c.get("signed_on") else "",
        "term_end": cn_date(term) if term else "",
        "period": cn_period(p["start"], p["end"]),
        "as_of": cn_date(result["as_of"]),
    }


__all__ = ["build_audit", "cite_text_zh", "cite_zh", "fact_type_names", "money", "types_zh"]

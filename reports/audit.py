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

from collections import Counter
from typing import Any

from engine.calendar import provisional_words
from engine.findings import STATUSES
from reports.chartdata import audit_charts

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


def _finding(f: dict[str, Any], lang: str) -> dict[str, Any]:
    msg = f.get("message") or {}
    period = f.get("period")
    return {
        "id": f["id"],
        "rule": f.get("rule"),
        "clause": f.get("clause"),
        "title": f.get("title"),
        "status": f.get("status"),
        "severity": f.get("severity"),
        "obligor": f.get("obligor"),
        "subject": f.get("subject"),
        "period": f"{period['start']}..{period['end']}" if period else "",
        "message": msg.get(lang) or msg.get("zh") or "",
        "evidence": [
            {"fact_type": e.get("fact_type"), "id": e.get("id"), "cite": e.get("cite")}
            for e in f.get("evidence") or []
        ],
        "evidence_total": f.get("evidence_total", len(f.get("evidence") or [])),
        "deadline": _deadline(f.get("deadline")),
        "consequence": f.get("consequence"),
        "amounts": dict(f.get("amounts") or {}),
        "notes": list(f.get("notes") or []),
        "how": (f.get("details") or {}).get("how"),
        "kind": f.get("kind"),
        "clause_text": (f.get("details") or {}).get("clause_text"),
        # a manual item the auditor concluded (符合/不符合/不适用), or whose conclusion was not used
        "conclusion": (f.get("details") or {}).get("manual_conclusion"),
        "conclusion_invalid": (f.get("details") or {}).get("conclusion_invalid"),
        # the obligation's own dates (due date, latest notice day, late days) computed over a guessed year
        "provisional_words": provisional_words(f),
    }


def _matrix(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows: status; columns: severity (counts)."""
    c = Counter((f.get("status"), f.get("severity")) for f in findings)
    rows = []
    for s in STATUSES:
        counts = {sev: c[(s, sev)] for sev in SEVERITIES}
        rows.append({"status": s, **counts, "total": sum(counts.values())})
    return rows


def _follow_up(fu: dict[str, Any] | None, by_id: dict[str, dict[str, Any]], lang: str) -> dict[str, Any] | None:
    if not fu:
        return None
    since = fu.get("since_last") or {}
    per = fu.get("findings") or {}

    def row(fid: str) -> dict[str, Any]:
        f = by_id.get(fid, {})
        led = per.get(fid) or {}
        msg = (f.get("message") or {}).get(lang) or (f.get("message") or {}).get("zh") or ""
        msg = msg or f"{led.get('rule', '')} {led.get('subject', '')}".strip()  # not in this audit
        return {
            "id": fid,
            "clause": f.get("clause") or led.get("clause", ""),
            "rule": f.get("rule", fid.split(":")[0]),
            "message": msg,
            "first_seen": led.get("first_seen"),
            "deadline": led.get("deadline"),
            "state": led.get("state"),
            "escalation": _escalation(led.get("escalation")),
            "notices": [n if isinstance(n, str) else (n.get("number") or n.get("kind") or "") for n in led.get("notices") or []],
        }

    groups = {k: [row(i) for i in since.get(k) or []] for k in ("new", "rectified", "overdue", "recurring")}
    prev = fu.get("previous_audit")
    if isinstance(prev, dict):
        period = prev.get("period") or {}
        prev = f"{prev.get('as_of', '')}（{period.get('start', '')}..{period.get('end', '')}）" if period else prev.get("as_of")
    return {"previous_audit": prev, "groups": groups, "manual_carried": list(fu.get("manual_carried") or [])}


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
    rows = [_finding(f, lang) for f in findings]
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
        "follow_up": _follow_up(result.get("follow_up"), by_id, lang),
        # the pack's charts (charts.yaml) with captions and the data behind them (reports/chartdata.py)
        "charts": audit_charts(result, lang),
    }

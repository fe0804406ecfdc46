"""The one remediation deadline of a finding, in the same words in the audit report, the
pre-payment check and the notice.

A breach's remediation period runs from the day the rectification notice is
issued. When the ledger records a notice that lists the finding, the deadline
is the one that notice set (its issue date plus the rule's period). Without a
notice the deadline is not a date yet: the documents say "自整改通知书下达之日起5个
工作日" and give the date it would be if the notice were issued on the as-of date
(which is what `lvyue check` computes). Why one module: before, check/audit said
2027-01-08 (counted from the as-of date) while the notice said 2027-01-12
(counted from its issue date) for the same finding, with nothing saying why.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lvyue.engine.zhtext import cn_date

REMEDIATION_BASIS = "整改期限"  # engine/evaluate.py: the basis of a breach's deadline starts with these words
_PLUS_DAYS = re.compile(r"\+\s*(\d+)\s*日")
_PLUS_MONTHS = re.compile(r"\+\s*(\d+)\s*个月")


def period_words(spec: dict[str, Any] | None = None, explanation: dict[str, Any] | None = None) -> str:
    """5个工作日 / 15日 / 1个月: from a rule's remediation (working_days, natural_days, months), else read
    back from the deadline's explanation."""
    spec = spec or {}
    if spec.get("working_days") is not None:
        return f"{spec['working_days']}个工作日"
    if spec.get("natural_days") is not None:
        return f"{spec['natural_days']}日"
    if spec.get("months") is not None:
        return f"{spec['months']}个月"
    ex = explanation or {}
    if ex.get("counted") and "工作日" in str(ex.get("rule") or ""):
        return f"{len(ex['counted'])}个工作日"
    for step in ex.get("steps") or []:
        if m := _PLUS_MONTHS.search(str(step)):
            return f"{m.group(1)}个月"
        if m := _PLUS_DAYS.search(str(step)):
            return f"{m.group(1)}日"
    return ""


def _period_en(words: str) -> str:
    """5个工作日 → 5 working days; 15日 → 15 days; 1个月 → 1 month(s)."""
    m = re.match(r"^(\d+)(个工作日|日|个月)$", words)
    if not m:
        return words
    return f"{m.group(1)} " + {"个工作日": "working days", "日": "days", "个月": "month(s)"}[m.group(2)]


def notices_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """finding id → the latest notice that lists it ({kind, number, issue_date, deadline}): from the
    result's follow-up and from the ledger the result names (a notice issued after the audit)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for fid, e in ((result.get("follow_up") or {}).get("findings") or {}).items():
        for n in e.get("notices") or []:
            if isinstance(n, dict) and n.get("issue_date") and n.get("deadline"):
                found.setdefault(fid, []).append(dict(n))
    for n in _ledger_notices(result):
        for item in n.get("items") or []:
            if item.get("deadline"):
                found.setdefault(item["finding_id"], []).append(
                    {"kind": n["kind"], "number": n["number"], "issue_date": n["issue_date"], "deadline": item["deadline"]}
                )
    return {fid: max(ns, key=lambda n: (n["issue_date"], n["number"])) for fid, ns in found.items()}


def _ledger_notices(result: dict[str, Any]) -> list[dict[str, Any]]:
    led = result.get("ledger") or {}
    path = Path(str(led.get("file") or ""))
    if not led.get("file") or not path.is_file():
        return []
    from lvyue.engine.ledger import store

    pack = str((result.get("contract") or {}).get("pack") or "")
    try:
        with store.read(path) as conn:
            rows = [] if conn is None else store.notices(conn)
    except Exception:  # a ledger that cannot be read adds nothing; `lvyue check` reports it
        return []
    key = store.pack_key(pack) if pack else None
    cid = (result.get("contract") or {}).get("id")
    return [n for n in rows if key is None or store.pack_key(str(n.get("pack") or "")) in (key, cid)]


def remediation(
    finding: dict[str, Any], notice: dict[str, Any] | None, as_of: str, provisional_years: set[int] | None = None
) -> dict[str, Any] | None:
    """How the documents state a finding's deadline: {date, date_zh, text, from_notice, provisional, ...}.
    `provisional_years`: years of the calendar without an official arrangement (the result's calendar)."""
    d = finding.get("deadline")
    if not d:
        return None
    ex = d.get("explanation") or {}
    basis = str(d.get("basis") or "")
    if finding.get("status") != "breach" or not basis.startswith(REMEDIATION_BASIS):
        return {  # a performance deadline (at risk): the obligation's own date
            "date": d["date"],
            "date_zh": cn_date(d["date"]),
            "label": basis or "履行期限",
            "text": f"{cn_date(d['date'])}前",
            "text_en": f"by {d['date']}",
            "from_notice": False,
            "provisional": bool(d.get("provisional")),
            "provisional_years": list(ex.get("provisional_years") or []),
        }
    period = period_words(None, ex)
    if notice is not None:
        return {
            "date": notice["deadline"],
            "date_zh": cn_date(notice["deadline"]),
            "label": "整改期限",
            "text": f"{cn_date(notice['deadline'])}前（自整改通知书{notice['number']}下达之日{cn_date(notice['issue_date'])}起{period}）",
            "text_en": f"by {notice['deadline']} ({_period_en(period)} from notice {notice['number']} issued {notice['issue_date']})",
            "from_notice": True,
            "notice": notice["number"],
            "provisional": int(notice["deadline"][:4]) in (provisional_years or set()),
            "provisional_years": [int(notice["deadline"][:4])] if int(notice["deadline"][:4]) in (provisional_years or set()) else [],
        }
    return {
        "date": d["date"],
        "date_zh": cn_date(d["date"]),
        "label": "整改期限",
        "text": f"自整改通知书下达之日起{period}；如于核查基准日{cn_date(as_of)}下达，为{cn_date(d['date'])}前",
        "text_en": f"{_period_en(period)} from the rectification notice; by {d['date']} if issued on the as-of date {as_of}",
        "from_notice": False,
        "provisional": bool(d.get("provisional")),
        "provisional_years": list(ex.get("provisional_years") or []),
    }


def remediations(result: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """finding id → its deadline as every document states it (check, audit, prepay, notice)."""
    notices = notices_of(result)
    provisional = {int(y) for y, s in ((result.get("calendar") or {}).get("years") or {}).items() if s == "provisional"}
    return {f["id"]: remediation(f, notices.get(f["id"]), result["as_of"], provisional) for f in result["findings"]}

"""A rectification notice (整改通知书) or warning letter (警示函) from chosen findings.

Each item: the clause and its words, the facts found (with where the
evidence is), what must be done (the rule's remediation action) and the
deadline computed from the issue date with the rule's remediation period on
the official working-day calendar. The basis and the consequence of not
correcting come from the pack's rule that follows up this kind of notice
(its `check` reads `notice` facts of that kind), so nothing here names a
clause of one contract.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from engine.calendar import add_working_days, deadline_after, provisional_words
from engine.errors import InputError
from engine.pack import Pack
from engine.rule import Rule

KINDS = {"rectification": "整改通知书", "warning": "警示函"}
ACTIONABLE = ("breach", "at_risk")
FALLBACK_DAYS_PARAM = "rectify_working_days"  # used when a rule states no remediation period
CN_NUM = "零一二三四五六七八九十"
_NUMBER = re.compile(r"^\S*〔(\d{4})〕([1-9]\d*)?\s*号$")


def cn_date(d: dt.date) -> str:
    """GB/T 9704-2012: dates in Arabic numerals, no leading zeros."""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_index(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN_NUM[tens] + "十" + (CN_NUM[ones] if ones else "")


def check_number(number: str | None) -> str | None:
    """发文字号: year in 〔〕, serial without leading zeros and without 第 (GB/T 9704-2012 7.2.4)."""
    if number is None:
        return None
    n = number.strip()
    if "第" in n or not _NUMBER.match(n):
        raise InputError(
            f"expected a document number like 鹤审管〔2026〕3号 (year in 〔〕, no leading zero, no 第), got {number!r}",
            field="--number",
        )
    return n


def select(result: dict[str, Any], ids: list[str] | None) -> list[dict[str, Any]]:
    findings = result.get("findings") or []
    if not ids:
        chosen = [f for f in findings if f.get("status") == "breach" and f.get("obligor") == "party_b"]
        if not chosen:
            raise InputError("the result has no breach by party_b: choose findings with --findings ID,ID", field="--findings")
        return chosen
    out = []
    for fid in ids:
        hits = [f for f in findings if f.get("id") == fid] or [
            f for f in findings if str(f.get("id", "")).endswith(":" + fid) or str(f.get("id", "")).split(":")[-1] == fid
        ]
        if not hits:
            raise InputError(f"unknown finding id {fid!r} (ids are listed in the result and the audit report)", field="--findings")
        if len(hits) > 1:
            raise InputError(f"finding id {fid!r} is ambiguous: give the full id", field="--findings")
        f = hits[0]
        if f.get("status") not in ACTIONABLE:
            raise InputError(f"finding {f['id']} is {f.get('status')}: only breaches and risks go into a notice", field="--findings")
        out.append(f)
    return out


def follow_up_rule(pack: Pack, kind: str) -> Rule | None:
    """The pack's rule on complying with a notice of this kind: its clause is the basis."""
    for r in pack.rules:
        where = r.check.get("where") or {}
        if r.check.get("facts") == "notice" and isinstance(where, dict) and where.get("kind") == kind:
            return r
    return None


def _deadline(pack: Pack, rule: Rule, issue: dt.date, as_of: dt.date, warnings: list[str]) -> dict[str, Any] | None:
    r = rule.remedy
    spec = {}
    start = issue
    if r is not None and (r.working_days is not None or r.natural_days is not None or r.months is not None):
        spec = {"working_days": r.working_days, "natural_days": r.natural_days, "months": r.months}
        if r.start == "as_of":
            start = as_of
    elif isinstance(pack.params.get(FALLBACK_DAYS_PARAM), int):
        spec = {"working_days": pack.params[FALLBACK_DAYS_PARAM]}
        warnings.append(f"规则{rule.id}未定整改期限，按参数 {FALLBACK_DAYS_PARAM}={spec['working_days']} 个工作日")
    else:
        warnings.append(f"规则{rule.id}未定整改期限，通知中须手工填写")
        return None
    reck = deadline_after(pack.calendar, start, **spec)
    due: dt.date = reck.value  # type: ignore[assignment]
    if spec.get("working_days") is not None:
        period = f"{spec['working_days']}个工作日"
    elif spec.get("natural_days") is not None:
        period = f"{spec['natural_days']}日"
    else:
        period = f"{spec['months']}个月"
    ex = reck.to_dict()
    return {
        "date": due.isoformat(),
        "date_zh": cn_date(due),
        "period": period,
        "from": "notice" if start == issue else "as_of",
        "provisional": reck.provisional,
        "provisional_years": list(ex["provisional_years"]),
        "rule": ex["rule"],
        "holidays_met": [f"{h['date']} {h['name']}" for h in ex["holidays_met"]],
    }


def build_notice(
    result: dict[str, Any],
    pack: Pack,
    kind: str,
    ids: list[str] | None,
    number: str | None,
    issue_date: dt.date | None,
) -> dict[str, Any]:
    if kind not in KINDS:
        raise InputError(f"expected rectification or warning, got {kind!r}", field="--kind")
    as_of = dt.date.fromisoformat(result["as_of"])
    issue = issue_date or as_of
    warnings: list[str] = []
    if issue_date is None:
        warnings.append(f"未给出发文日期（--issue-date）：按核查基准日 {issue} 计算整改期限")
    items = []
    for i, f in enumerate(select(result, ids), 1):
        try:
            rule = pack.rule(f["rule"])
        except KeyError:
            raise InputError(f"rule {f['rule']} of finding {f['id']} is not in the pack {pack.id}", field="--pack") from None
        deadline = _deadline(pack, rule, issue, as_of, warnings)
        warnings.extend(f"{f['id']}：{n}" for n in f.get("notes") or [])
        items.append(
            {
                "index": i,
                "index_zh": cn_index(i),
                "finding_id": f["id"],
                "rule": rule.id,
                "clause": rule.clause,
                "title": rule.title,
                "clause_text": rule.text,
                "facts": (f.get("message") or {}).get("zh", ""),
                "evidence": [e.get("cite") for e in (f.get("evidence") or [])[:3] if e.get("cite")],
                "action": (rule.remedy.action if rule.remedy and rule.remedy.action else None) or "按合同约定改正并书面说明",
                "deadline": deadline,
                # the finding's own dates (due date, latest notice day, late days) that rest on a guessed year
                "provisional_note": provisional_words({"details": f.get("details") or {}}),
            }
        )
    provisional = sorted({it["deadline"]["date"] for it in items if it["deadline"] and it["deadline"]["provisional"]})
    if provisional:
        warnings.append(f"整改期限 {'、'.join(provisional)} 所在年度的放假安排尚未正式公布（暂定）：发文前请核对")
    noted = [it["finding_id"] for it in items if it["provisional_note"]]
    if noted:
        warnings.append(f"问题 {'、'.join(noted)} 所示日期所在年度的放假安排尚未正式公布（暂定）：发文前请核对")
    dated = [it["deadline"]["date"] for it in items if it["deadline"]]
    last = max(dated) if dated else None
    recheck = add_working_days(pack.calendar, dt.date.fromisoformat(last), 1).value if last else None
    follow = follow_up_rule(pack, kind)
    c = result["contract"]
    period = result["period"]
    return {
        "kind": kind,
        "title": KINDS[kind],
        "number": check_number(number),
        "issue_date": issue.isoformat(),
        "issue_date_zh": cn_date(issue),
        "authority": c["parties"]["party_a"]["name"],
        "recipient": c["parties"]["party_b"]["name"],
        "contract": {"id": c["id"], "title": c["title"], "signed_on": c["signed_on"]},
        "inspection": {
            "as_of": result["as_of"],
            "as_of_zh": cn_date(as_of),
            "start_zh": cn_date(dt.date.fromisoformat(period["start"])),
            "end_zh": cn_date(dt.date.fromisoformat(period["end"])),
        },
        "basis": None if follow is None else {"clause": follow.clause, "text": follow.text},
        "items": items,
        "reply_by": last,
        "reply_by_zh": cn_date(dt.date.fromisoformat(last)) if last else None,
        "recheck_zh": cn_date(recheck) if recheck else None,  # type: ignore[arg-type]
        "warnings": warnings,
    }


def ledger_record(notice: dict[str, Any], pack: Pack) -> dict[str, Any]:
    """The dict engine.ledger.record_notice expects."""
    return {
        "kind": notice["kind"],
        "number": notice["number"],
        "issue_date": notice["issue_date"],
        "pack": pack.id,
        "items": [
            {
                "finding_id": it["finding_id"],
                "rule": it["rule"],
                "clause": it["clause"],
                "deadline": it["deadline"]["date"] if it["deadline"] else None,
            }
            for it in notice["items"]
        ],
    }

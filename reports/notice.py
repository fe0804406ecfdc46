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

import yaml

from lvyue.engine.calendar import add_working_days, deadline_after, provisional_words
from lvyue.engine.errors import InputError
from lvyue.engine.ledger.escalation import load_table, next_step, parse_table
from lvyue.engine.pack import Pack
from lvyue.engine.rule import Rule
from lvyue.engine.zhtext import zh_dates
from lvyue.reports.audit import cite_zh, cites_zh, fact_type_names, types_zh

KINDS = {"rectification": "整改通知书", "warning": "警示函"}
ACTIONABLE = ("breach", "at_risk")
CLOSED_STATES = ("rectified", "rectified_late", "resolved")  # engine/ledger/followup.py CLOSED
NOTES_SHOWN = 3  # a finding's notes quoted in a notice (the audit report lists them all)
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


def _ledger(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The follow-up state of each finding the result carries (a check run with --ledger or --record)."""
    return dict(((result.get("follow_up") or {}).get("findings")) or {})


def _earlier(fid: str, entry: dict[str, Any], ledger: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The earlier finding this one repeats: a breach of the same rule found before (recurred_by), or
    one that came back after a notice (recurs_after)."""
    for other_id, e in sorted(ledger.items()):
        if other_id != fid and fid in (e.get("recurred_by") or []):
            return {"finding_id": other_id, "first_seen": e.get("first_seen"), "notices": e.get("notices") or []}
    if entry.get("recurs_after"):
        return {"finding_id": None, "first_seen": None, "notices": [{"number": n} for n in entry["recurs_after"]]}
    return None


def _escalation(f: dict[str, Any], entry: dict[str, Any], earlier: dict[str, Any] | None, table: dict[str, Any]) -> dict[str, Any] | None:
    """What the pack's escalation table allows for a repeated or overdue finding (the ledger's step, else
    the step after the last notice about the earlier breach)."""
    if entry.get("escalation"):
        return entry["escalation"]
    if earlier is None:
        return None
    kinds = [n.get("kind") for n in earlier.get("notices") or [] if n.get("kind")]
    return next_step(f, kinds[-1] if kinds else None, table)


def _caveats(f: dict[str, Any], names: dict[str, str]) -> list[str]:
    """What the auditor must know before signing, said in the notice itself: a breach only under the
    strict reading of "提前N个工作日" (the finding's flag and note, as `lvyue check` prints them)."""
    details = f.get("details") or {}
    out = []
    for n in f.get("notes") or []:
        strict = details.get("reading_sensitive") and n.startswith("仅按严格读法")
        out.append("本项" + n if strict else n)
    out = [cites_zh(types_zh(zh_dates(x), names)) for x in out]
    if len(out) > NOTES_SHOWN:  # one note per day of a long run: the first ones stand for the rest
        out = [*out[: NOTES_SHOWN - 1], f"另有{len(out) - NOTES_SHOWN + 1}条同类说明，详见核查报告"]
    return out


def _table(result: dict[str, Any], pack: Pack) -> dict[str, Any]:
    c = result.get("contract") or {}
    if c.get("escalation") is not None:
        return parse_table(c["escalation"], "contract.escalation")
    return load_table(str(pack.root))


def _extra(pack: Pack) -> dict[str, Any]:
    """The pack's document particulars (templates/notice.yaml): 抄送, 印发机关. Contract text, never Python."""
    path = pack.root / "templates" / "notice.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping (cc, printer)", file=str(path))
    cc = data.get("cc") or []
    if not isinstance(cc, list) or not all(isinstance(x, str) for x in cc):
        raise InputError("expected a list of names", file=str(path), field="cc")
    printer = data.get("printer")
    if printer is not None and not isinstance(printer, str):
        raise InputError("expected text", file=str(path), field="printer")
    return {"cc": cc, "printer": printer}


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
    ledger = _ledger(result)
    table = _table(result, pack)
    names = fact_type_names(result)
    items: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    for f in select(result, ids):
        try:
            rule = pack.rule(f["rule"])
        except KeyError:
            raise InputError(f"rule {f['rule']} of finding {f['id']} is not in the pack {pack.id}", field="--pack") from None
        entry = ledger.get(f["id"]) or {}
        facts = cites_zh(types_zh(zh_dates((f.get("message") or {}).get("zh", "")), names))
        if entry.get("state") in CLOSED_STATES:  # the ledger shows it put right: for the record, not demanded again
            closed.append(
                {
                    "finding_id": f["id"],
                    "clause": rule.clause,
                    "title": rule.title,
                    "facts": facts,
                    "rectified_on_zh": cn_date(dt.date.fromisoformat(entry["rectified_on"])) if entry.get("rectified_on") else None,
                    "state": entry["state"],
                }
            )
            warnings.append(f"{f['id']}：台账显示已整改（{entry['state']}），不列入整改要求")
            continue
        deadline = _deadline(pack, rule, issue, as_of, warnings)
        earlier = _earlier(f["id"], entry, ledger)
        overdue = entry.get("state") == "overdue" and not entry.get("_new") and entry.get("first_seen") != result["as_of"]
        items.append(
            {
                "finding_id": f["id"],
                "rule": rule.id,
                "clause": rule.clause,
                "title": rule.title,
                "clause_text": rule.text,
                "facts": facts,
                "evidence": [cite_zh(e) for e in (f.get("evidence") or [])[:3] if e.get("cite")],
                "action": (rule.remedy.action if rule.remedy and rule.remedy.action else None) or "按合同约定改正并书面说明",
                "deadline": deadline,
                # the finding's own dates (due date, latest notice day, late days) that rest on a guessed year
                "provisional_note": provisional_words({"details": f.get("details") or {}}),
                "repeated": None if earlier is None else {
                    "first_seen_zh": cn_date(dt.date.fromisoformat(earlier["first_seen"])) if earlier.get("first_seen") else None,
                    "notices": [n.get("number") for n in earlier.get("notices") or [] if n.get("number")],
                },
                "unrectified_since_zh": cn_date(dt.date.fromisoformat(entry["first_seen"])) if overdue and entry.get("first_seen") else None,
                # notices already sent about this very finding, whose deadline passed
                "noticed": [
                    {"number": n["number"], "issue_date_zh": cn_date(dt.date.fromisoformat(n["issue_date"])),
                     "deadline_zh": cn_date(dt.date.fromisoformat(n["deadline"])) if n.get("deadline") else None}
                    for n in entry.get("notices") or [] if isinstance(n, dict) and n.get("number") and n.get("issue_date")
                ] if overdue else [],
                "escalation": _escalation(f, entry, earlier, table) if (earlier or overdue) else None,
                "caveats": _caveats(f, names),
            }
        )
    if not items:
        raise InputError(
            "every finding chosen is shown rectified in the ledger: nothing to demand (choose others with --findings)",
            field="--findings",
        )
    for i, it in enumerate(items, 1):
        it["index"] = i
    groups = _groups(items)
    provisional_years = sorted({y for it in items if it["deadline"] and it["deadline"]["provisional"] for y in it["deadline"]["provisional_years"]})
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
    extra = _extra(pack)
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
        "groups": groups,
        "closed": closed,
        "provisional_years": provisional_years,
        "strict_only": any(it["caveats"] and any("严格读法" in x for x in it["caveats"]) for it in items),
        "reply_by": last,
        "reply_by_zh": cn_date(dt.date.fromisoformat(last)) if last else None,
        "recheck_zh": cn_date(recheck) if recheck else None,  # type: ignore[arg-type]
        "cc": extra.get("cc") or [],
        "printer": extra.get("printer") or c["parties"]["party_a"]["name"],
        "warnings": warnings,
    }


def _groups(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items under their clause, in first-seen order: the clause's words quoted once (each rule's
    extract once), the findings listed under it, one action per rule, and the deadline once when
    every finding under the clause shares it."""
    by: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        by.setdefault(it["clause"], []).append(it)
    out = []
    for n, (clause, its) in enumerate(by.items(), 1):
        deadlines = {(it["deadline"] or {}).get("date") for it in its}
        out.append(
            {
                "index_zh": cn_index(n),
                "clause": clause,
                "title": "；".join(dict.fromkeys(it["title"] for it in its)),
                "texts": list(dict.fromkeys(it["clause_text"] for it in its)),
                "findings": its,
                "actions": list(dict.fromkeys(it["action"] for it in its)),
                "deadline": its[0]["deadline"] if len(deadlines) == 1 else None,
            }
        )
    return out


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

"""The findings ledger: audits, notices and rectifications, so the next audit can follow up.

An embedded SQLite file (default ./lvyue-ledger.sqlite, or $LVYUE_LEDGER).
The ledger stores what happened (each recorded check result, each notice
issued, each rectification Party B submitted); the follow-up state of a
finding (open, rectified, overdue, ...) is always computed from those
records (engine/ledger/followup.py), never stored, so it cannot drift.

API:
    record_audit(path, result, rectifications=None) -> audit id
    record_notice(path, notice) -> notice id
    follow_up(path, result, rectifications=None, escalation=None) -> dict (writes nothing)
    history(path, finding_id=None, pack=None) -> dict (one finding) | list (open findings)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lvyue.engine.errors import InputError
from lvyue.engine.ledger import store
from lvyue.engine.ledger.escalation import load_table, parse_table
from lvyue.engine.ledger.followup import CLOSED, STATE_ZH, Audit, assess, day
from lvyue.engine.ledger.followup import follow_up as _follow_up
from lvyue.engine.ledger.schema import SCHEMA_VERSION
from lvyue.engine.ledger.store import DEFAULT_NAME, ENV_PATH, resolve

NOTICE_KINDS = ("rectification", "warning")
DEFAULT_PATH = Path(DEFAULT_NAME)  # relative to the current folder; prefer resolve(None), which honours $LVYUE_LEDGER

__all__ = [
    "DEFAULT_NAME",
    "DEFAULT_PATH",
    "ENV_PATH",
    "NOTICE_KINDS",
    "SCHEMA_VERSION",
    "STATE_ZH",
    "follow_up",
    "history",
    "record_audit",
    "record_notice",
    "resolve",
]


# --- validation ----------------------------------------------------------------


def _iso(value: Any, field: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InputError(f"expected an ISO date like 2026-09-01, got {value!r}", field=field) from None


def _check_result(result: Any) -> None:
    if not isinstance(result, dict):
        raise InputError("expected an lvyue check result (a JSON object)")
    missing = [k for k in ("contract", "as_of", "period", "findings") if k not in result]
    if missing or not isinstance(result.get("contract"), dict) or "id" not in result["contract"]:
        raise InputError(f"not an lvyue check result: missing {', '.join(missing) or 'contract.id'}")
    _iso(result["as_of"], "as_of")
    for k in ("start", "end"):
        _iso((result["period"] or {}).get(k), f"period.{k}")
    for i, f in enumerate(result["findings"]):
        for k in ("id", "rule", "status"):
            if not isinstance(f, dict) or not f.get(k):
                raise InputError(f"finding {i + 1} has no {k}", field=f"findings[{i}].{k}")


def _rectifications(facts: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(facts or []):
        where = f"rectification[{i}]"
        if not isinstance(r, dict):
            raise InputError("expected a rectification fact's fields", field=where)
        for k in ("id", "finding", "submitted_on"):
            if not r.get(k):
                raise InputError(f"missing {k}", field=f"{where}.{k}")
        out.append(
            {
                "id": str(r["id"]),
                "finding": str(r["finding"]),
                "submitted_on": _iso(r["submitted_on"], f"{where}.submitted_on"),
                "description": r.get("description"),
                "notice": None if r.get("notice") in (None, "") else str(r["notice"]),
            }
        )
    return out


def _notice(notice: Any) -> dict[str, Any]:
    if not isinstance(notice, dict):
        raise InputError("expected a notice (kind, number, issue_date, pack, items)")
    kind = notice.get("kind")
    if kind not in NOTICE_KINDS:
        raise InputError(f"expected one of {', '.join(NOTICE_KINDS)}, got {kind!r}", field="kind")
    number = str(notice.get("number") or "").strip()
    if not number:
        raise InputError("a notice needs its number (文号)", field="number")
    pack = str(notice.get("pack") or "").strip()
    if not pack:
        raise InputError("a notice needs the pack it belongs to", field="pack")
    issued = _iso(notice.get("issue_date"), "issue_date")
    items = notice.get("items")
    if not isinstance(items, list) or not items:
        raise InputError("a notice lists at least one finding", field="items")
    out, seen = [], set()
    for i, item in enumerate(items):
        where = f"items[{i}]"
        if not isinstance(item, dict) or not item.get("finding_id"):
            raise InputError("missing finding_id", field=f"{where}.finding_id")
        fid = str(item["finding_id"])
        if fid in seen:
            raise InputError(f"finding {fid} is listed twice", field=f"{where}.finding_id")
        seen.add(fid)
        deadline = _iso(item.get("deadline"), f"{where}.deadline")
        if deadline < issued:
            raise InputError(f"deadline {deadline} is before the issue date {issued}", field=f"{where}.deadline")
        rule = item.get("rule") or fid.split(":", 1)[0]
        out.append({"finding_id": fid, "rule": str(rule), "clause": item.get("clause"), "deadline": deadline})
    return {"kind": kind, "number": number, "issue_date": issued, "pack": pack, "items": out}


# --- API ----------------------------------------------------------------------


def record_audit(path: Path | None, result: dict, rectifications: list[dict] | None = None) -> str:
    """Store a check result (and the rectification facts of its evidence) in one transaction.

    Recording the same result again returns the same audit id and stores nothing twice.
    """
    _check_result(result)
    facts = _rectifications(rectifications)
    fp = store.fingerprint(result)
    with store.write(resolve(path)) as conn:
        audit_id, _ = store.insert_audit(conn, result, fp)
        store.insert_rectifications(conn, audit_id, facts)
    return audit_id


def record_notice(path: Path | None, notice: dict) -> str:
    """Record a notice issued (rectification notice or warning letter); its id is pack:number."""
    clean = _notice(notice)
    with store.write(resolve(path)) as conn:
        notice_id, _ = store.insert_notice(conn, clean)
    return notice_id


def _table(contract: dict | None, escalation: dict | None = None) -> dict[str, Any]:
    """Escalations: given > the result's contract.escalation > the pack's contract.yaml."""
    contract = contract or {}
    if escalation is not None:
        return parse_table(escalation, "escalation")
    if contract.get("escalation") is not None:
        return parse_table(contract["escalation"], "contract.escalation")
    return load_table(contract.get("pack"))


def _load(path: Path) -> tuple[list[dict], list[dict], list[dict]]:
    with store.read(resolve(path)) as conn:
        if conn is None:
            return [], [], []
        return store.audits(conn), store.notices(conn), store.rectifications(conn)


def _merge_rects(a: list[dict], b: list[dict]) -> list[dict]:
    seen: dict[tuple[str, str, str], dict] = {}
    for r in [*a, *b]:
        seen.setdefault((r["id"], r["finding"], r["submitted_on"]), r)
    return list(seen.values())


def _audit(row: dict[str, Any]) -> Audit:
    return Audit(
        row["id"],
        dt.date.fromisoformat(row["as_of"]),
        (dt.date.fromisoformat(row["period"]["start"]), dt.date.fromisoformat(row["period"]["end"])),
        dt.date.fromisoformat(row["signed_on"]) if row.get("signed_on") else None,
        row["findings"],
    )


def follow_up(
    path: Path,
    result: dict,
    rectifications: list[dict] | None = None,
    escalation: dict | None = None,
) -> dict:
    """The current result against the ledger, writing nothing.

    Earlier audits are the recorded ones of the same contract with an as-of on
    or before the result's (the result itself, if already recorded, excluded).
    `escalation` overrides the pack's contract.yaml `escalation:` mapping.
    """
    _check_result(result)
    rows, notices, rects = _load(path)
    fp = store.fingerprint(result)
    cid = str(result["contract"]["id"])
    previous = [
        _audit(r) for r in rows if r["contract_id"] == cid and r["as_of"] <= result["as_of"] and r["fingerprint"] != fp
    ]
    table = _table(result["contract"], escalation)
    current = Audit.of_result(result)
    return _follow_up(previous, current, notices, _merge_rects(rects, _rectifications(rectifications)), table)


def _matches_pack(row: dict[str, Any], pack: str | None) -> bool:
    if not pack:
        return True
    key = store.pack_key(pack)
    return key in (row["contract_id"], store.pack_key(row["pack"])) or pack == row["pack"]


def history(path: Path, finding_id: str | None = None, pack: str | None = None) -> dict | list:
    """The life of one finding (a dict), or the open findings as of each contract's latest audit (a list)."""
    rows, notices, rects = _load(path)
    rows = [r for r in rows if _matches_pack(r, pack)]
    by_contract: dict[str, list[dict]] = {}
    for r in rows:
        by_contract.setdefault(r["contract_id"], []).append(r)
    states: dict[str, dict[str, Any]] = {}
    contract_of: dict[str, str] = {}
    for cid, audit_rows in sorted(by_contract.items()):
        last = audit_rows[-1]
        table = _table(last.get("contract") or {"pack": last["pack"]})
        # Notices issued after the latest audit count too: the ledger's "now" is its latest record.
        issued = [day(n["issue_date"]) for n in notices if n.get("contract_id", cid) == cid]
        now = max([day(last["as_of"]), *[d for d in issued if d]])
        for fid, e in assess([_audit(r) for r in audit_rows], notices, rects, table, now).items():
            e.pop("_new", None)
            states[fid] = e
            contract_of[fid] = cid
    if finding_id is None:
        return [
            {"finding_id": fid, "contract": contract_of[fid], **e}
            for fid, e in sorted(states.items(), key=lambda kv: (contract_of[kv[0]], kv[1]["clause"] or "", kv[0]))
            if e["state"] not in CLOSED and not (e["thread"] and fid != e["thread"][-1])
        ]
    ids = set((states.get(finding_id) or {}).get("thread") or [finding_id])
    seen = []
    for r in rows:
        for f in r["findings"]:
            if f["id"] in ids:
                seen.append(
                    {
                        "audit": r["id"],
                        "as_of": r["as_of"],
                        "period": r["period"],
                        "finding_id": f["id"],
                        "status": f["status"],
                        "subject": f.get("subject"),
                        "finding_period": f.get("period"),
                        "deadline": (f.get("deadline") or {}).get("date"),
                        "message": (f.get("message") or {}).get("zh"),
                        # a manual item the auditor concluded: who, what, when (the filled-in 人工核查清单)
                        "conclusion": (f.get("details") or {}).get("manual_conclusion"),
                    }
                )
    sent = [
        {"kind": n["kind"], "number": n["number"], "issue_date": n["issue_date"], "deadline": i["deadline"],
         "finding_id": i["finding_id"]}
        for n in notices
        for i in n["items"]
        if i["finding_id"] in ids
    ]
    if not seen and not sent:
        where = f" for pack {pack}" if pack else ""
        raise InputError(f"finding {finding_id} is not in the ledger{where}", file=str(resolve(path)))
    first = next((f for r in rows for f in r["findings"] if f["id"] in ids), None)
    rule = first["rule"] if first else sent[0]["finding_id"].split(":", 1)[0]
    numbers = {n["number"] for n in sent}
    return {
        "finding_id": finding_id,
        "rule": rule,
        "clause": first.get("clause") if first else None,
        "title": first.get("title") if first else None,
        "subject": first.get("subject") if first else None,
        "kind": first.get("kind") if first else None,
        "audits": seen,
        "notices": sent,
        "rectifications": [
            r for r in rects if r["finding"] in ids or r["finding"] == rule or (r.get("notice") in numbers)
        ],
        "follow_up": states.get(finding_id),
    }

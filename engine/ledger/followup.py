"""Follow-up semantics: the state of every finding across audits, computed, never stored.

Pure functions over plain data (audits with their findings, notices,
rectification facts), so the same ledger always gives the same answer and
the rules can be tested without a database. docs/ledger.md states the
semantics in words; this module is their one implementation.

States: `open` (needs action, deadline not passed), `rectified`,
`rectified_late`, `overdue`, `recurring` (a new breach of a rule after a
notice about it), `resolved` (an at-risk finding that never became a breach
and is gone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lvyue.engine.ledger.escalation import LADDER, next_step

# Obligation kinds whose breach is a state that can be put right; every other
# kind is a past event (it cannot be undone, only answered in writing).
STATE_KINDS = frozenset({"maintain", "inventory", "achieve_by", "cap"})
NEEDS_ACTION = frozenset({"breach", "at_risk"})
# Statuses that say the rule was judged on evidence: `not_due` (nothing fell due) counts
# like `compliant` here, so a breach no longer reported is rectified; `no_evidence` does not.
EVALUATED = frozenset({"breach", "at_risk", "compliant", "not_due"})
CLOSED = frozenset({"rectified", "rectified_late", "resolved"})
ESCALATING = frozenset({"overdue", "rectified_late", "recurring"})
ONE_DAY = dt.timedelta(days=1)
STATE_ZH = {
    "open": "待整改",
    "overdue": "逾期未整改",
    "rectified": "已按期整改",
    "rectified_late": "逾期后整改",
    "recurring": "通知后再次发生",
    "resolved": "风险已消除",
}


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass
class Audit:
    id: str | None  # None: the current result, not recorded
    as_of: dt.date
    period: tuple[dt.date, dt.date]
    signed_on: dt.date | None
    findings: list[dict[str, Any]]

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        start = max(self.period[0], self.signed_on) if self.signed_on else self.period[0]
        return start, min(self.period[1], self.as_of)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "as_of": self.as_of.isoformat(),
            "period": {"start": self.period[0].isoformat(), "end": self.period[1].isoformat()},
        }

    @classmethod
    def of_result(cls, result: dict[str, Any], audit_id: str | None = None) -> Audit:
        c = result.get("contract") or {}
        return cls(
            audit_id,
            dt.date.fromisoformat(result["as_of"]),
            (dt.date.fromisoformat(result["period"]["start"]), dt.date.fromisoformat(result["period"]["end"])),
            day(c.get("signed_on")),
            list(result.get("findings") or []),
        )


def _start(f: dict[str, Any], audit: Audit) -> dt.date:
    p = f.get("period")
    return day(p["start"]) if p else audit.as_of  # type: ignore[return-value]


def _end(f: dict[str, Any]) -> dt.date | None:
    p = f.get("period")
    return day(p["end"]) if p else None


def _own_deadline(f: dict[str, Any]) -> dt.date | None:
    if f.get("deadline"):
        return day(f["deadline"]["date"])
    d = (f.get("details") or {}).get("deadline")
    try:
        return day(d) if isinstance(d, str) else None
    except ValueError:
        return None


@dataclass
class Track:
    """One finding id (or, for a state obligation, a thread of ids that continue one breach)."""

    head: str
    first: dict[str, Any]
    first_audit: int
    members: list[str] = field(default_factory=list)
    seen: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (audit index, finding)
    breach: dict[str, Any] | None = None  # first appearance as a breach
    ongoing: bool = True
    restored_on: dt.date | None = None
    last_breach: dt.date | None = None  # last day any audit saw the breach still holding
    resolved: bool = False

    def restore(self, on: dt.date) -> None:
        """The state holds again from `on` (not before the last day a breach was seen)."""
        if self.last_breach is not None:
            on = max(on, self.last_breach + ONE_DAY)
        self.ongoing = False
        self.restored_on = self.restored_on or on

    @property
    def state_kind(self) -> bool:
        return self.first.get("kind") in STATE_KINDS


def _evaluated(audit: Audit, rule: str) -> bool:
    return any(f.get("rule") == rule and f.get("status") in EVALUATED for f in audit.findings)


def _threads(audits: list[Audit]) -> tuple[dict[str, Track], dict[str, str]]:
    """Every finding that ever needed action, followed through the audits in order."""
    tracks: dict[str, Track] = {}
    owner: dict[str, str] = {}  # finding id → head of its track
    for k, audit in enumerate(audits):
        wstart, wend = audit.window
        present = {f["id"]: f for f in audit.findings}
        # 1. what this audit says about the tracks already open
        for t in list(tracks.values()):
            if t.first_audit == k:
                continue
            mine = [present[m] for m in t.members if m in present]
            for f in mine:
                t.seen.append((k, f))
                if f.get("status") == "breach" and t.breach is None:
                    t.breach = f
            acting = [f for f in mine if f.get("status") in NEEDS_ACTION]
            if not t.state_kind:
                if not acting and t.breach is None and _evaluated(audit, t.first["rule"]):
                    t.resolved = True  # an at-risk past event that never fell due unmet
                continue
            if not acting:
                cont = [
                    f
                    for f in audit.findings
                    if f["id"] not in owner
                    and f.get("status") in NEEDS_ACTION
                    and f.get("rule") == t.first.get("rule")
                    and f.get("subject") == t.first.get("subject")
                    and _start(f, audit) <= wstart
                ]
                if cont and t.ongoing:
                    for f in cont:
                        t.members.append(f["id"])
                        owner[f["id"]] = t.head
                        t.seen.append((k, f))
                        if f.get("status") == "breach" and t.breach is None:
                            t.breach = f
                    acting = cont
            if acting:
                ends = [_end(f) for f in acting]
                if any(e is None or e >= wend for e in ends):
                    t.ongoing, t.restored_on = True, None
                    t.last_breach = max(t.last_breach or wend, wend)
                else:
                    last = max(e for e in ends if e)
                    t.last_breach = max(t.last_breach or last, last)
                    t.restore(last + ONE_DAY)
            elif _evaluated(audit, t.first["rule"]):
                t.restore(wstart)
                if t.breach is None:
                    t.resolved = True
        # 2. findings this audit sees for the first time
        for f in audit.findings:
            if f.get("status") not in NEEDS_ACTION or f["id"] in owner:
                continue
            t = Track(f["id"], f, k, [f["id"]], [(k, f)], f if f.get("status") == "breach" else None)
            if t.state_kind:
                e = _end(f)
                t.last_breach = min(e, wend) if e else wend
                if e is not None and e < wend:
                    t.restore(e + ONE_DAY)
            tracks[f["id"]] = t
            owner[f["id"]] = f["id"]
    return tracks, owner


def assess(
    audits: list[Audit],
    notices: list[dict[str, Any]],
    rectifications: list[dict[str, Any]],
    table: dict[str, Any],
    now: dt.date | None = None,
) -> dict[str, dict[str, Any]]:
    """The follow-up state of every finding ever needing action, as of `now` (default: the last audit)."""
    if not audits:
        return {}
    now = max(now or audits[-1].as_of, audits[-1].as_of)
    notices = sorted(
        (n for n in notices if day(n["issue_date"]) <= now), key=lambda n: (n["issue_date"], n["number"])
    )
    rects = sorted(
        (r for r in rectifications if day(str(r["submitted_on"])) <= now),
        key=lambda r: (str(r["submitted_on"]), str(r.get("id", ""))),
    )
    tracks, owner = _threads(audits)
    # every breach of a rule, with the day it started, for recurrence
    breaches: dict[str, list[tuple[str, dt.date]]] = {}
    counted: set[str] = set()
    for t in tracks.values():
        for k, f in t.seen:
            if f.get("status") == "breach" and f["id"] not in counted:
                counted.add(f["id"])
                breaches.setdefault(f["rule"], []).append((f["id"], _start(f, audits[k])))
    out: dict[str, dict[str, Any]] = {}
    for t in tracks.values():
        entry = _entry(t, audits, notices, rects, breaches, owner, table, now)
        for fid in t.members:
            out[fid] = {**entry, "finding_id": fid}
    return out


def _notice_rows(notices: list[dict[str, Any]], ids: set[str]) -> list[dict[str, Any]]:
    rows = []
    for n in notices:
        for item in n["items"]:
            if item["finding_id"] in ids:
                rows.append(
                    {
                        "kind": n["kind"],
                        "number": n["number"],
                        "issue_date": n["issue_date"],
                        "deadline": item["deadline"],
                    }
                )
    return rows


def _entry(
    t: Track,
    audits: list[Audit],
    notices: list[dict[str, Any]],
    rects: list[dict[str, Any]],
    breaches: dict[str, list[tuple[str, dt.date]]],
    owner: dict[str, str],
    table: dict[str, Any],
    now: dt.date,
) -> dict[str, Any]:
    ids = set(t.members)
    f0 = t.first
    rule = f0["rule"]
    first_audit = audits[t.first_audit]
    start = _start(f0, first_audit)
    sent = _notice_rows(notices, ids)
    numbers = {n["number"] for n in sent}
    # Notices about the same rule sent before this breach began: it recurs after them.
    earlier = [
        n
        for n in notices
        if day(n["issue_date"]) < start
        and any(i.get("rule") == rule and i["finding_id"] not in ids for i in n["items"])
    ]
    last_notice = sent[-1]["kind"] if sent else None
    if earlier and (last_notice is None or LADDER.index(earlier[-1]["kind"]) > LADDER.index(last_notice)):
        last_notice = earlier[-1]["kind"]
    deadline = day(sent[-1]["deadline"]) if sent else _own_deadline(t.breach or f0)
    facts = [
        r
        for r in rects
        if r.get("finding") in ids or r.get("finding") == rule or (r.get("notice") and r.get("notice") in numbers)
    ]
    last = t.seen[-1][1]
    entry: dict[str, Any] = {
        "rule": rule,
        "clause": f0.get("clause"),
        "kind": f0.get("kind"),
        "obligor": f0.get("obligor"),
        "subject": f0.get("subject"),
        "first_seen": first_audit.as_of.isoformat(),
        "last_seen": audits[t.seen[-1][0]].as_of.isoformat(),
        "last_status": last.get("status"),
        "in_current": any(k == len(audits) - 1 for k, _ in t.seen),
        "thread": list(t.members) if len(t.members) > 1 else None,
        "notices": sent,
        "deadline": deadline.isoformat() if deadline else None,
        "rectifications": [
            {"id": r.get("id"), "submitted_on": str(r["submitted_on"]), "notice": r.get("notice")} for r in facts
        ],
        "rectified_on": None,
        "overdue_since": None,
        "recurs_after": [n["number"] for n in earlier],
        "recurred_by": [],
        "state": "open",
        "escalation": None,
    }
    entry["_new"] = t.first_audit == len(audits) - 1
    if t.resolved and not sent:
        entry["state"] = "resolved"
        return entry
    never_breached = t.breach is None and not sent
    if t.state_kind:
        done = t.restored_on
    else:
        # A past event: answered in writing by the deadline, with no new breach of the rule meanwhile.
        ref = day(sent[0]["issue_date"]) if sent else first_audit.as_of
        horizon = deadline or now
        again = sorted(
            fid for fid, s in breaches.get(rule, []) if owner.get(fid) != t.head and ref < s <= horizon
        )
        entry["recurred_by"] = again
        done = None if (again or not facts) else day(str(facts[0]["submitted_on"]))
    if done is not None:
        entry["rectified_on"] = done.isoformat()
        entry["state"] = "rectified" if deadline is None or done <= deadline else "rectified_late"
    elif never_breached:
        entry["state"] = "open"  # at risk: not yet due
    elif deadline is None or now > deadline:
        # No remediation deadline: the breach is itself the missed deadline.
        entry["state"] = "overdue"
        entry["overdue_since"] = (deadline + ONE_DAY).isoformat() if deadline else None
    elif earlier:
        entry["state"] = "recurring"
    if entry["state"] in ESCALATING and f0.get("obligor") != "party_a":
        # Notices and warning letters are Party A's remedies against Party B.
        entry["escalation"] = next_step(f0, last_notice, table)
    return entry


def follow_up(
    previous: list[Audit],
    current: Audit,
    notices: list[dict[str, Any]],
    rectifications: list[dict[str, Any]],
    table: dict[str, Any],
) -> dict[str, Any]:
    """The current audit against the earlier ones: per-finding state and the since-last lists."""
    now = assess([*previous, current], notices, rectifications, table)
    before = assess(previous, notices, rectifications, table)
    acting = {f["id"] for f in current.findings if f.get("status") in NEEDS_ACTION}
    findings: dict[str, dict[str, Any]] = {}
    since: dict[str, list[str]] = {"new": [], "rectified": [], "overdue": [], "recurring": []}
    for fid in sorted(now):
        e = now[fid]
        new = e.pop("_new")
        was = before.get(fid)
        if was is not None:
            was.pop("_new", None)
        if fid not in acting and (was is None or was["state"] in CLOSED):
            continue
        findings[fid] = e
        if e["thread"] and fid != e["thread"][-1]:
            continue  # one line per breach: its latest id
        if new and fid in acting:
            since["recurring" if e["recurs_after"] else "new"].append(fid)
        if e["state"] in ("rectified", "rectified_late") and was is not None and was["state"] not in CLOSED:
            since["rectified"].append(fid)
        if e["state"] == "overdue":
            since["overdue"].append(fid)
    return {
        "previous_audit": previous[-1].summary() if previous else None,
        "findings": findings,
        "since_last": since,
        "manual_carried": manual_carried(previous, current),
    }


def manual_carried(previous: list[Audit], current: Audit) -> list[dict[str, Any]]:
    """Manual items concluded in an earlier audit (符合/不符合/不适用) that are manual again now:
    not re-checked since. Each with the latest conclusion on record: who, when, what."""
    latest: dict[str, tuple[Audit, dict[str, Any], dict[str, Any]]] = {}
    for a in previous:
        for f in a.findings:
            c = (f.get("details") or {}).get("manual_conclusion")
            if isinstance(c, dict):
                latest[f["rule"]] = (a, f, c)
    now = {f.get("rule"): f for f in current.findings}
    out = []
    for rule, (a, f, c) in sorted(latest.items()):
        cur = now.get(rule)
        if cur is None or cur.get("status") != "manual":
            continue  # re-checked in this audit, or no longer a rule of the pack
        out.append(
            {
                "rule": rule,
                "clause": f.get("clause"),
                "title": f.get("title"),
                "finding_id": f["id"],
                "status": f.get("status"),
                "conclusion": c.get("conclusion"),
                "note": c.get("note"),
                "checker": c.get("checker"),
                "checked_on": c.get("checked_on"),
                "audit_as_of": a.as_of.isoformat(),
            }
        )
    return out

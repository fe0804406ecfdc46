"""Evaluate a pack against facts for an as-of date and a period.

Order of work: rules whose evidence is absent become `no_evidence`, manual
rules become checklist items; every other rule's template derives its
domain facts (Items) and the rules engine matches them against the rule's
compiled patterns. Each match names an outcome (a status) and the facts it
matched; those become findings (consecutive days of one subject merged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.calendar import deadline_after
from engine.compile import compile_pack
from engine.evaluators import Matcher, default_evaluator
from engine.findings import Deadline, EvidenceRef, Finding, Status, stable_id
from engine.kinds import KINDS, Context, Item
from engine.pack import Pack
from engine.patterns import Outcome, Param, runtime_values
from engine.rule import Rule
from facts.model import Fact

EVIDENCE_CAP = 25  # evidence listed per finding; the total is always given


@dataclass
class Evaluation:
    pack: Pack
    as_of: dt.date
    period: tuple[dt.date, dt.date]
    findings: list[Finding]
    items_checked: int = 0
    calendar_years: dict[int, bool] = field(default_factory=dict)
    evaluator: str = ""


class _Fmt(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _types_zh(types: Iterable[str], known: dict[str, type[Fact]]) -> str:
    return "、".join(f"{known[t].title_zh}({t})" if t in known else t for t in sorted(types))


def evaluate(
    pack: Pack,
    facts: dict[str, list[Fact]],
    *,
    as_of: dt.date,
    period: tuple[dt.date, dt.date],
    present: set[str] | None = None,
    evaluator: Matcher | None = None,
) -> Evaluation:
    """Findings for every rule of the pack; `present`: fact types whose evidence was supplied."""
    present = set(facts) if present is None else present
    evaluator = evaluator or default_evaluator()
    ctx = Context(pack, pack.calendar, pack.params, as_of, period, facts)
    findings: list[Finding] = []
    pending: list[tuple[Rule, list[Item]]] = []
    for rule in pack.rules:
        kind = KINDS[rule.kind]
        if rule.kind == "manual":
            findings.append(_manual(pack, rule, period))
            continue
        if rule.applies_from == "term_end" and as_of < (end := pack.term_end().value):
            findings.append(_not_yet(pack, rule, period, end))
            continue
        absent = kind.requires(rule.spec) - present
        if absent:
            findings.append(_no_evidence(pack, rule, period, absent))
            continue
        pending.append((rule, kind.expand(rule, rule.spec, ctx)))
    compiled = compile_pack(pack)
    runtime = runtime_values(as_of, period)
    checked = 0
    for rule, items in pending:
        c = compiled[rule.id]
        decided = _decided(items, c.outcomes, evaluator.match(c, [i.record() for i in items], runtime))
        checked += len({id(i) for i, _, _ in decided})
        findings.extend(_findings(pack, rule, decided, ctx, items))
    order = {c: i for i, c in enumerate(pack.contract.clauses)}  # the contract's own order
    findings.sort(
        key=lambda f: (order.get(f.clause, len(order)), f.clause, f.rule,
                       f.period[0] if f.period else dt.date.min, f.subject, f.id)
    )
    years = range(min(period[0], as_of).year, max(period[1], as_of).year + 1)
    cal_years = {y: pack.calendar.is_official(y) for y in years}
    return Evaluation(pack, as_of, period, findings, checked, cal_years, evaluator.name)


Decided = tuple[Item, Outcome, list[Item]]  # the subject, the outcome it matched, the other facts matched


def _decided(items: list[Item], outcomes: tuple[Outcome, ...], matches) -> list[Decided]:
    """Each subject with the outcomes the engine matched it with (its compliant one only if no other).

    A subject matched by no outcome is outside the rule (its `where` leaves it out).
    """
    per: dict[int, dict[tuple[str, str], tuple[Outcome, list[Item]]]] = {}
    for m in sorted(matches, key=lambda m: (m.records, m.outcome)):
        o = outcomes[m.outcome]
        _, joined = per.setdefault(m.records[0], {}).setdefault((o.status, o.tag), (o, []))
        joined.extend(items[j] for j in m.records[1:])
    out: list[Decided] = []
    for idx in sorted(per):
        got = per[idx]
        keys = [k for k in got if k[0] != "compliant"] or list(got)
        for k in sorted(keys, key=lambda k: (k[1], k[0])):
            out.append((items[idx], *got[k]))
    return out


def _base(pack: Pack, rule: Rule, status: Status, subject: str, period, key: str) -> Finding:
    start = period[0].isoformat() if period else ""
    return Finding(
        id=f"{rule.id}:{stable_id(pack.id, rule.id, subject, key or start)}",
        rule=rule.id,
        clause=rule.clause,
        title=rule.title,
        kind=rule.kind,
        obligor=rule.obligor,
        severity=rule.severity,
        status=status,
        subject=subject,
        period=period,
        message={},
        consequence=rule.consequence,
    )


def _manual(pack: Pack, rule: Rule, period) -> Finding:
    f = _base(pack, rule, "manual", rule.title, period, "manual")
    how = rule.spec.how
    f.message = {"zh": f"人工核查：{how}", "en": f"Manual check: {how}"}
    f.details = {"how": how}
    return f


def _not_yet(pack: Pack, rule: Rule, period, start: dt.date) -> Finding:
    f = _base(pack, rule, "manual", rule.title, period, "not_yet")
    f.message = {
        "zh": f"该义务自合同期满（{start.isoformat()}）起适用，本期尚未到期，届时核查",
        "en": f"This obligation arises when the term ends ({start.isoformat()}); check it then",
    }
    f.details = {"applies_from": start.isoformat()}
    return f


def _no_evidence(pack: Pack, rule: Rule, period, absent: set[str]) -> Finding:
    f = _base(pack, rule, "no_evidence", rule.title, period, "no_evidence")
    f.message = {
        "zh": f"缺少证据：未提供{_types_zh(absent, pack.fact_types)}，无法判断是否履约（不视为合规）",
        "en": f"No evidence: no {', '.join(sorted(absent))} supplied; compliance cannot be shown",
    }
    f.details = {"missing_fact_types": sorted(absent)}
    return f


def _runs(decided: list[Decided], items: list[Item]) -> list[list[Decided]]:
    """Group non-compliant subjects: consecutive checked days of one subject and outcome merge.

    Days are consecutive when no other checked day of the subject lies between
    them (week-ends and holidays are no items, so they do not break a run; a
    day that is fine for this outcome but breached for another one does).
    """
    position: dict[int, int] = {}
    seen: dict[str, int] = {}
    for i in items:
        position[id(i)] = seen[i.subject] = seen.get(i.subject, -1) + 1
    by_subject: dict[tuple[str, str], list[Decided]] = {}
    for d in decided:
        by_subject.setdefault((d[0].subject, d[1].tag), []).append(d)
    runs: list[list[Decided]] = []
    for seq in by_subject.values():
        current: list[Decided] = []
        for d in seq:
            item, outcome = d[0], d[1]
            joinable = (
                current
                and item.day is not None
                and current[-1][0].day is not None
                and current[-1][1].status == outcome.status
                and position[id(item)] == position[id(current[-1][0])] + 1
            )
            if outcome.status == "compliant":
                if current:
                    runs.append(current)
                current = []
            elif joinable:
                current.append(d)
            else:
                if current:
                    runs.append(current)
                current = [d]
        if current:
            runs.append(current)
    return runs


def _findings(pack: Pack, rule: Rule, decided: list[Decided], ctx: Context, items: list[Item]) -> list[Finding]:
    runs = _runs(decided, items)
    if not runs:
        return [_compliant(pack, rule, decided, ctx)]
    return [_from_run(pack, rule, run, ctx) for run in runs]


def _render(rule: Rule, values: dict[str, Any]) -> dict[str, str]:
    if rule.message is None:
        return {"zh": f"{rule.title}：{values['subject']}", "en": f"{rule.id}: {values['subject']}"}
    return {
        "zh": rule.message.zh.format_map(_Fmt(values)),
        "en": rule.message.en.format_map(_Fmt(values)),
    }


def _evidence(facts: Iterable[Fact]) -> tuple[list[EvidenceRef], int]:
    unique: dict[tuple[str, str], Fact] = {}
    for f in facts:
        unique.setdefault((f.fact_type, f.id), f)
    ordered = [unique[k] for k in sorted(unique)]
    return [EvidenceRef.of(f) for f in ordered[:EVIDENCE_CAP]], len(ordered)


def _plain(v: Any) -> Any:
    return v.value if isinstance(v, Param) else v


def _from_run(pack: Pack, rule: Rule, run: list[Decided], ctx: Context) -> Finding:
    first, outcome, _ = run[0]
    status: Status = outcome.status  # type: ignore[assignment]
    items = [d[0] for d in run]
    if first.day is not None:
        period = (items[0].day, items[-1].day)
    else:
        period = first.period
    ranked = [i for i in items if i.rank is not None]
    worst = min(ranked, key=lambda i: i.rank) if ranked else first
    key = first.key + (f"|{outcome.tag}" if outcome.tag else "")
    day_key = f"{outcome.tag}|{period[0].isoformat()}" if outcome.tag and period else ""
    f = _base(pack, rule, status, first.subject, period, key if first.day is None else day_key)
    own = {k: _plain(v) for k, v in outcome.values}
    values = {
        **worst.values,
        **own,
        "subject": first.subject,
        "title": rule.title,
        "clause": rule.clause,
        "start": period[0].isoformat() if period else "",
        "end": period[1].isoformat() if period else "",
        "days": len(items),
        "status": status,
    }
    f.message = _render(rule, values)
    f.evidence, f.evidence_total = _evidence(e for d in run for i in (d[0], *d[2]) for e in i.evidence)
    f.details = {
        k: v for k, v in {**worst.values, **own}.items() if isinstance(v, (str, int, bool)) or v is None
    }
    if first.day is not None:
        f.details["days"] = [i.day.isoformat() for i in items if i.day]
    f.amounts = dict(worst.amounts)
    f.notes = sorted({n for i in items for n in i.notes})
    if outcome.note:
        f.notes.append(outcome.note)
    if outcome.flag:
        f.details[outcome.flag] = True
    f.deadline = _deadline(rule, status, worst, ctx)
    return f


def _deadline(rule: Rule, status: Status, item: Item, ctx: Context) -> Deadline | None:
    if status == "at_risk" and item.deadline is not None:
        return Deadline.of(item.deadline, "履行期限")
    if status != "breach" or rule.remedy is None:
        return None
    r = rule.remedy
    if r.working_days is None and r.natural_days is None and r.months is None:
        return None
    reck = deadline_after(
        ctx.calendar, ctx.as_of, working_days=r.working_days, natural_days=r.natural_days, months=r.months
    )
    basis = "整改期限（自整改通知下达之日起算，默认以核查基准日为下达日）"
    return Deadline.of(reck, basis)


def _compliant(pack: Pack, rule: Rule, decided: list[Decided], ctx: Context) -> Finding:
    start, end = ctx.window()
    f = _base(pack, rule, "compliant", rule.title, (start, end), "compliant")
    n = len(decided)
    if n:
        f.message = {
            "zh": f"已核查 {n} 项，均符合约定",
            "en": f"{n} item(s) checked, all compliant",
        }
    else:
        f.message = {"zh": "期内无应核查事项（证据已提供）", "en": "Nothing fell due in the period (evidence supplied)"}
    f.evidence, f.evidence_total = _evidence(e for d in decided for i in (d[0], *d[2]) for e in i.evidence)
    f.details = {"checked": n}
    notes = sorted({x for d in decided for x in d[0].notes})
    f.notes = notes[:10]
    return f

"""Evaluate a pack against facts for an as-of date and a period.

Order of work: rules whose evidence is absent (or an empty register) become
`no_evidence`, manual rules become checklist items, rules that apply from a
later date are `not_due`; every other rule's template derives its domain
facts (Items) and the rules engine matches them against the rule's compiled
patterns. Each match names an outcome (a status) and the facts it matched;
those become findings (consecutive days of one subject merged).

Evidence completeness (shared/DESIGN.md): a rule that needs a fact type whose
evidence was not read completely (rejected rows, a file-level problem) is
never `compliant` or `not_due`: that outcome becomes `no_evidence` citing the
rows; breaches the loaded facts already show stay, with a note. A rule with
subjects to judge but none matched gives `not_due` ("nothing fell due"),
unless it has no compliant outcome at all (a prohibition: nothing prohibited
happened is compliance) and the window under check is not empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lvyue.engine.calendar import deadline_after
from lvyue.engine.compile import compile_pack
from lvyue.engine.evaluators import Matcher, default_evaluator
from lvyue.engine.findings import Deadline, EvidenceRef, Finding, Status, stable_id
from lvyue.engine.kinds import KINDS, Context, Item
from lvyue.engine.pack import Pack
from lvyue.engine.patterns import Outcome, Param, runtime_values
from lvyue.engine.rule import Rule
from lvyue.engine.zhtext import cn_date, zh_dates, zh_value
from lvyue.facts.evidence import EvidenceSet, Gap
from lvyue.facts.model import Fact

EVIDENCE_CAP = 25  # evidence listed per finding; the total is always given
GAPS_CITED = 3  # rejected rows quoted in a finding's message; all are counted
GAPS_LISTED = 10  # rejected rows listed in a finding's details


@dataclass
class Evaluation:
    pack: Pack
    as_of: dt.date
    period: tuple[dt.date, dt.date]
    findings: list[Finding]
    items_checked: int = 0
    calendar_years: dict[int, bool] = field(default_factory=dict)
    evaluator: str = ""
    incomplete: dict[str, list[Gap]] = field(default_factory=dict)  # fact type → what was not read
    empty: dict[str, list[str]] = field(default_factory=dict)  # empty registers: fact type → files
    rests_on: dict[str, list[str]] = field(default_factory=dict)  # rule → incomplete types it needs


class _Fmt(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _types_zh(types: Iterable[str], known: dict[str, type[Fact]]) -> str:
    return "、".join(known[t].title_zh if t in known else t for t in sorted(types))


def evaluate(
    pack: Pack,
    facts: dict[str, list[Fact]],
    *,
    as_of: dt.date,
    period: tuple[dt.date, dt.date],
    present: set[str] | None = None,
    evaluator: Matcher | None = None,
    incomplete: Mapping[str, Sequence[Gap]] | None = None,
    empty: Mapping[str, Sequence[str]] | None = None,
    evidence: EvidenceSet | None = None,
) -> Evaluation:
    """Findings for every rule of the pack.

    `present`: fact types whose evidence was supplied (default: the keys of
    `facts`, or the evidence's types). `incomplete`: per fact type, what could
    not be read (default: complete). `empty`: types supplied as empty
    registers, treated as not supplied. `evidence`: the loaded folder, from
    which all three are taken (its rejected rows, its empty registers).
    """
    gaps: dict[str, list[Gap]] = {t: list(g) for t, g in (incomplete or {}).items() if g}
    empties: dict[str, list[str]] = {t: list(v) for t, v in (empty or {}).items()}
    if evidence is not None:
        present = evidence.present_types() if present is None else present
        for t, g in evidence.gaps().items():
            gaps.setdefault(t, []).extend(x for x in g if x not in gaps.get(t, []))
        for t, files in evidence.empty_registers().items():
            empties.setdefault(t, files)
    conclusions = manual_conclusions(pack, facts.get(MANUAL_CONCLUSION, []), evidence)
    present = set(facts) if present is None else set(present)
    present -= set(empties)
    evaluator = evaluator or default_evaluator()
    ctx = Context(pack, pack.calendar, pack.params, as_of, period, facts)
    findings: list[Finding] = []
    pending: list[tuple[Rule, list[Item]]] = []
    rests_on: dict[str, list[str]] = {}
    started = ctx.window()[0] <= ctx.window()[1]
    # listed but never read at all (a missing file or sheet): as good as not supplied
    unread = {t for t, g in gaps.items() if not facts.get(t) and all(x.row is None and x.field is None for x in g)}
    for rule in pack.rules:
        kind = KINDS[rule.kind]
        if rule.kind == "manual":
            findings.append(_manual(pack, rule, period, conclusions.get(rule.id), as_of))
            continue
        if rule.applies_from == "term_end" and as_of < (end := pack.term_end().value):
            findings.append(_not_yet(pack, rule, period, end))
            continue
        needs = kind.requires(rule.spec)
        absent = needs - (present - unread)
        if absent:
            findings.append(_no_evidence(pack, rule, period, absent, empties, gaps))
            continue
        if not started:  # the as-of date is before the period (or the service) starts
            findings.append(_not_due(pack, rule, ctx))
            continue
        if rests := sorted(t for t in needs if gaps.get(t)):
            rests_on[rule.id] = rests
        pending.append((rule, kind.expand(rule, rule.spec, ctx)))
    compiled = compile_pack(pack)
    runtime = runtime_values(as_of, period)
    checked = 0
    for rule, items in pending:
        c = compiled[rule.id]
        decided = _decided(items, c.outcomes, evaluator.match(c, [i.record() for i in items], runtime))
        checked += len({id(i) for i, _, _ in decided})
        found = _findings(pack, rule, decided, ctx, items, c.outcomes)
        if rule.id in rests_on:
            found = _incomplete(pack, rule, found, {t: gaps[t] for t in rests_on[rule.id]})
        findings.extend(found)
    order = {c: i for i, c in enumerate(pack.contract.clauses)}  # the contract's own order
    findings.sort(
        key=lambda f: (order.get(f.clause, len(order)), f.clause, f.rule,
                       f.period[0] if f.period else dt.date.min, f.subject, f.id)
    )
    years = range(min(period[0], as_of).year, max(period[1], as_of).year + 1)
    cal_years = {y: pack.calendar.is_official(y) for y in years}
    return Evaluation(
        pack, as_of, period, findings, checked, cal_years, evaluator.name,
        incomplete=gaps, empty=empties, rests_on=rests_on,
    )


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


MANUAL_CONCLUSION = "manual_conclusion"  # the fact type of the filled-in 人工核查清单 (facts/types/manual.yaml)
CONCLUSIONS: dict[str, Status] = {"符合": "compliant", "不符合": "breach", "不适用": "not_applicable"}


def manual_conclusions(pack: Pack, facts: Sequence[Fact], evidence: EvidenceSet | None = None) -> dict[str, Fact]:
    """The auditor's conclusions by rule id; a row for a rule the pack does not have, for a
    rule that is not manual, or a second row for the same rule is a rejected row of its file
    (recorded in `evidence`, so rows read = facts + rejected still holds)."""
    rules = {r.id: r for r in pack.rules}
    out: dict[str, Fact] = {}
    dropped: list[tuple[Fact, str]] = []
    for f in sorted(facts, key=lambda f: (f.provenance.file if f.provenance else "", (f.provenance.row or 0) if f.provenance else 0, f.id)):
        rid = str(getattr(f, "rule", "") or "").strip()
        rule = rules.get(rid)
        if rule is None:
            dropped.append((f, f"rule {rid!r} is not in pack {pack.id}"))
        elif rule.kind != "manual":
            dropped.append((f, f"rule {rid!r} is not a manual item (kind: {rule.kind}); its evidence decides it"))
        elif rid in out:
            first = out[rid].provenance.cite() if out[rid].provenance else out[rid].id
            dropped.append((f, f"a second conclusion for rule {rid!r} (first: {first})"))
        else:
            out[rid] = f
    if evidence is not None and dropped:
        _reject(evidence, dropped)
    return out


def _reject(evidence: EvidenceSet, dropped: list[tuple[Fact, str]]) -> None:
    from lvyue.facts.records import Rejection

    gone = {id(f) for f, _ in dropped}
    evidence.facts[MANUAL_CONCLUSION] = [f for f in evidence.facts.get(MANUAL_CONCLUSION, []) if id(f) not in gone]
    for f, reason in dropped:
        prov = f.provenance
        for r in evidence.files:
            if r.fact_type == MANUAL_CONCLUSION and prov is not None and r.file == prov.file:
                r.rejected.append(Rejection(r.file, prov.row, "rule", reason))
                r.facts -= 1
                r.rejected.sort(key=lambda j: (j.row is None, j.row or 0))
                break


def _manual(pack: Pack, rule: Rule, period, conclusion: Fact | None = None, as_of: dt.date | None = None) -> Finding:
    f = _base(pack, rule, "manual", rule.title, period, "manual")
    how = rule.spec.how
    f.message = {"zh": f"人工核查：{how}", "en": f"Manual check: {how}"}
    f.details = {"how": how, "clause_text": rule.text}
    if conclusion is None:
        return f
    c = conclusion
    cite = c.provenance.cite() if c.provenance else c.id
    given = (getattr(c, "conclusion", None) or "").strip()
    note = (getattr(c, "note", None) or "").strip()
    checker = (getattr(c, "checker", None) or "").strip()
    on: dt.date | None = getattr(c, "checked_on", None)
    if not (given or note or checker or on):  # the row as exported, not filled in: still to be checked
        return f
    f.evidence, f.evidence_total = [EvidenceRef.of(c)], 1
    record = {"conclusion": given, "note": note or None, "checker": checker or None,
              "checked_on": on.isoformat() if on else None, "cite": cite}
    status = CONCLUSIONS.get(given)
    problem = None
    if not given:
        problem = ("结论未填（已填说明、核查人或日期）", "no conclusion given (note, checker or date filled in)")
    elif status is None:
        problem = (f"结论“{given}”无效（应为 符合、不符合 或 不适用），未采用",
                   f"conclusion {given!r} is not one of 符合, 不符合, 不适用; not used")
    elif not checker or on is None:
        missing = "、".join(x for x, ok in (("核查人", checker), ("核查日期", on)) if not ok)
        problem = (f"结论“{given}”缺少{missing}，未采用", f"conclusion {given!r} lacks {missing}; not used")
    elif as_of is not None and on > as_of:
        problem = (f"核查日期{cn_date(on)}晚于核查基准日{cn_date(as_of)}，本次核查不采用",
                   f"checked on {on.isoformat()}, after the as-of date {as_of.isoformat()}; not used")
    if problem is not None:  # never guessed: the item stays manual, and says why
        f.message = {"zh": f"人工核查：{how}（{problem[0]}：{cite}）",
                     "en": f"Manual check: {how} ({problem[1]}: {cite})"}
        f.details["conclusion_invalid"] = {**record, "reason": problem[0]}
        f.notes.append(f"人工核查结论未采用：{problem[0]}（{cite}）")
        return f
    assert status is not None and on is not None
    f.status = status
    f.details["manual_conclusion"] = record
    who = f"核查人 {checker}，{cn_date(on)}，{cite}"
    who_en = f"checked by {checker} on {on.isoformat()}, {cite}"
    if status == "breach":
        f.message = {"zh": note or f"人工核查结论：不符合（{who}）",
                     "en": note or f"Manual check found a breach ({who_en})"}
        f.notes.append(f"人工核查结论：不符合（{who}）")
        f.deadline = _manual_deadline(pack, rule, as_of or period[1])
    elif status == "compliant":
        f.message = {"zh": f"人工核查：符合（{who}）" + (f"；{note}" if note else ""),
                     "en": f"Manual check: compliant ({who_en})" + (f"; {note}" if note else "")}
    else:
        f.message = {"zh": f"人工核查：不适用（{who}）" + (f"；{note}" if note else ""),
                     "en": f"Manual check: not applicable ({who_en})" + (f"; {note}" if note else "")}
    return f


def _manual_deadline(pack: Pack, rule: Rule, as_of: dt.date) -> Deadline | None:
    r = rule.remedy
    if r is None or (r.working_days is None and r.natural_days is None and r.months is None):
        return None
    reck = deadline_after(pack.calendar, as_of, working_days=r.working_days, natural_days=r.natural_days, months=r.months)
    return Deadline.of(reck, "整改期限（自整改通知下达之日起算，默认以核查基准日为下达日）")


def _not_yet(pack: Pack, rule: Rule, period, start: dt.date) -> Finding:
    f = _base(pack, rule, "not_due", rule.title, period, "not_yet")
    f.message = {
        "zh": f"该义务自合同期满（{cn_date(start)}）起适用，本期尚未到期，届时核查",
        "en": f"This obligation arises when the term ends ({start.isoformat()}); check it then",
    }
    f.details = {"applies_from": start.isoformat()}
    return f


def _no_evidence(
    pack: Pack, rule: Rule, period, absent: set[str], empty: Mapping[str, Sequence[str]],
    gaps: Mapping[str, Sequence[Gap]] | None = None,
) -> Finding:
    f = _base(pack, rule, "no_evidence", rule.title, period, "no_evidence")
    missing = absent - set(empty)
    blank = sorted(absent & set(empty))
    zh, en = [], []
    if missing:
        why = [f"{x.cite()}: {x.reason}" for t in sorted(missing) for x in (gaps or {}).get(t, [])]
        zh.append(f"未提供{_types_zh(missing, pack.fact_types)}" + (f"（{'；'.join(why)}）" if why else ""))
        en.append(f"no {', '.join(sorted(missing))} supplied" + (f" ({'; '.join(why)})" if why else ""))
    if blank:
        files = "、".join(x for t in blank for x in empty[t])
        zh.append(f"{_types_zh(blank, pack.fact_types)}的登记表为空（{files}，0行；证据清单未注明 empty_means: none）")
        en.append(f"the {', '.join(blank)} register is empty ({', '.join(x for t in blank for x in empty[t])}; "
                  "the manifest does not say empty_means: none)")
    f.message = {
        "zh": f"缺少证据：{'；'.join(zh)}，无法判断是否履约（不视为合规）",
        "en": f"No evidence: {'; '.join(en)}; compliance cannot be shown",
    }
    f.details = {"missing_fact_types": sorted(absent)}
    if blank:
        f.details["empty_registers"] = {t: list(empty[t]) for t in blank}
    return f


def _gap_summary(gaps: Mapping[str, Sequence[Gap]], known: dict[str, type[Fact]]) -> tuple[str, str]:
    """"安全事件(incident) 1 行被拒收（安全事件.csv:3 date: …）" and its English, per type."""
    zh, en = [], []
    for t, g in sorted(gaps.items()):
        rows = [x for x in g if x.row is not None or x.field is not None]
        other = [x for x in g if x not in rows]
        cited = "；".join(f"{x.cite()} {x.reason}" for x in g[:GAPS_CITED])
        more = f"等共{len(g)}处" if len(g) > GAPS_CITED else ""
        head = _types_zh([t], known)
        counts = []
        if rows:
            counts.append(f"{len(rows)}行被拒收")
        if other:
            counts.append(f"{len(other)}处文件问题")
        zh.append(f"{head}{'、'.join(counts)}（{cited}{more}）")
        en.append(f"{t}: {len(rows)} row(s) rejected" + (f", {len(other)} file problem(s)" if other else "")
                  + f" ({'; '.join(f'{x.cite()} {x.reason}' for x in g[:GAPS_CITED])}"
                  + (f"; {len(g)} in all" if len(g) > GAPS_CITED else "") + ")")
    return "；".join(zh), "; ".join(en)


def incomplete_details(gaps: Mapping[str, Sequence[Gap]]) -> list[dict[str, Any]]:
    """The incompleteness a finding rests on, for its JSON: per type, the count and the first rows."""
    return [
        {"fact_type": t, "count": len(g), "gaps": [x.to_dict() for x in g[:GAPS_LISTED]]}
        for t, g in sorted(gaps.items())
    ]


def _incomplete(pack: Pack, rule: Rule, found: list[Finding], gaps: Mapping[str, Sequence[Gap]]) -> list[Finding]:
    """Never compliant (nor not_due) on incomplete evidence; breaches stay, with a note."""
    zh, en = _gap_summary(gaps, pack.fact_types)
    details = incomplete_details(gaps)
    out: list[Finding] = []
    for f in found:
        if f.status in ("compliant", "not_due"):
            g = _base(pack, rule, "no_evidence", rule.title, f.period, "incomplete")
            g.message = {
                "zh": f"证据不完整：{zh}，无法判断是否履约（不视为合规）；已读入的证据：{f.message.get('zh', '')}",
                "en": f"Incomplete evidence: {en}; compliance cannot be shown (read: {f.message.get('en', '')})",
            }
            g.evidence, g.evidence_total = f.evidence, f.evidence_total
            g.details = {**f.details, "incomplete_evidence": details}
            g.notes = list(f.notes)
            out.append(g)
        else:
            f.notes.append(f"证据不完整：{zh}，可能还有未发现的违约")
            f.details["incomplete_evidence"] = details
            out.append(f)
    return out


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


def _findings(
    pack: Pack, rule: Rule, decided: list[Decided], ctx: Context, items: list[Item], outcomes: tuple[Outcome, ...]
) -> list[Finding]:
    runs = _runs(decided, items)
    if not runs:
        start, end = ctx.window()
        prohibition = not any(o.status == "compliant" for o in outcomes)
        if decided or (prohibition and start <= end):
            return [_compliant(pack, rule, decided, ctx, prohibition)]
        return [_not_due(pack, rule, ctx)]
    return [_from_run(pack, rule, run, ctx) for run in runs]


def _render(rule: Rule, values: dict[str, Any]) -> dict[str, str]:
    if rule.message is None:
        return {"zh": f"{rule.title}：{values['subject']}", "en": f"{rule.id}: {values['subject']}"}
    zh = {k: zh_value(v) for k, v in values.items()}  # Chinese dates and amounts; English keeps ISO
    return {
        "zh": zh_dates(rule.message.zh.format_map(_Fmt(zh))),
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
    if worst.provisional:  # dates shown that rest on a year without an official arrangement
        f.details["provisional_dates"] = {k: list(v) for k, v in sorted(worst.provisional.items())}
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


def _not_due(pack: Pack, rule: Rule, ctx: Context) -> Finding:
    """Nothing fell due in the window under check: no subject to judge yet (never compliant)."""
    start, end = ctx.window()
    f = _base(pack, rule, "not_due", rule.title, (start, min(end, ctx.period[1])), "not_due")
    if start > end:
        f.period = ctx.period
        f.message = {
            "zh": f"核查期间尚未开始（基准日{cn_date(ctx.as_of)}早于{cn_date(start)}），期内无到期事项",
            "en": f"The period under check has not started (as of {ctx.as_of.isoformat()}, before {start.isoformat()})",
        }
    else:
        f.message = {"zh": "期内无到期应核查事项（证据已提供）", "en": "Nothing fell due in the period (evidence supplied)"}
    f.details = {"checked": 0}
    return f


def _compliant(pack: Pack, rule: Rule, decided: list[Decided], ctx: Context, prohibition: bool = False) -> Finding:
    start, end = ctx.window()
    f = _base(pack, rule, "compliant", rule.title, (start, end), "compliant")
    n = len(decided)
    if n:
        f.message = {
            "zh": f"已核查 {n} 项，均符合约定",
            "en": f"{n} item(s) checked, all compliant",
        }
    else:  # a prohibition over a window with evidence: nothing prohibited happened
        f.message = {"zh": "期内未发生约定禁止的事项（证据已提供）", "en": "Nothing the clause prohibits happened in the period (evidence supplied)"}
    f.evidence, f.evidence_total = _evidence(e for d in decided for i in (d[0], *d[2]) for e in i.evidence)
    f.details = {"checked": n}
    notes = sorted({x for d in decided for x in d[0].notes})
    f.notes = notes[:10]
    return f

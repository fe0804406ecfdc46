"""Per-period aggregates: a `when` rule whose subject is one fact per period (and group).

Some clauses judge a period, not an event: "monthly availability of the core
network at least 99.9 %", "at most 3 outages a quarter", "two consecutive
months below 99 %". A `when` rule with `per:` and `aggregate:` gets one
subject of type `<facts>.per_<per>` per period (and per `group_by` value),
carrying `period`, `period_start`, `period_end`, `complete`, the group field
and each aggregate; its `derive:` and outcomes then work on those fields as
on any fact. Each aggregate is declared here once (its arguments, what each
must be, its result type) so lint can name a misspelling, and returns a
Reckoning whose steps (minutes counted, windows subtracted) become the
finding's explanation. Nothing here compares a value with its bound.

Inputs stay small: per-minute monitoring logs are turned into `outage` spans
by DuckDB when the evidence loads (facts/logs.py); this works on the spans.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from lvyue.engine.calendar import Explanation, Reckoning, WorkingCalendar
from lvyue.engine.kinds.periods import Period, periods
from lvyue.engine.suggest import did_you_mean

if TYPE_CHECKING:
    from lvyue.engine.kinds.base import Context
    from lvyue.facts.model import Fact

PER = ("day", "working_day", "month", "quarter", "half", "year", "contract_year", "contract_half", "contract_quarter")
DAY_LIKE = ("day", "working_day")
PERIOD_FIELDS = {"period": "text", "period_start": "date", "period_end": "date", "complete": "yes/no"}
PERCENT = Decimal("0.0001")  # availability: percent to 4 decimal places, rounded half up
NUMBERS = {"integer", "decimal", "number", "duration"}
ORDERED = NUMBERS | {"date", "datetime"}
SPANS = {"date", "datetime"}
STEPS_SHOWN = 20  # spans listed one by one in an explanation; the rest are summed up
Path = tuple[Any, ...]


@dataclass(frozen=True)
class AggArg:
    name: str
    doc: str
    want: set[str] | None = None  # field arguments: the type words accepted; None: not a field of the facts
    required: bool = True


@dataclass(frozen=True)
class AggFn:
    """One aggregate function: its arguments, result type and what it computes."""

    name: str
    args: tuple[AggArg, ...]
    result: str  # a type word, or "field" (the type of its `field`) / "of" (the type of the aggregate named)
    doc: str
    dated: bool = False  # places facts in a period by the rule's `date_field`

    def arg(self, name: str) -> AggArg | None:
        return next((a for a in self.args if a.name == name), None)


_WHERE = AggArg("where", "equality filters on the facts, for this aggregate only", required=False)

FUNCTIONS: dict[str, AggFn] = {
    f.name: f
    for f in (
        AggFn("sum", (AggArg("field", "a number field of the facts", NUMBERS), _WHERE), "field",
              "total of `field` over the facts whose `date_field` falls in the period (0 if none)", dated=True),
        AggFn("count", (_WHERE,), "integer",
              "number of facts whose `date_field` falls in the period", dated=True),
        AggFn("min", (AggArg("field", "a number or date field of the facts", ORDERED), _WHERE), "field",
              "smallest `field` among the facts dated in the period (absent if none)", dated=True),
        AggFn("max", (AggArg("field", "a number or date field of the facts", ORDERED), _WHERE), "field",
              "largest `field` among the facts dated in the period (absent if none)", dated=True),
        AggFn(
            "availability",
            (
                AggArg("start", "a span's first moment (a datetime field)", SPANS),
                AggArg("end", "a span's end, exclusive (a datetime field)", SPANS),
                AggArg("exclude", "windows not counted: `{facts, where, start, end, approved, match}`", required=False),
            ),
            "decimal",
            "percent of the period's real length not inside a span (spans clipped to the period, overlaps counted "
            "once, approved windows subtracted), rounded half up to 4 decimal places",
        ),
        AggFn("previous", (AggArg("of", "an earlier aggregate of this rule"),), "of",
              "the same group's value of `of` in the previous period (absent for the first period)"),
    )
}
EXCLUDE_KEYS = ("facts", "where", "start", "end", "approved", "match")


def subject_type(facts: str, per: str) -> str:
    """The derived fact type whose facts are the periods: `outage.per_month`."""
    return f"{facts}.per_{per}"


def is_aggregate(spec: Any) -> bool:
    """Whether a `when` spec asks for per-period subjects (any of the keys that only they use)."""
    return bool(spec.aggregate or spec.per or spec.group_by or spec.groups or spec.partial)


# --- lint: every name checked before anything runs ------------------------------------


def plan(spec: Any, types: Mapping[str, type[Fact]]) -> tuple[dict[str, str] | None, list[tuple[Path, str]]]:
    """The aggregate subject's fields (name → type word) and the problems, as (path under check, message).

    `spec` is a WhenSpec with `$parameters` resolved. Fields are None when the
    facts' type is unknown (reported elsewhere).
    """
    from lvyue.engine.namecheck import field_kind  # namecheck imports the kinds; import late

    problems: list[tuple[Path, str]] = []

    def bad(path: Path, message: str) -> None:
        problems.append((path, message))

    def declared(t: str) -> dict[str, str] | None:
        m = types.get(t)
        return None if m is None else {n: field_kind(f.annotation) for n, f in m.model_fields.items() if n != "provenance"}

    if not spec.aggregate:
        bad(("aggregate",), "per-period subjects need `aggregate:` (e.g. `{outages: {fn: count}}`)")
    if spec.per is None:
        bad(("per",), f"`aggregate` needs `per:` (one of {', '.join(PER)})")
    elif spec.per not in PER:
        bad(("per",), f"unknown period `{spec.per}`{_hint(str(spec.per), PER)}")
    if spec.groups and not spec.group_by:
        bad(("groups",), "`groups` lists the values of `group_by`: name the field in `group_by`")
    own = declared(spec.facts)
    if own is None:
        return None, problems
    out: dict[str, str] = dict(PERIOD_FIELDS)
    if spec.group_by is not None:
        if spec.group_by not in own:
            bad(("group_by",), f"`{spec.group_by}` is not a field of `{spec.facts}`{_hint(spec.group_by, own)}")
        else:
            out[spec.group_by] = "text" if own[spec.group_by] == "list" else own[spec.group_by]
    if spec.date_field is not None:
        kind = own.get(spec.date_field)
        if kind is None:
            bad(("date_field",), f"`{spec.date_field}` is not a field of `{spec.facts}`{_hint(spec.date_field, own)}")
        elif kind not in SPANS | {"other"}:
            bad(("date_field",), f"`{spec.date_field}` is {kind}, a date is needed")

    for name, call in spec.aggregate.items():
        path: Path = ("aggregate", name)
        if name in out:
            bad(path, f"`{name}` is already a field of the period subject ({', '.join(out)}): give the aggregate another name")
            continue
        fn = FUNCTIONS.get(str(call.get("fn")))
        if fn is None:
            hint = did_you_mean(str(call.get("fn")), FUNCTIONS) or f" (known: {', '.join(FUNCTIONS)})"
            bad((*path, "fn"), f"unknown aggregate function `{call.get('fn')}`{hint}")
            out[name] = "other"
            continue
        args = {k: v for k, v in call.items() if k != "fn"}
        result = fn.result
        for a in args:
            if fn.arg(a) is None:
                known = [x.name for x in fn.args]
                bad((*path, a), f"{fn.name} has no argument `{a}`{_hint(a, known)}")
        for a in fn.args:
            if a.required and a.name not in args:
                bad((*path, a.name), f"{fn.name} needs `{a.name}` ({a.doc})")
        if fn.dated and spec.date_field is None:
            bad(path, f"{fn.name} places each `{spec.facts}` in a period by its date: give the rule a `date_field`")
        for a in fn.args:
            v = args.get(a.name)
            if v is None or a.want is None:
                continue
            if not isinstance(v, str) or v not in own:
                bad((*path, a.name), f"{fn.name}: `{v}` is not a field of `{spec.facts}`{_hint(str(v), own)}")
                continue
            if own[v] not in a.want | {"other"}:
                bad((*path, a.name), f"{fn.name}: `{a.name}` needs {a.doc}, `{v}` is {own[v]}")
            elif a.name == "field":
                result = own[v]
        if isinstance(args.get("where"), Mapping):
            for k in args["where"]:
                if k not in own:
                    bad((*path, "where", k), f"`{k}` is not a field of `{spec.facts}`{_hint(str(k), own)}")
        elif "where" in args:
            bad((*path, "where"), "`where` takes field: value filters (a mapping)")
        if fn.name == "previous":
            of = args.get("of")
            earlier = list(spec.aggregate)[: list(spec.aggregate).index(name)]
            if of is not None and of not in earlier:
                bad((*path, "of"), f"previous: `{of}` is not an aggregate written before `{name}`{_hint(str(of), earlier)}")
                result = "other"
            else:
                result = out.get(str(of), "other")
        if fn.name == "availability":
            _plan_exclude(args.get("exclude"), (*path, "exclude"), spec, types, declared, bad)
        out[name] = result
    return out, problems


def _plan_exclude(ex: Any, path: Path, spec: Any, types: Mapping[str, Any],
                  declared: Callable[[str], dict[str, str] | None], bad: Callable[[Path, str], None]) -> None:
    if ex is None:
        return
    if not isinstance(ex, Mapping):
        bad(path, "`exclude` takes `{facts, where, start, end, approved, match}`")
        return
    for k in ex:
        if k not in EXCLUDE_KEYS:
            bad((*path, k), f"exclude has no key `{k}`{_hint(str(k), EXCLUDE_KEYS)}")
    t = ex.get("facts")
    win = declared(str(t)) if t is not None else None
    if win is None:
        bad((*path, "facts"), f"unknown fact type `{t}`{did_you_mean(str(t), types) or ''}" if t else "exclude needs `facts`")
        return
    for k in ("start", "end"):
        v = ex.get(k)
        if v is None:
            bad((*path, k), f"exclude needs `{k}` (a datetime field of `{t}`)")
        elif v not in win:
            bad((*path, k), f"`{v}` is not a field of `{t}`{_hint(str(v), win)}")
        elif win[v] not in SPANS | {"other"}:
            bad((*path, k), f"`{v}` is {win[v]}, a datetime is needed")
    approved = ex.get("approved")
    if approved is not None:
        if approved not in win:
            bad((*path, "approved"), f"`{approved}` is not a field of `{t}`{_hint(str(approved), win)}")
        elif win[approved] not in SPANS | {"other"}:
            bad((*path, "approved"), f"`{approved}` is {win[approved]}, a date is needed")
    match = ex.get("match")
    own = declared(spec.facts) or {}
    if match is not None:
        for where, fields in ((t, win), (spec.facts, own)):
            if match not in fields:
                bad((*path, "match"), f"`{match}` is not a field of `{where}`{_hint(str(match), fields)}")
    where = ex.get("where", {})
    if isinstance(where, Mapping):
        for k in where:
            if k not in win:
                bad((*path, "where", k), f"`{k}` is not a field of `{t}`{_hint(str(k), win)}")
    else:
        bad((*path, "where"), "`where` takes field: value filters (a mapping)")


def _hint(name: str, candidates: Iterable[str]) -> str:
    names = list(candidates)
    return did_you_mean(name, names) or f" (known: {', '.join(names)})"


# --- periods ----------------------------------------------------------------------------


def period_list(per: str, origin: dt.date, end: dt.date, cal: WorkingCalendar) -> list[Period]:
    """Every period from `origin` (the service start) that starts on or before `end`; the first starts at origin."""
    out: list[Period] = []
    if end < origin:
        return out
    if per in DAY_LIKE:
        d = origin
        while d <= end:
            if per == "day" or cal.is_working(d):
                out.append(Period(d.isoformat(), d, d))
            d += dt.timedelta(days=1)
        return out
    return [Period(p.label, max(p.start, origin), p.end) for p in periods(per, origin, end, origin)]  # type: ignore[arg-type]


# --- computing --------------------------------------------------------------------------


@dataclass
class Subject:
    """One period (and group): the fields the engine matches, the steps, and the facts behind them."""

    period: Period
    group: Any
    complete: bool
    fields: dict[str, Any]
    reckoned: dict[str, Reckoning] = field(default_factory=dict)
    evidence: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def subjects(spec: Any, ctx: Context) -> list[Subject]:
    """The rule's period subjects in the audit window, each with its aggregates and their steps.

    Periods run from the service start (contract.yaml `service_start`, else
    signing); those overlapping the audit window are judged if over by the
    as-of date (`partial: true` adds the running one, `complete: false`).
    Earlier periods are computed only when `previous` needs them.
    """
    origin = ctx.service_start
    lo, hi = max(ctx.period[0], origin), min(ctx.period[1], ctx.as_of)
    every = period_list(spec.per, origin, ctx.as_of, ctx.calendar)
    wanted = [p for p in every if p.end >= lo and p.start <= hi and (p.end <= ctx.as_of or spec.partial)]
    if not wanted:
        return []
    needs_previous = any(c.get("fn") == "previous" for c in spec.aggregate.values())
    chain = every[: every.index(wanted[-1]) + 1] if needs_previous else wanted
    facts = ctx.select(spec.facts, spec.where, spec.where_not)
    groups = _groups(spec, facts)
    members = {g: [f for f in facts if g is None or _in_group(getattr(f, spec.group_by), g)] for g in groups}
    windows = _windows(spec, ctx)
    judged = set(wanted)
    out: list[Subject] = []
    for g in groups:
        prev: Subject | None = None
        for p in chain:
            s = _one(spec, ctx, p, g, members[g], windows, prev)
            prev = s
            if p in judged:
                out.append(s)
    return out


def _groups(spec: Any, facts: list[Fact]) -> list[Any]:
    """Declared groups first (each gets a subject even without facts), then any other value seen."""
    if spec.group_by is None:
        return [None]
    out = [str(g) for g in spec.groups]
    seen: set[str] = set()
    for f in facts:
        v = getattr(f, spec.group_by, None)
        for x in v if isinstance(v, list) else [v]:
            if x is not None and str(x) not in out:
                seen.add(str(x))
    return out + sorted(seen)


def _in_group(value: Any, group: str) -> bool:
    if isinstance(value, list):
        return group in map(str, value)
    return value is not None and str(value) == group


def _windows(spec: Any, ctx: Context) -> dict[str, tuple[list[Fact], bool]]:
    """Per availability aggregate: its exclusion windows, and whether that evidence was supplied."""
    out: dict[str, tuple[list[Fact], bool]] = {}
    for name, call in spec.aggregate.items():
        ex = call.get("exclude") if call.get("fn") == "availability" else None
        if ex:
            out[name] = (ctx.select(ex["facts"], ex.get("where") or {}), ex["facts"] in ctx.facts)
    return out


def _one(spec: Any, ctx: Context, p: Period, group: Any, facts: list[Fact],
         windows: dict[str, tuple[list[Fact], bool]], prev: Subject | None) -> Subject:
    complete = p.end <= ctx.as_of
    last = min(p.end, ctx.as_of)  # facts after the as-of date have not happened yet
    fields: dict[str, Any] = {"period": p.label, "period_start": p.start, "period_end": p.end, "complete": complete}
    if spec.group_by is not None:
        fields[spec.group_by] = group
    s = Subject(p, group, complete, fields)
    what = f"{p.label}" + (f"（{group}）" if group is not None else "")
    for name, call in spec.aggregate.items():
        fn = call["fn"]
        if fn == "previous":
            r = _previous(prev, str(call["of"]))
        elif fn == "availability":
            ex = call.get("exclude")
            wins, supplied = windows.get(name, ([], True))
            if ex and not supplied:
                s.notes.append(f"未提供{ex['facts']}证据：{name}未扣除任何窗口")
            r = _availability(call, ex, wins, facts, p, ctx.as_of, spec.group_by, group, what, s.evidence)
        else:
            r = _dated(fn, call, facts, spec.date_field, p.start, last, what, s.evidence)
        fields[name] = r.value if r is not None else None
        if r is not None:
            s.reckoned[name] = r
    return s


def _day(v: Any) -> dt.date | None:
    return v.date() if isinstance(v, dt.datetime) else v


def _matches(f: Fact, where: Mapping[str, Any]) -> bool:
    from lvyue.engine.kinds.base import matches

    return matches(f, dict(where))


def _dated(fn: str, call: Mapping[str, Any], facts: list[Fact], date_field: str, first: dt.date, last: dt.date,
           what: str, evidence: list[Fact]) -> Reckoning | None:
    """sum, count, min, max over the facts dated from `first` to `last`."""
    where = call.get("where") or {}
    mine = [f for f in facts if (d := _day(getattr(f, date_field, None))) is not None and first <= d <= last
            and _matches(f, where)]
    evidence.extend(f for f in mine if f not in evidence)
    span = f"{first.isoformat()}至{last.isoformat()}"
    filt = "，" + "、".join(f"{k} = {v}" for k, v in where.items()) if where else ""
    if fn == "count":
        ids = "、".join(f.id for f in mine[:STEPS_SHOWN]) + ("…" if len(mine) > STEPS_SHOWN else "")
        rule = f"{what}：{date_field}在{span}的记录数{filt}"
        return Reckoning(len(mine), Explanation(rule, [f"{len(mine)} 条" + (f"：{ids}" if mine else "")]))
    name = call["field"]
    values = [(f, getattr(f, name)) for f in mine if getattr(f, name, None) is not None]
    steps = [f"{f.id}：{_text(v)}" for f, v in values[:STEPS_SHOWN]]
    if len(values) > STEPS_SHOWN:
        steps.append(f"另 {len(values) - STEPS_SHOWN} 条")
    if fn == "sum":
        total: Any = sum((v for _, v in values), dt.timedelta(0) if values and isinstance(values[0][1], dt.timedelta) else 0)
        if isinstance(total, float):
            total = Decimal(str(total))
        steps.append(f"合计 {_text(total)}")
        return Reckoning(total, Explanation(f"{what}：{date_field}在{span}的{name}之和{filt}", steps))
    if not values:
        return None
    pick = min if fn == "min" else max
    v = pick(x for _, x in values)
    steps.append(f"{'最小' if fn == 'min' else '最大'}值 {_text(v)}")
    return Reckoning(v, Explanation(f"{what}：{date_field}在{span}的{name}的{'最小' if fn == 'min' else '最大'}值{filt}", steps))


def _previous(prev: Subject | None, of: str) -> Reckoning | None:
    if prev is None or prev.fields.get(of) is None:
        return None
    v = prev.fields[of]
    return Reckoning(v, Explanation(f"上一期间（{prev.period.label}）的{of}", [f"{prev.period.label}：{of} = {_text(v)}"]))


# --- availability: interval arithmetic on datetimes -------------------------------------

Span = tuple[dt.datetime, dt.datetime]


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans as one: a minute two outages share counts once."""
    out: list[Span] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def subtract(spans: list[Span], cuts: list[Span]) -> list[Span]:
    """The parts of merged `spans` outside every one of `cuts`."""
    out: list[Span] = []
    cuts = merge(cuts)
    starts = [c[0] for c in cuts]
    for a, b in spans:
        i = max(bisect.bisect_right(starts, a) - 1, 0)
        cur = a
        while i < len(cuts) and cuts[i][0] < b:
            ca, cb = cuts[i]
            if cb > cur:
                if ca > cur:
                    out.append((cur, ca))
                cur = max(cur, cb)
            i += 1
        if cur < b:
            out.append((cur, b))
    return out


def seconds(spans: Iterable[Span]) -> int:
    return int(sum((b - a).total_seconds() for a, b in spans))


def _moment(v: Any) -> dt.datetime | None:
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    return None


def _clip(a: Any, b: Any, lo: dt.datetime, hi: dt.datetime) -> Span | None:
    a, b = _moment(a), _moment(b)
    if a is None or b is None:
        return None
    s = (max(a, lo), min(b, hi))
    return s if s[1] > s[0] else None


def _availability(call: Mapping[str, Any], ex: Mapping[str, Any] | None, windows: list[Fact], facts: list[Fact],
                  p: Period, as_of: dt.date, group_by: str | None, group: Any, what: str,
                  evidence: list[Fact]) -> Reckoning:
    """(period minutes − outage minutes not inside an approved window) ÷ period minutes × 100.

    The denominator is the period's real length (from the service start for the
    first period) even while it runs: outage minutes only grow, so a running
    period below the bound is already a breach and one above it is not yet compliant.
    """
    lo = dt.datetime.combine(p.start, dt.time())
    hi = dt.datetime.combine(p.end + dt.timedelta(days=1), dt.time())
    counted_to = min(hi, dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    total = int((hi - lo).total_seconds())
    steps = [f"{what}：{p.start.isoformat()} 00:00 至 {(p.end + dt.timedelta(days=1)).isoformat()} 00:00，"
             f"共 {(p.end - p.start).days + 1} 日 = {_mins(total)} 分钟"]
    if counted_to < hi:
        steps.append(f"期间未结束：中断计至 {_stamp(counted_to)}，分母仍为全期分钟数")
    match = ex.get("match", group_by) if ex else None
    by_key: dict[Any, list[Span]] = {}
    shown = 0
    for f in sorted(facts, key=lambda f: (str(_moment(getattr(f, call["start"], None))), f.id)):
        s = _clip(getattr(f, call["start"], None), getattr(f, call["end"], None), lo, counted_to)
        if s is None:
            continue
        key = getattr(f, match, None) if match else None
        by_key.setdefault(key, []).append(s)
        if f not in evidence:
            evidence.append(f)
        if shown < STEPS_SHOWN:
            raw = (_moment(getattr(f, call["start"])), _moment(getattr(f, call["end"])))
            cut = "（截取本期部分）" if s != raw else ""
            steps.append(f"{f.id}{f' {key}' if key is not None else ''}：{_stamp(s[0])} 至 {_stamp(s[1])}，"
                         f"{_mins(seconds([s]))} 分钟{cut}")
        shown += 1
    if shown > STEPS_SHOWN:
        steps.append(f"另 {shown - STEPS_SHOWN} 段中断")
    merged = {k: merge(v) for k, v in by_key.items()}
    raw_total = seconds(s for v in merged.values() for s in v)
    steps.append(f"中断合计（重叠部分只计一次）{_mins(raw_total)} 分钟")
    remaining: dict[Any, list[Span]] = dict(merged)
    if ex:
        approved_field = ex.get("approved")
        for w in sorted(windows, key=lambda w: (str(_moment(getattr(w, ex["start"], None))), w.id)):
            ws = _clip(getattr(w, ex["start"], None), getattr(w, ex["end"], None), lo, counted_to)
            if ws is None:
                continue
            wkey = getattr(w, match, None) if match else None
            keys = [k for k in merged if wkey in (None, "") or k is None or str(k) == str(wkey)]
            overlap = seconds(s for k in keys for s in merged[k]) - seconds(s for k in keys for s in subtract(merged[k], [ws]))
            if not overlap:
                continue
            if w not in evidence:
                evidence.append(w)
            label = f"窗口 {w.id}（{_stamp(ws[0])} 至 {_stamp(ws[1])}）与中断重叠 {_mins(overlap)} 分钟"
            why = _not_approved(w, approved_field, ex["start"])
            if why:
                steps.append(f"{label}：{why}，不扣除")
                continue
            for k in keys:
                remaining[k] = subtract(remaining[k], [ws])
            steps.append(f"{label}：已批准，扣除")
    down = seconds(merge(s for v in remaining.values() for s in v))
    value = (Decimal(total - down) * 100 / Decimal(total)).quantize(PERCENT, ROUND_HALF_UP)
    steps.append(f"计入中断 {_mins(down)} 分钟；可用率 = ({_mins(total)} − {_mins(down)}) ÷ {_mins(total)} × 100% = {value}%")
    rule = "可用率 = (本期实际分钟数 − 未被批准窗口覆盖的中断分钟数) ÷ 本期实际分钟数 × 100%，四舍五入保留4位小数"
    return Reckoning(value, Explanation(rule, steps))  # type: ignore[arg-type]


def _not_approved(w: Fact, approved_field: str | None, start_field: str) -> str | None:
    """Why a window does not count, or None: it must be approved on or before it starts."""
    if approved_field is None:
        return None
    on = _day(getattr(w, approved_field, None))
    if on is None:
        return "无批准记录"
    begins = _day(getattr(w, start_field, None))
    if begins is not None and on > begins:
        return f"批准日期 {on.isoformat()} 晚于窗口开始 {begins.isoformat()}"
    return None


def _mins(secs: int) -> str:
    m = Decimal(secs) / 60
    return f"{int(m):,}" if m == m.to_integral_value() else f"{m.quantize(Decimal('0.01')):,}"


def _stamp(v: dt.datetime) -> str:
    return v.isoformat(sep=" ", timespec="minutes")


def _text(v: Any) -> str:
    if isinstance(v, dt.datetime):
        return _stamp(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def markdown() -> str:
    """The aggregate functions as a Markdown table (docs/rules.md carries it; a test keeps them equal)."""
    rows = ["| function | arguments | result | what it computes |", "|---|---|---|---|"]
    for fn in FUNCTIONS.values():
        args = "<br>".join(f"`{a.name}`{'' if a.required else ' (optional)'} — {a.doc}" for a in fn.args) or "—"
        result = {"field": "the field's type", "of": "the type of `of`"}.get(fn.result, fn.result)
        rows.append(f"| `{fn.name}` | {args} | {result} | {fn.doc} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(markdown())

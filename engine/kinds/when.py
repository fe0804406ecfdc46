"""`when`: the generic form, for a clause no template fits — written in YAML, not Python.

The rule names its subject facts, derives attributes on them with the
vocabulary in engine/derive.py (in order; later derivations may use earlier
ones), may join other fact types by alias, and lists outcomes: patterns over
the subject and joined facts (field tests, joins `alias.field`, `absent`
patterns) and the status each match gives. Nothing here compares a value to
its bound: the outcomes compile to engine.patterns and the rules engine
decides. Example and reference: docs/rules.md, "The generic form".

With `per:` and `aggregate:` the subject is not a fact but a period (and
group): engine/aggregate.py computes one `<facts>.per_<per>` fact per period
from the facts `where` selects; derivations and outcomes then read its fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lvyue.engine import aggregate as agg
from lvyue.engine.calendar import Reckoning
from lvyue.engine.derive import DeriveError, check_call, lookup, run
from lvyue.engine.errors import InputError
from lvyue.engine.kinds.base import (
    Context,
    Item,
    Kind,
    Refs,
    SpecBase,
    fact_fields,
    iso,
    mark_provisional,
    scope_tests,
)
from lvyue.engine.patterns import RUNTIME, Outcome, Param, Pattern, Ref, Test
from lvyue.engine.suggest import did_you_mean
from lvyue.facts.model import Fact

# Field tests an outcome may write as {op: operand}; `absent` / `present` stand alone.
OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "has")
STANDALONE = {"absent": "absent", "present": "exists"}
# How other languages spell the tests (durable_rules, SQL, symbols): named in the error.
SPELLED = {"gte": "ge", "lte": "le", "neq": "ne", "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
Path = tuple[Any, ...]  # keys under `check`, for the line lint reports


class JoinSpec(BaseModel):
    """Another fact type the outcomes may match, under an alias."""

    model_config = ConfigDict(extra="forbid")
    facts: str
    where: dict[str, Any] = {}


class OutcomeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["compliant", "breach", "at_risk"]
    when: dict[str, dict[str, Any]] = Field(min_length=1)
    absent: dict[str, dict[str, Any]] = {}
    note: str | None = None
    flag: str | None = None
    tag: str = ""


class WhenSpec(SpecBase):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    kind: Literal["when"]
    as_: str = Field("subject", alias="as")
    date_field: str | None = None
    derive: dict[str, dict[str, Any]] = {}
    join: dict[str, JoinSpec] = {}
    outcomes: list[OutcomeSpec] = Field(min_length=1)
    values: dict[str, str] = {}
    # per-period subjects (engine/aggregate.py): `where` then selects the facts aggregated
    per: str | None = None
    group_by: str | None = None
    groups: list[Any] = []
    aggregate: dict[str, dict[str, Any]] = {}
    partial: bool = False  # also judge the period still running (never compliant: `complete` is false)


@dataclass
class Problem:
    path: Path
    message: str


@dataclass
class Plan:
    """A `when` rule checked against the fact types: its outcomes and what expand needs."""

    outcomes: tuple[Outcome, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    field_types: dict[str, str] = field(default_factory=dict)  # subject field or derivation → type word


def _type_word(annotation: Any) -> str:
    from lvyue.engine.namecheck import field_kind  # namecheck imports the kinds; import late

    return field_kind(annotation)


def _declared(model: type[Fact]) -> dict[str, str]:
    return {n: _type_word(f.annotation) for n, f in model.model_fields.items() if n != "provenance"}


def _at(node: Any, path: Path) -> Any:
    for p in path:
        node = node.get(p) if isinstance(node, Mapping) else None
    return node


def plan(raw: Mapping[str, Any], spec: WhenSpec, types: Mapping[str, type[Fact]],
         scope: tuple[Test, ...] = ()) -> Plan:
    """Check every name the rule uses and compile its outcomes; problems are collected, not raised.

    `raw` is the rule's `check` as written (`$parameters` unresolved), read for
    which operands are parameters; `spec` holds their values.
    """
    out = Plan()

    def bad(path: Path, message: str) -> None:
        out.problems.append(Problem(path, message))

    subject = spec.as_
    model = types.get(spec.facts)
    if model is None:
        bad(("facts",), f"unknown fact type `{spec.facts}`{did_you_mean(spec.facts, types)}")
        return out
    aggregated = agg.is_aggregate(spec)
    if aggregated:
        period_fields, problems = agg.plan(spec, types)
        for path, message in problems:
            bad(path, message)
        fields: dict[str, dict[str, str]] = {subject: period_fields or {}}
        alias_type = {subject: agg.subject_type(spec.facts, str(spec.per))}
        scope = ()  # `where` selects the facts aggregated, not the periods
    else:
        fields = {subject: _declared(model)}
        alias_type = {subject: spec.facts}
    what = alias_type[subject]
    for alias, j in spec.join.items():
        if alias == subject or not re.fullmatch(r"[A-Za-z_]\w*", alias):
            bad(("join", alias), f"join alias `{alias}` must be a plain name other than the subject's `{subject}`")
            continue
        jm = types.get(j.facts)
        if jm is None:
            bad(("join", alias, "facts"), f"unknown fact type `{j.facts}`{did_you_mean(j.facts, types)}")
            continue
        fields[alias] = _declared(jm)
        alias_type[alias] = j.facts

    # derivations, in order: each may read the fact's fields and earlier derivations
    own = fields[subject]
    for name, call in spec.derive.items():
        path = ("derive", name)
        if name in own:
            bad(path, f"`{name}` is already a field of `{what}`: give the derived value another name")
            continue
        try:
            fn = lookup(call.get("fn"))
        except DeriveError as exc:
            bad((*path, "fn"), str(exc))
            own[name] = "other"  # known by name, so tests on it are not reported twice
            continue
        args = {k: v for k, v in call.items() if k != "fn"}
        problems = check_call(fn, args, own.get, list(own))
        for arg, message in problems:
            bad((*path, arg), f"derive.{name}: {message}")
        own[name] = fn.result_type(args) if not problems else "other"
    out.field_types = dict(own)

    for k, v in spec.values.items():
        if v not in own:
            bad(("values", k), f"values.{k}: `{v}` is neither a field of `{what}` nor derived{did_you_mean(v, own)}")
    if spec.date_field is not None and not aggregated:  # for aggregates: the facts' date, checked by agg.plan
        kind = own.get(spec.date_field)
        if kind is None:
            bad(("date_field",), f"`{spec.date_field}` is neither a field of `{spec.facts}` nor derived"
                f"{did_you_mean(spec.date_field, own)}")
        elif kind not in ("date", "datetime", "other"):
            bad(("date_field",), f"`{spec.date_field}` is {kind}, a date is needed")

    join_tests: dict[str, tuple[Test, ...]] = {}
    for alias, j in spec.join.items():
        if alias in fields:
            join_tests[alias] = tuple(
                _tests(raw, ("join", alias, "where"), {k: v for k, v in j.where.items()}, alias, [alias],
                       fields, bad, eq_only=True)
            )

    outcomes: list[Outcome] = []
    for i, o in enumerate(spec.outcomes):
        base: Path = ("outcomes", i)
        aliases = list(o.when)
        if aliases[0] != subject:
            bad((*base, "when"), f"the subject `{subject}` must come first in `when` (got `{aliases[0]}`)")
            continue
        ok = True
        for part in ("when", "absent"):
            for alias in getattr(o, part):
                if alias not in fields or (part == "absent" and alias == subject):
                    known = [a for a in fields if part == "when" or a != subject]
                    bad((*base, part, alias), f"unknown alias `{alias}`{_hint(alias, known, 'known')}")
                    ok = False
        if not ok:
            continue
        pats: list[Pattern] = []
        seen: list[str] = []
        for alias, tests in o.when.items():
            seen.append(alias)
            mine = _tests(raw, (*base, "when", alias), tests, alias, seen, fields, bad, derived=alias == subject)
            extra = scope if alias == subject else join_tests.get(alias, ())
            if alias == subject and aggregated and o.status == "compliant":
                extra = (Test("complete", "eq", True),)  # a period not yet over is never compliant
            pats.append(Pattern(alias, alias_type[alias], (*extra, *mine)))
        gone = [
            Pattern(alias, alias_type[alias], (*join_tests.get(alias, ()),
                    *_tests(raw, (*base, "absent", alias), tests, alias, [*aliases, alias], fields, bad)))
            for alias, tests in o.absent.items()
        ]
        outcomes.append(Outcome(o.status, tuple(pats), tuple(gone), note=o.note, flag=o.flag, tag=o.tag))
    out.outcomes = tuple(outcomes)
    return out


def _tests(raw: Mapping[str, Any], path: Path, tests: Mapping[str, Any], alias: str, visible: list[str],
           fields: dict[str, dict[str, str]], bad: Any, eq_only: bool = False, derived: bool = False) -> list[Test]:
    """One alias's field tests; `visible` are the aliases a join `x.field` may name."""
    out: list[Test] = []
    if not isinstance(tests, Mapping):
        bad(path, f"expected field tests for `{alias}` (a mapping), got {tests!r}")
        return out
    mine = fields[alias]
    for name, want in tests.items():
        here = (*path, name)
        if name not in mine:
            what = f"a field of `{alias}`" + (" nor one of its derivations" if path[-1] != "where" and derived else "")
            bad(here, f"`{name}` is not {what}{_hint(name, mine, 'its fields')}")
            continue
        raw_want = _at(raw, here)
        if isinstance(want, str) and want in STANDALONE and not eq_only:
            out.append(Test(name, STANDALONE[want]))  # type: ignore[arg-type]
            continue
        if isinstance(want, Mapping) and not eq_only:
            for op, operand in want.items():
                if op not in OPS:
                    hint = f" (write `{SPELLED[op]}`)" if op in SPELLED else _hint(str(op), OPS, "use one of")
                    bad((*here, op), f"unknown test `{op}`{hint}")
                    continue
                raw_op = raw_want.get(op) if isinstance(raw_want, Mapping) else operand
                value = _operand(raw_op, operand, visible, fields, (*here, op), bad, op == "in")
                out.append(Test(name, op, value))
            continue
        out.append(Test(name, "eq", _operand(raw_want, want, visible, fields, here, bad, False)))
    return out


def _hint(name: str, candidates: Any, label: str) -> str:
    """' (did you mean `x`?)', or the whole list when nothing is close."""
    names = list(candidates)
    return did_you_mean(name, names) or f" ({label}: {', '.join(names)})"


def _operand(raw: Any, value: Any, visible: list[str], fields: dict[str, dict[str, str]],
             path: Path, bad: Any, many: bool) -> Any:
    """A literal, a Param (`$name`; run-time ones unresolved) or a Ref (`alias.field`)."""
    if many:
        if isinstance(raw, str) and raw.startswith("$") and isinstance(value, list):
            return list(value)  # a list parameter: its items
        if not isinstance(value, list):
            bad(path, f"`in` needs a list, got {value!r}")
            return []
        raws = raw if isinstance(raw, list) and len(raw) == len(value) else value
        return [_operand(r, v, visible, fields, path, bad, False) for r, v in zip(raws, value, strict=True)]
    if isinstance(raw, str) and raw.startswith("$") and len(raw) > 1:
        name = raw[1:]
        return Param(name, None if name in RUNTIME else value)
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", value):
        alias, f = value.split(".")
        if alias in fields:
            if alias not in visible:
                bad(path, f"`{value}`: `{alias}` is matched later in this outcome; refer only to aliases written before")
            elif f not in fields[alias]:
                bad(path, f"`{value}`: `{f}` is not a field of `{alias}`{did_you_mean(f, fields[alias])}")
            return Ref(alias, f)
    return value


def problems_to_error(rule_id: str, problems: list[Problem], line: int | None = None,
                      file: str | None = None) -> InputError:
    p = problems[0]
    more = f" (and {len(problems) - 1} more: run `lvyue rules lint`)" if len(problems) > 1 else ""
    dotted = ".".join(str(x) for x in p.path)
    return InputError(p.message + more, file=file, line=line, field=f"{rule_id}.check.{dotted}")


def _shown(v: Any) -> Any:
    """A derived or field value as a message shows it."""
    if v is None:
        return "—"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, dt.date):
        return iso(v)
    if isinstance(v, Decimal):
        return str(v)
    return v


def message_variables(spec: WhenSpec) -> set[str]:
    """Placeholders a `when` rule's message may use: its derivations, its `values`, `derivation`.

    Per-period rules add the period fields, the group field and each aggregate.
    """
    out = {*spec.derive, *spec.values, "derivation"}
    if agg.is_aggregate(spec):
        out |= {*agg.PERIOD_FIELDS, *spec.aggregate, *([spec.group_by] if spec.group_by else [])}
    return out


class When(Kind):
    name = "when"
    Spec = WhenSpec
    variables = {"derivation"}  # plus the rule's own derivations and values: see message_variables
    summary = "the generic form: derive, join, and outcomes written as patterns"

    def requires(self, spec: WhenSpec) -> set[str]:
        # exclusion windows are not required: without them nothing is excluded, and findings say so
        return {spec.facts} | {j.facts for j in spec.join.values()}

    def outcomes(self, rule, spec: WhenSpec, types) -> tuple[Outcome, ...]:
        scope = () if agg.is_aggregate(spec) else scope_tests(spec, Refs(rule), types)
        p = plan(rule.check, spec, types, scope)
        if p.problems:
            raise problems_to_error(rule.id, p.problems, rule.line)
        return p.outcomes

    def derives(self, spec: WhenSpec) -> dict[str, str]:
        if not agg.is_aggregate(spec):
            return {}
        by = f" and {spec.group_by}" if spec.group_by else ""
        calls = ", ".join(f"{n} = {c.get('fn')}" for n, c in spec.aggregate.items())
        return {agg.subject_type(spec.facts, str(spec.per)): f"per {spec.per}{by} over {spec.facts}: {calls}"}

    def expand(self, rule, spec: WhenSpec, ctx: Context) -> list[Item]:
        start, end = ctx.window()
        calls = [(name, lookup(c["fn"]), {k: v for k, v in c.items() if k != "fn"}) for name, c in spec.derive.items()]
        items: list[Item] = []
        for item, reckoned in self._subjects(rule, spec, ctx):
            values = item.fields
            deadline: Reckoning | None = None
            feeds: dict[str, list[Any]] = {}  # what each derived value was computed over (provisional flags)
            for name, fn, args in calls:
                try:
                    r = run(fn, ctx.calendar, values, args)
                except DeriveError as exc:
                    raise InputError(f"{item.type} {item.subject}: derive.{name}: {exc}", line=rule.line,
                                     field=f"{rule.id}.check.derive.{name}") from None
                values[name] = r.value if r is not None else None
                if r is not None:
                    reckoned[name] = r
                    feeds[name] = _inputs(fn, args, values, reckoned)
                    if fn.name == "deadline":
                        deadline = r
            if spec.date_field is not None and not agg.is_aggregate(spec):
                d = values.get(spec.date_field)
                day = d.date() if isinstance(d, dt.datetime) else d
                if not isinstance(day, dt.date) or not start <= day <= end:
                    continue
                item.period = (day, day)
            shown = dict(item.values)
            shown.update({name: _shown(values[name]) for name in spec.derive})
            shown.update({k: _shown(values.get(v)) for k, v in spec.values.items()})
            shown["derivation"] = "；".join(
                f"{n} = {_shown(r.value)}（{r.explanation.rule}：{'；'.join(r.explanation.steps)}）"
                for n, r in reckoned.items()
            ) or "—"
            item.values, item.deadline = shown, deadline
            for n, r in reckoned.items():
                mark_provisional(item, ctx.calendar, n, r, *feeds.get(n, ()))
            items.append(item)
        # the joined facts, so the engine can match them (never subjects: they come second in every match)
        for t in dict.fromkeys(j.facts for j in spec.join.values()):
            if t == spec.facts:
                continue  # a self-join matches the subject items themselves
            for f in ctx.select(t):
                items.append(Item(key=f"{t}:{f.id}", subject=f.id, type=t, fields=fact_fields(f), evidence=[f]))
        return items

    def _subjects(self, rule, spec: WhenSpec, ctx: Context) -> list[tuple[Item, dict[str, Reckoning]]]:
        """The subjects before derivation: the facts themselves, or one per period (and group)."""
        if not agg.is_aggregate(spec):
            return [(Item(key=f.id, subject=f.id, type=spec.facts, fields=fact_fields(f), evidence=[f]), {})
                    for f in ctx.select(spec.facts)]
        t = agg.subject_type(spec.facts, str(spec.per))
        out: list[tuple[Item, dict[str, Reckoning]]] = []
        for s in agg.subjects(spec, ctx):
            p, g = s.period, s.group
            daily = spec.per in agg.DAY_LIKE  # consecutive days of one group merge into one finding
            subject = (str(g) if g is not None else rule.title) if daily else (f"{g} {p.label}" if g is not None else p.label)
            shown = {k: _shown(v) for k, v in s.fields.items()}
            item = Item(key=f"{'' if g is None else g}|{p.label}", subject=subject, type=t, fields=dict(s.fields),
                        day=p.start if daily else None, period=(p.start, p.end), evidence=list(s.evidence),
                        values=shown, notes=list(s.notes))
            out.append((item, dict(s.reckoned)))
        return out


# --- pack templates written in YAML --------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


def expand_template(template: Mapping[str, Any], args: Mapping[str, Any], name: str = "template") -> dict[str, Any]:
    """A pack template (a `when` check with `{{param}}` placeholders) filled with a rule's `with:`.

    The template may declare `params: {name: default}` (null: required). A
    value that is exactly `{{name}}` takes the argument as it is (a number,
    `$parameter`, list or mapping); inside longer text it is substituted as text.
    Unknown, missing and unused arguments are errors naming the nearest one.
    """
    declared = template.get("params")
    body = {k: v for k, v in template.items() if k != "params"}
    used: set[str] = set()
    _walk_names(body, used)
    if declared is None:
        declared = {n: None for n in used}
    if not isinstance(declared, Mapping):
        raise InputError(f"{name}: `params` must map each parameter to its default (null: required)")
    for n in used - set(declared):
        raise InputError(f"{name}: placeholder {{{{{n}}}}} is not in params{did_you_mean(n, declared)}")
    for a in args:
        if a not in declared:
            raise InputError(f"{name}: unknown parameter `{a}`{_hint(a, declared, 'takes')}",
                             field=f"with.{a}")
    filled = {n: args[n] if n in args else declared[n] for n in declared}
    for n, v in filled.items():
        if v is None and n in used:
            raise InputError(f"{name}: needs `{n}` (give it under with:)", field=f"with.{n}")
    return _fill(body, filled)


def _walk_names(node: Any, acc: set[str]) -> None:
    if isinstance(node, Mapping):
        for k, v in node.items():
            _walk_names(k, acc)
            _walk_names(v, acc)
    elif isinstance(node, list):
        for v in node:
            _walk_names(v, acc)
    elif isinstance(node, str):
        acc.update(_PLACEHOLDER.findall(node))


def _fill(node: Any, args: Mapping[str, Any]) -> Any:
    if isinstance(node, Mapping):
        return {_fill(k, args): _fill(v, args) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, args) for v in node]
    if isinstance(node, str):
        whole = _PLACEHOLDER.fullmatch(node.strip())
        if whole:
            return args[whole.group(1)]
        return _PLACEHOLDER.sub(lambda m: str(args[m.group(1)]), node)
    return node


def _inputs(fn: Any, args: dict[str, Any], values: dict[str, Any], reckoned: dict[str, Reckoning]) -> list[Any]:
    """The reckonings a derived value was computed from, and for late days the days counted.

    Days late after a due date that rests on a guessed calendar are themselves provisional;
    a span of minutes is not (minutes never move over holidays).
    """
    fields = [args[a.name] for a in fn.args if a.kind == "field" and a.name in args]
    out: list[Any] = [reckoned[f] for f in fields if f in reckoned]
    if fn.name == "late_days":
        days = [d.date() if isinstance(d, dt.datetime) else d for d in (values.get(f) for f in fields)]
        if len(days) == 2 and all(isinstance(d, dt.date) for d in days):
            out.append((days[0], days[1]))
    return out

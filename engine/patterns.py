"""What a rule compiles to: patterns over domain facts, and the outcome each match gives.

Both evaluators read only these definitions: the durable_rules adapter
(engine/runner.py) translates them into its JSON rules, the reference
evaluator (engine/reference.py) walks them in plain Python. A pattern names
a fact type and tests its fields against literals, contract parameters
(`$name`), run-time values (`$as_of`) or a field of an earlier pattern
(a join); `absent` patterns are durable_rules' `none`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Op = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "has", "exists", "absent"]
OPS: tuple[str, ...] = ("eq", "ne", "lt", "le", "gt", "ge", "in", "has", "exists", "absent")
SYMBOL = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in", "has": "has"}

# Values known only when an evaluation runs (the audit's date and the period under check).
# `as_of_end` is the moment the as-of day ends (next day 00:00), for comparing timestamps.
RUNTIME = ("as_of", "as_of_end", "period_start", "period_end")


def runtime_values(as_of: dt.date, period: tuple[dt.date, dt.date]) -> dict[str, Any]:
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    return {"as_of": as_of, "as_of_end": end, "period_start": period[0], "period_end": period[1]}


@dataclass(frozen=True)
class Param:
    """A contract.yaml parameter (value known at compile time) or a run-time value (None)."""

    name: str
    value: Any = None


@dataclass(frozen=True)
class Ref:
    """A field of the fact matched by an earlier pattern (alias) or by this one."""

    alias: str
    field: str


@dataclass(frozen=True)
class Test:
    __test__ = False  # not a pytest test class

    field: str
    op: Op
    value: Any = None  # a literal, a Param, a Ref; a list for `in`; unused for exists/absent


@dataclass(frozen=True)
class Pattern:
    alias: str
    type: str
    tests: tuple[Test, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """When every `all` pattern matches and no `absent` pattern does, the subject gets `status`."""

    status: str
    all: tuple[Pattern, ...]
    absent: tuple[Pattern, ...] = ()
    note: str | None = None  # added to the finding (e.g. "only the strict reading makes this a breach")
    flag: str | None = None  # set true in the finding's details (e.g. reading_sensitive)
    values: tuple[tuple[str, Any], ...] = ()  # extra message values this outcome sets
    tag: str = ""  # a separate finding per tag (e.g. each bound a fact misses); "" = the subject's one finding


@dataclass
class Record:
    """One domain fact as the evaluators see it: its type and its (derived) field values."""

    type: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Match:
    """Outcome `outcome` fired on these records (indices, one per `all` pattern, in order)."""

    outcome: int
    records: tuple[int, ...]


@dataclass(frozen=True)
class CompiledRule:
    rule: str
    outcomes: tuple[Outcome, ...]
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # type → fields the patterns read

    @property
    def subject(self) -> str:
        """The alias whose fact a finding is about: the first pattern of every outcome."""
        return self.outcomes[0].all[0].alias

    def types(self) -> list[str]:
        """Fact types in the order they must be asserted: those under `absent`, or joined to, first."""
        return assertion_order(self)


def runtime_value(name: str, runtime: dict[str, Any]) -> Any:
    if name not in runtime:
        raise KeyError(f"run-time value ${name} not supplied")
    return runtime[name]


def assertion_order(rule: CompiledRule) -> list[str]:
    """A type under an `absent` pattern is asserted before the types it is joined to.

    durable_rules decides a `none` the moment the other facts arrive: a fact
    asserted later cannot undo it. A cycle cannot be ordered and is refused.
    """
    before: dict[str, set[str]] = {}
    types: list[str] = []
    for o in rule.outcomes:
        for p in (*o.all, *o.absent):
            if p.type not in types:
                types.append(p.type)
            before.setdefault(p.type, set())
        alias_type = {p.alias: p.type for p in (*o.all, *o.absent)}
        # positive joins match in any order; only `absent` needs its facts in place first
        # a type under `absent` goes before the types it is joined to (or all of them, if none)
        for p in o.absent:
            targets = {alias_type[r.alias] for r in _refs(p)} or {q.type for q in o.all}
            for t in targets - {p.type}:
                before.setdefault(t, set()).add(p.type)
    order: list[str] = []
    visiting: set[str] = set()

    def visit(t: str) -> None:
        if t in order:
            return
        if t in visiting:
            raise ValueError(f"rule {rule.rule}: fact types refer to each other in a cycle ({t}); no assertion order works")
        visiting.add(t)
        for u in sorted(before.get(t, ())):
            visit(u)
        visiting.discard(t)
        order.append(t)

    for t in types:
        visit(t)
    return order


def _refs(p: Pattern) -> list[Ref]:
    out = []
    for t in p.tests:
        vals = t.value if isinstance(t.value, list | tuple) else [t.value]
        out.extend(v for v in vals if isinstance(v, Ref) and v.alias != p.alias)
    return out


# --- for people: what `lvyue rules compile` prints ---------------------------------


def operand_text(v: Any) -> str:
    if isinstance(v, Param):
        return f"${v.name}" + (f" (= {_lit(v.value)})" if v.value is not None else "")
    if isinstance(v, Ref):
        return f"{v.alias}.{v.field}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(operand_text(x) for x in v) + "]"
    return _lit(v)


def _lit(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date | Decimal):
        return str(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_lit(x) for x in v) + "]"
    return repr(v) if isinstance(v, str) else str(v)


def test_text(t: Test) -> str:
    if t.op == "exists":
        return f"{t.field} present"
    if t.op == "absent":
        return f"{t.field} absent"
    return f"{t.field} {SYMBOL[t.op]} {operand_text(t.value)}"


def pattern_text(p: Pattern) -> str:
    tests = ", ".join(test_text(t) for t in p.tests)
    return f"{p.alias}: {p.type}" + (f" [{tests}]" if tests else "")


def describe(rule: CompiledRule) -> dict[str, Any]:
    """The rule as a contract engineer reads it: types, fields, joins, parameters."""
    outcomes = []
    for o in rule.outcomes:
        d: dict[str, Any] = {"status": o.status, "when": [pattern_text(p) for p in o.all]}
        if o.absent:
            d["and no"] = [pattern_text(p) for p in o.absent]
        if o.note:
            d["note"] = o.note
        if o.tag:
            d["finding"] = o.tag
        outcomes.append(d)
    params = sorted(
        {
            operand_text(v)
            for o in rule.outcomes
            for p in (*o.all, *o.absent)
            for t in p.tests
            for v in (t.value if isinstance(t.value, list | tuple) else [t.value])
            if isinstance(v, Param)
        }
    )
    return {
        "fact types": {t: list(rule.fields.get(t, ())) for t in rule.types()},
        "parameters": params,
        "outcomes": outcomes,
    }


def fields_read(outcomes: tuple[Outcome, ...]) -> dict[str, tuple[str, ...]]:
    """Every field each fact type's patterns test or join on (only these reach the engine)."""
    out: dict[str, set[str]] = {}
    alias_types: dict[str, str] = {}
    for o in outcomes:
        for p in (*o.all, *o.absent):
            alias_types[p.alias] = p.type
            out.setdefault(p.type, set()).update(t.field for t in p.tests)
    for o in outcomes:
        for p in (*o.all, *o.absent):
            for t in p.tests:
                vals = t.value if isinstance(t.value, list | tuple) else [t.value]
                for v in vals:
                    if isinstance(v, Ref):
                        out.setdefault(alias_types.get(v.alias, p.type), set()).add(v.field)
    return {t: tuple(sorted(f)) for t, f in out.items()}

"""The reference evaluator: the compiled patterns walked in plain Python.

It shares nothing with the durable_rules adapter but the definitions in
engine/patterns.py: no encoding to numbers, no assertion order. Every
scenario runs through both and they must agree; where durable-rules cannot
be installed (Python 3.13+), this one runs instead and results say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lvyue.engine.patterns import (
    CompiledRule,
    Match,
    Param,
    Pattern,
    Record,
    Ref,
    Test,
    runtime_value,
)

NAME = "reference"

_CMP = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def _value(v: Any, own: Record, bound: dict[str, Record], alias: str, runtime: dict[str, Any]) -> Any:
    if isinstance(v, Ref):
        source = own if v.alias == alias else bound[v.alias]
        return source.fields.get(v.field)
    if isinstance(v, Param):
        return v.value if v.value is not None else runtime_value(v.name, runtime)
    return v


def _holds(t: Test, rec: Record, bound: dict[str, Record], alias: str, runtime: dict[str, Any]) -> bool:
    have = rec.fields.get(t.field)
    if t.op == "exists":
        return have is not None
    if t.op == "absent":
        return have is None
    if t.op == "in":
        return have is not None and any(have == _value(v, rec, bound, alias, runtime) for v in t.value)
    want = _value(t.value, rec, bound, alias, runtime)
    if t.op == "ne":
        return have is None or have != want
    if have is None or want is None:
        return False
    if t.op == "eq":
        return have == want
    if t.op == "has":
        return isinstance(have, list | tuple | set | frozenset) and want in have
    return _CMP[t.op](have, want)


def _fits(p: Pattern, rec: Record, bound: dict[str, Record], runtime: dict[str, Any]) -> bool:
    return rec.type == p.type and all(_holds(t, rec, bound, p.alias, runtime) for t in p.tests)


def match(rule: CompiledRule, records: Sequence[Record], runtime: dict[str, Any]) -> list[Match]:
    """Every (outcome, records) combination whose patterns hold and whose absences hold."""
    by_type: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_type.setdefault(r.type, []).append(i)
    index: dict[tuple[str, str], dict[Any, list[int]]] = {}

    def candidates(p: Pattern, bound: dict[str, Record]) -> list[int]:
        """The facts of p's type; narrowed by an equality join to a bound fact (a hash lookup)."""
        for t in p.tests:
            if t.op == "eq" and isinstance(t.value, Ref) and t.value.alias in bound:
                key = (p.type, t.field)
                if key not in index:
                    index[key] = {}
                    for j in by_type.get(p.type, []):
                        v = records[j].fields.get(t.field)
                        if v is not None and not isinstance(v, list):
                            index[key].setdefault(v, []).append(j)
                want = bound[t.value.alias].fields.get(t.value.field)
                return index[key].get(want, []) if want is not None and not isinstance(want, list) else []
        return by_type.get(p.type, [])

    found: set[Match] = set()
    for k, outcome in enumerate(rule.outcomes):

        def extend(level: int, chosen: list[int], bound: dict[str, Record], o=outcome, k=k) -> None:
            if level == len(o.all):
                for p in o.absent:
                    if any(_fits(p, records[j], bound, runtime) for j in candidates(p, bound)):
                        return
                found.add(Match(k, tuple(chosen)))
                return
            p = o.all[level]
            for j in candidates(p, bound):
                if _fits(p, records[j], bound, runtime):
                    extend(level + 1, [*chosen, j], {**bound, p.alias: records[j]})

        extend(0, [], {})
    return sorted(found, key=lambda m: (m.records, m.outcome))

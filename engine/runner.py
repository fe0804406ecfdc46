"""The one module that touches durable_rules, and every sharp edge it has.

- The stock Host runs actions later on timer threads: `_run` is disabled and
  actions are drained here until the engine has none left.
- Facts are identified by a 32-bit FNV-1a hash of their id: ids are checked
  for collisions before asserting and a colliding id gets a suffix.
- `none` joins depend on assertion order: the fact types under an `absent`
  pattern (and types joined to) are asserted before the types that refer to
  them, in the order engine.patterns.assertion_order derives.
- Exceptions inside actions are swallowed into the state: they are checked
  after the run and raised as EvaluationError.
- Memory is freed only by deleting the state and the ruleset: done in
  `finally`, for every evaluation.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import durable_rules_engine as dre
from durable.engine import Host, MessageNotHandledException, MessageObservedException

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

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 16777619
_counter = itertools.count()


class EvaluationError(RuntimeError):
    """The rules engine failed: an action raised, or facts were lost."""


def fnv1a_32(text: str) -> int:
    """durable_rules' message hash: FNV-1a over the id's bytes as *signed* chars."""
    h = _FNV_OFFSET
    for b in text.encode("utf-8"):
        h ^= (b - 256 if b > 127 else b) & 0xFFFFFFFF
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


def unique_ids(ids: Sequence[str]) -> list[str]:
    """The ids, with any id whose hash collides with an earlier one renamed apart."""
    seen: set[int] = set()
    out = []
    for i in ids:
        candidate, n = i, 0
        while fnv1a_32(candidate) in seen:
            n += 1
            candidate = f"{i}~{n}"
        seen.add(fnv1a_32(candidate))
        out.append(candidate)
    return out


class _QuietHost(Host):
    """A Host without the background timer threads."""

    def _run(self) -> None:  # noqa: D401 - intentionally does nothing
        return None


NAME = "durable_rules 2.0.28"
CHUNK = 10_000  # records per ruleset: durable_rules slows super-linearly beyond this
_EPOCH = dt.datetime(1970, 1, 1)
_SENTINEL = "lvyue.sentinel"
_EXACT_DIGITS = 15  # a double holds 15 significant decimal digits exactly


def encode(value: Any) -> Any:
    """A field value as durable_rules compares it: dates as day numbers, money as doubles.

    Doubles order decimals of up to 15 significant digits exactly; a longer
    one is refused rather than compared approximately.
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, dt.datetime):
        return int((value.replace(tzinfo=None) - _EPOCH).total_seconds())
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds())
    if isinstance(value, Decimal):
        if len(value.normalize().as_tuple().digits) > _EXACT_DIGITS:
            raise EvaluationError(f"{value} has more than {_EXACT_DIGITS} significant digits: cannot compare it exactly")
        return float(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(v) for v in value]
    return str(value)


_RESERVED = {"id", "t", "i", "sid", "$s"}  # durable_rules' own keys, and ours (t: type, i: index)


def engine_field(name: str) -> str:
    """A domain field's name inside durable_rules: a field called `id` must not replace the fact id."""
    return f"_{name}" if name in _RESERVED or name.startswith("_") else name


def _operand(v: Any, alias: str, runtime: dict[str, Any]) -> Any:
    if isinstance(v, Ref):
        return {"$m" if v.alias == alias else v.alias: engine_field(v.field)}
    if isinstance(v, Param):
        return encode(v.value if v.value is not None else runtime_value(v.name, runtime))
    return encode(v)


_CMP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


def _test(t: Test, alias: str, runtime: dict[str, Any]) -> dict[str, Any]:
    f = engine_field(t.field)
    if t.op == "exists":
        return {"$ex": {f: 1}}
    if t.op == "absent":
        return {"$nex": {f: 1}}
    if t.op == "in":
        options = [{f: _operand(v, alias, runtime)} for v in t.value]
        return {"$or": options} if options else {"$and": [{"$ex": {f: 1}}, {"$nex": {f: 1}}]}
    rhs = _operand(t.value, alias, runtime)
    if t.op == "eq":
        return {f: rhs}
    if t.op == "ne":
        return {"$or": [{"$nex": {f: 1}}, {"$neq": {f: rhs}}]}
    if t.op == "has":
        return {"$iany": {f: {"$i": rhs}}}
    return {_CMP[t.op]: {f: rhs}}


def _pattern(p: Pattern, runtime: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{"t": p.type}, *(_test(t, p.alias, runtime) for t in p.tests)]}


def ruleset(rule: CompiledRule, runtime: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The compiled rule as durable_rules JSON rules (one per outcome), without actions."""
    out: dict[str, dict[str, Any]] = {}
    for i, o in enumerate(rule.outcomes):
        terms = [{p.alias: _pattern(p, runtime)} for p in o.all]
        terms += [{f"{p.alias}$not": _pattern(p, runtime)} for p in o.absent]
        out[f"{i}:{o.status}"] = {"all": terms}
    return out


def match(
    rule: CompiledRule,
    records: Sequence[Record],
    runtime: dict[str, Any],
    *,
    order: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
    chunk: int = CHUNK,
) -> list[Match]:
    """Every match durable_rules finds for the rule's outcomes over these records.

    durable_rules slows super-linearly in one large ruleset, so records are
    run in chunks, each in a fresh ruleset deleted afterwards: a rule that
    tests one fact at a time is cut anywhere; a rule whose other patterns are
    all joined to the subject by equality is cut by subjects, each chunk
    taking the joined facts whose key one of its subjects has (no match can
    span two chunks). Anything else runs whole. `order` permutes assertion
    order within a type and `names` sets the fact ids (tests use them to show
    the answer depends on neither).
    """
    everything = list(range(len(records)))
    if order is not None or names is not None or len(records) <= chunk:
        return _match(rule, records, runtime, everything, order=order, names=names)
    out: list[Match] = []
    for subset in chunks(rule, records, chunk):
        out.extend(_match(rule, records, runtime, subset))
    return sorted(set(out), key=lambda m: (m.records, m.outcome))


def chunks(rule: CompiledRule, records: Sequence[Record], size: int) -> list[list[int]]:
    """Independent pieces of the records for this rule (see `match`); one piece if none can be cut."""
    everything = list(range(len(records)))
    if all(len(o.all) == 1 and not o.absent for o in rule.outcomes):
        return [everything[i : i + size] for i in range(0, len(everything), size)]
    keys = subject_keys(rule)
    if keys is None:
        return [everything]
    subject_type = rule.outcomes[0].all[0].type
    subjects = [i for i, r in enumerate(records) if r.type == subject_type]
    by_key: dict[tuple[str, str, Any], list[int]] = {}
    for i, r in enumerate(records):
        for t, f, _ in keys:
            if r.type == t and r.fields.get(f) is not None:
                by_key.setdefault((t, f, r.fields[f]), []).append(i)
    out = []
    for k in range(0, len(subjects), size):
        part = subjects[k : k + size]
        joined = {
            j for i in part for t, f, sf in keys for j in by_key.get((t, f, records[i].fields.get(sf)), [])
        }
        out.append(sorted({*part, *joined}))
    return out


def subject_keys(rule: CompiledRule) -> list[tuple[str, str, str]] | None:
    """(type, field, subject field) of every equality join to the subject, if every other pattern has one."""
    subject = rule.outcomes[0].all[0]
    keys: list[tuple[str, str, str]] = []
    for o in rule.outcomes:
        if o.all[0].alias != subject.alias:
            return None
        for p in (*o.all[1:], *o.absent):
            if p.type == subject.type:
                return None
            link = [
                (p.type, t.field, t.value.field)
                for t in p.tests
                if t.op == "eq" and isinstance(t.value, Ref) and t.value.alias == subject.alias
            ]
            if not link:
                return None
            keys.append(link[0])
    return sorted(set(keys))


def _match(
    rule: CompiledRule,
    records: Sequence[Record],
    runtime: dict[str, Any],
    subset: list[int],
    *,
    order: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
) -> list[Match]:
    if not subset:
        return []
    name = f"lvyue_{next(_counter)}"
    found: list[Match] = []
    action_errors: list[str] = []

    def action_for(i: int):
        aliases = [p.alias for p in rule.outcomes[i].all]

        def act(c: Any) -> None:
            found.append(Match(i, tuple(int(getattr(c, a)["i"]) for a in aliases)))

        return act

    definition = ruleset(rule, runtime)
    for key, body in definition.items():
        body["run"] = action_for(int(key.split(":", 1)[0]))
    # A state whose facts matched no rule is half-made: deleting it segfaults. A sentinel
    # fact that always matches makes the state whole before anything else is asserted.
    definition[_SENTINEL] = {"all": [{"s": {"t": _SENTINEL}}], "run": lambda c: None}
    host = _QuietHost()
    host.register_rulesets({name: definition})
    rs = host.get_ruleset(name)

    wanted = rule.fields
    stems = list(names) if names is not None else [f"{records[i].type}/{i}" for i in subset]
    ids = unique_ids([_SENTINEL, *stems])[1:]
    facts: dict[str, list[dict[str, Any]]] = {}
    sequence = [subset[k] for k in order] if order is not None else subset
    position = {i: k for k, i in enumerate(subset)}
    for i in sequence:
        r = records[i]
        fact: dict[str, Any] = {"id": ids[position[i]], "t": r.type, "i": i}
        for f in wanted.get(r.type, ()):
            v = encode(r.fields.get(f))
            if v is not None:
                fact[engine_field(f)] = v
        facts.setdefault(r.type, []).append(fact)
    try:
        _assert(host, name, [{"id": _SENTINEL, "t": _SENTINEL}])
        for t in rule.types():
            if facts.get(t):
                _assert(host, name, facts[t])
        _drain(rs, action_errors)
        state = host.get_state(name, "0")
        if state.get("exception"):
            raise EvaluationError(f"an action failed inside the rules engine: {state['exception']}")
        if action_errors:
            raise EvaluationError("; ".join(action_errors[:5]))
    finally:
        try:
            host.delete_state(name, "0")
        finally:
            dre.delete_ruleset(rs._handle)
    return sorted(set(found), key=lambda m: (m.records, m.outcome))


def _assert(host: Host, name: str, facts: list[dict[str, Any]]) -> None:
    try:
        host.assert_facts(name, facts)
    except MessageNotHandledException:
        pass  # observations alone match no rule yet; they wait for their expectations
    except MessageObservedException as exc:
        raise EvaluationError(f"duplicate fact asserted: {str(exc)[:200]}") from None


def _drain(ruleset: Any, errors: list[str]) -> None:
    """Run every pending action now, instead of on the Host's timer threads."""

    def complete(err: Any, _state: Any) -> None:
        if err:
            errors.append(str(err))

    while True:
        result = dre.start_action(ruleset._handle)
        if not result:
            return
        ruleset._flush_actions(
            json.loads(result[0]), {"message": json.loads(result[1])}, result[2], complete
        )

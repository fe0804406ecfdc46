"""The one module that touches durable_rules, and every sharp edge it has.

- The stock Host runs actions later on timer threads: `_run` is disabled and
  actions are drained here until the engine has none left.
- Facts are identified by a 32-bit FNV-1a hash of their id: ids are checked
  for collisions before asserting and a colliding id gets a suffix.
- `none` joins depend on assertion order: observations (the facts being
  negated) are asserted before the expectations they are joined against.
- Exceptions inside actions are swallowed into the state: they are checked
  after the run and raised as EvaluationError.
- Memory is freed only by deleting the state and the ruleset: done in
  `finally`, for every evaluation.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as dre
from durable.engine import Host, MessageNotHandledException, MessageObservedException

from engine.compile import outcome_of, ruleset_definition

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


@dataclass(frozen=True)
class Probe:
    """One Item as durable_rules sees it."""

    required: int
    op: str
    observed: int | None
    rule: str = ""  # the pack rule it belongs to (matched by that rule's compiled rules)


class _QuietHost(Host):
    """A Host without the background timer threads."""

    def _run(self) -> None:  # noqa: D401 - intentionally does nothing
        return None


CHUNK = 10_000  # probes per ruleset: durable_rules slows super-linearly beyond this


def decide(
    probes: Sequence[Probe],
    *,
    order: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
    chunk: int = CHUNK,
    definition: dict[str, dict[str, Any]] | None = None,
) -> list[str]:
    """For each probe: 'met', 'unmet' or 'missing', as durable_rules decides it.

    Probes are independent (each joins only its own key), so they are decided
    in chunks, each in a fresh ruleset that is deleted afterwards. `order`
    permutes the assertion order and `names` sets the fact ids (tests use them
    to show the answer depends on neither).
    """
    definition = definition or ruleset_definition()
    if order is not None or names is not None or len(probes) <= chunk:
        return _decide(probes, definition, order=order, names=names)
    out: list[str] = []
    for i in range(0, len(probes), chunk):
        out.extend(_decide(probes[i : i + chunk], definition))
    return out


def _decide(
    probes: Sequence[Probe],
    definition: dict[str, dict[str, Any]],
    *,
    order: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
) -> list[str]:
    if not probes:
        return []
    name = f"lvyue_{next(_counter)}"
    results: dict[str, str] = {}
    action_errors: list[str] = []

    def action_for(rule_name: str):
        outcome = outcome_of(rule_name)

        def act(c: Any) -> None:
            k = c.e["k"]
            if k in results:
                action_errors.append(f"item {k} decided twice ({results[k]}, {outcome})")
            results[k] = outcome

        return act

    # durable_rules deletes "run" from the rules it is given: work on copies.
    compiled = {}
    for name, rule in definition.items():
        compiled[name] = copy.copy(rule)
        compiled[name]["run"] = action_for(name)
    definition = compiled
    host = _QuietHost()
    host.register_rulesets({name: definition})
    ruleset = host.get_ruleset(name)

    idx = list(order) if order is not None else list(range(len(probes)))
    keys = [f"k{i}" for i in range(len(probes))]
    stems = list(names) if names is not None else [f"o{i}" for i in range(len(probes))]
    fact_ids = unique_ids(stems + [f"{s}/e" for s in stems])
    o_ids, e_ids = fact_ids[: len(probes)], fact_ids[len(probes) :]
    observations = [
        {"id": o_ids[i], "t": "o", "k": keys[i], "v": probes[i].observed}
        for i in idx
        if probes[i].observed is not None
    ]
    expectations = [
        {"id": e_ids[i], "t": "e", "r": probes[i].rule, "k": keys[i], "op": probes[i].op, "req": probes[i].required}
        for i in idx
    ]
    try:
        for batch in (observations, expectations):
            if batch:
                _assert(host, name, batch)
        _drain(ruleset, action_errors)
        state = host.get_state(name, "0")
        if state.get("exception"):
            raise EvaluationError(f"an action failed inside the rules engine: {state['exception']}")
        if action_errors:
            raise EvaluationError("; ".join(action_errors[:5]))
    finally:
        try:
            host.delete_state(name, "0")
        finally:
            dre.delete_ruleset(ruleset._handle)
    missing = [k for k in keys if k not in results]
    if missing:
        raise EvaluationError(f"{len(missing)} of {len(keys)} items got no decision (first: {missing[0]})")
    return [results[k] for k in keys]


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

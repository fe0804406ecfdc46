"""A pack compiled: each checkable rule's template expanded into patterns over domain facts.

`lvyue rules compile PACK` prints them as a contract engineer reads them
(fact types, fields, joins, parameters); `--engine` adds the durable_rules
JSON the adapter registers. Each rule gets a ruleset of its own:
durable_rules walks its alpha network with a fixed 64-entry stack, and a few
dozen sibling rules overflow it (error 303, or heap corruption).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lvyue.engine.errors import InputError
from lvyue.engine.patterns import RUNTIME, CompiledRule, assertion_order, describe, fields_read

if TYPE_CHECKING:
    from lvyue.engine.pack import Pack
    from lvyue.engine.rule import Rule
    from lvyue.facts.model import Fact


def compile_rule(rule: Rule, types: dict[str, type[Fact]]) -> CompiledRule:
    """The rule's template outcomes as one CompiledRule (its assertion order checked)."""
    from lvyue.engine.kinds import KINDS

    outcomes = KINDS[rule.kind].outcomes(rule, rule.spec, types)
    compiled = CompiledRule(rule.id, tuple(outcomes), fields_read(tuple(outcomes)))
    subjects = {o.all[0].alias for o in compiled.outcomes}
    if len(subjects) > 1:
        raise ValueError(f"rule {rule.id}: every outcome must start with the same subject, got {sorted(subjects)}")
    assertion_order(compiled)  # raises on a cycle
    return compiled


def compile_pack(pack: Pack) -> dict[str, CompiledRule]:
    """One CompiledRule per checkable pack rule (manual items have none)."""
    from lvyue.engine.kinds import KINDS

    return {r.id: compile_rule(r, pack.fact_types) for r in pack.rules if KINDS[r.kind].checkable}


def explain_pack(pack: Pack, engine_json: bool = False) -> dict[str, Any]:
    """What `lvyue rules compile` prints."""
    from lvyue.engine.kinds import KINDS

    out: dict[str, Any] = {}
    for rule_id, compiled in compile_pack(pack).items():
        r = pack.rule(rule_id)
        entry: dict[str, Any] = {"clause": r.clause, "template": r.kind}
        derived = KINDS[r.kind].derives(r.spec)
        if derived:
            entry["derived"] = derived
        entry.update(describe(compiled))
        if engine_json:
            from lvyue.engine.evaluators import available

            if "durable_rules" not in available():
                raise InputError("--engine needs durable-rules, which is not installed here (Python 3.13+)")
            from lvyue.engine.runner import ruleset

            entry["durable_rules"] = ruleset(compiled, {name: f"${name}" for name in RUNTIME})
        out[rule_id] = entry
    return out

"""A pack compiled to durable_rules rules, as plain JSON data.

Obligation kinds reduce each clause to Items: an expectation `e` (the rule
`r`, a number required and a comparison) and, where evidence exists, an
observation `o` with the same join key `k`. Each pack rule compiles to
durable_rules rules that decide its Items: met / not met for each
comparison its kind makes (a join with a threshold) and `missing` (a `none`
join) when no observation exists, in a ruleset of its own. `lvyue rules
compile PACK` prints them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.pack import Pack

# comparison → (operator when met, operator when not met)
_OPS = {"ge": ("$gte", "$lt"), "le": ("$lte", "$gt"), "eq": ("$eq", "$neq")}


def _observation(test: str) -> dict[str, Any]:
    cond: list[dict[str, Any]] = [{"t": "o"}, {"k": {"e": "k"}}]
    if test == "$eq":
        cond.append({"v": {"e": "req"}})
    else:
        cond.append({test: {"v": {"e": "req"}}})
    return {"$and": cond}


def ruleset_definition(rules: dict[str, tuple[str, ...]] | None = None) -> dict[str, dict[str, Any]]:
    """Rule name → durable_rules rule (without its action).

    `rules` maps each pack rule id to the comparisons its obligation kind
    makes; every pack rule then gets its own durable_rules rules, whose
    expectation pattern names the rule (`r`). Without it: one generic set.
    """
    out: dict[str, dict[str, Any]] = {}
    for rule_id, ops in (rules or {"": tuple(_OPS)}).items():
        prefix = f"{rule_id}|" if rule_id else ""
        own = [{"r": rule_id}] if rule_id else []
        for op in ops:
            met, unmet = _OPS[op]
            for outcome, test in (("met", met), ("unmet", unmet)):
                out[f"{prefix}{op}_{outcome}"] = {
                    "all": [{"e": {"$and": [{"t": "e"}, *own, {"op": op}]}}, {"o": _observation(test)}]
                }
        expect = {"$and": [{"t": "e"}, *own]} if own else {"t": "e"}
        out[f"{prefix}missing"] = {
            "all": [{"e": expect}, {"o$not": {"$and": [{"t": "o"}, {"k": {"e": "k"}}]}}]
        }
    return out


def compile_pack(pack: Pack) -> dict[str, dict[str, dict[str, Any]]]:
    """One durable_rules ruleset per checkable pack rule (manual items have none).

    One ruleset each, not one for the pack: durable_rules walks its alpha
    network with a fixed 64-entry stack, and a few dozen sibling rules
    overflow it (error 303, or heap corruption).
    """
    from engine.kinds import KINDS

    return {r.id: ruleset_definition({r.id: KINDS[r.kind].ops}) for r in pack.rules if KINDS[r.kind].ops}


def outcome_of(rule_name: str) -> str:
    tail = rule_name.rsplit("|", 1)[-1]
    return "missing" if tail == "missing" else tail.rsplit("_", 1)[-1]

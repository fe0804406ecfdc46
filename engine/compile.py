"""The durable_rules ruleset every evaluation runs, as plain JSON data.

Obligation kinds reduce each clause to Items: an expectation `e` (a number
required and a comparison) and, where evidence exists, an observation `o`
with the same join key `k`. Seven rules decide every Item:
met / not met for each comparison, and `missing` (a `none` join) when no
observation exists. Keeping the ruleset this small keeps durable_rules'
sharp edges in one place (engine/runner.py).
"""

from __future__ import annotations

from typing import Any

OUTCOMES = ("met", "unmet", "missing")

# comparison → (operator when met, operator when not met)
_OPS = {"ge": ("$gte", "$lt"), "le": ("$lte", "$gt"), "eq": ("$eq", "$neq")}


def _observation(test: str) -> dict[str, Any]:
    cond: list[dict[str, Any]] = [{"t": "o"}, {"k": {"e": "k"}}]
    if test == "$eq":
        cond.append({"v": {"e": "req"}})
    else:
        cond.append({test: {"v": {"e": "req"}}})
    return {"$and": cond}


def ruleset_definition() -> dict[str, dict[str, Any]]:
    """Rule name → durable_rules rule (without its action)."""
    rules: dict[str, dict[str, Any]] = {}
    for op, (met, unmet) in _OPS.items():
        for outcome, test in (("met", met), ("unmet", unmet)):
            rules[f"{op}_{outcome}"] = {
                "all": [{"e": {"$and": [{"t": "e"}, {"op": op}]}}, {"o": _observation(test)}]
            }
    rules["missing"] = {
        "all": [{"e": {"t": "e"}}, {"o$not": {"$and": [{"t": "o"}, {"k": {"e": "k"}}]}}]
    }
    return rules


def outcome_of(rule_name: str) -> str:
    return rule_name.rsplit("_", 1)[-1] if rule_name != "missing" else "missing"

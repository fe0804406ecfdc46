"""`maintain`: a quantity holds on every day of the period.

Example: 四（三）2 — a local core team of at least 10, with cloud, network,
storage and security engineers, every day. Derived: one `<facts>.per_day`
fact per day (and group) counting the facts the rule's `where` selects that
are active that day; the engine compares the count with the bound.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictInt

from lvyue.engine.kinds.base import (
    Context,
    Item,
    Kind,
    Refs,
    SpecBase,
    field_date,
    selection,
    single,
)
from lvyue.engine.patterns import Outcome, Test


class MaintainSpec(SpecBase):
    kind: Literal["maintain"]
    active_from: str = "start"
    active_to: str | None = "end"
    at_least: StrictInt = 1
    group_by: str | None = None
    groups: list[str] = []
    group_labels: dict[str, str] = {}
    days: Literal["all", "working"] = "all"


def _has(value: Any, group: str) -> bool:
    if isinstance(value, list):
        return group in value
    return str(value) == group


class Maintain(Kind):
    name = "maintain"
    Spec = MaintainSpec
    variables = {"count", "required", "group"}
    summary = "a quantity holds every day of the period"

    def outcomes(self, rule, spec: MaintainSpec, types) -> tuple[Outcome, ...]:
        return count_outcomes(per_day(spec.facts), Refs(rule)("at_least", spec.at_least))

    def derives(self, spec: MaintainSpec) -> dict[str, str]:
        by = f", per {spec.group_by} in {spec.groups}" if spec.group_by else ""
        active = f"{spec.active_from} <= day <= {spec.active_to}" if spec.active_to else f"{spec.active_from} <= day"
        return {per_day(spec.facts): f"count of {selection(spec)} with {active}, each {'working ' if spec.days == 'working' else ''}day{by}"}

    def expand(self, rule, spec: MaintainSpec, ctx: Context) -> list[Item]:
        facts = ctx.select(spec.facts, spec.where, spec.where_not)
        groups = spec.groups if spec.group_by else [""]
        items: list[Item] = []
        for d in ctx.days(working_only=spec.days == "working"):
            active = [
                f
                for f in facts
                if (field_date(f, spec.active_from) or d) <= d
                and (spec.active_to is None or (field_date(f, spec.active_to) or d) >= d)
            ]
            for g in groups:
                have = [f for f in active if not g or _has(getattr(f, spec.group_by or ""), g)]
                label = spec.group_labels.get(g, g) if g else rule.title
                items.append(
                    Item(
                        key=f"{g}|{d.isoformat()}",
                        subject=label,
                        type=per_day(spec.facts),
                        fields={"day": d, "group": g or None, "count": len(have)},
                        rank=len(have),
                        day=d,
                        evidence=have,
                        values={"count": len(have), "required": spec.at_least, "group": label},
                    )
                )
        return items


def per_day(fact_type: str) -> str:
    """The derived type counting a fact type per day."""
    return f"{fact_type}.per_day"


def count_outcomes(type_: str, at_least: object) -> tuple[Outcome, ...]:
    """Enough on the day, or not."""
    return (
        Outcome("compliant", single("day", type_, (Test("count", "ge", at_least),))),
        Outcome("breach", single("day", type_, (Test("count", "lt", at_least),))),
    )

"""`maintain`: a quantity holds on every day of the period.

Example: 四（三）2 — a local core team of at least 10, with cloud, network,
storage and security engineers, every day.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictInt

from engine.kinds.base import Context, Item, Kind, SpecBase, field_date


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
    ops = ("ge",)

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
                        required=spec.at_least,
                        op="ge",
                        observed=len(have) or None,
                        day=d,
                        evidence=have,
                        values={"count": len(have), "required": spec.at_least, "group": label},
                    )
                )
        return items

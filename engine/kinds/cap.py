"""`cap`: money within a limit per contract year.

Example: 三.1.1 — the annual service fee budget must not exceed 10.7M CNY.
Derived: one `<facts>.per_<per>` fact per period with the total (Decimal);
the engine compares it with the cap.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

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
from lvyue.engine.kinds.periods import Every, periods
from lvyue.engine.money import fen
from lvyue.engine.patterns import Outcome, Test


class CapSpec(SpecBase):
    kind: Literal["cap"]
    amount_field: str
    date_field: str
    per: Every = "contract_year"
    at_most: Decimal


class Cap(Kind):
    name = "cap"
    Spec = CapSpec
    variables = {"total", "cap", "headroom", "period_label"}
    summary = "money within a limit"

    def derives(self, spec: CapSpec) -> dict[str, str]:
        return {f"{spec.facts}.per_{spec.per}": f"total = sum of {spec.amount_field} of {selection(spec)} by {spec.date_field}, each {spec.per}"}

    def outcomes(self, rule, spec: CapSpec, types):
        t, cap = f"{spec.facts}.per_{spec.per}", Refs(rule)("at_most", spec.at_most)
        return (
            Outcome("compliant", single("period", t, (Test("total", "le", cap),))),
            Outcome("breach", single("period", t, (Test("total", "gt", cap),))),
        )

    def expand(self, rule, spec: CapSpec, ctx: Context) -> list[Item]:
        facts = ctx.select(spec.facts, spec.where, spec.where_not)
        start = max(ctx.period[0], ctx.service_start)
        items = []
        for p in periods(spec.per, start, min(ctx.period[1], ctx.as_of), ctx.service_start):
            mine = [f for f in facts if (d := field_date(f, spec.date_field)) and p.start <= d <= min(p.end, ctx.as_of)]
            total = sum((Decimal(getattr(f, spec.amount_field)) for f in mine), Decimal(0))
            items.append(
                Item(
                    key=p.label,
                    subject=p.label,
                    type=f"{spec.facts}.per_{spec.per}",
                    fields={"period": p.label, "total": fen(total)},
                    evidence=mine,
                    period=(p.start, p.end),
                    values={
                        "total": f"{total:,.2f}",
                        "cap": f"{spec.at_most:,.2f}",
                        "headroom": f"{spec.at_most - total:,.2f}",
                        "period_label": p.label,
                    },
                    amounts={"total": total, "cap": spec.at_most, "headroom": spec.at_most - total},
                )
            )
        return items

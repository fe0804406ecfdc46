"""`fee`: an invoice does not exceed usage × unit price (with the mid-month rule).

Example: 三.1 / 三.1.1 — basic fee = usage × unit price; a resource deployed
before the 15th counts for the whole month, after the 15th not at all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import StrictBool, StrictInt

from engine.billing import BillingRule, bill, total
from engine.kinds.base import Context, Item, Kind, SpecBase
from engine.kinds.cap import fen
from engine.kinds.periods import months_of


class FeeSpec(SpecBase):
    kind: Literal["fee"]
    amount_field: str = "amount"
    period_field: str = "period"
    usage: str = "usage"
    catalogue: str = "catalogue"
    cutoff_day: StrictInt
    cutoff_day_bills_full_month: StrictBool


class Fee(Kind):
    name = "fee"
    Spec = FeeSpec
    variables = {"invoiced", "computed", "excess", "months"}
    summary = "an invoice does not exceed usage × unit price"

    def requires(self, spec: FeeSpec) -> set[str]:
        return {spec.facts, spec.usage, spec.catalogue}

    def expand(self, rule, spec: FeeSpec, ctx: Context) -> list[Item]:
        catalogue = {c.id: c for c in ctx.select(spec.catalogue)}
        usage = ctx.select(spec.usage)
        brule = BillingRule(spec.cutoff_day, spec.cutoff_day_bills_full_month)
        start, end = ctx.window()
        items = []
        for inv in ctx.select(spec.facts, spec.where, spec.where_not):
            if not (start <= inv.issued_on <= end):  # type: ignore[attr-defined]
                continue
            months = months_of(str(getattr(inv, spec.period_field)))
            lines, problems = bill(usage, catalogue, months, brule)  # type: ignore[arg-type]
            computed = total(lines)
            invoiced = Decimal(getattr(inv, spec.amount_field))
            items.append(
                Item(
                    key=inv.id,
                    subject=inv.id,
                    required=fen(computed),
                    op="le",
                    observed=fen(invoiced),
                    evidence=[inv],
                    values={
                        "invoiced": f"{invoiced:,.2f}",
                        "computed": f"{computed:,.2f}",
                        "excess": f"{invoiced - computed:,.2f}",
                        "months": "、".join(months),
                    },
                    amounts={"invoiced": invoiced, "computed": computed, "excess": invoiced - computed},
                    notes=problems,
                )
            )
        return items

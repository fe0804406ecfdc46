"""`fee`: an invoice does not exceed usage × unit price (with the mid-month rule).

Derived on each invoice: `computed` (the bill from usage and the
catalogue) and `excess` (invoiced − computed); the engine flags excess > 0.
Example: 三.1 / 三.1.1 — basic fee = usage × unit price; a resource deployed
before the 15th counts for the whole month, after the 15th not at all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import StrictBool, StrictInt

from lvyue.engine.billing import BillingRule, bill, total
from lvyue.engine.errors import InputError
from lvyue.engine.kinds.base import (
    Context,
    Item,
    Kind,
    Refs,
    SpecBase,
    alias_of,
    fact_fields,
    scope_tests,
    single,
)
from lvyue.engine.kinds.periods import months_of
from lvyue.engine.money import fen
from lvyue.engine.patterns import Outcome, Test


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

    def outcomes(self, rule, spec: FeeSpec, types):
        a = alias_of(spec.facts)
        p = lambda *t: single(a, spec.facts, scope_tests(spec, Refs(rule), types), t)  # noqa: E731
        return (
            Outcome("compliant", p(Test("excess", "le", 0))),
            Outcome("breach", p(Test("excess", "gt", 0))),
        )

    def derives(self, spec: FeeSpec) -> dict[str, str]:
        return {"computed": f"{spec.usage} quantity × {spec.catalogue} unit_price over the invoice's months (cut-off day {spec.cutoff_day})", "excess": f"{spec.amount_field} − computed, to the fen"}

    def requires(self, spec: FeeSpec) -> set[str]:
        return {spec.facts, spec.usage, spec.catalogue}

    def expand(self, rule, spec: FeeSpec, ctx: Context) -> list[Item]:
        catalogue = {c.id: c for c in ctx.select(spec.catalogue)}
        usage = ctx.select(spec.usage)
        brule = BillingRule(spec.cutoff_day, spec.cutoff_day_bills_full_month)
        start, end = ctx.window()
        items = []
        for inv in ctx.select(spec.facts):
            if not (start <= inv.issued_on <= end):  # type: ignore[attr-defined]
                continue
            label = str(getattr(inv, spec.period_field))
            try:
                months = months_of(label)
            except ValueError:
                raise InputError(
                    f"invoice {inv.id}: period {label!r} is not a period label (2026-07, 2026Q3, 2026H2, 2026 or START..END)",
                    field=f"{spec.facts}.{spec.period_field}",
                ) from None
            lines, problems = bill(usage, catalogue, months, brule)  # type: ignore[arg-type]
            computed = total(lines)
            invoiced = Decimal(getattr(inv, spec.amount_field))
            items.append(
                Item(
                    key=inv.id,
                    subject=inv.id,
                    type=spec.facts,
                    fields={**fact_fields(inv), "computed": computed, "excess": fen(invoiced) - fen(computed)},
                    evidence=[inv],
                    values={
                        "invoiced": f"{invoiced:,.2f}",
                        "computed": f"{computed:,.2f}",
                        "excess": f"{invoiced - computed:,.2f}",
                        "months": "、".join(months),
                    },
                    amounts={"invoiced": invoiced, "computed": computed, "excess": fen(invoiced) - fen(computed)},
                    notes=problems,
                )
            )
        return items

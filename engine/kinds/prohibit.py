"""`prohibit`: every matching event is a breach (an incident the supplier caused).

Example: 四（四）7 — security incidents caused by the supplier's own service
(compensation and a fee deduction by severity). The rule's `where` is the
whole pattern: any fact it matches is a breach.
"""

from __future__ import annotations

from typing import Literal

from lvyue.engine.kinds.base import (
    Context,
    Item,
    Kind,
    Refs,
    SpecBase,
    alias_of,
    fact_fields,
    iso,
    scope_tests,
    single,
)
from lvyue.engine.patterns import Outcome


class ProhibitSpec(SpecBase):
    kind: Literal["prohibit"]
    date_field: str
    describe_field: str | None = None


class Prohibit(Kind):
    name = "prohibit"
    Spec = ProhibitSpec
    variables = {"date", "description"}
    summary = "every matching event is a breach"

    def outcomes(self, rule, spec: ProhibitSpec, types) -> tuple[Outcome, ...]:
        return (Outcome("breach", single(alias_of(spec.facts), spec.facts, scope_tests(spec, Refs(rule), types))),)

    def expand(self, rule, spec: ProhibitSpec, ctx: Context) -> list[Item]:
        items = []
        for f, d in ctx.dated(spec, spec.date_field):
            items.append(
                Item(
                    key=f.id,
                    subject=f.id,
                    type=spec.facts,
                    fields=fact_fields(f),
                    evidence=[f],
                    period=(d, d),
                    values={
                        "date": iso(d),
                        "description": str(getattr(f, spec.describe_field, "")) if spec.describe_field else "",
                    },
                )
            )
        return items

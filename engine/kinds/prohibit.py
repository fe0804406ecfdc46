"""`prohibit`: every matching event is a breach (an incident the supplier caused).

Example: 四（四）7 — security incidents caused by the supplier's own service
(compensation and a fee deduction by severity).
"""

from __future__ import annotations

from typing import Literal

from engine.kinds.base import Context, Item, Kind, SpecBase, iso


class ProhibitSpec(SpecBase):
    kind: Literal["prohibit"]
    date_field: str
    describe_field: str | None = None


class Prohibit(Kind):
    name = "prohibit"
    Spec = ProhibitSpec
    variables = {"date", "description"}
    summary = "every matching event is a breach"

    def expand(self, rule, spec: ProhibitSpec, ctx: Context) -> list[Item]:
        items = []
        for f, d in ctx.dated(spec, spec.date_field):
            items.append(
                Item(
                    key=f.id,
                    subject=f.id,
                    required=0,
                    op="le",
                    observed=1,
                    evidence=[f],
                    period=(d, d),
                    values={
                        "date": iso(d),
                        "description": str(getattr(f, spec.describe_field, "")) if spec.describe_field else "",
                    },
                )
            )
        return items

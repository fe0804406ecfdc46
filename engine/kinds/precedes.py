"""`precedes`: one date must come on or before another (consent before a change).

Example: 四（三）2 — replacing on-site staff needs Party A's consent before
the replacement takes effect.
"""

from __future__ import annotations

from typing import Literal

from engine.kinds.base import Context, Item, Kind, SpecBase, field_date, iso


class PrecedesSpec(SpecBase):
    kind: Literal["precedes"]
    first: str
    then: str


class Precedes(Kind):
    name = "precedes"
    Spec = PrecedesSpec
    variables = {"first_date", "then_date"}
    summary = "one date must come on or before another"

    def expand(self, rule, spec: PrecedesSpec, ctx: Context) -> list[Item]:
        items = []
        for f, then in ctx.dated(spec, spec.then):
            first = ctx.known(field_date(f, spec.first))
            items.append(
                Item(
                    key=f.id,
                    subject=f.id,
                    required=then.toordinal(),
                    op="le",
                    observed=first.toordinal() if first else None,
                    evidence=[f],
                    period=(then, then),
                    values={"first_date": iso(first), "then_date": iso(then)},
                )
            )
        return items

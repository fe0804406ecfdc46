"""`precedes`: one date must come on or before another (consent before a change).

Example: 四（三）2 — replacing on-site staff needs Party A's consent before
the replacement takes effect. The engine compares the two fields of the
same fact; a missing first date is a breach.
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
    field_date,
    iso,
    scope_tests,
    single,
)
from lvyue.engine.patterns import Outcome, Ref, Test


class PrecedesSpec(SpecBase):
    kind: Literal["precedes"]
    first: str
    then: str


class Precedes(Kind):
    name = "precedes"
    Spec = PrecedesSpec
    variables = {"first_date", "then_date"}
    summary = "one date must come on or before another"

    def outcomes(self, rule, spec: PrecedesSpec, types) -> tuple[Outcome, ...]:
        a = alias_of(spec.facts)
        p = lambda *t: single(a, spec.facts, scope_tests(spec, Refs(rule), types), t)  # noqa: E731
        then = Ref(a, spec.then)
        return (
            Outcome("compliant", p(Test(spec.first, "le", then))),
            Outcome("breach", p(Test(spec.first, "gt", then))),
            Outcome("breach", p(Test(spec.first, "absent"))),
        )

    def expand(self, rule, spec: PrecedesSpec, ctx: Context) -> list[Item]:
        items = []
        for f, then in ctx.dated(spec, spec.then):
            first = ctx.known(field_date(f, spec.first))
            items.append(
                Item(
                    key=f.id,
                    subject=f.id,
                    type=spec.facts,
                    fields={**fact_fields(f), spec.first: first},
                    evidence=[f],
                    period=(then, then),
                    values={"first_date": iso(first), "then_date": iso(then)},
                )
            )
        return items

"""`each`: a number on every matching fact within bounds (and, if asked, odd).

Example: 五 — the performance assessment panel has 3 or more members, an
odd number. Derived: `parity` (1 for odd). Each bound the fact misses is
its own finding.
"""

from __future__ import annotations

from typing import Literal

from pydantic import StrictInt

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
from lvyue.engine.patterns import Outcome, Test


class EachSpec(SpecBase):
    kind: Literal["each"]
    field: str
    date_field: str
    at_least: StrictInt | None = None
    at_most: StrictInt | None = None
    odd: bool = False


class Each(Kind):
    name = "each"
    Spec = EachSpec
    variables = {"value", "bound", "test"}
    summary = "a number on every matching fact within bounds"

    def outcomes(self, rule, spec: EachSpec, types) -> tuple[Outcome, ...]:
        refs = Refs(rule)
        a = alias_of(spec.facts)
        p = lambda *t: single(a, spec.facts, scope_tests(spec, refs, types), t)  # noqa: E731
        ok: list[Test] = []
        out: list[Outcome] = []
        if spec.at_least is not None:
            low = refs("at_least", spec.at_least)
            ok.append(Test(spec.field, "ge", low))
            out.append(Outcome("breach", p(Test(spec.field, "lt", low)), tag="min",
                               values=(("bound", spec.at_least), ("test", f"≥ {spec.at_least}"))))
        if spec.at_most is not None:
            high = refs("at_most", spec.at_most)
            ok.append(Test(spec.field, "le", high))
            out.append(Outcome("breach", p(Test(spec.field, "gt", high)), tag="max",
                               values=(("bound", spec.at_most), ("test", f"≤ {spec.at_most}"))))
        if spec.odd:
            ok.append(Test("parity", "eq", 1))
            out.append(Outcome("breach", p(Test("parity", "eq", 0)), tag="odd",
                               values=(("bound", 1), ("test", "单数"))))
        return (
            Outcome("compliant", p(*ok)),
            *out,
            Outcome("breach", p(Test(spec.field, "absent")), values=(("bound", "—"), ("test", "有值"))),
        )

    def derives(self, spec: EachSpec) -> dict[str, str]:
        return {"parity": f"{spec.field} mod 2"} if spec.odd else {}

    def expand(self, rule, spec: EachSpec, ctx: Context) -> list[Item]:
        items = []
        for f, d in ctx.dated(spec, spec.date_field):
            v = getattr(f, spec.field)
            value = None if v is None else int(v)
            items.append(
                Item(
                    key=f.id,
                    subject=f.id,
                    type=spec.facts,
                    fields={**fact_fields(f), "parity": None if value is None else value % 2},
                    evidence=[f],
                    period=(d, d),
                    values={"value": value if value is not None else "—"},
                )
            )
        return items

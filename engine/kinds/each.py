"""`each`: a number on every matching fact within bounds (and, if asked, odd).

Example: 五 — the performance assessment panel has 3 or more members, an
odd number.
"""

from __future__ import annotations

from typing import Literal

from pydantic import StrictInt

from engine.kinds.base import Context, Item, Kind, SpecBase


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
    ops = ("ge", "le", "eq")

    def expand(self, rule, spec: EachSpec, ctx: Context) -> list[Item]:
        items = []
        for f, d in ctx.dated(spec, spec.date_field):
            v = getattr(f, spec.field)
            value = None if v is None else int(v)
            tests = []
            if spec.at_least is not None:
                tests.append(("min", "ge", spec.at_least, value, f"≥ {spec.at_least}"))
            if spec.at_most is not None:
                tests.append(("max", "le", spec.at_most, value, f"≤ {spec.at_most}"))
            if spec.odd:
                tests.append(("odd", "eq", 1, None if value is None else value % 2, "单数"))
            for tag, op, bound, observed, label in tests:
                items.append(
                    Item(
                        key=f"{f.id}|{tag}",
                        subject=f.id,
                        required=bound,
                        op=op,  # type: ignore[arg-type]
                        observed=observed,
                        evidence=[f],
                        period=(d, d),
                        values={"value": value if value is not None else "—", "bound": bound, "test": label},
                    )
                )
        return items

"""The money facts of a saved result, typed again, and the period labels settlement speaks in.

A result stores facts as JSON (decimals as strings); here they become the
fact models again (any type the pack knows, so a pack's own trigger types
load too), so settlement computes with exact Decimals and the same
`engine.billing` code as the `fee` rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from lvyue.engine.errors import InputError
from lvyue.engine.kinds.periods import months_of
from lvyue.engine.money import fen
from lvyue.facts.model import FACT_TYPES


def yuan(amount: Decimal) -> str:
    """For people: 7,048,040.00."""
    return f"{fen(amount):,}"


@dataclass
class Settlement:
    facts: dict[str, list[Any]]  # fact_type → models
    cites: dict[tuple[str, str], str]  # (fact_type, id) → where it came from
    present: set[str]  # fact types the evidence supplied (possibly empty)

    def of(self, t: str) -> list[Any]:
        return self.facts.get(t, [])

    def cite(self, t: str, fid: str) -> str:
        return self.cites.get((t, fid), "")


def load_settlement(result: dict[str, Any], types: dict[str, Any] | None = None) -> Settlement:
    """The result's settlement_facts as fact models (types: the pack's registry; default the built-in one)."""
    registry = types or FACT_TYPES
    raw = result.get("settlement_facts")
    if raw is None:
        raise InputError(
            "the result has no settlement_facts: re-run `lvyue check` with this version", field="settlement_facts"
        )
    facts: dict[str, list[Any]] = {}
    cites: dict[tuple[str, str], str] = {}
    for t, rows in raw.items():
        model = registry.get(t)
        if model is None:
            continue
        out = []
        for i, row in enumerate(rows):
            data = {k: v for k, v in row.items() if k not in ("fact_type", "cite")}
            try:
                fact = model.model_validate(data)
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = ".".join(str(x) for x in err["loc"])
                raise InputError(err["msg"], field=f"settlement_facts.{t}[{i}].{loc}") from None
            out.append(fact)
            cites[(t, fact.id)] = str(row.get("cite") or "")
        facts[t] = out
    return Settlement(facts, cites, set(raw))


def months_between(start: dt.date, end: dt.date) -> list[str]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def label_months(label: str) -> list[str] | None:
    """The months a period label covers, or None if it is not a period label."""
    try:
        return months_of(label)
    except (ValueError, IndexError):
        return None


def period_label(months: list[str]) -> str:
    """2026-07..2026-12 → 2026H2; a quarter → 2026Q3; one month → 2026-07; else A..B."""
    if len(months) == 1:
        return months[0]
    y, m = months[0][:4], int(months[0][5:])
    same_year = all(x[:4] == y for x in months)
    if same_year and len(months) == 6 and m in (1, 7):
        return f"{y}H{1 if m == 1 else 2}"
    if same_year and len(months) == 3 and m in (1, 4, 7, 10):
        return f"{y}Q{(m - 1) // 3 + 1}"
    if same_year and len(months) == 12:
        return y
    return f"{months[0]}..{months[-1]}"

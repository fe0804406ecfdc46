"""The money facts and parameters of a saved result, typed again for the pre-payment check.

A result stores facts as JSON (decimals as strings) and parameters as their
JSON values; here they become the fact models and exact Decimals again, so
the pre-payment check computes with the same `engine.billing` code as the
`fee` rule did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from engine.errors import InputError
from engine.kinds.periods import months_of
from engine.money import fen
from facts.model import (
    CatalogueItem,
    Fact,
    Incident,
    Invoice,
    Payment,
    PerformanceReview,
    Report,
    UsageLine,
)

MODELS: dict[str, type[Fact]] = {
    "catalogue": CatalogueItem,
    "usage": UsageLine,
    "invoice": Invoice,
    "payment": Payment,
    "performance_review": PerformanceReview,
    "incident": Incident,
    "report": Report,
}


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


def load_settlement(result: dict[str, Any]) -> Settlement:
    raw = result.get("settlement_facts")
    if raw is None:
        raise InputError(
            "the result has no settlement_facts: re-run `lvyue check` with this version", field="settlement_facts"
        )
    facts: dict[str, list[Any]] = {}
    cites: dict[tuple[str, str], str] = {}
    for t, rows in raw.items():
        model = MODELS.get(t)
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


class Params:
    """Typed access to the result's parameters (the pack's, for any the result lacks)."""

    def __init__(self, result: dict[str, Any], fallback: dict[str, Any] | None = None) -> None:
        self.values = {k: (v or {}).get("value") for k, v in (result.get("parameters") or {}).items()}
        self.clauses = {k: (v or {}).get("clause") for k, v in (result.get("parameters") or {}).items()}
        self.fallback = fallback or {}

    def clause(self, name: str) -> str | None:
        """The contract clause a parameter comes from: where a blocker based on it is cited."""
        return self.clauses.get(name)

    def has(self, name: str) -> bool:
        return name in self.values or name in self.fallback

    def raw(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name in self.fallback:
            return self.fallback[name]
        raise InputError("parameter needed by the pre-payment check is not in the result or the pack", field=f"parameters.{name}")

    def decimal(self, name: str) -> Decimal:
        v = self.raw(name)
        try:
            return Decimal(str(v))
        except InvalidOperation:
            raise InputError(f"expected a decimal number, got {v!r}", field=f"parameters.{name}") from None

    def integer(self, name: str) -> int:
        v = self.raw(name)
        if isinstance(v, bool) or not isinstance(v, (int, str)) or not str(v).isdigit():
            raise InputError(f"expected a whole number, got {v!r}", field=f"parameters.{name}")
        return int(v)

    def flag(self, name: str, default: bool | None = None) -> bool:
        if default is not None and not self.has(name):
            return default
        v = self.raw(name)
        if not isinstance(v, bool):
            raise InputError(f"expected true or false, got {v!r}", field=f"parameters.{name}")
        return v

    def table(self, name: str) -> dict[str, Decimal]:
        v = self.raw(name)
        if not isinstance(v, dict):
            raise InputError(f"expected a table (name: value), got {v!r}", field=f"parameters.{name}")
        try:
            return {str(k): Decimal(str(x)) for k, x in v.items()}
        except InvalidOperation:
            raise InputError(f"expected decimal values, got {v!r}", field=f"parameters.{name}") from None

    def labels(self, name: str) -> list[str]:
        v = self.raw(name)
        if isinstance(v, str):
            return [v]
        return [str(x) for x in v or []]


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

"""Argument parsing shared by the command groups: one clear line per bad input."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import typer

from engine.errors import InputError


def parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"expected an ISO date like 2026-09-01, got {text!r}", field=what
        ) from None


def parse_int(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InputError(f"expected an integer, got {text!r}", field=what) from None


def dump_json(obj: Any) -> str:
    """The one JSON form lvyue writes: sorted keys, UTF-8, stable across runs."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2)


def echo_json(obj: Any) -> None:
    typer.echo(dump_json(obj))


def parse_period(period: str | None, quarter: str | None, half: str | None) -> tuple[date, date]:
    """--period START..END | --quarter 2026Q3 | --half 2026H2 (exactly one)."""
    import calendar as _cal
    import re

    given = [x for x in (period, quarter, half) if x]
    if len(given) != 1:
        raise InputError("give exactly one of --period START..END, --quarter 2026Q3, --half 2026H2", field="period")
    if period:
        from engine.kinds.periods import parse_span

        return parse_span(period, "--period")
    label = (quarter or half or "").strip().upper()
    if quarter and not re.fullmatch(r"\d{4}Q[1-4]", label):
        raise InputError(f"expected a quarter like 2026Q3, got {quarter!r}", field="--quarter")
    if half and not re.fullmatch(r"\d{4}H[12]", label):
        raise InputError(f"expected a half year like 2026H2, got {half!r}", field="--half")
    from engine.kinds.periods import months_of

    months = months_of(label)
    y1, m1 = int(months[0][:4]), int(months[0][5:])
    y2, m2 = int(months[-1][:4]), int(months[-1][5:])
    return date(y1, m1, 1), date(y2, m2, _cal.monthrange(y2, m2)[1])

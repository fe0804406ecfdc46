"""Argument parsing shared by the command groups: one clear line per bad input."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import typer

from engine.errors import InputError
from reports.output import dump_json as _dump_json
from reports.output import writable


def parse_date(text: str, what: str) -> date:
    """An ISO date between 1900 and 2200, or InputError."""
    from engine.kinds.periods import check_date

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"expected an ISO date like 2026-09-01, got {text!r}", field=what
        ) from None
    return check_date(day, what)


def parse_int(text: str, what: str, limit: int | None = None) -> int:
    """An integer; with `limit`, at most that in absolute value (a count of days beyond it is a typo)."""
    try:
        n = int(text.strip())
    except ValueError:
        raise InputError(f"expected an integer, got {text!r}", field=what) from None
    if limit is not None and abs(n) > limit:
        raise InputError(f"expected at most {limit} in absolute value, got {n}", field=what)
    return n


def write_text(output: Path, text: str) -> None:
    writable(output)
    try:
        # a result holds names, ID and phone numbers: readable by its owner only (0600)
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(output, 0o600)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(output), field="-o") from None


def dump_json(obj: Any) -> str:
    """The one JSON form lvyue writes: sorted keys, UTF-8, stable across runs (lives in reports.output)."""
    return _dump_json(obj)


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
    what = "--quarter" if quarter else "--half"
    if quarter and not re.fullmatch(r"\d{4}Q\d", label):
        raise InputError(f"expected a quarter like 2026Q3, got {quarter!r}", field=what)
    if half and not re.fullmatch(r"\d{4}H\d", label):
        raise InputError(f"expected a half year like 2026H2, got {half!r}", field=what)
    from engine.kinds.periods import months_of

    try:
        months = months_of(label)
    except ValueError as exc:
        raise InputError(str(exc), field=what) from None
    y1, m1 = int(months[0][:4]), int(months[0][5:])
    y2, m2 = int(months[-1][:4]), int(months[-1][5:])
    return date(y1, m1, 1), date(y2, m2, _cal.monthrange(y2, m2)[1])

"""Argument parsing shared by the command groups: one clear line per bad input."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import typer

from lvyue.engine.cli.options import parse_cli_date, parse_cli_int
from lvyue.engine.errors import InputError


def parse_date(text: str, what: str) -> date:
    """A date as evidence spells it (2026-09-01, 2026/9/1, 2026年9月1日, full-width digits), 1900-2200."""
    return parse_cli_date(text, what)


def parse_int(text: str, what: str, limit: int | None = None) -> int:
    """An integer; with `limit`, at most that in absolute value (a count of days beyond it is a typo)."""
    return parse_cli_int(text, what, limit)


def writable(output: Path | None) -> None:
    """-o FILE: checked before any work is done (lives in reports.output, loaded only when asked)."""
    from lvyue.reports.output import writable as _writable

    _writable(output)


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
    """The one JSON form lvyue writes: sorted keys, UTF-8, stable across runs.

    The same form as reports.output.dump_json (tests/test_cli_conventions.py holds them equal),
    written here so `lvyue calendar ... --json` does not load the report stack (python-docx, jinja2).
    """
    import json

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
        return parse_span(period, "--period")
    label = (quarter or half or "").strip().upper()
    what = "--quarter" if quarter else "--half"
    if quarter and not re.fullmatch(r"\d{4}Q\d", label):
        raise InputError(f"expected a quarter like 2026Q3, got {quarter!r}", field=what)
    if half and not re.fullmatch(r"\d{4}H\d", label):
        raise InputError(f"expected a half year like 2026H2, got {half!r}", field=what)
    from lvyue.engine.kinds.periods import months_of

    try:
        months = months_of(label)
    except ValueError as exc:
        raise InputError(str(exc), field=what) from None
    y1, m1 = int(months[0][:4]), int(months[0][5:])
    y2, m2 = int(months[-1][:4]), int(months[-1][5:])
    return date(y1, m1, 1), date(y2, m2, _cal.monthrange(y2, m2)[1])


def parse_span(text: str, what: str = "--period") -> tuple[date, date]:
    """START..END, each date spelled as evidence spells it (2026-07-01..2026/12/31)."""
    parts = text.split("..")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise InputError(f"expected START..END like 2026-07-01..2026-12-31, got {text!r}", field=what)
    start, end = (parse_cli_date(p.strip(), what) for p in parts)
    if end < start:
        raise InputError(f"period ends before it starts: {text!r}", field=what)
    return start, end

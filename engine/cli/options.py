"""Typed command-line values: dates as evidence spells them, integers, choices; bilingual help.

Each parser raises InputError naming the option (exit 2, one `error:` line), so
`lvyue check --as-of 2027/1/5` and `--as-of 2027年1月5日` mean what the same
text means in a register, and a typo names the option and what was expected.

This module is imported by every command's signature: it must stay light
(no engine, facts or report modules at import time).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from lvyue.engine.errors import InputError

DATE_EXAMPLES = "2027-01-05, 2027/1/5 or 2027年1月5日"


def parse_cli_date(text: Any, what: str) -> dt.date:
    """A date as evidence spells it (ISO, 2027/1/5, 2027.1.5, 2027年1月5日, full-width digits), 1900-2200.

    An Excel serial number (46266) is a cell's value, not something a person types: refused.
    """
    if isinstance(text, dt.date):
        return text
    from lvyue.facts.normalize import halfwidth, parse_date  # the evidence's own date reader

    raw = str(text)
    if re.fullmatch(r"\d{5}(\.\d+)?", halfwidth(raw).strip()):
        raise InputError(f"expected a date like {DATE_EXAMPLES}, got {raw!r}", field=what)
    try:
        return parse_date(raw)
    except ValueError as exc:
        reason = str(exc)
        if reason.startswith("not a date"):
            reason = f"expected a date like {DATE_EXAMPLES}, got {raw!r}"
        raise InputError(reason, field=what) from None


def date_parser(what: str) -> Callable[[Any], dt.date]:
    return lambda text: parse_cli_date(text, what)


def parse_cli_int(text: Any, what: str, limit: int | None = None, minimum: int | None = None) -> int:
    """An integer (full-width digits too); with `limit`, at most that in absolute value."""
    if isinstance(text, int) and not isinstance(text, bool):
        n = text
    else:
        from lvyue.facts.normalize import halfwidth

        s = halfwidth(str(text)).strip()
        if not re.fullmatch(r"[+-]?\d+", s):
            raise InputError(f"expected an integer, got {str(text)!r}", field=what)
        n = int(s)
    if limit is not None and abs(n) > limit:
        raise InputError(f"expected at most {limit} in absolute value, got {n}", field=what)
    if minimum is not None and n < minimum:
        words = "a positive number" if minimum == 1 else f"N >= {minimum}"
        raise InputError(f"expected {words}, got {n}", field=what)
    return n


def int_parser(what: str, limit: int | None = None, minimum: int | None = None) -> Callable[[Any], int]:
    return lambda text: parse_cli_int(text, what, limit, minimum)


def choice_parser(what: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    """One of `choices` (case-insensitive), or InputError naming the option and the choices."""

    def parse(text: Any) -> str:
        value = str(text).strip()
        for c in choices:
            if value.lower() == c.lower():
                return c
        if len(choices) == 2:
            expected = f"{choices[0]} or {choices[1]}"
        else:
            expected = "one of " + ", ".join(choices)
        raise InputError(f"expected {expected}, got {str(text)!r}", field=what)

    return parse


def wrote(path: Path | str) -> None:
    """Every command that writes a file says so, on stderr (stdout carries results only)."""
    name = Path(path).as_posix()
    typer.echo(f"已写入 {name} / wrote {name}", err=True)


def warn(text: str) -> None:
    """A warning or caveat: stderr, never mixed into the result on stdout."""
    typer.echo(text, err=True)


def stdout_width() -> int | None:
    """Rich tables: the terminal's width on a terminal; a fixed 160 columns into a pipe or file."""
    return None if sys.stdout.isatty() else 160

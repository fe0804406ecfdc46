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

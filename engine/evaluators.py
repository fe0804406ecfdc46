"""Which evaluator decides: durable_rules where it is installed, the reference one otherwise.

durable-rules 2.0.28 does not build on Python 3.13+; there the pure-Python
reference evaluator runs the same compiled rules, and every result names
the evaluator that produced it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lvyue.engine.errors import InputError
from lvyue.engine.patterns import CompiledRule, Match, Record

MatchFn = Callable[[CompiledRule, Sequence[Record], dict[str, Any]], list[Match]]


@dataclass(frozen=True)
class Matcher:
    name: str
    match: MatchFn


def durable() -> Matcher:
    from lvyue.engine import runner

    return Matcher(runner.NAME, runner.match)


def reference() -> Matcher:
    from lvyue.engine import reference as ref

    return Matcher(ref.NAME, ref.match)


def available() -> list[str]:
    try:
        import durable_rules_engine  # noqa: F401
    except ImportError:
        return ["reference"]
    return ["durable_rules", "reference"]


def installed() -> list[Matcher]:
    """Every evaluator this Python has (the tests run each; 3.13+: the reference one only)."""
    return [durable(), reference()] if "durable_rules" in available() else [reference()]


def default_evaluator() -> Matcher:
    return durable() if "durable_rules" in available() else reference()


def by_name(name: str | None) -> Matcher:
    """`--evaluator durable_rules|reference`; None: the default."""
    if name is None:
        return default_evaluator()
    if name not in ("durable_rules", "reference"):
        raise InputError(f"expected durable_rules or reference, got {name!r}", field="--evaluator")
    if name not in available():
        raise InputError("durable-rules is not installed here (Python 3.13+ cannot build it)", field="--evaluator")
    return durable() if name == "durable_rules" else reference()

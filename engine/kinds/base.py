"""What every obligation kind shares: the evaluation context and the Item.

An obligation kind turns a rule plus facts into Items. Each Item is one
expectation (a number it requires and how to compare) and what the evidence
shows for it (the observed number, or None when nothing was found). Python
does the calendar work here; the durable_rules ruleset (engine/compile.py)
then decides, for every Item, met / not met / missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from facts.model import Fact

if TYPE_CHECKING:
    from engine.calendar import WorkingCalendar
    from engine.pack import Pack
    from engine.rule import Rule

Op = Literal["ge", "le", "eq"]
MissingStatus = Literal["breach", "at_risk", "manual", "no_evidence"]
ONE_DAY = dt.timedelta(days=1)


class SpecBase(BaseModel):
    """Fields every kind's `check` may carry."""

    model_config = ConfigDict(extra="forbid")
    kind: str
    facts: str
    where: dict[str, Any] = {}
    where_not: dict[str, Any] = {}  # leave out facts matching any of these


@dataclass
class Item:
    key: str
    subject: str
    required: int
    op: Op
    observed: int | None
    missing: MissingStatus = "breach"
    day: dt.date | None = None  # consecutive days of one subject merge into one finding
    period: tuple[dt.date, dt.date] | None = None
    evidence: list[Fact] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    amounts: dict[str, Decimal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Status the other reading of a notice period gives when a breach turns on it.
    other_reading_met: bool | None = None
    deadline: Any = None  # a Reckoning the kind computed itself (e.g. notice deadline)


@dataclass
class Context:
    pack: Pack
    calendar: WorkingCalendar
    params: dict[str, Any]
    as_of: dt.date
    period: tuple[dt.date, dt.date]
    facts: dict[str, list[Fact]]

    def select(
        self, fact_type: str, where: dict[str, Any] | None = None, where_not: dict[str, Any] | None = None
    ) -> list[Fact]:
        out = uniq(f for f in self.facts.get(fact_type, []) if matches(f, where or {}))  # a repeated fact counts once
        for name, value in (where_not or {}).items():
            out = [f for f in out if not matches(f, {name: value})]
        return out

    @property
    def signed_on(self) -> dt.date:
        return self.pack.contract.signed_on

    def dated(self, spec: SpecBase, date_field: str) -> Iterator[tuple[Fact, dt.date]]:
        """The rule's facts whose date falls in the window under check, with that date."""
        start, end = self.window()
        for f in self.select(spec.facts, spec.where, spec.where_not):
            d = field_date(f, date_field)
            if d is not None and start <= d <= end:
                yield f, d

    def known(self, d: dt.date | None) -> dt.date | None:
        """A date as the audit can know it: anything after the as-of date has not happened yet."""
        return d if d is not None and d <= self.as_of else None

    def known_only(self, dated: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Tuples whose first element (a date) the audit can know: on or before the as-of date."""
        return [t for t in dated if t[0] is not None and t[0] <= self.as_of]

    def window(self) -> tuple[dt.date, dt.date]:
        """The days under check: the period, from signing, up to the as-of date."""
        start = max(self.period[0], self.signed_on)
        end = min(self.period[1], self.as_of)
        return start, end

    def days(self, working_only: bool = False) -> Iterator[dt.date]:
        start, end = self.window()
        d = start
        while d <= end:
            if not working_only or self.calendar.is_working(d):
                yield d
            d += ONE_DAY


def matches(fact: Fact, where: dict[str, Any]) -> bool:
    """Equality filters; a list on either side means membership."""
    for name, want in where.items():
        have = getattr(fact, name, None)
        if isinstance(have, list):
            wanted = want if isinstance(want, list) else [want]
            if not set(map(str, wanted)) & set(map(str, have)):
                return False
        elif isinstance(want, list):
            if str(have) not in map(str, want) and have not in want:
                return False
        elif have != want and str(have) != str(want):
            return False
    return True


def field_date(fact: Fact, name: str) -> dt.date | None:
    v = getattr(fact, name, None)
    if v is None or isinstance(v, dt.date):
        return v
    raise TypeError(f"{fact.fact_type}.{name} is not a date")


def iso(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


class Kind:
    """An obligation kind: a Spec model, message variables, and expand()."""

    name: ClassVar[str]
    Spec: ClassVar[type[SpecBase]]
    variables: ClassVar[set[str]] = set()
    summary: ClassVar[str] = ""
    ops: ClassVar[tuple[Op, ...]] = ("le",)  # the comparisons its Items make

    def requires(self, spec: Any) -> set[str]:
        return {spec.facts}

    def expand(self, rule: Rule, spec: Any, ctx: Context) -> list[Item]:
        raise NotImplementedError


def uniq(facts: Iterable[Fact]) -> list[Fact]:
    seen: dict[tuple[str, str], Fact] = {}
    for f in facts:
        seen.setdefault((f.fact_type, f.id), f)
    return list(seen.values())

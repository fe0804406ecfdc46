"""What every obligation kind (template) shares: the evaluation context and the Item.

A template has two halves. `expand` derives: it turns the rule's facts into
Items, each a domain fact (the evidence fact, or an aggregate such as "core
engineers on 2026-09-03") with derived attributes computed by the calendar
and money vocabulary (working days between, deadline, late days, counts).
`outcomes` compiles: patterns over those facts' fields (the rule's `where`,
thresholds against `$parameters`, absence) and the status each match gives.
The rules engine then decides; nothing here compares a value to its bound.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from lvyue.engine.patterns import Outcome, Param, Pattern, Record, Test
from lvyue.facts.model import Fact

if TYPE_CHECKING:
    from lvyue.engine.calendar import WorkingCalendar
    from lvyue.engine.pack import Pack
    from lvyue.engine.rule import Rule

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
    """One domain fact the engine matches (`type`, `fields`), and what a finding about it shows."""

    key: str
    subject: str
    type: str
    fields: dict[str, Any]
    day: dt.date | None = None  # consecutive days of one subject merge into one finding
    period: tuple[dt.date, dt.date] | None = None
    evidence: list[Fact] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # message placeholders
    amounts: dict[str, Decimal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    deadline: Any = None  # a Reckoning the kind computed itself (e.g. notice deadline)
    rank: Any = None  # in a run of days, the item with the lowest rank is quoted
    # value name (a date or day count the finding shows) → the provisional years it was computed over
    provisional: dict[str, list[int]] = field(default_factory=dict)

    def record(self) -> Record:
        return Record(self.type, self.fields)


def mark_provisional(item: Item, cal: WorkingCalendar, name: str, *sources: Any) -> None:
    """Flag the value `name` when any day it was computed over lies in a provisional year.

    Each source is a Reckoning (its own provisional years) or a (first, last) span of days
    (e.g. the days counted as late); None is skipped.
    """
    years: set[int] = set(item.provisional.get(name, []))
    for s in sources:
        if s is None:
            continue
        if isinstance(s, tuple):
            a, b = min(s), max(s)
            years.update(cal.provisional_years(a + dt.timedelta(days=i) for i in range((b - a).days + 1)))
        else:
            years.update(s.explanation.provisional_years)
    if years:
        item.provisional[name] = sorted(years)


def fact_fields(f: Fact) -> dict[str, Any]:
    """A fact's own field values (Python types), as the engine's patterns read them."""
    return {name: getattr(f, name) for name in type(f).model_fields if name != "provenance"}


class Refs:
    """The rule's values as patterns quote them: `$name` where the rule wrote a parameter."""

    def __init__(self, rule: Rule) -> None:
        self.raw = rule.check

    def __call__(self, path: str, value: Any) -> Any:
        node: Any = self.raw
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str) and node.startswith("$") and len(node) > 1:
            return Param(node[1:], value)
        return value


def scope_tests(spec: SpecBase, refs: Refs, types: dict[str, type[Fact]]) -> tuple[Test, ...]:
    """`where` and `where_not` as field tests on the rule's own facts."""
    model = types.get(spec.facts)
    tests: list[Test] = []
    for part, positive in (("where", True), ("where_not", False)):
        for name, want in getattr(spec, part).items():
            is_list = model is not None and _is_list(model, name)
            wants = want if isinstance(want, list) else [want]
            quoted = refs(f"{part}.{name}", want)
            if is_list and (isinstance(want, list) or not positive):
                raise ValueError(f"{part}.{name}: a list field can only be tested for one value in `where`")
            if positive:
                if is_list:
                    tests.append(Test(name, "has", quoted))
                elif isinstance(want, list):
                    tests.append(Test(name, "in", list(wants)))
                else:
                    tests.append(Test(name, "eq", quoted))
            else:
                tests.extend(Test(name, "ne", w) for w in wants)
    return tuple(tests)


def _is_list(model: type[Fact], name: str) -> bool:
    f = model.model_fields.get(name)
    return f is not None and "list" in str(f.annotation)


def single(alias: str, type_: str, *groups: tuple[Test, ...]) -> tuple[Pattern, ...]:
    return (Pattern(alias, type_, tuple(t for g in groups for t in g)),)


def alias_of(type_: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in type_)


def due_outcomes(
    alias: str,
    type_: str,
    scope: tuple[Test, ...],
    done: str,
    due: str,
    late: str = "late_days",
    pending: str = "at_risk",
    failed: str | None = None,
) -> tuple[Outcome, ...]:
    """Done on time / done late / not done and overdue / not done, not yet due.

    With `failed` (a field set when the artefact was delivered but did not
    pass, e.g. an assessment graded below the pass line): not done but
    failed is a breach now, whatever the deadline.
    """
    p = lambda *t: single(alias, type_, scope, t)  # noqa: E731
    if failed is None:
        return (
            Outcome("compliant", p(Test(late, "le", 0))),
            Outcome("breach", p(Test(late, "gt", 0))),
            Outcome("breach", p(Test(done, "absent"), Test(due, "lt", Param("as_of")))),
            Outcome(pending, p(Test(done, "absent"), Test(due, "ge", Param("as_of")))),
        )
    return (
        Outcome("compliant", p(Test(late, "le", 0))),
        Outcome("breach", p(Test(late, "gt", 0))),
        Outcome("breach", p(Test(done, "absent"), Test(failed, "exists")), note=FAILED_NOTE),
        Outcome("breach", p(Test(done, "absent"), Test(failed, "absent"), Test(due, "lt", Param("as_of")))),
        Outcome(pending, p(Test(done, "absent"), Test(failed, "absent"), Test(due, "ge", Param("as_of")))),
    )


FAILED_NOTE = "已提交的测评/评估结论未达标：未达标即构成违约，不待履行期限届满"


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

    @property
    def service_start(self) -> dt.date:
        """Obligations run from here: the service start the contract states, else signing."""
        return self.pack.service_start

    def dated(self, spec: SpecBase, date_field: str) -> Iterator[tuple[Fact, dt.date]]:
        """The rule's facts whose date falls in the window under check, with that date.

        `where` is not applied here: it is part of the rule's patterns.
        """
        start, end = self.window()
        for f in self.select(spec.facts):
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
        """The days under check: the period, from the service start, up to the as-of date."""
        start = max(self.period[0], self.service_start)
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
    """A date field's value; a timestamp gives its day (templates count whole days)."""
    v = getattr(fact, name, None)
    if isinstance(v, dt.datetime):
        return v.date()
    if v is None or isinstance(v, dt.date):
        return v
    raise TypeError(f"{fact.fact_type}.{name} is not a date")


def iso(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


class Kind:
    """A template: a Spec model, message variables, expand() (derive) and outcomes() (patterns)."""

    name: ClassVar[str]
    Spec: ClassVar[type[SpecBase]]
    variables: ClassVar[set[str]] = set()
    summary: ClassVar[str] = ""
    checkable: ClassVar[bool] = True  # False: a checklist item, nothing to compile

    def requires(self, spec: Any) -> set[str]:
        return {spec.facts}

    def expand(self, rule: Rule, spec: Any, ctx: Context) -> list[Item]:
        raise NotImplementedError

    def outcomes(self, rule: Rule, spec: Any, types: dict[str, type[Fact]]) -> tuple[Outcome, ...]:
        raise NotImplementedError

    def derives(self, spec: Any) -> dict[str, str]:
        """What each derived value or fact type is computed from, for `lvyue rules compile`."""
        return {}


def selection(spec: SpecBase) -> str:
    """`staff where core == true, local == true`: the facts an aggregate counts."""
    parts = [f"{k} == {v}" for k, v in spec.where.items()] + [f"{k} != {v}" for k, v in spec.where_not.items()]
    return spec.facts + (f" where {', '.join(parts)}" if parts else "")


def uniq(facts: Iterable[Fact]) -> list[Fact]:
    seen: dict[tuple[str, str], Fact] = {}
    for f in facts:
        seen.setdefault((f.fact_type, f.id), f)
    return list(seen.values())

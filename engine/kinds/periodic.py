"""`periodic`: an artefact for every period (a report each month, a drill each year).

Derived: one `<facts>.per_<every>` fact per period with its due date, the
first qualifying delivery and the days late; the engine judges each.
Examples: 三.1.1 — a monthly resource usage confirmation report; 四（一）3 —
periodic operation reports; 四（三）1 — drills every year; 四（四）3 — a
security assessment every year; 五 — a performance review every half year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictInt, model_validator

from lvyue.engine.calendar import deadline_after, late_days
from lvyue.engine.kinds.base import (
    Context,
    Item,
    Kind,
    SpecBase,
    due_outcomes,
    field_date,
    iso,
    mark_provisional,
    matches,
    selection,
)
from lvyue.engine.kinds.periods import Every, Period, months_of, periods


def same_period(label: Any, p: Period) -> bool:
    """A period label (2026-12, 2026Q4, 2026H2, 2026, A..B) names exactly the period p.

    A contract half 2026-07-01..2026-12-31 is the same as 2026H2; labels are compared
    by the months they cover when both sides cover whole months.
    """
    if label is None or str(label).strip() == "":
        return False
    text = str(label).strip()
    if text == p.label:
        return True
    whole = p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1
    if not whole:
        return False
    try:
        return months_of(text) == months_of(f"{p.start.isoformat()}..{p.end.isoformat()}")
    except ValueError:
        return False


class Due(BaseModel):
    """When a period's artefact is due, counted from the period's last day."""

    model_config = ConfigDict(extra="forbid")
    working_days: StrictInt | None = None
    natural_days: StrictInt | None = None
    months: StrictInt | None = None


class Passed(BaseModel):
    """Only facts whose field is one of these values (or at least this number) count.

    A fact whose field holds another value (a conclusion below the pass line,
    a score under `at_least`) is a failed delivery: a breach now, not when
    the deadline passes. A fact with the field blank is neither.
    """

    model_config = ConfigDict(extra="forbid")
    field: str
    values: list[Any] | None = None
    at_least: Decimal | None = None

    @model_validator(mode="after")
    def _one(self) -> Passed:
        if self.values is None and self.at_least is None:
            raise ValueError("passed: needs values (passing values) or at_least (a pass line)")
        return self

    def ok(self, fact: Any) -> bool:
        v = getattr(fact, self.field, None)
        if v is None:
            return False
        if self.values is not None and not matches(fact, {self.field: self.values}):
            return False
        if self.at_least is not None:
            try:
                return Decimal(str(v)) >= self.at_least
            except (InvalidOperation, ValueError):
                return False
        return True

    def failed(self, fact: Any) -> bool:
        return getattr(fact, self.field, None) not in (None, "") and not self.ok(fact)

    def describe(self) -> str:
        parts = ([f"in {self.values}"] if self.values is not None else []) + (
            [f">= {self.at_least}"] if self.at_least is not None else []
        )
        return f"{self.field} {' and '.join(parts)}"


def failures(passed: Passed | None, facts: list[Any], date_field: str, ctx: Context) -> tuple[dt.date | None, list[str]]:
    """The latest known failed delivery's date, and a note per failed delivery."""
    if passed is None:
        return None, []
    bad = sorted(
        (d, f.id, f) for f in facts if passed.failed(f) and (d := ctx.known(field_date(f, date_field)))
    )
    notes = [f"{f.id}（{d.isoformat()}）{passed.field}为“{getattr(f, passed.field)}”，未达标" for d, _, f in bad]
    return (bad[-1][0] if bad else None), notes


class PeriodicSpec(SpecBase):
    kind: Literal["periodic"]
    every: Every
    date_field: str
    period_field: str | None = None  # match by label (2026-07) instead of by date
    due: Due = Due(natural_days=0)
    passed: Passed | None = None
    pending: Literal["at_risk", "skip"] = "skip"


class Periodic(Kind):
    name = "periodic"
    Spec = PeriodicSpec
    variables = {"period_label", "due_date", "delivered_on"}
    summary = "an artefact for every period"

    def outcomes(self, rule, spec: PeriodicSpec, types):
        failed = "failed_on" if spec.passed else None
        return due_outcomes("period", f"{spec.facts}.per_{spec.every}", (), "delivered_on", "due_on", failed=failed)

    def derives(self, spec: PeriodicSpec) -> dict[str, str]:
        due = ", ".join(f"{k}={v}" for k, v in spec.due.model_dump(exclude_none=True).items())
        passed = f" with {spec.passed.describe()}" if spec.passed else ""
        failed = f"; failed_on = last {spec.date_field} of one failing that test, if none passed" if spec.passed else ""
        return {
            f"{spec.facts}.per_{spec.every}": f"each {spec.every}: due_on = period end + {due}; delivered_on = first "
            f"{spec.date_field} of {selection(spec)}{passed}; late_days = late_days(due_on, delivered_on){failed}"
        }

    def _belongs(self, spec: PeriodicSpec, f: Any, p: Period) -> bool:
        if spec.period_field:
            return same_period(getattr(f, spec.period_field, None), p)
        d = field_date(f, spec.date_field)
        return d is not None and p.start <= d <= p.end

    def expand(self, rule, spec: PeriodicSpec, ctx: Context) -> list[Item]:
        # The rule of time (docs/rules.md): an instance covers its period p and falls due on `due`. It is
        # judged in the audit whose period contains `due` (the December report due 01-15 in Q1), and in
        # an audit whose period it covers once it is decided there (delivered, failed, or overdue by the
        # as-of date); while still pending it is left to a later audit. One that fell due before this
        # audit's period and is still not delivered at the as-of date is judged again: it is still open.
        facts = ctx.select(spec.facts, spec.where, spec.where_not)
        audit_start = max(ctx.period[0], ctx.service_start)
        items = []
        for p in periods(spec.every, ctx.service_start, ctx.period[1], ctx.service_start):
            if p.start > ctx.as_of:
                continue
            due = deadline_after(
                ctx.calendar, p.end, working_days=spec.due.working_days,
                natural_days=spec.due.natural_days, months=spec.due.months,
            )
            due_day: dt.date = due.value  # type: ignore[assignment]
            mine = [f for f in facts if self._belongs(spec, f, p)]
            ok = [f for f in mine if spec.passed is None or spec.passed.ok(f)]
            dated = sorted((d, f.id, f) for f in ok if (d := ctx.known(field_date(f, spec.date_field))))
            first = dated[0][0] if dated else None
            failed_on, failed_notes = failures(spec.passed, mine, spec.date_field, ctx) if first is None else (None, [])
            covered = p.end >= audit_start  # the instance covers part of this audit's period
            falls_due = audit_start <= due_day <= ctx.period[1]
            still_open = first is None and failed_on is None and due_day < audit_start
            if not (covered or falls_due or still_open):
                continue
            if first is None and failed_on is None and ctx.as_of <= due_day:
                if spec.pending == "skip":
                    continue
            item = Item(
                key=p.label,
                subject=p.label,
                type=f"{spec.facts}.per_{spec.every}",
                fields={
                    "period": p.label,
                    "due_on": due_day,
                    "delivered_on": first,
                    "late_days": late_days(due_day, first).value if first else None,
                    **({"failed_on": failed_on} if spec.passed else {}),
                },
                evidence=mine,
                period=(p.start, p.end),
                values={"period_label": p.label, "due_date": iso(due_day), "delivered_on": iso(first)},
                deadline=due,
                notes=failed_notes or ([f"期内有 {len(mine) - len(ok)} 份未达标"] if len(mine) > len(ok) else []),
            )
            mark_provisional(item, ctx.calendar, "due_date", due)
            if first is not None and first > due_day:
                mark_provisional(item, ctx.calendar, "late_days", due, (due_day, first))
            items.append(item)
        return items

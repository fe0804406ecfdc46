"""`achieve_by`: a state reached by a deadline within the term.

Derived: one `<facts>.achieved` fact with the deadline, the day the state
was reached (first passing fact, or the day the sum was covered) and the
days late. Examples: 四（四）3 — MLPS level-3 filing within the term; 四（四）4 — a
passed commercial cryptography assessment within the term; 三.2 — the
overdue 9-month sum settled within 3 months of signing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictInt

from lvyue.engine.billing import settled_on
from lvyue.engine.calendar import civil_period, late_days
from lvyue.engine.kinds.base import (
    Context,
    Item,
    Kind,
    SpecBase,
    due_outcomes,
    field_date,
    iso,
    mark_provisional,
    selection,
)
from lvyue.engine.kinds.latefee import LateFee, apply_late_fee
from lvyue.engine.kinds.periodic import Passed, failures


class By(BaseModel):
    """The deadline: the term's end, or a Civil Code period from signing, or a date."""

    model_config = ConfigDict(extra="forbid")
    term_end: bool = False
    months: StrictInt | None = None
    days: StrictInt | None = None
    date: dt.date | None = None


class AchieveBySpec(SpecBase):
    kind: Literal["achieve_by"]
    date_field: str
    by: By
    passed: Passed | None = None
    sum_field: str | None = None
    sum_at_least: Decimal | None = None
    pending: Literal["at_risk", "manual"] = "at_risk"
    late_fee: LateFee | None = None  # with sum_at_least: the penalty on that sum when settled late


class AchieveBy(Kind):
    name = "achieve_by"
    Spec = AchieveBySpec
    variables = {"deadline", "achieved_on", "total", "target", "late_days", "penalty"}
    summary = "a state reached by a deadline"

    def outcomes(self, rule, spec: AchieveBySpec, types):
        failed = "failed_on" if spec.passed else None
        return due_outcomes(
            "target", f"{spec.facts}.achieved", (), "achieved_on", "due_on", pending=spec.pending, failed=failed
        )

    def derives(self, spec: AchieveBySpec) -> dict[str, str]:
        by = ", ".join(f"{k}={v}" for k, v in spec.by.model_dump(exclude_defaults=True).items())
        how = f"day the sum of {spec.sum_field} reaches {spec.sum_at_least}" if spec.sum_field else f"first {spec.date_field}"
        passed = f" with {spec.passed.describe()}" if spec.passed else ""
        failed = f"; failed_on = last {spec.date_field} of one failing that test, if none passed" if spec.passed else ""
        return {f"{spec.facts}.achieved": f"due_on = {by}; achieved_on = {how} of {selection(spec)}{passed}; late_days = late_days(due_on, achieved_on){failed}"}

    def deadline(self, spec: AchieveBySpec, ctx: Context):
        if spec.by.term_end:
            return ctx.pack.term_end()
        if spec.by.date is not None:
            return civil_period(ctx.calendar, spec.by.date, days=0)
        return civil_period(
            ctx.calendar, ctx.signed_on, months=spec.by.months or 0, days=spec.by.days or 0
        )

    def expand(self, rule, spec: AchieveBySpec, ctx: Context) -> list[Item]:
        due = self.deadline(spec, ctx)
        due_day: dt.date = due.value  # type: ignore[assignment]
        facts = ctx.select(spec.facts, spec.where, spec.where_not)
        ok = [f for f in facts if spec.passed is None or spec.passed.ok(f)]
        dated = sorted((d, f.id, f) for f in ok if (d := ctx.known(field_date(f, spec.date_field))))
        total = Decimal(0)
        achieved: dt.date | None
        if spec.sum_field:
            paid = [(d, fid, Decimal(getattr(f, spec.sum_field))) for d, fid, f in dated]
            achieved, total = settled_on(paid, spec.sum_at_least or Decimal(0))
        else:
            achieved = dated[0][0] if dated else None
        failed_on, failed_notes = failures(spec.passed, facts, spec.date_field, ctx) if achieved is None else (None, [])
        audit_start = max(ctx.period[0], ctx.service_start)
        if achieved is not None and achieved < audit_start and due_day < audit_start:
            return []  # the rule of time: due and reached before this audit's period, judged by an earlier one
        values = {
            "deadline": iso(due_day),
            "achieved_on": iso(achieved),
            "total": f"{total:.2f}",
            "target": f"{spec.sum_at_least:.2f}" if spec.sum_at_least is not None else "—",
            "late_days": late_days(due_day, max(due_day, achieved or ctx.as_of)).value,
            "penalty": "0.00",
        }
        # While the state is due and not reached, the period is the span it was missing
        # (as for `maintain`), so a follow-up audit can tell when it was put right.
        if (achieved or ctx.as_of) > due_day:
            span = (
                due_day + dt.timedelta(days=1),
                (achieved - dt.timedelta(days=1)) if achieved else ctx.as_of,
            )
        else:
            span = (ctx.signed_on, due_day)
        item = Item(
            key="term",
            subject=rule.title,
            type=f"{spec.facts}.achieved",
            fields={
                "due_on": due_day,
                "achieved_on": achieved,
                "late_days": late_days(due_day, achieved).value if achieved else None,
                **({"failed_on": failed_on} if spec.passed else {}),
            },
            evidence=facts,
            period=span,
            values=values,
            deadline=due,
            amounts={"total": total} if spec.sum_field else {},
            notes=failed_notes,
        )
        mark_provisional(item, ctx.calendar, "deadline", due)
        if values["late_days"]:
            mark_provisional(item, ctx.calendar, "late_days", due, (due_day, achieved or ctx.as_of))
        late = (achieved or ctx.as_of) > due_day
        if spec.late_fee and spec.sum_at_least is not None and late:
            until = achieved or ctx.as_of
            apply_late_fee(spec.late_fee, spec.sum_at_least, due_day, until, achieved is None, item)
        return [item]

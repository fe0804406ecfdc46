"""`respond_within`: after a trigger, an action within N working days (or by a set date).

Derived on each trigger fact: `deadline`, `responded_on` (its own field, or
the day joined responses first cover the amount), `late_days`. The engine
matches on time / late / not done and overdue / not done, not yet due.
Examples: 四（二）2 — resources delivered within 3 working days of a formal
request; 五 — rectification within 5 working days of an acceptance failure;
三.2 — payment within 60 working days of the invoice, with the late-payment
penalty and the termination right of 八.2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictInt, model_validator

from lvyue.engine.billing import settled_on
from lvyue.engine.calendar import deadline_after, late_days
from lvyue.engine.kinds.base import (
    Context,
    Item,
    Kind,
    Refs,
    SpecBase,
    alias_of,
    due_outcomes,
    fact_fields,
    field_date,
    iso,
    mark_provisional,
    matches,
    scope_tests,
)
from lvyue.engine.kinds.latefee import LateFee, apply_late_fee
from lvyue.engine.patterns import Outcome
from lvyue.facts.model import Fact


class JoinedResponse(BaseModel):
    """The response is another fact (a payment for an invoice)."""

    model_config = ConfigDict(extra="forbid")
    facts: str
    match: str  # field of the response fact holding the trigger fact's id
    date: str
    amount: str | None = (
        None  # when set, the response completes once the sum covers the trigger's amount
    )
    where: dict = {}


class RespondWithinSpec(SpecBase):
    kind: Literal["respond_within"]
    trigger_date: str
    response_date: str | None = None
    response: JoinedResponse | None = None
    working_days: StrictInt | None = None
    natural_days: StrictInt | None = None
    months: StrictInt | None = None
    deadline_field: str | None = None
    late_fee: LateFee | None = None
    pending: Literal["at_risk", "skip"] = "at_risk"  # not yet responded, deadline not yet passed

    @model_validator(mode="after")
    def _shape(self) -> RespondWithinSpec:
        ways = [self.working_days, self.natural_days, self.months, self.deadline_field]
        if sum(w is not None for w in ways) != 1:
            raise ValueError(
                "give exactly one of working_days, natural_days, months, deadline_field"
            )
        if (self.response_date is None) == (self.response is None):
            raise ValueError("give exactly one of response_date or response")
        return self


class RespondWithin(Kind):
    name = "respond_within"
    Spec = RespondWithinSpec
    variables = {
        "trigger_date",
        "deadline",
        "response_date",
        "late_days",
        "penalty",
        "required",
        "unit",
    }
    summary = "after a trigger, an action within N working days"

    def requires(self, spec: RespondWithinSpec) -> set[str]:
        # A response kept in another file (payments for invoices) is evidence too: without
        # that file the audit cannot tell "not paid" from "not shown".
        return {spec.facts} | ({spec.response.facts} if spec.response else set())

    def _response(
        self, spec: RespondWithinSpec, f: Fact, ctx: Context
    ) -> tuple[dt.date | None, list[Fact]]:
        if spec.response_date is not None:
            return field_date(f, spec.response_date), []
        j = spec.response
        assert j is not None
        found = sorted(
            (
                r
                for r in ctx.select(j.facts)
                if getattr(r, j.match, None) == f.id and matches(r, j.where)
            ),
            key=lambda r: (field_date(r, j.date), r.id),
        )
        if not found:
            return None, []
        if j.amount and spec.late_fee:
            need = Decimal(getattr(f, spec.late_fee.amount_field or "amount"))
            paid = [(field_date(r, j.date), r.id, Decimal(getattr(r, j.amount))) for r in found]
            return settled_on(ctx.known_only(paid), need)[0], found
        return field_date(found[0], j.date), found

    def outcomes(self, rule, spec: RespondWithinSpec, types) -> tuple[Outcome, ...]:
        scope = scope_tests(spec, Refs(rule), types)
        return due_outcomes(alias_of(spec.facts), spec.facts, scope, "responded_on", "due_on")

    def derives(self, spec: RespondWithinSpec) -> dict[str, str]:
        n = spec.deadline_field or ", ".join(
            f"{k}={v}" for k, v in (("working_days", spec.working_days), ("natural_days", spec.natural_days), ("months", spec.months)) if v
        )
        done = spec.response_date or f"{spec.response.date} of the {spec.response.facts} whose {spec.response.match} is its id"  # type: ignore[union-attr]
        return {"due_on": f"deadline({spec.trigger_date}, {n})", "responded_on": done, "late_days": "late_days(due_on, responded_on)"}

    def expand(self, rule, spec: RespondWithinSpec, ctx: Context) -> list[Item]:
        start, _ = ctx.window()
        items = []
        for f in ctx.select(spec.facts):
            trigger = field_date(f, spec.trigger_date)
            if trigger is None or trigger > ctx.as_of:
                continue
            response, joined = self._response(spec, f, ctx)
            response = ctx.known(response)
            if trigger < start and response is not None and response < start:
                continue  # settled before the period under check
            if spec.deadline_field:
                due = field_date(f, spec.deadline_field)
                deadline = deadline_after(ctx.calendar, due, natural_days=0) if due else None
                required_n, unit = spec.deadline_field, "通知所定期限"
            else:
                deadline = deadline_after(
                    ctx.calendar,
                    trigger,
                    working_days=spec.working_days,
                    natural_days=spec.natural_days,
                    months=spec.months,
                )
                required_n = spec.working_days or spec.natural_days or spec.months
                unit = "工作日" if spec.working_days else ("日" if spec.natural_days else "个月")
            if deadline is None:
                continue
            due_day: dt.date = deadline.value  # type: ignore[assignment]
            pending = response is None and ctx.as_of <= due_day
            if trigger > ctx.period[1] and not pending:
                # triggered after this audit's period and already decided: the next audit judges it
                # (still pending, it is listed as upcoming)
                continue
            if pending and spec.pending == "skip":
                continue
            late = late_days(due_day, response).value if response else None
            values = {
                "trigger_date": iso(trigger),
                "deadline": iso(due_day),
                "response_date": iso(response),
                "required": required_n,
                "unit": unit,
                # days late so far: to the response, or (not yet done) to the as-of date
                "late_days": late if late is not None else late_days(due_day, max(due_day, ctx.as_of)).value,
                "penalty": "0.00",
            }
            item = Item(
                key=f.id,
                subject=f.id,
                type=spec.facts,
                fields={**fact_fields(f), "due_on": due_day, "responded_on": response, "late_days": late},
                evidence=[f, *joined],
                period=(trigger, due_day),
                values=values,
                deadline=deadline,
            )
            mark_provisional(item, ctx.calendar, "deadline", deadline)
            if values["late_days"]:
                mark_provisional(item, ctx.calendar, "late_days", deadline, (due_day, response or ctx.as_of))
            if spec.late_fee and not pending:
                amount = Decimal(getattr(f, spec.late_fee.amount_field or "amount"))
                apply_late_fee(
                    spec.late_fee, amount, due_day, response or ctx.as_of, response is None, item
                )
            items.append(item)
        return items


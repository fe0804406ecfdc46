"""`advance_notice`: an event needs notice at least N working / natural days before it.

Example: 四（三）6 — maintenance, cut-over and upgrades are notified 7
working days ahead. Derived on each event: the days strictly between notice
and event under the pack's reading (`notice_days`) and under the other
reading (`other_reading_days`); the engine compares both with N, so a
breach that only the strict reading makes is flagged as such.
"""

from __future__ import annotations

from typing import Literal

from pydantic import StrictInt, model_validator

from lvyue.engine.calendar import natural_days_between, notice_by, working_days_between
from lvyue.engine.kinds.base import (
    ONE_DAY,
    Context,
    Item,
    Kind,
    Refs,
    SpecBase,
    alias_of,
    fact_fields,
    field_date,
    iso,
    mark_provisional,
    scope_tests,
    single,
)
from lvyue.engine.patterns import Outcome, Test

STRICT_ONLY = "仅按严格读法（通知日与事件日均不计入）构成违约；若将事件当日计入则不构成违约"


class AdvanceNoticeSpec(SpecBase):
    kind: Literal["advance_notice"]
    event_date: str
    notice_date: str
    working_days: StrictInt | None = None
    natural_days: StrictInt | None = None
    reading: Literal["strict", "lenient"] = "strict"

    @model_validator(mode="after")
    def _one_unit(self) -> AdvanceNoticeSpec:
        if (self.working_days is None) == (self.natural_days is None):
            raise ValueError("give exactly one of working_days or natural_days")
        return self


class AdvanceNotice(Kind):
    name = "advance_notice"
    Spec = AdvanceNoticeSpec
    variables = {"event_date", "notice_date", "between", "required", "latest_notice", "unit"}
    summary = "an event needs notice N working/natural days before"

    def outcomes(self, rule, spec: AdvanceNoticeSpec, types) -> tuple[Outcome, ...]:
        refs = Refs(rule)
        unit = "natural_days" if spec.natural_days is not None else "working_days"
        n = refs(unit, spec.natural_days if spec.natural_days is not None else spec.working_days)
        a = alias_of(spec.facts)
        scope = scope_tests(spec, refs, types)
        p = lambda *t: single(a, spec.facts, scope, t)  # noqa: E731
        short = Test("notice_days", "lt", n)
        return (
            Outcome("compliant", p(Test("notice_days", "ge", n))),
            Outcome("breach", p(short, Test("other_reading_days", "lt", n))),
            Outcome("breach", p(short, Test("other_reading_days", "ge", n)), note=STRICT_ONLY, flag="reading_sensitive"),
            Outcome("breach", p(Test("notice_days", "absent"))),
        )

    def derives(self, spec: AdvanceNoticeSpec) -> dict[str, str]:
        fn = "natural_days_between" if spec.natural_days is not None else "working_days_between"
        other = "lenient" if spec.reading == "strict" else "strict"
        return {
            "notice_days": f"{fn}({spec.notice_date}, {spec.event_date}), {spec.reading} reading",
            "other_reading_days": f"the same, {other} reading",
        }

    def expand(self, rule, spec: AdvanceNoticeSpec, ctx: Context) -> list[Item]:
        natural = spec.natural_days is not None
        n = spec.natural_days if natural else spec.working_days
        assert n is not None
        start, _ = ctx.window()

        def between(a, b):
            if natural:
                return natural_days_between(a, b)
            return working_days_between(ctx.calendar, a, b).value

        items = []
        for f in ctx.select(spec.facts):
            event = field_date(f, spec.event_date)
            notice = ctx.known(field_date(f, spec.notice_date))
            if event is None or not (start <= event <= ctx.period[1]):
                continue
            latest = notice_by(ctx.calendar, event, n, natural=natural, reading=spec.reading)
            if notice is None and latest.value >= ctx.as_of and event > ctx.as_of:
                continue  # still time to notify
            days = other = None
            if notice is not None:
                strict = between(notice, event)
                lenient = between(notice, event + ONE_DAY)
                days, other = (lenient, strict) if spec.reading == "lenient" else (strict, lenient)
            item = Item(
                key=f.id,
                subject=f.id,
                type=spec.facts,
                fields={**fact_fields(f), "notice_days": days, "other_reading_days": other},
                evidence=[f],
                period=(event, event),
                values={
                    "event_date": iso(event),
                    "notice_date": iso(notice),
                    "between": days if days is not None else "—",
                    "required": n,
                    "latest_notice": iso(latest.value),
                    "unit": "自然日" if natural else "工作日",
                },
                deadline=latest,
            )
            mark_provisional(item, ctx.calendar, "latest_notice", latest)
            if notice is not None and not natural:  # the working days counted between notice and event
                mark_provisional(item, ctx.calendar, "between", (notice, event))
            items.append(item)
        return items

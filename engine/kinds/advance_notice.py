"""`advance_notice`: an event needs notice at least N working / natural days before it.

Example: 四（三）6 — maintenance, cut-over and upgrades are notified 7
working days ahead. The days are counted strictly between notice and event
(the pack's `reading` can count the event day in); a breach that only the
strict reading makes is flagged as such.
"""

from __future__ import annotations

from typing import Literal

from pydantic import StrictInt, model_validator

from engine.calendar import natural_days_between, notice_by, working_days_between
from engine.kinds.base import ONE_DAY, Context, Item, Kind, SpecBase, field_date, iso


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
    ops = ("ge",)

    def expand(self, rule, spec: AdvanceNoticeSpec, ctx: Context) -> list[Item]:
        natural = spec.natural_days is not None
        n = spec.natural_days if natural else spec.working_days
        assert n is not None
        start, _ = ctx.window()
        items = []
        for f in ctx.select(spec.facts, spec.where, spec.where_not):
            event = field_date(f, spec.event_date)
            notice = ctx.known(field_date(f, spec.notice_date))
            if event is None or not (start <= event <= ctx.period[1]):
                continue
            latest = notice_by(ctx.calendar, event, n, natural=natural, reading=spec.reading)
            if notice is None and latest.value >= ctx.as_of and event > ctx.as_of:
                continue  # still time to notify

            def between(a, b):
                if natural:
                    return natural_days_between(a, b)
                return working_days_between(ctx.calendar, a, b).value

            observed = None
            other_met = None
            if notice is not None:
                strict = between(notice, event)
                lenient = between(notice, event + ONE_DAY)
                observed = lenient if spec.reading == "lenient" else strict
                other = strict if spec.reading == "lenient" else lenient
                other_met = other >= n
            items.append(
                Item(
                    key=f.id,
                    subject=f.id,
                    required=n,
                    op="ge",
                    observed=observed,
                    evidence=[f],
                    period=(event, event),
                    values={
                        "event_date": iso(event),
                        "notice_date": iso(notice),
                        "between": observed if observed is not None else "—",
                        "required": n,
                        "latest_notice": iso(latest.value),
                        "unit": "自然日" if natural else "工作日",
                    },
                    other_reading_met=other_met,
                    deadline=latest,
                )
            )
        return items

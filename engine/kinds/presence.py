"""`presence`: something happens on every working day (make-up days included).

Example: 四（三）2 — at least one engineer on site at Party A's office on
every working day.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictInt

from engine.kinds.base import Context, Item, Kind, Refs, SpecBase, selection
from engine.kinds.maintain import count_outcomes, per_day
from engine.patterns import Outcome


class Roster(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facts: str
    where: dict = {}


class PresenceSpec(SpecBase):
    kind: Literal["presence"]
    date_field: str = "day"
    person_field: str = "person_id"
    roster: Roster | None = None  # count only people on this roster (e.g. on-site staff)
    at_least: StrictInt = 1


class Presence(Kind):
    name = "presence"
    Spec = PresenceSpec
    variables = {"count", "required"}
    summary = "something happens on every working day"

    def outcomes(self, rule, spec: PresenceSpec, types) -> tuple[Outcome, ...]:
        return count_outcomes(per_day(spec.facts), Refs(rule)("at_least", spec.at_least))

    def derives(self, spec: PresenceSpec) -> dict[str, str]:
        roster = f" on the roster {spec.roster.facts} where {spec.roster.where}" if spec.roster else ""
        return {per_day(spec.facts): f"distinct {spec.person_field} of {selection(spec)}{roster}, each working day (make-up days included)"}

    def requires(self, spec: PresenceSpec) -> set[str]:
        return {spec.facts} | ({spec.roster.facts} if spec.roster else set())

    def expand(self, rule, spec: PresenceSpec, ctx: Context) -> list[Item]:
        allowed = None
        if spec.roster:
            allowed = {f.id for f in ctx.select(spec.roster.facts, spec.roster.where)}
        by_day: dict = {}
        for f in ctx.select(spec.facts, spec.where, spec.where_not):
            if allowed is not None and getattr(f, spec.person_field) not in allowed:
                continue
            by_day.setdefault(getattr(f, spec.date_field), []).append(f)
        items = []
        for d in ctx.days(working_only=True):
            have = by_day.get(d, [])
            people = {getattr(f, spec.person_field) for f in have}
            items.append(
                Item(
                    key=d.isoformat(),
                    subject=rule.title,
                    type=per_day(spec.facts),
                    fields={"day": d, "count": len(people)},
                    rank=len(people),
                    day=d,
                    evidence=have,
                    values={"count": len(people), "required": spec.at_least},
                    notes=[f"{d.isoformat()} 为调休上班日"] if ctx.calendar.info(d).reason == "makeup" else [],
                )
            )
        return items

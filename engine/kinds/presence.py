"""`presence`: something happens on every working day (make-up days included).

Example: 四（三）2 — at least one engineer on site at Party A's office on
every working day. With `window`, a person counts on a day only when on site
for the whole working-time window (arrived by its start, left after its end),
as 4.1 of a contract like "3 engineers on site 08:30-17:30" needs; with
`qualified`, a second per-day fact counts how many of those people hold a
certificate valid that day (4.2: "at least 2 of them with a valid CISP").

Derived: one `<facts>.per_day` fact per working day (`count`) and, with
`qualified`, one `<facts>.qualified_per_day` (`qualified_count`); the engine
compares each with its bound. The qualified facts carry their own subject,
so their findings stand apart from the head-count ones (and merge over
consecutive days on their own).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

from lvyue.engine.kinds.base import (
    Context,
    Item,
    Kind,
    Refs,
    SpecBase,
    field_date,
    iso,
    selection,
    single,
)
from lvyue.engine.kinds.maintain import count_outcomes, per_day
from lvyue.engine.patterns import Outcome, Test
from lvyue.facts.model import Fact

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# The placeholders a rule written before `window`/`qualified` existed never saw; a rule gets
# them when it uses either (or names one in its message), so older rules' findings stay as they were.
EXTENDED = ("qualified_count", "qualified_required", "window", "shortfall", "shortfall_person_days")


class Roster(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facts: str
    where: dict = {}


class Window(BaseModel):
    """The working-time window a person must cover: on site by `from`, still there at `to`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    in_field: str = "first_in"  # the fact's arrival time (text "HH:MM:SS", a time or a datetime)
    out_field: str = "last_out"  # the fact's departure time

    @field_validator("start", "end", mode="before")
    @classmethod
    def _hhmm(cls, v: Any) -> Any:
        """Quoted HH:MM only: YAML reads an unquoted 17:30 as the number 1050 (base 60)."""
        if isinstance(v, int) and not isinstance(v, bool):
            raise ValueError(f"a time of day in quotes is needed, e.g. \"17:30\" (unquoted, YAML read it as the number {v})")
        if not isinstance(v, str) or not _HHMM.match(v):
            raise ValueError(f"expected a time of day as \"HH:MM\" (00:00-23:59), got {v!r}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start >= self.end:  # zero-padded HH:MM compares as text
            raise ValueError(f"the window must start before it ends (from {self.start} to {self.end})")
        return self

    def times(self) -> tuple[dt.time, dt.time]:
        return dt.time.fromisoformat(self.start), dt.time.fromisoformat(self.end)

    def text(self) -> str:
        return f"{self.start}—{self.end}"


class Qualified(BaseModel):
    """A sub-quota: of the people counted on a day, how many hold a fact (a certificate) valid that day."""

    model_config = ConfigDict(extra="forbid")
    facts: str
    person_field: str = "person_id"
    where: dict[str, Any] = {}
    valid_from: str = "valid_from"
    valid_to: str = "valid_to"  # empty: no expiry
    at_least: StrictInt = 1
    label: str | None = None  # what the quota is called in the finding's subject (default from `where`)

    def subject(self, title: str) -> str:
        label = self.label or (f"持{'/'.join(str(v) for v in self.where.values())}证书" if self.where else f"持{self.facts}")
        return f"{title}（{label}）"


class PresenceSpec(SpecBase):
    kind: Literal["presence"]
    date_field: str = "day"
    person_field: str = "person_id"
    roster: Roster | None = None  # count only people on this roster (e.g. on-site staff)
    at_least: StrictInt = 1
    window: Window | None = None  # count only people on site for the whole window
    qualified: Qualified | None = None


def qualified_per_day(fact_type: str) -> str:
    """The derived type counting, per day, the people counted who also hold a valid qualification."""
    return f"{fact_type}.qualified_per_day"


class Presence(Kind):
    name = "presence"
    Spec = PresenceSpec
    variables = {"count", "required", *EXTENDED}
    summary = "something happens on every working day"

    def outcomes(self, rule, spec: PresenceSpec, types) -> tuple[Outcome, ...]:
        refs = Refs(rule)
        out = count_outcomes(per_day(spec.facts), refs("at_least", spec.at_least))
        if spec.qualified:
            need = refs("qualified.at_least", spec.qualified.at_least)
            t = qualified_per_day(spec.facts)
            out += (
                Outcome("compliant", single("day", t, (Test("qualified_count", "ge", need),))),
                Outcome("breach", single("day", t, (Test("qualified_count", "lt", need),))),
            )
        return out

    def derives(self, spec: PresenceSpec) -> dict[str, str]:
        roster = f" on the roster {spec.roster.facts} where {spec.roster.where}" if spec.roster else ""
        window = ""
        if spec.window:
            w = spec.window
            window = f", each on site for the whole window ({w.in_field} <= {w.start} and {w.out_field} >= {w.end})"
        out = {
            per_day(spec.facts): f"distinct {spec.person_field} of {selection(spec)}{roster}{window}, "
            "each working day (make-up days included)"
        }
        if spec.qualified:
            q = spec.qualified
            out[qualified_per_day(spec.facts)] = (
                f"of those counted, how many have a {q.facts} where {q.where} "
                f"({q.person_field} == {spec.person_field}) with {q.valid_from} <= day <= {q.valid_to}"
            )
        return out

    def requires(self, spec: PresenceSpec) -> set[str]:
        extra = {spec.roster.facts} if spec.roster else set()
        if spec.qualified:
            extra.add(spec.qualified.facts)
        return {spec.facts} | extra

    def expand(self, rule, spec: PresenceSpec, ctx: Context) -> list[Item]:
        allowed = None
        if spec.roster:
            allowed = {f.id for f in ctx.select(spec.roster.facts, spec.roster.where)}
        by_day: dict = {}
        for f in ctx.select(spec.facts, spec.where, spec.where_not):
            if allowed is not None and getattr(f, spec.person_field) not in allowed:
                continue
            by_day.setdefault(getattr(f, spec.date_field), []).append(f)
        extended = bool(spec.window or spec.qualified) or _names_extended(rule)
        days = [(d, _day(spec, d, by_day.get(d, []))) for d in ctx.days(working_only=True)]
        if not extended:
            return [_plain(rule, spec, ctx, d, seen) for d, seen in days]
        certs = _certificates(spec.qualified, ctx) if spec.qualified else {}
        shortfalls = [max(0, spec.at_least - len(seen.counted)) for _, seen in days]
        totals = _block_totals(shortfalls)
        items: list[Item] = []
        qualified: list[Item] = []
        for (d, seen), shortfall, total in zip(days, shortfalls, totals, strict=True):
            values: dict[str, Any] = {
                "count": len(seen.counted),
                "required": spec.at_least,
                "window": spec.window.text() if spec.window else "",
                "shortfall": shortfall,
            }
            notes = _makeup(ctx, d) + seen.notes
            holders: dict[str, list[Fact]] = {}
            cert_notes: list[str] = []
            if spec.qualified:
                holders, cert_notes = _holders(spec.qualified, certs, seen.counted, d)
                values |= {"qualified_count": len(holders), "qualified_required": spec.qualified.at_least}
            else:
                values |= {"qualified_count": None, "qualified_required": None}
            items.append(
                Item(
                    key=d.isoformat(),
                    subject=rule.title,
                    type=per_day(spec.facts),
                    fields={"day": d, "count": len(seen.counted)},
                    rank=len(seen.counted),
                    day=d,
                    evidence=seen.facts,
                    # the finding quotes its worst day; every day of a run of short days
                    # carries the run's total, so the finding has it whichever day is quoted
                    values={**values, "shortfall_person_days": total},
                    notes=notes,
                )
            )
            if spec.qualified:
                qualified.append(
                    Item(
                        key=f"qualified|{d.isoformat()}",
                        subject=spec.qualified.subject(rule.title),
                        type=qualified_per_day(spec.facts),
                        fields={"day": d, "qualified_count": len(holders)},
                        rank=len(holders),
                        day=d,
                        # the people counted and every certificate of theirs, valid or not (the expired one explains a breach)
                        evidence=[f for p in sorted(seen.counted) for f in (*seen.counted[p], *certs.get(p, []))],
                        # no person-days: a missing certificate is not a missing engineer
                        values={**values, "shortfall_person_days": 0},
                        notes=notes + cert_notes,
                    )
                )
        return items + qualified


@dataclass
class _Seen:
    """Who was on site on one day: counted (for the whole window, if any), and the notes on the others."""

    facts: list[Fact]  # every fact of the day (the evidence)
    counted: dict[str, list[Fact]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _day(spec: PresenceSpec, d: dt.date, have: list[Fact]) -> _Seen:
    seen = _Seen(have)
    by_person: dict[str, list[Fact]] = {}
    for f in have:
        by_person.setdefault(str(getattr(f, spec.person_field)), []).append(f)
    for person in sorted(by_person):
        facts = by_person[person]
        if spec.window is None:
            seen.counted[person] = facts
            continue
        start, end = spec.window.times()
        arrived = _earliest(_time(getattr(f, spec.window.in_field, None)) for f in facts)
        left = _latest(_time(getattr(f, spec.window.out_field, None)) for f in facts)
        if arrived is not None and left is not None and arrived <= start and left >= end:
            seen.counted[person] = facts
            continue
        raw_in = _shown(facts, spec.window.in_field)
        raw_out = _shown(facts, spec.window.out_field)
        seen.notes.append(
            f"{d.isoformat()} {person} 进入{raw_in}、离开{raw_out}，未在{spec.window.text()}全程在岗，不计人数"
        )
    return seen


def _time(v: Any) -> dt.time | None:
    """A time of day from text ("08:29:51"), a time or a datetime; None if absent or unreadable."""
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, dt.time):
        return v
    if isinstance(v, str):
        try:
            return dt.time.fromisoformat(v.strip())
        except ValueError:
            return None
    return None


def _earliest(times: Iterable[dt.time | None]) -> dt.time | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _latest(times: Iterable[dt.time | None]) -> dt.time | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _shown(facts: list[Fact], name: str) -> str:
    values = sorted({str(v) for f in facts if (v := getattr(f, name, None)) not in (None, "")})
    return "/".join(values) or "无记录"


def _makeup(ctx: Context, d: dt.date) -> list[str]:
    return [f"{d.isoformat()} 为调休上班日"] if ctx.calendar.info(d).reason == "makeup" else []


def _plain(rule, spec: PresenceSpec, ctx: Context, d: dt.date, seen: _Seen) -> Item:
    """A rule without window or qualification: the per-day fact exactly as before they existed."""
    n = len(seen.counted)
    return Item(
        key=d.isoformat(),
        subject=rule.title,
        type=per_day(spec.facts),
        fields={"day": d, "count": n},
        rank=n,
        day=d,
        evidence=seen.facts,
        values={"count": n, "required": spec.at_least},
        notes=_makeup(ctx, d),
    )


def _names_extended(rule) -> bool:
    """The rule's message names a placeholder only the extended form fills."""
    if rule.message is None:
        return False
    text = rule.message.zh + rule.message.en
    return any("{" + name in text for name in EXTENDED)


def _block_totals(shortfalls: list[int]) -> list[int]:
    """For each day, the shortfall summed over its block of consecutive short working days (0 outside one).

    The engine merges consecutive breach days into one finding, and a day is a breach
    exactly when it is short: the block is the finding's run.
    """
    out = [0] * len(shortfalls)
    i = 0
    while i < len(shortfalls):
        if shortfalls[i] == 0:
            i += 1
            continue
        j = i
        while j < len(shortfalls) and shortfalls[j] > 0:
            j += 1
        total = sum(shortfalls[i:j])
        for k in range(i, j):
            out[k] = total
        i = j
    return out


def _certificates(q: Qualified, ctx: Context) -> dict[str, list[Fact]]:
    by_person: dict[str, list[Fact]] = {}
    for c in ctx.select(q.facts, q.where):
        by_person.setdefault(str(getattr(c, q.person_field)), []).append(c)
    return by_person


def _holders(
    q: Qualified, certs: dict[str, list[Fact]], counted: dict[str, list[Fact]], d: dt.date
) -> tuple[dict[str, list[Fact]], list[str]]:
    """Of the people counted on day d, who holds a qualification valid that day (both ends included)."""
    holders: dict[str, list[Fact]] = {}
    notes: list[str] = []
    for person in sorted(counted):
        valid = []
        for c in certs.get(person, []):
            start, end = field_date(c, q.valid_from), field_date(c, q.valid_to)
            if (start is None or start <= d) and (end is None or d <= end):
                valid.append(c)
            else:
                notes.append(f"{d.isoformat()} {person} 的{q.facts} {c.id} 有效期{iso(start)}至{iso(end)}，当日无效")
        if valid:
            holders[person] = valid
    return holders, notes

"""The data behind the audit report's charts, declared by the pack in `charts.yaml`.

A chart names a rule and what to draw; nothing here knows a contract. The
series are the rule's own per-day facts (the counts the engine compared with
the bound), re-derived from the same evidence, so a chart shows exactly what
was checked. Kinds:
- `daily_count`: a `maintain`/`presence` rule's count per day and its bound;
- `presence_calendar`: the same per working day, with every day's kind
  (working day, make-up working day, holiday, weekend) from the calendar;
- `monthly_fee`: the settlement model's fee per month, its running total and
  the budget cap;
- `findings`: findings per clause and severity (drawn from the findings alone).
Each goes into the result under `charts`, JSON only (dates ISO, money as text).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from lvyue.engine.errors import InputError
from lvyue.engine.kinds import KINDS, Context
from lvyue.engine.money import money
from lvyue.engine.pack import Pack
from lvyue.engine.yamlio import load_yaml, validate

FILE = "charts.yaml"


class ChartSpec(BaseModel):
    """One chart: what it draws and the words around it (caption placeholders: {required}, {cap})."""

    model_config = ConfigDict(extra="forbid")
    id: str
    kind: Literal["daily_count", "presence_calendar", "monthly_fee", "findings"]
    title: str
    caption: str
    rule: str | None = None
    y_label: str = ""
    clause: str | None = None


class ChartsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    charts: list[ChartSpec] = []


def chart_specs(pack: Pack) -> list[ChartSpec]:
    """The pack's charts (none without charts.yaml); a rule it names must exist."""
    path = Path(pack.root) / FILE
    if not path.is_file():
        return []
    specs = validate(ChartsFile, load_yaml(path), str(path)).charts
    known = {r.id for r in pack.rules}
    for s in specs:
        if s.kind in ("daily_count", "presence_calendar") and s.rule not in known:
            raise InputError(f"chart {s.id!r} names rule {s.rule!r}, which the pack does not have", file=str(path), field="rule")
    return specs


def _per_day(pack: Pack, ctx: Context, rule_id: str) -> tuple[list[tuple[dt.date, int]], Any]:
    """The rule's per-day counts (the head-count facts only, no per-group or qualified ones) and its bound."""
    rule = next(r for r in pack.rules if r.id == rule_id)
    items = KINDS[rule.kind].expand(rule, rule.spec, ctx)
    days, bound = [], None
    for i in items:
        if i.day is None or "count" not in i.fields or i.fields.get("group"):
            continue
        days.append((i.day, int(i.fields["count"])))
        bound = i.values.get("required", bound)
    return sorted(days), bound


def _day_kind(pack: Pack, d: dt.date) -> str:
    """working / makeup / holiday / weekend, as the working-day calendar has it."""
    info = pack.calendar.info(d)
    return {"weekday": "working", "makeup": "makeup", "holiday": "holiday"}.get(info.reason, "weekend")


def _fees(pack: Pack, ctx: Context, facts: dict[str, list[Any]]) -> dict[str, Any] | None:
    """Fee per month of the period, running total, and the annual cap, from the settlement model."""
    from lvyue.engine.kinds.periods import periods
    from lvyue.engine.settlement.compute import compute_fee
    from lvyue.engine.settlement.facts import Settlement, months_between
    from lvyue.engine.settlement.model import FILE as SETTLEMENT
    from lvyue.engine.settlement.model import origin, pack_model

    if not (Path(pack.root) / SETTLEMENT).is_file():
        return None
    model = pack_model(pack)
    first, last = ctx.window()
    if first > last:
        return None
    st = Settlement({t: list(v) for t, v in facts.items()}, {}, set(facts))
    res = compute_fee(model.fee, st, months_between(first, last), (first, last), origin(pack))
    by_month: dict[str, Decimal] = {}
    for months, amount in res.parts:
        for m in sorted(months)[:1]:  # a part spanning months is drawn in its first month
            by_month[m] = by_month.get(m, Decimal(0)) + amount
    rows, running = [], Decimal(0)
    for m in sorted(by_month):
        running += by_month[m]
        rows.append({"month": m, "fee": money(by_month[m]), "running": money(running)})
    cap = model.budget_cap
    year = periods(cap.per, first, first, origin(pack))[0] if cap else None
    return {
        "rows": rows,
        "cap": money(cap.amount) if cap else None,
        "cap_period": year.label if year else None,
        "clause": cap.clause if cap else res.clause,
    }


def chart_series(pack: Pack, facts: dict[str, list[Any]], as_of: dt.date, period: tuple[dt.date, dt.date]) -> list[dict[str, Any]]:
    """Every chart the pack declares, with its data (the findings chart is drawn from the findings)."""
    specs = chart_specs(pack)
    if not specs:
        return []
    ctx = Context(pack, pack.calendar, pack.params, as_of, period, facts)
    out = []
    for s in specs:
        entry: dict[str, Any] = s.model_dump(exclude_none=True)
        if s.kind in ("daily_count", "presence_calendar") and s.rule:
            days, bound = _per_day(pack, ctx, s.rule)
            counts = dict(days)
            entry["required"] = bound
            if s.kind == "daily_count":
                entry["days"] = [{"day": d.isoformat(), "count": n} for d, n in days]
            else:
                start, end = ctx.window()
                entry["days"] = [
                    {"day": d.isoformat(), "kind": _day_kind(pack, d), "count": counts.get(d)}
                    for d in (start + dt.timedelta(days=k) for k in range((end - start).days + 1))
                ]
        elif s.kind == "monthly_fee":
            fees = _fees(pack, ctx, facts)
            if fees is None:
                continue
            entry.update(fees)
        out.append(entry)
    return out

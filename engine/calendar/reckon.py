"""Legal date arithmetic that explains itself.

Every function returns a Reckoning: the value plus the rule applied, the
steps, the holidays and make-up working days met on the way, and the years
touched whose arrangement is only provisional. Auditors check these by hand,
so the explanation is part of the result, not a log line.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from lvyue.engine.calendar.days import WorkingCalendar

Reading = Literal["strict", "lenient"]
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Explanation:
    rule: str
    steps: list[str] = field(default_factory=list)
    holidays_met: list[tuple[date, str]] = field(default_factory=list)
    makeup_days_met: list[date] = field(default_factory=list)
    counted: list[date] = field(default_factory=list)
    provisional_years: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "steps": list(self.steps),
            "counted": [d.isoformat() for d in self.counted],
            "holidays_met": [{"date": d.isoformat(), "name": n} for d, n in self.holidays_met],
            "makeup_days_met": [d.isoformat() for d in self.makeup_days_met],
            "provisional_years": list(self.provisional_years),
            "provisional": bool(self.provisional_years),
        }


@dataclass(frozen=True)
class Reckoning:
    value: date | int
    explanation: Explanation

    @property
    def provisional(self) -> bool:
        return bool(self.explanation.provisional_years)

    def to_dict(self) -> dict[str, Any]:
        v = self.value
        return {"value": v.isoformat() if isinstance(v, date) else v, **self.explanation.to_dict()}


def _span(a: date, b: date) -> list[date]:
    """Every day from a to b inclusive (either order)."""
    lo, hi = min(a, b), max(a, b)
    return [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]


def _met(cal: WorkingCalendar, days: list[date]) -> dict[str, Any]:
    infos = [cal.info(d) for d in days]
    return {
        "holidays_met": [(i.day, i.name or "") for i in infos if i.reason == "holiday"],
        "makeup_days_met": [i.day for i in infos if i.reason == "makeup"],
        "provisional_years": cal.provisional_years(days),
    }


def add_working_days(cal: WorkingCalendar, start: date, n: int) -> Reckoning:
    """The n-th working day after start (n < 0: before); start itself is not counted."""
    step = ONE_DAY if n >= 0 else -ONE_DAY
    counted: list[date] = []
    d = start
    while len(counted) < abs(n):
        d += step
        if cal.is_working(d):
            counted.append(d)
    direction = "之后" if n >= 0 else "之前"
    rule = f"{start.isoformat()}{direction}第{abs(n)}个工作日（当日不计入，调休上班日计为工作日）"
    steps = [f"起算日 {start.isoformat()} 不计入"]
    steps += [f"第{i}个工作日：{c.isoformat()}" for i, c in enumerate(counted, 1)]
    return Reckoning(d, Explanation(rule, steps, counted=counted, **_met(cal, _span(start, d))))


def working_days_between(cal: WorkingCalendar, start: date, end: date) -> Reckoning:
    """Working days strictly between start and end (0 if end is not after start)."""
    inside = [start + timedelta(days=i) for i in range(1, (end - start).days)]
    counted = [d for d in inside if cal.is_working(d)]
    rule = f"{start.isoformat()}与{end.isoformat()}之间（两端均不计入）的工作日数"
    steps = [f"计入：{d.isoformat()}" for d in counted] or ["其间无工作日"]
    return Reckoning(
        len(counted), Explanation(rule, steps, counted=counted, **_met(cal, _span(start, end)))
    )


def natural_days_between(start: date, end: date) -> int:
    """Natural days strictly between start and end (0 if end is not after start)."""
    return max(0, (end - start).days - 1)


def notice_by(
    cal: WorkingCalendar, event: date, n: int, *, natural: bool = False, reading: Reading = "strict"
) -> Reckoning:
    """Latest notice day for "at least n (working|natural) days before event".

    strict: n days lie strictly between notice and event. lenient: the event day
    itself counts as one of the n days (one day more lenient).
    """
    if n == 0:  # nothing has to lie between: notice on the event day itself is enough
        rule = "提前0日：通知不晚于事件当日即可"
        return Reckoning(event, Explanation(rule, [f"最晚通知日即事件日 {event.isoformat()}"], **_met(cal, [event])))
    anchor = event + ONE_DAY if reading == "lenient" else event
    reading_zh = "事件当日计入" if reading == "lenient" else "通知日与事件日均不计入"
    if natural:
        latest = anchor - timedelta(days=n + 1)
        rule = f"提前{n}个自然日：{reading_zh}，其间须有{n}个自然日"
        steps = [f"{anchor.isoformat()} 向前推 {n + 1} 个自然日"]
        return Reckoning(latest, Explanation(rule, steps, **_met(cal, _span(latest, event))))
    back = add_working_days(cal, anchor, -n)
    latest = back.value - ONE_DAY  # type: ignore[operator]
    rule = (
        f"提前{n}个工作日：{reading_zh}，其间须有{n}个工作日；最晚通知日为倒数第{n}个工作日的前一日"
    )
    steps = back.explanation.steps + [f"其前一日 {latest.isoformat()} 为最晚通知日"]
    return Reckoning(
        latest,
        Explanation(
            rule, steps, counted=back.explanation.counted, **_met(cal, _span(latest, event))
        ),
    )


def _add_months(start: date, months: int) -> date:
    total = start.year * 12 + start.month - 1 + months
    y, m = divmod(total, 12)
    m += 1
    return date(y, m, min(start.day, _cal.monthrange(y, m)[1]))


def civil_period(
    cal: WorkingCalendar, start: date, *, days: int = 0, months: int = 0, years: int = 0
) -> Reckoning:
    """Last day of a period under PRC Civil Code arts. 200-204."""
    steps = [f"第201条：开始的当日 {start.isoformat()} 不计入"]
    if days or not (months or years):
        nominal = start + timedelta(days=days)
        steps.append(f"按日计算：{start.isoformat()} + {days} 日 = {nominal.isoformat()}")
    else:
        total = months + 12 * years
        nominal = _add_months(start, total)
        unit = f"{years}年" if years and not months else f"{total}个月"
        steps.append(
            f"第202条：按{unit}计算，到期月的对应日为最后一日（无对应日的为月末日）：{nominal.isoformat()}"
        )
    end = nominal
    while not cal.is_working(end):
        end += ONE_DAY
    if end != nominal:
        info = cal.info(nominal)
        why = info.name if info.reason == "holiday" else "休息日"
        steps.append(
            f"第203条：最后一日 {nominal.isoformat()} 为{why}，以其后第一个工作日 {end.isoformat()} 为期间最后一日"
        )
    steps.append("第203条：最后一日的截止时间为二十四时")
    rule = "《民法典》第二百条至第二百零四条（期间计算）"
    met = _met(cal, _span(nominal, end))  # only the days the end moved over matter
    met["provisional_years"] = cal.provisional_years(_span(start, end))
    return Reckoning(end, Explanation(rule, steps, **met))


def late_days(due: date, paid: date) -> Reckoning:
    """Days late, counted from the day after the due date to the payment day inclusive."""
    n = max(0, (paid - due).days)
    rule = "算尾不算头：自应付日次日起至实际付款日（含）"
    steps = [f"应付日 {due.isoformat()}，付款日 {paid.isoformat()}：逾期 {n} 日"]
    return Reckoning(n, Explanation(rule, steps))


def deadline_after(
    cal: WorkingCalendar,
    start: date,
    *,
    working_days: int | None = None,
    natural_days: int | None = None,
    months: int | None = None,
) -> Reckoning:
    """"Within N working days / N days / N months after start": the last day allowed."""
    if working_days is not None:
        return add_working_days(cal, start, working_days)
    if natural_days is not None:
        return civil_period(cal, start, days=natural_days)
    if months is not None:
        return civil_period(cal, start, months=months)
    raise ValueError("no period given")

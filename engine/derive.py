"""The derivation vocabulary: attributes computed on a fact before the engine matches it.

A rule's patterns compare fields; some numbers a clause talks about are not
in the evidence but follow from it by legal date arithmetic ("delivered 2
working days late", "responded after 47 minutes"). Each function here is
declared once (its arguments, what each must be, its result type) so that
`when:` rules are checked before they run (lint names a misspelled function,
argument or field), and each returns a Reckoning: the value plus the steps
an auditor can check by hand. Date arithmetic itself is engine.calendar's;
nothing here re-implements it.

`python -m lvyue.engine.derive` prints the vocabulary table docs/rules.md carries.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal

from lvyue.engine.calendar import (
    Explanation,
    Reckoning,
    WorkingCalendar,
    civil_period,
    deadline_after,
    late_days,
    working_days_between,
)
from lvyue.engine.calendar import natural_days_between as _natural_count
from lvyue.engine.suggest import did_you_mean

# What an argument is: the name of a field (or of an earlier derivation), an integer
# (literal or $parameter), or a literal text such as a time window.
ArgKind = Literal["field", "number", "text"]
# The value a field argument must hold; "date" accepts datetimes too (their day is used).
Want = Literal["date", "datetime"]
ACCEPTS: dict[Want, set[str]] = {"date": {"date", "datetime"}, "datetime": {"datetime"}}
HOUR = Decimal("0.0001")  # hours_between: exact to 0.36 s, short enough for the engine's doubles


class DeriveError(ValueError):
    """A derivation written wrongly (unknown function, argument, field): the rule cannot run."""


@dataclass(frozen=True)
class Arg:
    name: str
    kind: ArgKind
    doc: str
    want: Want | None = None  # for field arguments
    required: bool = True


Compute = Callable[[WorkingCalendar, Mapping[str, Any]], Reckoning | None]


@dataclass(frozen=True)
class DeriveFn:
    """One vocabulary function: its arguments, result type and what it computes."""

    name: str
    args: tuple[Arg, ...]
    result: str  # a field type word: int, date, datetime, decimal
    doc: str
    compute: Compute
    one_of: tuple[str, ...] = ()  # exactly one of these arguments is given
    result_if: tuple[tuple[str, str], ...] = ()  # (argument, result type) when that argument is given

    def arg(self, name: str) -> Arg | None:
        return next((a for a in self.args if a.name == name), None)

    def result_type(self, given: Mapping[str, Any]) -> str:
        for arg, kind in self.result_if:
            if given.get(arg) is not None:
                return kind
        return self.result

    def signature(self) -> str:
        parts = []
        for a in self.args:
            shown = {"field": "field", "number": "N", "text": "'…'"}[a.kind]
            parts.append(f"{a.name}={shown}" if a.required else f"[{a.name}={shown}]")
        if self.one_of:
            parts = [p for p in parts if p.strip("[]").split("=")[0] not in self.one_of]
            parts.append(" | ".join(f"{n}=N" for n in self.one_of))
        return f"{self.name}({', '.join(parts)})"


# --- the functions -------------------------------------------------------------------


def _day(v: dt.date) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) else v


def _need(args: Mapping[str, Any], *names: str) -> bool:
    return all(args.get(n) is not None for n in names)


def _working_between(cal: WorkingCalendar, a: Mapping[str, Any]) -> Reckoning | None:
    if not _need(a, "a", "b"):
        return None
    return working_days_between(cal, _day(a["a"]), _day(a["b"]))


def _natural_between(cal: WorkingCalendar, a: Mapping[str, Any]) -> Reckoning | None:
    if not _need(a, "a", "b"):
        return None
    start, end = _day(a["a"]), _day(a["b"])
    n = _natural_count(start, end)
    rule = f"{start.isoformat()}与{end.isoformat()}之间（两端均不计入）的自然日数"
    return Reckoning(n, Explanation(rule, [f"{end.isoformat()} − {start.isoformat()} − 1 = {n} 日（不小于0）"]))


def _deadline(cal: WorkingCalendar, a: Mapping[str, Any]) -> Reckoning | None:
    start = a.get("from")
    if start is None:
        return None
    for unit, zh, span in (("hours", "小时", dt.timedelta(hours=1)), ("minutes", "分钟", dt.timedelta(minutes=1))):
        if a.get(unit) is None:
            continue
        if not isinstance(start, dt.datetime):
            raise DeriveError(f"deadline({unit}=N) needs a datetime in `from`, not a date")
        end = start + span * a[unit]
        rule = f"自{start.isoformat(sep=' ')}起连续{a[unit]}{zh}（不因节假日顺延）"
        return Reckoning(end, Explanation(rule, [f"{start.isoformat(sep=' ')} + {a[unit]} {zh} = {end.isoformat(sep=' ')}"]))
    day = _day(start)
    if a.get("working_days") is not None:
        return deadline_after(cal, day, working_days=a["working_days"])
    if a.get("natural_days") is not None:
        return civil_period(cal, day, days=a["natural_days"])
    return civil_period(cal, day, months=a["months"])


def _late(cal: WorkingCalendar, a: Mapping[str, Any]) -> Reckoning | None:
    if not _need(a, "due", "done"):
        return None
    return late_days(_day(a["due"]), _day(a["done"]))


def _seconds(a: Mapping[str, Any]) -> int | None:
    if not _need(a, "a", "b"):
        return None
    for k in ("a", "b"):
        if not isinstance(a[k], dt.datetime):
            raise DeriveError(f"`{k}` must be a datetime (a time of day is needed), got the date {a[k]}")
    return int((a["b"] - a["a"]).total_seconds())


def _stamp(v: dt.datetime) -> str:
    return v.isoformat(sep=" ", timespec="minutes")


def _minutes(cal: WorkingCalendar, a: Mapping[str, Any]) -> Reckoning | None:
    s = _seconds(a)
    if s is None:
        return None
    n = s // 60
    rule = "连续计算的分钟数（不因节假日、休息日中断或顺延；不足一分钟的部分舍去）"
    return Reckoning(n, Explanation(rule, [f"{_stamp(a['a'])} 至 {_stamp(a['b'])}：{n} 分钟"]))


def _hours(cal: WorkingCalendar, a: Mapping[str, Any]) -> Reckoning | None:
    s = _seconds(a)
    if s is None:
        return None
    h = (Decimal(s) / 3600).quantize(HOUR, ROUND_HALF_EVEN)
    rule = "连续计算的小时数（不因节假日、休息日中断或顺延）"
    return Reckoning(h, Explanation(rule, [f"{_stamp(a['a'])} 至 {_stamp(a['b'])}：{s} 秒 = {h} 小时"]))  # type: ignore[arg-type]


_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def parse_window(text: str) -> tuple[dt.time, dt.time]:
    """'08:30-17:30' → (08:30, 17:30); the end must be after the start."""
    m = _WINDOW.match(str(text).strip())
    if not m:
        raise DeriveError(f"window {text!r}: write HH:MM-HH:MM, e.g. 08:30-17:30")
    h1, m1, h2, m2 = map(int, m.groups())
    if (h2, m2) <= (h1, m1) or (h2 == 24 and m2):
        raise DeriveError(f"window {text!r}: the end must be after the start, within one day")
    end = dt.time(23, 59, 59, 999999) if h2 == 24 else dt.time(h2, m2)
    return dt.time(h1, m1), end


def _working_minutes(cal: WorkingCalendar, a: Mapping[str, Any]) -> Reckoning | None:
    s = _seconds(a)
    if s is None:
        return None
    text = a.get("window") or DEFAULT_WINDOW
    open_, close = parse_window(text)
    start, end = a["a"], a["b"]
    steps: list[str] = []
    total = 0
    counted: list[dt.date] = []
    day = start.date()
    while start < end and day <= end.date():
        info = cal.info(day)
        lo = max(start, dt.datetime.combine(day, open_))
        hi = min(end, dt.datetime.combine(day, close))
        if not info.working:
            steps.append(f"{day.isoformat()} {info.describe()}：不计")
        elif hi > lo:
            secs = int((hi - lo).total_seconds())
            total += secs
            counted.append(day)
            steps.append(f"{day.isoformat()} {lo.strftime('%H:%M')}–{hi.strftime('%H:%M')}：{secs // 60} 分钟")
        day += dt.timedelta(days=1)
    n = total // 60
    steps.append(f"合计 {n} 分钟")
    rule = f"工作时间（工作日 {text}，调休上班日计入，法定节假日和休息日不计）内的分钟数"
    span = [start.date() + dt.timedelta(days=i) for i in range(max(0, (end.date() - start.date()).days) + 1)]
    infos = [cal.info(d) for d in span]
    return Reckoning(
        n,
        Explanation(
            rule,
            steps,
            holidays_met=[(i.day, i.name or "") for i in infos if i.reason == "holiday"],
            makeup_days_met=[i.day for i in infos if i.reason == "makeup"],
            counted=counted,
            provisional_years=cal.provisional_years(span),
        ),
    )


DEFAULT_WINDOW = "08:30-17:30"

_A = Arg("a", "field", "the earlier day", "date")
_B = Arg("b", "field", "the later day", "date")
_TA = Arg("a", "field", "the earlier time", "datetime")
_TB = Arg("b", "field", "the later time", "datetime")

REGISTRY: dict[str, DeriveFn] = {
    f.name: f
    for f in (
        DeriveFn(
            "working_days_between", (_A, _B), "int",
            "working days strictly between a and b (make-up days count, holidays do not); 0 if b is not after a",
            _working_between,
        ),
        DeriveFn(
            "natural_days_between", (_A, _B), "int",
            "natural days strictly between a and b; 0 if b is not after a",
            _natural_between,
        ),
        DeriveFn(
            "deadline",
            (
                Arg("from", "field", "the event the period runs from (not counted)", "date"),
                Arg("working_days", "number", "the N-th working day after", required=False),
                Arg("natural_days", "number", "N days, last day moved past holidays (Civil Code art. 203)", required=False),
                Arg("months", "number", "N months to the corresponding day (arts. 202-203)", required=False),
                Arg("hours", "number", "N continuous hours (needs a datetime; never extended)", required=False),
                Arg("minutes", "number", "N continuous minutes (needs a datetime; never extended)", required=False),
            ),
            "date",
            "the last day allowed (a datetime with hours= or minutes=)",
            _deadline,
            one_of=("working_days", "natural_days", "months", "hours", "minutes"),
            result_if=(("hours", "datetime"), ("minutes", "datetime")),
        ),
        DeriveFn(
            "late_days",
            (Arg("due", "field", "the last day allowed", "date"), Arg("done", "field", "the day it was done", "date")),
            "int",
            "days late, from the day after due to done inclusive; 0 if on time; absent if not done",
            _late,
        ),
        DeriveFn(
            "minutes_between", (_TA, _TB), "int",
            "whole minutes from a to b, continuous (negative if b is before a)",
            _minutes,
        ),
        DeriveFn(
            "hours_between", (_TA, _TB), "decimal",
            "hours from a to b, continuous, to 4 decimal places (use minutes_between for tight bounds)",
            _hours,
        ),
        DeriveFn(
            "working_minutes",
            (_TA, _TB, Arg("window", "text", f"working hours on a working day, default {DEFAULT_WINDOW}", required=False)),
            "int",
            "minutes of [a, b] inside the window on working days (make-up days in, holidays and weekends out)",
            _working_minutes,
        ),
    )
}


# --- checking and running a derivation -----------------------------------------------


def lookup(name: Any) -> DeriveFn:
    """The function called `name`, or DeriveError naming the nearest one."""
    fn = REGISTRY.get(str(name))
    if fn is None:
        hint = did_you_mean(str(name), REGISTRY) or f" (known: {', '.join(REGISTRY)})"
        raise DeriveError(f"unknown derivation function `{name}`{hint}")
    return fn


def check_call(fn: DeriveFn, args: Mapping[str, Any], field_type: Callable[[str], str | None],
               fields: list[str]) -> list[tuple[str, str]]:
    """Problems with one call, as (argument, message); `field_type` gives a field's type word or None.

    `args` are the values as written with `$parameters` resolved; `fields` are the
    names a field argument may use (for did-you-mean).
    """
    out: list[tuple[str, str]] = []
    for name in args:
        if fn.arg(name) is None:
            known = [a.name for a in fn.args]
            hint = did_you_mean(name, known) or f" ({fn.name} takes: {', '.join(known)})"
            out.append((name, f"{fn.name} has no argument `{name}`{hint}"))
    for a in fn.args:
        if a.required and a.name not in args:
            out.append((a.name, f"{fn.name} needs `{a.name}` ({a.doc})"))
    if fn.one_of:
        given = [n for n in fn.one_of if args.get(n) is not None]
        if len(given) != 1:
            out.append((fn.name, f"{fn.name} needs exactly one of {', '.join(fn.one_of)}, got {len(given)}"))
    for a in fn.args:
        v = args.get(a.name)
        if v is None:
            continue
        if a.kind == "number" and (isinstance(v, bool) or not isinstance(v, int)):
            out.append((a.name, f"{fn.name}: `{a.name}` must be a whole number (or a $parameter holding one), got {v!r}"))
        elif a.kind == "text":
            try:
                parse_window(v)
            except DeriveError as exc:
                out.append((a.name, str(exc)))
        elif a.kind == "field":
            if not isinstance(v, str):
                out.append((a.name, f"{fn.name}: `{a.name}` names a field, got {v!r}"))
                continue
            have = field_type(v)
            if have is None:
                hint = did_you_mean(v, fields) or f" (known: {', '.join(fields)})"
                out.append((a.name, f"{fn.name}: `{v}` is neither a field nor an earlier derivation{hint}"))
            elif a.want and have not in ACCEPTS[a.want] and have != "other":
                out.append((a.name, f"{fn.name}: `{a.name}` needs a {a.want}, `{v}` is {have}"))
    unit = next((u for u in ("hours", "minutes") if args.get(u) is not None), None)
    if not out and fn.name == "deadline" and unit:
        if field_type(str(args["from"])) not in ("datetime", "other"):
            out.append(("from", f"deadline({unit}=N) counts continuous {unit}: `from` must be a datetime field"))
    return out


def run(fn: DeriveFn, cal: WorkingCalendar, values: Mapping[str, Any], args: Mapping[str, Any]) -> Reckoning | None:
    """Call fn with field arguments read from `values` (the fact and earlier derivations)."""
    bound = {a.name: values.get(args[a.name]) if a.kind == "field" else args[a.name] for a in fn.args if a.name in args}
    return fn.compute(cal, bound)


def _arg_text(fn: DeriveFn, a: Arg) -> str:
    what = f"field ({a.want})" if a.kind == "field" else a.kind
    if a.name in fn.one_of:
        what += ", one of"
    elif not a.required:
        what += ", optional"
    return f"`{a.name}`: {what} — {a.doc}"


def markdown() -> str:
    """The vocabulary as a Markdown table (docs/rules.md carries it; a test keeps them equal)."""
    rows = ["| function | arguments | result | what it computes |", "|---|---|---|---|"]
    for fn in REGISTRY.values():
        args = "<br>".join(_arg_text(fn, a) for a in fn.args)
        result = fn.result + "".join(f" ({k} with `{arg}`)" for arg, k in fn.result_if)
        rows.append(f"| `{fn.name}` | {args} | {result} | {fn.doc} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())

"""Reporting periods: calendar months/quarters/halves/years and contract years/halves."""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from engine.errors import InputError

Every = Literal["month", "quarter", "half", "year", "contract_year", "contract_half", "contract_quarter"]
CONTRACT_STEP = {"contract_year": 12, "contract_half": 6, "contract_quarter": 3}  # months, from the service start


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date


def _add_months(d: dt.date, n: int) -> dt.date:
    t = d.year * 12 + d.month - 1 + n
    y, m = divmod(t, 12)
    return dt.date(y, m + 1, min(d.day, _cal.monthrange(y, m + 1)[1]))


def periods(every: Every, start: dt.date, end: dt.date, origin: dt.date) -> list[Period]:
    """Every period of this kind that overlaps [start, end]; contract periods count from `origin`."""
    out: list[Period] = []
    if every.startswith("contract_"):
        step = CONTRACT_STEP[every]
        k = 0
        while True:
            a = _add_months(origin, k * step)
            b = _add_months(origin, (k + 1) * step) - dt.timedelta(days=1)
            if a > end:
                break
            if b >= start:
                out.append(Period(f"{a.isoformat()}..{b.isoformat()}", a, b))
            k += 1
        return out
    step = {"month": 1, "quarter": 3, "half": 6, "year": 12}[every]
    y, m = start.year, start.month
    m = ((m - 1) // step) * step + 1
    a = dt.date(y, m, 1)
    while a <= end:
        b = _add_months(a, step) - dt.timedelta(days=1)
        if every == "month":
            label = f"{a.year}-{a.month:02d}"
        elif every == "quarter":
            label = f"{a.year}Q{(a.month - 1) // 3 + 1}"
        elif every == "half":
            label = f"{a.year}H{1 if a.month <= 6 else 2}"
        else:
            label = str(a.year)
        out.append(Period(label, a, b))
        a = _add_months(a, step)
    return out


def months_of(label: str) -> list[str]:
    """The months (YYYY-MM) a period label covers: 2026-07, 2026Q3, 2026H2, 2026, A..B."""
    label = label.strip()
    if ".." in label:
        a, b = label.split("..")
        y, m = int(a[:4]), int(a[5:7])
        y2, m2 = int(b[:4]), int(b[5:7])
        out = []
        while (y, m) <= (y2, m2):
            out.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    if len(label) == 7 and label[4] == "-":
        return [label]
    y = int(label[:4])
    if label[4:5] == "Q":
        q = int(label[5])
        return [f"{y}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    if label[4:5] == "H":
        h = int(label[5])
        return [f"{y}-{m:02d}" for m in range(6 * h - 5, 6 * h + 1)]
    if len(label) == 4:
        return [f"{y}-{m:02d}" for m in range(1, 13)]
    raise ValueError(f"not a period label: {label!r}")


def parse_span(text: str, what: str = "period") -> tuple[dt.date, dt.date]:
    """START..END with ISO dates, or InputError."""
    try:
        a, b = text.split("..")
        start, end = dt.date.fromisoformat(a.strip()), dt.date.fromisoformat(b.strip())
    except ValueError:
        raise InputError(f"expected START..END with ISO dates, got {text!r}", field=what) from None
    if end < start:
        raise InputError(f"period ends before it starts: {text!r}", field=what)
    return start, end

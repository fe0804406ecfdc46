"""Reporting periods: calendar months/quarters/halves/years and contract years/halves."""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass
from typing import Literal

Every = Literal["month", "quarter", "half", "year", "contract_year", "contract_half"]


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date


def _add_months(d: dt.date, n: int) -> dt.date:
    t = d.year * 12 + d.month - 1 + n
    y, m = divmod(t, 12)
    return dt.date(y, m + 1, min(d.day, _cal.monthrange(y, m + 1)[1]))


def periods(every: Every, start: dt.date, end: dt.date, signed_on: dt.date) -> list[Period]:
    """Every period of this kind that overlaps [start, end]."""
    out: list[Period] = []
    if every.startswith("contract_"):
        step = 12 if every == "contract_year" else 6
        k = 0
        while True:
            a = _add_months(signed_on, k * step)
            b = _add_months(signed_on, (k + 1) * step) - dt.timedelta(days=1)
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

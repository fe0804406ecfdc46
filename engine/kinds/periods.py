"""Reporting periods: calendar months/quarters/halves/years and contract years/halves."""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from lvyue.engine.errors import InputError

Every = Literal["month", "quarter", "half", "year", "contract_year", "contract_half", "contract_quarter"]
CONTRACT_STEP = {"contract_year": 12, "contract_half": 6, "contract_quarter": 3}  # months, from the service start
MIN_YEAR, MAX_YEAR = 1900, 2200  # dates a contract audit can sensibly name; outside is a typo


def check_year(year: int, text: str, what: str = "period") -> None:
    """InputError for a year outside 1900-2200 (date arithmetic beyond 9999 would crash)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(f"year {year} is outside {MIN_YEAR}-{MAX_YEAR}: {text!r}", field=what)


def check_date(day: dt.date, what: str = "date") -> dt.date:
    check_year(day.year, day.isoformat(), what)
    return day


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
    """The months (YYYY-MM) a period label covers: 2026-07, 2026Q3, 2026H2, 2026, A..B.

    ValueError for anything else, including labels that name no real period
    (2026Q5, 2026H3, 2026-13) and years outside 1900-2200.
    """
    label = label.strip()
    if ".." in label:
        parts = label.split("..")
        if len(parts) != 2:
            raise ValueError(f"not a period label: {label!r}")
        (y, m), (y2, m2) = (_year_month(p.strip(), label) for p in parts)
        if (y2, m2) < (y, m):
            raise ValueError(f"period ends before it starts: {label!r}")
        out = []
        while (y, m) <= (y2, m2):
            out.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    if re.fullmatch(r"\d{4}-\d{2}", label):
        y, m = _year_month(label, label)
        return [f"{y}-{m:02d}"]
    found = re.fullmatch(r"(\d{4})(?:([QH])(\d))?", label)
    if not found:
        raise ValueError(f"not a period label: {label!r}")
    y = _year(found.group(1), label)
    kind, n = found.group(2), int(found.group(3) or 0)
    if kind == "Q":
        if not 1 <= n <= 4:
            raise ValueError(f"no such quarter: {label!r} (Q1-Q4)")
        return [f"{y}-{m:02d}" for m in range(3 * n - 2, 3 * n + 1)]
    if kind == "H":
        if not 1 <= n <= 2:
            raise ValueError(f"no such half year: {label!r} (H1 or H2)")
        return [f"{y}-{m:02d}" for m in range(6 * n - 5, 6 * n + 1)]
    return [f"{y}-{m:02d}" for m in range(1, 13)]


def _year(text: str, label: str) -> int:
    y = int(text)
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ValueError(f"year {y} is outside {MIN_YEAR}-{MAX_YEAR}: {label!r}")
    return y


def _year_month(text: str, label: str) -> tuple[int, int]:
    """YYYY-MM or an ISO date (its month)."""
    found = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", text)
    if not found:
        raise ValueError(f"not a period label: {label!r}")
    m = int(found.group(2))
    if not 1 <= m <= 12:
        raise ValueError(f"no such month: {label!r}")
    return _year(found.group(1), label), m


def parse_span(text: str, what: str = "period") -> tuple[dt.date, dt.date]:
    """START..END with ISO dates, or InputError."""
    try:
        a, b = text.split("..")
        start, end = dt.date.fromisoformat(a.strip()), dt.date.fromisoformat(b.strip())
    except ValueError:
        raise InputError(f"expected START..END with ISO dates, got {text!r}", field=what) from None
    check_year(start.year, text, what)
    check_year(end.year, text, what)
    if end < start:
        raise InputError(f"period ends before it starts: {text!r}", field=what)
    return start, end

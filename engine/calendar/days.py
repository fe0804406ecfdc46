"""China's official working-day calendar: which days are working days, and why.

Holidays and weekend make-up working days (调休上班) come from the
`holidays` package. A year counts as *official* only where that data carries
the year's State Council arrangement; later years are guessed by the package
(statutory days, no make-up days) and are *provisional* until an override
file supplies the notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays
from holidays.countries.china import ChinaStaticHolidays

from lvyue.engine.calendar.overrides import CalendarOverride

WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
PACKAGE_SOURCE = f"holidays {holidays.__version__} (China)"


@dataclass(frozen=True)
class DayInfo:
    """One day as the calendar sees it."""

    day: date
    working: bool
    reason: str  # weekday | weekend | holiday | makeup
    name: str | None  # holiday name, or the make-up day's label
    official: bool
    source: str

    def describe(self) -> str:
        wd = WEEKDAY_ZH[self.day.weekday()]
        state = "工作日" if self.working else "休息日"
        if self.reason == "holiday":
            why = f"法定节假日/调休休息：{self.name}"
        elif self.reason == "makeup":
            why = f"调休上班（{self.name}）" if self.name else "调休上班"
        elif self.reason == "weekend":
            why = "周末"
        else:
            why = "平日"
        status = "official" if self.official else "provisional"
        return f"{state} {wd} {why} [{status}: {self.source}]"


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Holidays (date → name) and make-up working days the package has for one year."""
    cal = holidays.China(years=[year - 1, year, year + 1], language="zh_CN")
    names = {d: str(n) for d, n in cal.items() if d.year == year}
    makeup = frozenset(d for d in cal.weekend_workdays if d.year == year)
    return names, makeup


def package_official_years() -> frozenset[int]:
    """Years for which the package carries a State Council arrangement."""
    return frozenset(ChinaStaticHolidays.special_public_holidays)


class WorkingCalendar:
    """Working days per China's official arrangement, with optional overrides."""

    def __init__(self, overrides: Sequence[CalendarOverride] = ()) -> None:
        self._overrides = tuple(overrides)
        self._official = set(package_official_years())
        self._replaced: dict[int, str] = {}
        self._holiday: dict[date, tuple[str, str]] = {}
        self._makeup: dict[date, tuple[str, str]] = {}
        for ov in self._overrides:
            for y in ov.years:
                self._official.add(y)
                self._replaced[y] = ov.source
        for ov in self._overrides:
            for spec in ov.holidays:
                for d in spec.days():
                    self._holiday[d] = (spec.name, ov.source)
                    self._makeup.pop(d, None)
            for spec in ov.workdays:
                for d in spec.days():
                    self._makeup[d] = (spec.name, ov.source)
                    self._holiday.pop(d, None)
        self._cache: dict[date, DayInfo] = {}

    @property
    def sources(self) -> list[str]:
        return [PACKAGE_SOURCE, *(ov.source for ov in self._overrides)]

    def is_official(self, year: int) -> bool:
        return year in self._official

    def provisional_years(self, days: Iterable[date]) -> list[int]:
        return sorted({d.year for d in days if not self.is_official(d.year)})

    def info(self, d: date) -> DayInfo:
        hit = self._cache.get(d)
        if hit is None:
            hit = self._cache[d] = self._info(d)
        return hit

    def _info(self, d: date) -> DayInfo:
        official = self.is_official(d.year)
        if d in self._holiday:
            name, src = self._holiday[d]
            return DayInfo(d, False, "holiday", name, official, src)
        if d in self._makeup:
            name, src = self._makeup[d]
            return DayInfo(d, True, "makeup", name, official, src)
        weekend = d.weekday() >= 5
        if d.year not in self._replaced:
            names, makeup = _package_year(d.year)
            if d in makeup:
                return DayInfo(d, True, "makeup", None, official, PACKAGE_SOURCE)
            if d in names:
                return DayInfo(d, False, "holiday", names[d], official, PACKAGE_SOURCE)
            source = PACKAGE_SOURCE
        else:
            source = self._replaced[d.year]
        if weekend:
            return DayInfo(d, False, "weekend", None, official, source)
        return DayInfo(d, True, "weekday", None, official, source)

    def is_working(self, d: date) -> bool:
        return self.info(d).working

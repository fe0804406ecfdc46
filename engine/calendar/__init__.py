"""The legal working-day calendar and date arithmetic (see days.py, reckon.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from engine.calendar.days import DayInfo, WorkingCalendar
from engine.calendar.overrides import CalendarOverride, load_override
from engine.calendar.reckon import (
    Explanation,
    Reckoning,
    add_working_days,
    civil_period,
    deadline_after,
    late_days,
    natural_days_between,
    notice_by,
    working_days_between,
)

__all__ = [
    "CalendarOverride",
    "DayInfo",
    "Explanation",
    "Reckoning",
    "WorkingCalendar",
    "add_working_days",
    "build_calendar",
    "civil_period",
    "deadline_after",
    "late_days",
    "load_override",
    "natural_days_between",
    "notice_by",
    "working_days_between",
]


def build_calendar(override_files: Iterable[Path] = ()) -> WorkingCalendar:
    """A calendar from the package data plus override files, later files winning."""
    return WorkingCalendar([load_override(Path(p)) for p in override_files])

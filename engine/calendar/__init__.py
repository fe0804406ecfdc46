"""The legal working-day calendar and date arithmetic (see days.py, reckon.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lvyue.engine.calendar.days import DayInfo, WorkingCalendar
from lvyue.engine.calendar.overrides import CalendarOverride, load_override
from lvyue.engine.calendar.reckon import (
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
    "provisional_dates",
    "provisional_words",
]


def build_calendar(override_files: Iterable[Path] = ()) -> WorkingCalendar:
    """A calendar from the package data plus override files, later files winning."""
    return WorkingCalendar([load_override(Path(p)) for p in override_files])


# What a finding's provisional value names mean, for the words shown next to them.
PROVISIONAL_LABELS = {
    "deadline": "履行期限",
    "due_date": "应交付日",
    "latest_notice": "最晚通知日",
    "late_days": "逾期天数",
    "between": "间隔工作日数",
    "remediation": "整改期限",
}


def provisional_dates(finding: dict) -> dict[str, list[int]]:
    """A finding's (JSON form) provisional values, remediation/performance deadline included: name → years."""
    out = {k: list(v) for k, v in ((finding.get("details") or {}).get("provisional_dates") or {}).items()}
    d = finding.get("deadline")
    if d and d.get("provisional"):
        out["remediation"] = list((d.get("explanation") or {}).get("provisional_years") or [])
    return out


def provisional_words(finding: dict) -> str:
    """"履行期限、逾期天数：2027年国务院节假日安排尚未公布，该日期为暂定", or "" when nothing is provisional."""
    dates = provisional_dates(finding)
    if not dates:
        return ""
    years = sorted({y for ys in dates.values() for y in ys})
    names = "、".join(dict.fromkeys(PROVISIONAL_LABELS.get(k, k) for k in dates))
    ys = "、".join(str(y) for y in years)
    return f"{names}：{ys}年国务院节假日安排尚未公布，该日期为暂定"

"""Calendar override files: a State Council notice the `holidays` data lacks.

A pack (or the user) supplies one to add a year the data does not carry yet
or to correct a day. Years listed under `years` become official and their
arrangement is taken from the file alone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from lvyue.engine.errors import InputError
from lvyue.engine.yamlio import load_yaml, validate


class DaySpec(BaseModel):
    """One day, or an inclusive range of days, with a name."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    name: str

    @model_validator(mode="after")
    def _one_form(self) -> DaySpec:
        if (self.date is None) == (self.start is None or self.end is None):
            raise ValueError("give either `date` or both `start` and `end`")
        if self.start and self.end and self.end < self.start:
            raise ValueError("`end` is before `start`")
        return self

    def days(self) -> list[dt.date]:
        if self.date is not None:
            return [self.date]
        assert self.start and self.end
        n = (self.end - self.start).days
        return [self.start + dt.timedelta(days=i) for i in range(n + 1)]


class CalendarOverride(BaseModel):
    """The YAML form of an override file."""

    model_config = ConfigDict(extra="forbid")

    source: str
    years: list[int] = []
    holidays: list[DaySpec] = []
    workdays: list[DaySpec] = []

    @model_validator(mode="after")
    def _within_years(self) -> CalendarOverride:
        holidays = {d for s in self.holidays for d in s.days()}
        workdays = {d for s in self.workdays for d in s.days()}
        both = sorted(holidays & workdays)
        if both:
            raise ValueError(f"{both[0].isoformat()} is listed both as holiday and as workday")
        return self


def load_override(path: Path) -> CalendarOverride:
    """Read and validate an override file, or raise InputError naming the spot."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(
            "expected a mapping with source, years, holidays, workdays", file=str(path)
        )
    return validate(CalendarOverride, data, str(path))

"""The calendar against the State Council notices, and the Civil Code cases."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from lvyue.engine.calendar import (
    WorkingCalendar,
    add_working_days,
    build_calendar,
    civil_period,
    late_days,
    notice_by,
    working_days_between,
)
from lvyue.engine.errors import InputError

DATA = Path(__file__).parent / "data" / "china_official_2020_2026.yaml"
OFFICIAL = yaml.safe_load(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def _expected(year: int) -> dict[date, bool]:
    spec = OFFICIAL[year]
    off = set()
    for a, b in spec["days_off"]:
        off |= {a + timedelta(days=i) for i in range((b - a).days + 1)}
    work = set(spec["workdays"])
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(366)]
    return {
        d: d in work or (d.weekday() < 5 and d not in off) for d in days if d.year == year
    }


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_every_day_matches_the_state_council_notice(cal: WorkingCalendar, year: int) -> None:
    expected = _expected(year)
    wrong = {d: e for d, e in expected.items() if cal.is_working(d) != e}
    assert wrong == {}
    assert cal.is_official(year)


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_makeup_days_are_reported_as_such(cal: WorkingCalendar, year: int) -> None:
    for d in OFFICIAL[year]["workdays"]:
        info = cal.info(d)
        assert info.working and info.reason == "makeup", d


def test_2027_is_provisional_until_an_override_supplies_it(cal: WorkingCalendar, tmp_path: Path) -> None:
    assert not cal.is_official(2027)
    assert not cal.info(date(2027, 3, 1)).official
    ov = tmp_path / "cal2027.yaml"
    ov.write_text(
        "source: 国务院办公厅关于2027年部分节假日安排的通知（示例）\n"
        "years: [2027]\n"
        "holidays:\n"
        "  - {date: 2027-01-01, name: 元旦}\n"
        "  - {start: 2027-02-06, end: 2027-02-14, name: 春节}\n"
        "workdays:\n"
        "  - {date: 2027-02-20, name: 春节调休上班}\n",
        encoding="utf-8",
    )
    fixed = build_calendar([ov])
    assert fixed.is_official(2027)
    assert fixed.info(date(2027, 2, 20)).working  # a Saturday made a working day
    assert not fixed.info(date(2027, 2, 12)).working  # a Friday inside the holiday
    # The package's guessed "observed" day is gone: the file replaces the year.
    assert fixed.info(date(2027, 5, 4)).working
    assert not cal.info(date(2027, 5, 4)).working


def test_override_corrects_a_single_day_of_an_official_year(tmp_path: Path) -> None:
    ov = tmp_path / "fix.yaml"
    ov.write_text(
        "source: 更正\nholidays: [{date: 2026-09-24, name: 假想假日}]\n", encoding="utf-8"
    )
    fixed = build_calendar([ov])
    assert not fixed.is_working(date(2026, 9, 24))
    assert fixed.info(date(2026, 9, 24)).name == "假想假日"
    assert fixed.is_working(date(2026, 9, 23))


@pytest.mark.parametrize(
    "text, where",
    [
        ("source: x\nholidays: [{date: 2027-13-01, name: a}]\n", ":2:"),
        ("source: x\nholidays: [{date: 2027-01-01, name: a}\n", ":3:"),
        ("source: x\nholiday: []\n", "unknown field"),
        ("holidays: []\n", "source"),
        ("source: x\nholidays: [{date: 2027-01-01, name: a}]\nworkdays: [{date: 2027-01-01, name: b}]\n", "both"),
    ],
)
def test_malformed_override_names_file_and_place(tmp_path: Path, text: str, where: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        build_calendar([f])
    assert "bad.yaml" in str(exc.value) and where in str(exc.value)


# --- working-day arithmetic --------------------------------------------------


def test_examples_from_the_issue(cal: WorkingCalendar) -> None:
    assert add_working_days(cal, date(2026, 9, 30), 1).value == date(2026, 10, 8)
    assert civil_period(cal, date(2026, 7, 1), months=3).value == date(2026, 10, 8)
    assert working_days_between(cal, date(2026, 9, 21), date(2026, 10, 9)).value == 7
    assert notice_by(cal, date(2026, 10, 9), 7).value == date(2026, 9, 21)


def test_add_counts_makeup_sunday_and_skips_the_start(cal: WorkingCalendar) -> None:
    # 2026-09-19 is a Saturday; the next day is the make-up Sunday 2026-09-20.
    r = add_working_days(cal, date(2026, 9, 19), 1)
    assert r.value == date(2026, 9, 20)
    assert r.explanation.makeup_days_met == [date(2026, 9, 20)]
    # Counting from a working day never counts that day itself.
    assert add_working_days(cal, date(2026, 9, 21), 1).value == date(2026, 9, 22)


def test_add_backwards_and_explains_holidays(cal: WorkingCalendar) -> None:
    r = add_working_days(cal, date(2026, 10, 9), -7)
    assert r.value == date(2026, 9, 22)
    met = [d for d, _ in r.explanation.holidays_met]
    assert date(2026, 10, 1) in met and date(2026, 9, 25) in met
    assert r.explanation.counted[0] == date(2026, 10, 8)
    assert not r.provisional


def test_sixty_working_days_after_an_invoice(cal: WorkingCalendar) -> None:
    # Hand count: 2026-09-15 (Tue) + 60 working days across National Day.
    # Sep 16-30 has 11 (incl. make-up Sun 9-20, minus Mid-Autumn 9-25),
    # Oct: 8,9,10(make-up Sat),12-16,19-23,26-30 = 18 -> 29;
    # Nov (1st is a Sunday): 2-6, 9-13, 16-20, 23-27, 30 = 21 -> 50;
    # Dec: 1-4 -> 54, 7-11 -> 59, 14 -> 60 on 2026-12-14.
    assert add_working_days(cal, date(2026, 9, 15), 60).value == date(2026, 12, 14)


def test_count_between_is_strict_and_zero_when_reversed(cal: WorkingCalendar) -> None:
    assert working_days_between(cal, date(2026, 9, 21), date(2026, 9, 22)).value == 0
    assert working_days_between(cal, date(2026, 9, 21), date(2026, 9, 23)).value == 1
    assert working_days_between(cal, date(2026, 10, 9), date(2026, 9, 21)).value == 0


def test_notice_by_zero_days_is_the_event_day(cal: WorkingCalendar) -> None:
    assert notice_by(cal, date(2026, 10, 9), 0).value == date(2026, 10, 9)
    assert notice_by(cal, date(2026, 10, 9), 0, natural=True).value == date(2026, 10, 9)


def test_notice_by_boundaries(cal: WorkingCalendar) -> None:
    latest = notice_by(cal, date(2026, 10, 9), 7).value
    assert working_days_between(cal, latest, date(2026, 10, 9)).value == 7
    assert working_days_between(cal, latest + timedelta(days=1), date(2026, 10, 9)).value == 6
    # Lenient reading counts the event day in: one working day later.
    assert notice_by(cal, date(2026, 10, 9), 7, reading="lenient").value == date(2026, 9, 22)
    # One natural week: seven days strictly between.
    assert notice_by(cal, date(2026, 9, 15), 7, natural=True).value == date(2026, 9, 7)
    assert notice_by(cal, date(2026, 9, 15), 7, natural=True, reading="lenient").value == date(2026, 9, 8)


# --- Civil Code periods --------------------------------------------------------


def test_month_end_has_no_corresponding_day(cal: WorkingCalendar) -> None:
    # 2025-01-31 + 1 month -> 2025-02-28 (a Friday, working day).
    assert civil_period(cal, date(2025, 1, 31), months=1).value == date(2025, 2, 28)
    # 2024 is a leap year.
    assert civil_period(cal, date(2024, 1, 31), months=1).value == date(2024, 2, 29)


def test_period_ending_on_a_makeup_saturday_stays(cal: WorkingCalendar) -> None:
    # 2026-01-31 + 1 month -> 2026-02-28, a Saturday that is a make-up working day.
    r = civil_period(cal, date(2026, 1, 31), months=1)
    assert r.value == date(2026, 2, 28)
    assert date(2026, 2, 28) in r.explanation.makeup_days_met


def test_period_ending_on_a_holiday_moves_to_next_working_day(cal: WorkingCalendar) -> None:
    r = civil_period(cal, date(2026, 7, 1), months=3)
    assert r.value == date(2026, 10, 8)
    assert any("第203条" in s and "2026-10-01" in s for s in r.explanation.steps)


def test_period_ending_on_a_plain_weekend(cal: WorkingCalendar) -> None:
    # 2026-08-01 + 10 days = 2026-08-11 (Tue) stays; + 11 days = Wed; 2026-08-05 + 10 = Sat 08-15 -> Mon 08-17.
    assert civil_period(cal, date(2026, 8, 1), days=10).value == date(2026, 8, 11)
    assert civil_period(cal, date(2026, 8, 5), days=10).value == date(2026, 8, 17)


def test_period_crossing_into_a_provisional_year(cal: WorkingCalendar) -> None:
    r = civil_period(cal, date(2026, 7, 1), years=1)
    assert r.value == date(2027, 7, 1)
    assert r.provisional and r.explanation.provisional_years == [2027]
    inside = civil_period(cal, date(2026, 1, 5), months=3)
    assert not inside.provisional


def test_late_days_count_the_tail_not_the_head() -> None:
    assert late_days(date(2026, 12, 15), date(2026, 12, 15)).value == 0
    assert late_days(date(2026, 12, 15), date(2026, 12, 14)).value == 0
    assert late_days(date(2026, 12, 15), date(2026, 12, 16)).value == 1
    assert late_days(date(2026, 12, 15), date(2027, 1, 14)).value == 30
    assert late_days(date(2026, 12, 15), date(2027, 1, 15)).value == 31

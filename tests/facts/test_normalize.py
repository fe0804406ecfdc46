"""Cell values as people type them become dates, Decimals, booleans and lists, or a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lvyue.facts.model import Assessment, StaffMember
from lvyue.facts.normalize import (
    kind_of,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_duration,
    parse_int,
    parse_list,
    text,
)

SEP_1 = dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2026-09-01",
        "2026/9/1",
        "2026.9.1",
        "2026年9月1日",
        "2026 年 9 月 1 日",
        "２０２６年９月１日",
        " 2026-09-01\u3000",
        "20260901",
        "2026-09-01 08:30:00",
        "2026/9/1 8:30",
        "2026-09-01T08:30:00",
        46266,
        46266.75,
        "46266",
        dt.datetime(2026, 9, 1, 23, 59),
        SEP_1,
    ],
)
def test_dates(value: Any) -> None:
    assert parse_date(value) == SEP_1


@pytest.mark.parametrize(
    "value, words",
    [
        ("2026-02-30", "impossible date '2026-02-30': 2026-02 has no day 30"),
        ("2026/13/1", "impossible date '2026/13/1': there is no month 13"),
        ("下周一", "not a date: '下周一'"),
        ("2026-09-01 后", "not a date"),
        (12, "out of range"),
    ],
)
def test_bad_dates_say_why(value: Any, words: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(value)
    assert words in str(info.value)


@pytest.mark.parametrize(
    "value, expected",
    [("是", True), ("否", False), (" 是 ", True), ("YES", True), ("n", False), ("√", True),
     ("×", False), (1, True), (0.0, False), ("１", True), (True, True)],
)  # fmt: skip
def test_yes_no(value: Any, expected: bool) -> None:
    assert parse_bool(value) is expected


def test_yes_no_refuses_guesses() -> None:
    with pytest.raises(ValueError, match="not yes/no: '可能'"):
        parse_bool("可能")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("¥1,234.50", Decimal("1234.50")),
        ("￥1,234.50", Decimal("1234.50")),
        ("1,234.50元", Decimal("1234.50")),
        ("人民币 1,234.50 元", Decimal("1234.50")),
        ("RMB 10,700,000", Decimal("10700000")),
        ("１，２３４．５", Decimal("1234.5")),
        ("about 12", None),
        ("1070万元", Decimal("10700000")),
        ("6182058.17", Decimal("6182058.17")),
        (0.1, Decimal("0.1")),
        (1234, Decimal("1234")),
    ],
)
def test_money(value: Any, expected: Decimal | None) -> None:
    if expected is None:
        with pytest.raises(ValueError, match="not a number"):
            parse_decimal(value)
    else:
        got = parse_decimal(value)
        assert isinstance(got, Decimal) and got == expected


def test_int_refuses_fractions() -> None:
    assert parse_int("12") == 12 and parse_int(12.0) == 12
    with pytest.raises(ValueError, match="not a whole number"):
        parse_int("12.5")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("云计算、网络", ["云计算", "网络"]),
        ("网络，存储, 安全", ["网络", "存储", "安全"]),
        ("云计算/网络;安全；存储", ["云计算", "网络", "安全", "存储"]),
        ("、网络、、", ["网络"]),
        (["cloud", " network "], ["cloud", "network"]),
    ],
)
def test_lists(value: Any, expected: list[str]) -> None:
    assert parse_list(value) == expected


def test_text_makes_fullwidth_ids_ascii_but_keeps_chinese_punctuation() -> None:
    assert text("４１０６００１９９００１０１１２３Ｘ") == "41060019900101123X"
    assert text(13800000000.0) == "13800000000"
    assert text(" 鹤壁城市云计算有限公司（乙方），\u3000") == "鹤壁城市云计算有限公司（乙方），"


def test_kind_comes_from_the_fact_schema() -> None:
    fields = StaffMember.model_fields
    assert kind_of(fields["start"].annotation) == "date"
    assert kind_of(fields["end"].annotation) == "date"  # Optional unwrapped
    assert kind_of(fields["categories"].annotation) == "list"
    assert kind_of(fields["local"].annotation) == "bool"
    assert kind_of(fields["name"].annotation) == "text"
    assert kind_of(Assessment.model_fields["score"].annotation) == "decimal"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-09-01 08:30", dt.datetime(2026, 9, 1, 8, 30)),
        ("2026/9/1 8:30:05", dt.datetime(2026, 9, 1, 8, 30, 5)),
        ("2026-09-01T08:30:00", dt.datetime(2026, 9, 1, 8, 30)),
        ("２０２６年9月1日 08：31", dt.datetime(2026, 9, 1, 8, 31)),
        (46266.5, dt.datetime(2026, 9, 1, 12, 0)),  # an Excel date-time serial
        (dt.datetime(2026, 9, 1, 8, 30), dt.datetime(2026, 9, 1, 8, 30)),
    ],
)
def test_datetimes(value: Any, expected: dt.datetime) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    "value, words",
    [
        ("2026-09-01", "no time of day"),  # never silently midnight
        (SEP_1, "no time of day"),
        ("2026-09-01 25:00", "impossible time"),
        ("2026-09-01 08:30+08:00", "not a date-time"),
    ],
)
def test_bad_datetimes(value: Any, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_datetime(value)


@pytest.mark.parametrize(
    "value, minutes",
    [("90", 90), (45, 45), ("1:30", 90), ("1.5h", 90), ("90分钟", 90), ("1小时30分钟", 90), ("2天", 2880), ("1h30m", 90), (dt.timedelta(hours=2), 120)],
)
def test_durations_are_whole_minutes(value: Any, minutes: int) -> None:
    assert parse_duration(value) == minutes


@pytest.mark.parametrize("value", ["很久", "1.5", "-5", True, "1:30:20"])
def test_bad_durations(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)

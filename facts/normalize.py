"""Cell values as people type them → typed values (date, date-time, duration, Decimal, bool, list, text).

Evidence comes from Excel, HR exports and hand-typed sheets: `2026/9/1`,
`2026年9月1日`, Excel serial 46266, full-width digits, `¥1,234.50`, 是/否,
`2026/9/1 8:30`, `1小时30分钟`.
Each parser raises ValueError with a reason an auditor can read; the caller
turns it into a rejection of that row, never a silent guess.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Kind = Literal["date", "datetime", "duration", "decimal", "bool", "int", "list", "text"]

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ALNUM = {
    c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}  # ０-９ Ａ-Ｚ ａ-ｚ; Chinese punctuation (，：（）) stays as written
_SPACES = " \t\r\n\u3000\u00a0\ufeff"
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_SERIAL_MIN, _SERIAL_MAX = 10_000, 109_939  # 1927-05-18 .. 2200-12-31
# dates outside these years are typing slips (9999-12-31, 0201-07-01), never evidence
YEAR_MIN, YEAR_MAX = 1900, 2200
# amounts and counts: at most this many digits before the decimal point (10^16 yuan is
# no contract's amount; `1e999999999` must be a rejected row, not decimal.Overflow)
MAX_DIGITS = 16


def halfwidth(text: str) -> str:
    """Full-width ASCII (０-９, ：, －) to plain ASCII; Chinese characters are untouched."""
    return text.translate(_FULLWIDTH)


def clean(value: Any) -> Any:
    """Strip surrounding (also full-width) spaces; blank text becomes None."""
    if isinstance(value, str):
        value = value.strip(_SPACES)
        return value or None
    return value


def text(value: Any) -> str:
    """A cell as text: full-width letters/digits made ASCII (an ID number typed as
    ４１０６…Ｘ must match 4106…X); integral floats (Excel's 13800000000.0) lose `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).translate(_ALNUM).strip(_SPACES)


_DATE_PATTERNS = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]
_TIME_TAIL = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def parse_date(value: Any) -> dt.date:
    """A calendar date from any of the usual spellings; an impossible date is an error."""
    return _in_range(_parse_date(value))


def _in_range(day: dt.date) -> dt.date:
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise ValueError(f"date {day.isoformat()} is outside the years {YEAR_MIN}-{YEAR_MAX}")
    return day


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, (int, float)):
        return _serial(value)
    s = halfwidth(str(value)).strip(_SPACES)
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return _serial(float(s))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m and _TIME_TAIL.fullmatch(s[m.end() :]):
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                why = (
                    f"there is no month {mo}"
                    if not 1 <= mo <= 12
                    else f"{y}-{mo:02d} has no day {d}"
                )
                raise ValueError(f"impossible date {s!r}: {why}") from None
    raise ValueError(f"not a date: {s!r} (expected e.g. 2026-09-01, 2026/9/1, 2026年9月1日)")


def _serial(value: float) -> dt.date:
    if not _SERIAL_MIN <= value <= _SERIAL_MAX:
        raise ValueError(
            f"not a date: {value!r} (as an Excel serial number it is out of range: 1927-05-18 .. "
            f"{YEAR_MAX}-12-31)"
        )
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


_CLOCK = re.compile(r"(?:\s*|T)(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(\.\d+)?)?")


def parse_datetime(value: Any) -> dt.datetime:
    """A local date and time: a date as parse_date reads it, then `8:30` or `08:30:05`.

    A bare date is an error, not midnight: a clock time that nobody wrote
    must not start or stop a count of minutes. Time-zone offsets are refused.
    """
    if isinstance(value, dt.datetime):
        _in_range(value.date())
        return value
    if isinstance(value, dt.date) or isinstance(value, bool):
        raise ValueError(f"no time of day in {text(value)!r} (expected e.g. 2026-09-01 08:30)")
    if isinstance(value, (int, float)):
        day = _serial(value)
        seconds = round((float(value) % 1) * 86400)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    s = halfwidth(str(value)).strip(_SPACES)
    if re.fullmatch(r"\d{5}\.\d+", s):
        return parse_datetime(float(s))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        clock = _CLOCK.fullmatch(s[m.end() :])
        if clock is None and not s[m.end() :].strip(_SPACES):
            raise ValueError(f"no time of day in {s!r} (expected e.g. 2026-09-01 08:30)")
        if clock is None:
            break
        day = parse_date(s[: m.end()])
        h, mi, sec = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        micro = round(float(clock[4]) * 1_000_000) if clock[4] else 0
        try:
            return dt.datetime.combine(day, dt.time(h, mi, sec, micro))
        except ValueError:
            raise ValueError(f"impossible time in {s!r}") from None
    raise ValueError(f"not a date-time: {s!r} (expected e.g. 2026-09-01 08:30, 2026/9/1 8:30:05)")


_DURATION_UNITS = {
    "天": 1440, "日": 1440, "d": 1440, "day": 1440, "days": 1440,
    "小时": 60, "时": 60, "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "分钟": 1, "分": 1, "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
}  # fmt: skip
_DURATION_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*("
    + "|".join(sorted(map(re.escape, _DURATION_UNITS), key=len, reverse=True))
    + r")\s*"
)


def parse_duration(value: Any) -> int:
    """A length of time in whole minutes: `90` (minutes), `1:30`, `1.5h`, `1小时30分钟`, `2天`."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, dt.timedelta):
        minutes = Decimal(int(value.total_seconds())) / 60
    elif isinstance(value, dt.time):
        minutes = Decimal(value.hour * 60 + value.minute) + Decimal(value.second) / 60
    elif isinstance(value, (int, float, Decimal)):
        minutes = parse_decimal(value)
    else:
        s = halfwidth(str(value)).strip(_SPACES).lower()
        clock = re.fullmatch(r"(\d+)[:：](\d{2})(?:[:：](\d{2}))?", s)
        if re.fullmatch(r"\d+(\.\d+)?", s):
            minutes = Decimal(s)
        elif clock:
            minutes = Decimal(int(clock[1]) * 60 + int(clock[2])) + Decimal(int(clock[3] or 0)) / 60
        elif s and _DURATION_PART.sub("", s) == "":
            minutes = sum(
                (Decimal(n) * _DURATION_UNITS[u] for n, u in _DURATION_PART.findall(s)), Decimal(0)
            )
        else:
            raise ValueError(
                f"not a duration: {value!r} (expected minutes, e.g. 90, 1:30, 1.5h, 1小时30分钟)"
            )
    if minutes < 0 or minutes != minutes.to_integral_value():
        raise ValueError(f"not a whole number of minutes: {value!r}")
    return int(minutes)


_TRUE = {"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对"}
_FALSE = {"否", "无", "n", "no", "false", "f", "0", "×", "✗", "✘", "x", "不是"}


def parse_bool(value: Any) -> bool:
    """是/否, yes/no, true/false, 1/0, √/× → bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    s = halfwidth(str(value)).strip(_SPACES).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"not yes/no: {value!r} (expected 是/否, yes/no, true/false, 1/0)")


_MONEY_NOISE = re.compile(r"[¥$,\s]|^(?:rmb|cny|人民币)|(?:rmb|cny)$|元$")
# with thousands separators the integer part must be grouped by three: `5,262,040.00`
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:万)?")
_MONEY_WORDS = re.compile(r"^(?:rmb|cny|人民币)|(?:rmb|cny)$|元$|[¥$\s]")


def parse_decimal(value: Any) -> Decimal:
    """Money and amounts as Decimal: `¥1,234.50`, `1,234.50元`, `12.5万元` (×10000)."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return _bounded(Decimal(value), value)
    if isinstance(value, Decimal):
        return _bounded(value, value)
    if isinstance(value, float):
        return _bounded(Decimal(repr(value)), value)
    s = halfwidth(str(value)).strip(_SPACES).lower().replace("￥", "¥")
    if "," in s and not _GROUPED.fullmatch(_MONEY_WORDS.sub("", s)):
        raise ValueError(
            f"not a number: {value!r} (thousands separators must group three digits, "
            "with at most one decimal point)"
        )
    s = _MONEY_NOISE.sub("", s)
    scale = Decimal(1)
    if s.endswith("万"):
        s, scale = s[:-1], Decimal(10_000)
    if len(s) > 64:
        raise ValueError(f"not a number: {_short(value)} (too long)")
    try:
        number = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    number = _bounded(number, value)
    return _bounded(number * scale, value) if scale != 1 else number


def _bounded(number: Decimal, value: Any) -> Decimal:
    """A finite number with at most MAX_DIGITS digits before the point (no Overflow later)."""
    if not number.is_finite():
        raise ValueError(f"not a number: {_short(value)}")
    if number and number.adjusted() >= MAX_DIGITS:
        raise ValueError(
            f"number out of range: {_short(value)} (more than {MAX_DIGITS} digits before "
            "the decimal point)"
        )
    if number and number.adjusted() < -MAX_DIGITS * 2:
        raise ValueError(f"number out of range: {_short(value)} (too small to be an amount)")
    return number


def _short(value: Any) -> str:
    shown = repr(value) if not isinstance(value, int) or abs(value) < 10**40 else "a huge integer"
    return shown if len(shown) <= 60 else shown[:57] + "..."


def parse_int(value: Any) -> int:
    """Whole numbers only: `12`, `12.0`; `12.5` is an error, not 12."""
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"not a whole number: {value!r}")
    return int(number)


_LIST_SEPARATORS = re.compile(r"[、,，;；/／\n]")


def parse_list(value: Any) -> list[str]:
    """`云计算、网络` → ['云计算', '网络']: split on 、,，;；/ and drop blanks."""
    if isinstance(value, (list, tuple)):
        items = [text(v) for v in value]
    else:
        items = _LIST_SEPARATORS.split(text(value))
    return [s for s in (i.strip(_SPACES) for i in items) if s]


PARSERS: dict[Kind, typing.Callable[[Any], Any]] = {
    "date": parse_date,
    "datetime": parse_datetime,
    "duration": parse_duration,
    "decimal": parse_decimal,
    "bool": parse_bool,
    "int": parse_int,
    "list": parse_list,
    "text": text,
}


def kind_of(annotation: Any) -> Kind:
    """The parser a pydantic field needs, from its annotation (Optional unwrapped).

    Declared types know better (a duration is an int): see FieldDecl.kind.
    """
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return kind_of(args[0]) if len(args) == 1 else "text"
    if origin in (list, tuple, set):
        return "list"
    if annotation is dt.datetime:
        return "datetime"
    if annotation is dt.date:
        return "date"
    if annotation is Decimal:
        return "decimal"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    return "text"


def normalize(value: Any, kind: Kind) -> Any:
    """One value to its kind; raises ValueError with a readable reason."""
    return PARSERS[kind](value)

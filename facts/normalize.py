"""Cell values as people type them → typed values (date, Decimal, bool, list, text).

Evidence comes from Excel, HR exports and hand-typed sheets: `2026/9/1`,
`2026年9月1日`, Excel serial 46266, full-width digits, `¥1,234.50`, 是/否.
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

Kind = Literal["date", "decimal", "bool", "int", "list", "text"]

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ALNUM = {
    c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}  # ０-９ Ａ-Ｚ ａ-ｚ; Chinese punctuation (，：（）) stays as written
_SPACES = " \t\r\n\u3000\u00a0\ufeff"
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_SERIAL_MIN, _SERIAL_MAX = 10_000, 2_958_465  # 1927-05-18 .. 9999-12-31


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
        raise ValueError(f"not a date: {value!r} (as an Excel serial number it is out of range)")
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


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


def parse_decimal(value: Any) -> Decimal:
    """Money and amounts as Decimal: `¥1,234.50`, `1,234.50元`, `12.5万元` (×10000)."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    s = halfwidth(str(value)).strip(_SPACES).lower().replace("￥", "¥")
    s = _MONEY_NOISE.sub("", s)
    scale = Decimal(1)
    if s.endswith("万"):
        s, scale = s[:-1], Decimal(10_000)
    try:
        number = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return number * scale


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
    "decimal": parse_decimal,
    "bool": parse_bool,
    "int": parse_int,
    "list": parse_list,
    "text": text,
}


def kind_of(annotation: Any) -> Kind:
    """The parser a pydantic field needs, from its annotation (Optional unwrapped)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return kind_of(args[0]) if len(args) == 1 else "text"
    if origin in (list, tuple, set):
        return "list"
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

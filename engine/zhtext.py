"""How Chinese text writes dates, periods and amounts: one place for the engine's messages and every report.

Dates as an official document writes them (GB/T 9704-2012: Arabic numerals,
no leading zeros): 2026年10月8日; a period of one day is that day, not a range;
amounts with thousands separators and two decimals (1,234.56). English text
keeps ISO dates.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from lvyue.engine.money import fen

_DATE = r"(\d{4})-(\d{2})-(\d{2})"
# an ISO date (optionally with a time) standing on its own, not inside an id such as INV-2026-002
_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_\-])" + _DATE + r"(?:[T ](\d{2}:\d{2})(?::\d{2})?)?(?![A-Za-z0-9_\-])")
_DOTS = re.compile(r"(?<![A-Za-z0-9_\-])(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})(?![A-Za-z0-9_\-])")
_DERIVED = re.compile(r"^[a-z][a-z0-9_]* = [^（]+（(.*)）$", re.S)  # a derived value's explanation: name = value（how）
_MONTH_DOTS = re.compile(r"(?<![A-Za-z0-9_\-])(\d{4}-\d{2})\.\.(\d{4}-\d{2})(?![A-Za-z0-9_\-])")
_MONTH = re.compile(r"(?<![A-Za-z0-9_\-.])(\d{4})-(0[1-9]|1[0-2])(?![A-Za-z0-9_\-]|\.\d)")
_LABEL = re.compile(r"(?<![A-Za-z0-9_\-])(\d{4})([QH])([1-4])(?![A-Za-z0-9_\-])")
_QUARTERS = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度", "H1": "上半年", "H2": "下半年"}
_GAP = re.compile(r"(\d日) (?=[\u4e00-\u9fff])")
_WHOLE_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WHOLE_MONEY = re.compile(r"^-?\d+\.\d{2}$")
_RANGE = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日)(?:\s*)(?:至|—|－|–|-|～|~)(?:\s*)\1(?!\d|:)")


def cn_date(d: dt.date | str) -> str:
    """2026-10-08 → 2026年10月8日."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(text: str) -> str:
    """2026-07 → 2026年7月 (other text unchanged)."""
    m = _WHOLE_MONTH.match(text.strip())
    return f"{int(m.group(1))}年{int(m.group(2))}月" if m else text


def cn_period(start: dt.date | str | None, end: dt.date | str | None) -> str:
    """A span of days: one date when it is one day, else 起至 in Chinese dates."""
    if not start and not end:
        return ""
    if not end or start == end:
        return cn_date(start)  # type: ignore[arg-type]
    if not start:
        return cn_date(end)
    return f"{cn_date(start)}至{cn_date(end)}"


def zh_dates(text: str) -> str:
    """Every ISO date (and date-time) standing alone in a Chinese text written as 2026年10月8日(10:30),
    a month 2026-07 as 2026年7月, a period label 2026Q4 / 2026H2 as 2026年第四季度 / 2026年下半年;
    a range from a day to the same day written as that day, `..` between dates or months as 至.
    Ids that hold such digits (RR-2026-07, KH-2026H2) are left alone."""
    if not text:
        return text

    def one(m: re.Match[str]) -> str:
        try:
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return m.group(0)
        return cn_date(d) + (m.group(4) or "")

    text = _DOTS.sub(r"\1至\2", text)
    text = _RANGE.sub(r"\1", _IN_TEXT.sub(one, text))
    text = _MONTH_DOTS.sub(r"\1至\2", text)
    text = _MONTH.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月", text)
    text = _LABEL.sub(lambda m: f"{m.group(1)}年{_QUARTERS.get(m.group(2) + m.group(3), m.group(0)[4:])}", text)
    return _GAP.sub(r"\1", text)  # 2026年9月20日 为 → 2026年9月20日为


def money(value: Any) -> str:
    """1234567.8 → 1,234,567.80 (rounded half-up to the fen); text that is no number unchanged."""
    try:
        d = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    if not d.is_finite():
        return str(value)
    return f"{fen(d):,}"


def zh_value(value: Any) -> Any:
    """A value put into a Chinese message: dates, months and amounts (two decimals) as Chinese text writes them."""
    if not isinstance(value, str):
        return value
    v = value.strip()
    if _WHOLE_MONTH.match(v):
        return cn_month(v)
    if _WHOLE_MONEY.match(v):
        return money(v)
    if m := _DERIVED.match(v):  # the field name is the rule language's, the explanation is Chinese
        return zh_dates(m.group(1))
    if "、" in v and all(_WHOLE_MONTH.match(p) for p in v.split("、")):
        return "、".join(cn_month(p) for p in v.split("、"))
    return zh_dates(value)

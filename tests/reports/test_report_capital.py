"""大写金额 per 《正确填写票据和结算凭证的基本规定》: expected strings written by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lvyue.reports.capital import capital

CASES = [
    ("6182058.17", "陆佰壹拾捌万贰仟零伍拾捌元壹角柒分"),  # the overdue sum (三.1.2)
    ("10700000", "壹仟零柒拾万元整"),  # the annual budget cap: 1070 万
    ("10700000.00", "壹仟零柒拾万元整"),
    ("0.05", "伍分"),  # below one yuan: no 元
    ("0.5", "伍角整"),
    ("0", "零元整"),
    ("100.10", "壹佰元壹角整"),  # stops at 角: 整
    ("1000.01", "壹仟元零壹分"),  # 角 zero, 分 not: 零 after 元
    ("100000", "壹拾万元整"),  # 10,0000.00: leading 1 keeps 壹
    ("10", "壹拾元整"),
    ("16.15", "壹拾陆元壹角伍分"),  # the regulation's own example
    ("1009", "壹仟零玖元整"),
    ("1010", "壹仟零壹拾元整"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # the regulation's example
    ("107000.53", "壹拾万柒仟元伍角叁分"),  # 元位 zero: 零 may be left out
    ("1001000", "壹佰万壹仟元整"),  # 仟 not zero: no 零 between groups
    ("1000100", "壹佰万零壹佰元整"),  # 仟 zero: one 零
    ("100000000", "壹亿元整"),
    ("100010000", "壹亿零壹万元整"),  # whole zero group between 亿 and 万
    ("100000001", "壹亿零壹元整"),
    ("970000.00", "玖拾柒万元整"),
    ("20000000.20", "贰仟万元贰角整"),
    ("1234567890123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
]


@pytest.mark.parametrize("amount,expected", CASES)
def test_capital(amount: str, expected: str) -> None:
    assert capital(Decimal(amount)) == expected


def test_accepts_str_and_int() -> None:
    assert capital("0.05") == "伍分"
    assert capital(10700000) == "壹仟零柒拾万元整"


@pytest.mark.parametrize("bad", ["-1", "1.001", "NaN", "Infinity"])
def test_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        capital(Decimal(bad))


def test_rates_and_shares_read_as_the_contract_writes_them() -> None:
    from lvyue.reports.templating import daily_rate, share, yuan

    assert daily_rate("0.0003") == "万分之三" and daily_rate("0.0005") == "万分之五"
    assert daily_rate("0.0015") == "万分之十五" and daily_rate("0.01") == "1%"
    assert share("0.05") == "5%" and share("0.20") == "20%" and share("0.025") == "2.5%"
    assert yuan("400.005") == "400.01"  # 四舍五入, as in every other figure (not banker's 400.00)

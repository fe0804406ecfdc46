"""Amounts in capital Chinese numerals (大写金额), as cheques and payment forms require.

Follows 《正确填写票据和结算凭证的基本规定》 (中国人民银行):
- a leading 1 in the tens place keeps 壹 (16.15 → 壹拾陆元壹角伍分);
- zeros between digits give one 零 (1009 → 壹仟零玖元整), also across the
  万 and 亿 groups (20500000 → 贰仟零伍拾万元整, 100010000 → 壹亿零壹万元整);
- an amount that stops at 元 or 角 ends in 整 (10 → 壹拾元整, 100.10 → 壹佰元壹角整);
- 角 zero and 分 not zero: 零 after 元 (1000.01 → 壹仟元零壹分);
- below one yuan the 元 is left out (0.05 → 伍分); nothing at all is 零元整.
"""

from __future__ import annotations

from decimal import Decimal

from lvyue.engine.money import FEN

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")  # within a group of four digits


def _group(n: int) -> str:
    """0 < n < 10000, without leading 零 and with one 零 per run of inner zeros."""
    out: list[str] = []
    zero = False
    for place, ch in zip(PLACES, f"{n:04d}", strict=True):
        d = int(ch)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + place)
    return "".join(out)


def _yuan(n: int) -> str:
    """n > 0 yuan: groups of four digits read with 万 and 亿; one 零 across a gap."""
    if n >= 10**8:  # the part above 亿 is read as a number of 亿 (1,2345,0000,0000 → 壹万贰仟叁佰肆拾伍亿)
        hi, lo = divmod(n, 10**8)
        return _yuan(hi) + "亿" + ("" if lo == 0 else ("零" if lo < 10**7 else "") + _yuan(lo))
    if n >= 10**4:
        hi, lo = divmod(n, 10**4)
        return _group(hi) + "万" + ("" if lo == 0 else ("零" if lo < 1000 else "") + _group(lo))
    return _group(n)


def capital(amount: Decimal | int | str) -> str:
    """人民币大写 of an amount in yuan, exact to the fen (round before calling)."""
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    if value >= 10**16:
        raise ValueError(f"amount too large for capital numerals: {amount!r}")
    if value < 0:
        raise ValueError(f"negative amount: {amount!r}")
    if value != value.quantize(FEN):
        raise ValueError(f"amount has more than two decimal places (round to the fen first): {amount!r}")
    fen_total = int(value * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return "零元整"
    out = _yuan(yuan) + "元" if yuan else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    elif fen and yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return out

"""Amounts in capital Chinese numerals (大写金额), as cheques and payment forms require.

Follows 《正确填写票据和结算凭证的基本规定》 (中国人民银行):
- a leading 1 in the tens place keeps 壹 (16.15 → 壹拾陆元壹角伍分);
- zeros between digits give one 零 (1009 → 壹仟零玖元整), also across the
  万 and 亿 groups (10700000 → 壹仟零柒拾万元整, 100010000 → 壹亿零壹万元整);
- an amount that stops at 元 or 角 ends in 整 (10 → 壹拾元整, 100.10 → 壹佰元壹角整);
- 角 zero and 分 not zero: 零 after 元 (1000.01 → 壹仟元零壹分);
- below one yuan the 元 is left out (0.05 → 伍分); nothing at all is 零元整.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")  # within a group of four digits
GROUPS = ("", "万", "亿", "万亿")
FEN = Decimal("0.01")


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
    groups: list[int] = []
    while n:
        n, g = divmod(n, 10000)
        groups.append(g)
    if len(groups) > len(GROUPS):
        raise ValueError("amount too large for capital numerals (10^16 yuan or more)")
    out: list[str] = []
    pending_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out.append("零")
        out.append(_group(g) + GROUPS[i])
        pending_zero = False
    return "".join(out)


def capital(amount: Decimal | int | str) -> str:
    """人民币大写 of an amount in yuan, exact to the fen (round before calling)."""
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
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

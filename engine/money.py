"""Money in CNY: exact Decimals everywhere, rounded once to the fen, 四舍五入 (half up).

One routine for the check, the findings and every report, so a figure can
never be rounded two ways (banker's rounding in one place, half up in another).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def fen(amount: Decimal) -> Decimal:
    """Round to the fen (half up): done once, at the end of a computation or when compared."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def money(amount: Decimal) -> str:
    """Exact JSON form, rounded to the fen: 7048040.00."""
    return str(fen(amount))

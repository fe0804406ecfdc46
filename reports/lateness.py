"""Late payment: days late, the penalty, and the termination right.

Days late are counted 算尾不算头 (the day after the due date to the day the
amount is paid in full, `engine.calendar.late_days`); an amount still unpaid
runs to the check date. The penalty is the daily rate on the period's amount
payable (八.2 "当期应付款", as the `respond_within`/`achieve_by` kinds compute
it), so the audit report and the pre-payment check show one figure.
"逾期三十日以上" includes the 30th day (Civil Code art. 1259).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.billing import settled_on
from engine.calendar import late_days
from engine.money import fen
from reports.settlement import yuan


@dataclass
class Tranche:
    amount: Decimal
    paid_on: dt.date
    source: str  # payment id, or "--payment-date"


@dataclass
class Lateness:
    due: dt.date
    amount_due: Decimal
    paid: Decimal
    tranches: list[Tranche] = field(default_factory=list)
    days: int = 0
    penalty: Decimal = Decimal(0)  # exact
    termination: bool = False
    settled_on: dt.date | None = None
    unpaid_at: dt.date | None = None  # the check date, if still not paid in full after the due date
    explanation: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "amount_due": str(fen(self.amount_due)),
            "paid": str(fen(self.paid)),
            "settled_on": self.settled_on.isoformat() if self.settled_on else None,
            "unpaid_at": self.unpaid_at.isoformat() if self.unpaid_at else None,
            "late_days": self.days,
            "penalty": str(fen(self.penalty)),
            "termination_right": self.termination,
            "payments": [
                {"amount": str(fen(t.amount)), "paid_on": t.paid_on.isoformat(), "source": t.source}
                for t in self.tranches
            ],
            "explanation": list(self.explanation),
        }


def lateness(
    due: dt.date,
    amount_due: Decimal,
    payments: list[tuple[str, dt.date, Decimal]],
    check_date: dt.date,
    rate: Decimal,
    termination_days: int,
) -> Lateness:
    """payments: (source, paid_on, amount) in any order; paid in full on the day the sum reaches the amount."""
    out = Lateness(due, amount_due, Decimal(0))
    out.settled_on, out.paid = settled_on(((d, src, a) for src, d, a in payments), amount_due)
    out.tranches = [
        Tranche(a, d, src)
        for d, src, a in sorted((d, src, a) for src, d, a in payments)
        if out.settled_on is None or d <= out.settled_on
    ]
    until = out.settled_on
    if until is None and check_date > due:
        until = out.unpaid_at = check_date
    out.days = late_days(due, until).value if until is not None and until > due else 0  # type: ignore[assignment]
    out.penalty = amount_due * rate * out.days
    out.termination = out.days >= termination_days
    out.explanation = [f"应付日 {due.isoformat()}；逾期日数自应付日次日起算至付清之日（含）"]
    for t in out.tranches:
        out.explanation.append(f"{t.paid_on.isoformat()} 支付 {yuan(t.amount)}元（{t.source}）")
    if out.settled_on is not None:
        out.explanation.append(f"{out.settled_on.isoformat()} 付清，逾期{out.days}日")
    elif out.unpaid_at is not None:
        out.explanation.append(
            f"截至 {check_date.isoformat()} 尚未付清（已付 {yuan(out.paid)}元），逾期{out.days}日并继续计算"
        )
    else:
        out.explanation.append(f"截至 {check_date.isoformat()} 未到应付日")
    out.explanation.append(
        f"违约金 = 当期应付款 {yuan(amount_due)} × {rate} × {out.days} = {yuan(out.penalty)}元"
    )
    out.explanation.append(
        f"逾期{termination_days}日以上（含本数，《民法典》第1259条）对方有权解除合同："
        + ("已产生" if out.termination else "未产生")
    )
    return out

"""Late-payment penalty: amount × daily rate × late days, and the escalation it may give.

Shared by `respond_within` (payment after an invoice) and `achieve_by`
(a sum settled by a date). Late days count from the day after the due date
to the payment day inclusive; unpaid amounts run to the as-of date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, StrictInt

from lvyue.engine.calendar import late_days
from lvyue.engine.kinds.base import Item


class LateFee(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate_per_day: Decimal
    cap_share: Decimal | None = None  # the penalty never exceeds this share of the amount (e.g. 0.05)
    amount_field: str | None = None  # respond_within: the trigger fact's amount field
    escalate_after_days: StrictInt | None = None  # e.g. termination right when this late or more


def apply_late_fee(
    fee: LateFee, amount: Decimal, due: dt.date, until: dt.date, unpaid: bool, item: Item
) -> None:
    days = late_days(due, until).value
    penalty = amount * fee.rate_per_day * days
    if fee.cap_share is not None and penalty > amount * fee.cap_share:
        penalty = amount * fee.cap_share
        item.notes.append(f"违约金按约定上限计：应付未付款的{fee.cap_share * 100:g}%")
    item.values["late_days"] = days
    item.values["penalty"] = f"{penalty.quantize(Decimal('0.01'))}"
    item.amounts.update({"amount_due": amount, "penalty": penalty})
    if unpaid:
        item.notes.append(f"截至 {until.isoformat()} 仍未付清，违约金计至该日")
    if fee.escalate_after_days is not None and days >= fee.escalate_after_days:
        item.notes.append(
            f"逾期 {days} 日，已达 {fee.escalate_after_days} 日：对方取得解除合同的权利"
        )
        item.values["escalation"] = True

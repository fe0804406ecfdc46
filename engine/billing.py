"""Fees from usage: quantity × unit price per month, with the mid-month cut-off rule.

The Hebi contract bills a resource deployed before the 15th as a full month
and one deployed after it not at all for that month; the 15th itself is
named by neither, so the pack decides (parameter). Used by the `fee` rule
kind and by the pre-payment report, so both compute the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lvyue.facts.model import CatalogueItem, UsageLine


@dataclass(frozen=True)
class BillingRule:
    cutoff_day: int
    cutoff_day_bills_full_month: bool


@dataclass(frozen=True)
class FeeLine:
    month: str
    usage_id: str
    item: str
    item_name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    deployed_on: dt.date
    billed: bool
    reason: str
    amount: Decimal  # exact; rounded to the fen only when shown


def billable(deployed_on: dt.date, month: str, rule: BillingRule) -> tuple[bool, str]:
    y, m = int(month[:4]), int(month[5:7])
    if (deployed_on.year, deployed_on.month) < (y, m):
        return True, "上月及以前部署，按整月核算"
    if (deployed_on.year, deployed_on.month) > (y, m):
        return False, "当月尚未部署"
    d = deployed_on.day
    if d < rule.cutoff_day:
        return True, f"{rule.cutoff_day}日之前新部署，按整月核算"
    if d > rule.cutoff_day:
        return False, f"{rule.cutoff_day}日之后新部署，不核算当月费用"
    if rule.cutoff_day_bills_full_month:
        return True, f"{rule.cutoff_day}日当日部署：合同未明确，按参数计整月"
    return False, f"{rule.cutoff_day}日当日部署：合同未明确，按参数不计当月"


def bill(
    usage: list[UsageLine],
    catalogue: dict[str, CatalogueItem],
    months: list[str],
    rule: BillingRule,
) -> tuple[list[FeeLine], list[str]]:
    """Fee lines for the months, and problems (usage of an item not in the catalogue)."""
    lines: list[FeeLine] = []
    problems: list[str] = []
    wanted = set(months)
    for u in sorted(usage, key=lambda u: (u.month, u.item, u.id)):
        if u.month not in wanted:
            continue
        item = catalogue.get(u.item)
        if item is None:
            problems.append(f"使用量 {u.id} 的服务项 {u.item} 不在服务目录中")
            continue
        ok, reason = billable(u.deployed_on, u.month, rule)
        amount = u.quantity * item.unit_price if ok else Decimal(0)
        lines.append(
            FeeLine(
                u.month,
                u.id,
                u.item,
                item.name,
                item.unit,
                u.quantity,
                item.unit_price,
                u.deployed_on,
                ok,
                reason,
                amount,
            )
        )
    return lines, problems


def total(lines: list[FeeLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


def settled_on(
    payments: Iterable[tuple[dt.date, str, Decimal]], amount_due: Decimal
) -> tuple[dt.date | None, Decimal]:
    """The day cumulative payments (date, id, amount) first cover the amount, and the sum paid by then.

    Payments count in date order (id breaks ties); None while the sum falls short.
    """
    total = Decimal(0)
    for paid_on, _, amount in sorted(payments):
        total += amount
        if total >= amount_due:
            return paid_on, total
    return None, total

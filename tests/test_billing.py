"""The billing primitives shared by the fee rule, the payment rules and the pre-payment check."""

from datetime import date
from decimal import Decimal

from lvyue.engine.billing import BillingRule, billable, settled_on

RULE = BillingRule(cutoff_day=15, cutoff_day_bills_full_month=True)


def test_mid_month_rule_on_the_14th_15th_and_16th() -> None:
    assert billable(date(2026, 9, 14), "2026-09", RULE)[0] is True
    assert billable(date(2026, 9, 15), "2026-09", RULE)[0] is True  # the 15th: the pack's choice
    assert billable(date(2026, 9, 15), "2026-09", BillingRule(15, False))[0] is False
    assert billable(date(2026, 9, 16), "2026-09", RULE)[0] is False
    assert billable(date(2026, 9, 16), "2026-10", RULE)[0] is True  # the next month is billed in full
    assert billable(date(2026, 10, 1), "2026-09", RULE)[0] is False  # not yet deployed


def test_settled_on_the_day_the_sum_covers_the_amount() -> None:
    pays = [(date(2026, 10, 20), "P2", Decimal("3182058.17")), (date(2026, 9, 15), "P1", Decimal("3000000.00"))]
    assert settled_on(pays, Decimal("6182058.17")) == (date(2026, 10, 20), Decimal("6182058.17"))
    assert settled_on(pays, Decimal("6182058.18")) == (None, Decimal("6182058.17"))
    assert settled_on([], Decimal("1")) == (None, Decimal(0))

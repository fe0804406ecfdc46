"""How daily results merge into findings: consecutive checked days of one subject and outcome."""

from __future__ import annotations

import datetime as dt

from lvyue.engine.evaluate import _runs
from lvyue.engine.kinds.base import Item
from lvyue.engine.patterns import Outcome

D = dt.date
OK = Outcome("compliant", ())
HEAD = Outcome("breach", (), tag="")
CERT = Outcome("breach", (), tag="qualified")


def day(n: int) -> Item:
    d = D(2026, 10, 12) + dt.timedelta(days=n)
    return Item(key=d.isoformat(), subject="驻场", type="t.per_day", fields={}, day=d)


def test_a_day_fine_for_one_outcome_but_breached_for_another_breaks_the_first_run() -> None:
    items = [day(n) for n in range(4)]
    decided = [
        (items[0], HEAD, []),
        (items[1], CERT, []),  # head count fine, certificates short
        (items[2], HEAD, []),
        (items[3], HEAD, []),
    ]
    runs = _runs(decided, items)
    spans = sorted((r[0][1].tag, r[0][0].day, r[-1][0].day) for r in runs)
    assert spans == [
        ("", D(2026, 10, 12), D(2026, 10, 12)),
        ("", D(2026, 10, 14), D(2026, 10, 15)),
        ("qualified", D(2026, 10, 13), D(2026, 10, 13)),
    ]


def test_days_without_items_do_not_break_a_run() -> None:
    items = [day(0), day(3)]  # a week-end between: no items, still consecutive checked days
    runs = _runs([(items[0], HEAD, []), (items[1], HEAD, [])], items)
    assert len(runs) == 1 and len(runs[0]) == 2
    ok = _runs([(items[0], HEAD, []), (items[1], OK, [])], items)
    assert [len(r) for r in ok] == [1]

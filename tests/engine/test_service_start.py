"""A service that starts after signing, and a term that ends on a stated day.

The Jiangzhou contract is signed 2026-06-26 but its service runs 2026-07-01 to
2027-06-30: nothing is owed for June, contract years and quarters count from
07-01, and the term's last day is the day the contract names.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from packkit import write_pack

from lvyue.engine.evaluate import evaluate
from lvyue.engine.kinds.periods import periods
from lvyue.engine.pack import load_pack
from lvyue.facts.model import Report

D = dt.date

MONTHLY = """
- id: S-MONTHLY
  clause: 四（一）3
  text: 乙方定期提供运行报告
  title: 月度运行报告
  obligor: party_b
  check:
    kind: periodic
    facts: report
    every: month
    date_field: delivered_on
    period_field: period
    due: {working_days: 5}
"""


def pack_starting_later(tmp_path: Path):
    root = write_pack(tmp_path / "pack", {"rules.yaml": textwrap.dedent(MONTHLY)})
    text = (root / "contract.yaml").read_text(encoding="utf-8")
    text = text.replace("signed_on: 2026-07-01\n", "signed_on: 2026-06-26\nservice_start: 2026-07-01\n", 1)
    text = text.replace("term:\n  years: 1\n", "term:\n  end: 2027-06-30\n", 1)
    (root / "contract.yaml").write_text(text, encoding="utf-8")
    return load_pack(root)


def test_nothing_is_owed_before_the_service_starts(tmp_path: Path) -> None:
    pack = pack_starting_later(tmp_path)
    july = Report(id="R7", kind="operation", period="2026-07", delivered_on=D(2026, 8, 5))
    ev = evaluate(pack, {"report": [july]}, as_of=D(2026, 8, 31), period=(D(2026, 6, 1), D(2026, 8, 31)))
    subjects = {f.subject: f.status for f in ev.findings}
    # June (signed 06-26) is before the service: no report owed; July's is on time
    # (07-31 + 5 working days: 08-03, 04, 05, 06, 07 → due 08-07; delivered 08-05)
    assert "2026-06" not in subjects
    assert subjects == {"月度运行报告": "compliant"}


def test_the_term_ends_on_the_day_the_contract_names(tmp_path: Path) -> None:
    pack = pack_starting_later(tmp_path)
    end = pack.term_end()
    assert end.value == D(2027, 6, 30)  # not 2027-06-26 + art. 203; the contract states the day
    assert pack.service_start == D(2026, 7, 1)


def test_contract_quarters_count_from_the_service_start() -> None:
    got = [(p.start, p.end) for p in periods("contract_quarter", D(2026, 7, 1), D(2027, 1, 31), D(2026, 7, 1))]
    assert got == [(D(2026, 7, 1), D(2026, 9, 30)), (D(2026, 10, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 3, 31))]
    shifted = periods("contract_quarter", D(2026, 8, 1), D(2026, 12, 31), D(2026, 8, 15))
    assert [(p.start, p.end) for p in shifted] == [(D(2026, 8, 15), D(2026, 11, 14)), (D(2026, 11, 15), D(2027, 2, 14))]

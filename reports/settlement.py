"""The settlement facts of a saved result, for reports: a thin door to engine.settlement.

Settlement (facts, model, arithmetic) lives in engine/settlement so the check
and every report share it; reports import it from here or from there.
"""

from __future__ import annotations

from lvyue.engine.settlement.facts import (
    Settlement,
    label_months,
    load_settlement,
    months_between,
    period_label,
    yuan,
)

__all__ = ["Settlement", "label_months", "load_settlement", "months_between", "period_label", "yuan"]

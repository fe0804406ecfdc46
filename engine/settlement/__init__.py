"""Settlement as pack data: the model in `rules/<pack>/settlement.yaml` and the arithmetic on it.

Used by the pre-payment check and any report (and by the check, should it
need a fee): one generic module, no contract's names or numbers in Python.
"""

from lvyue.engine.settlement.compute import (
    DeductionResult,
    FeeResult,
    Item,
    Lateness,
    Scope,
    blocker,
    compute_deduction,
    compute_fee,
    due_date,
    get_path,
    items_of,
    lateness,
    triggers,
    usage_fee,
)
from lvyue.engine.settlement.facts import (
    Settlement,
    label_months,
    load_settlement,
    months_between,
    period_label,
    yuan,
)
from lvyue.engine.settlement.model import SettlementModel, load_model, origin, pack_model

__all__ = [
    "DeductionResult", "FeeResult", "Item", "Lateness", "Scope", "Settlement", "SettlementModel", "blocker",
    "compute_deduction", "compute_fee", "due_date", "get_path", "items_of", "label_months", "lateness",
    "load_model", "load_settlement", "months_between", "origin", "pack_model", "period_label", "triggers",
    "usage_fee", "yuan",
]  # fmt: skip

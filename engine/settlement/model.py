"""The settlement model a pack declares in `settlement.yaml`: fee, deductions, due date, late fee.

Settlement is pack data (DESIGN.md): the pre-payment check and any report
read this model and never a contract's parameter names. Values may be
`$parameters` of contract.yaml, so every number still lives once; `$name?`
is an optional reference (null when the pack has no such parameter). A
section's `clause` defaults to the clause of the first parameter it refers
to. Errors name settlement.yaml, the line and the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lvyue.engine.errors import InputError
from lvyue.engine.kinds.periods import Every
from lvyue.engine.rule import resolve_refs
from lvyue.engine.yamlio import LineDict, load_yaml, locate, validation_errors

FILE = "settlement.yaml"
ID = r"^[a-z][a-z0-9_]*$"


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _no_float(cls, data: Any) -> Any:
        """Money and rates stay exact: a YAML float (0.05) would not be."""
        if isinstance(data, dict):
            for k, v in data.items():
                vals = v.values() if isinstance(v, dict) else [v]
                if any(isinstance(x, float) for x in vals):
                    raise ValueError(f"{k}: write decimal numbers as quoted strings (\"0.05\") to keep them exact")
        return data


# --- fee models -------------------------------------------------------------------------------


class UsageTimesPrice(_M):
    """Usage × catalogue unit price per month, with a cut-off day for resources deployed mid-month."""

    kind: Literal["usage_times_price"]
    title: str = "按使用量×单价核算的服务费"
    clause: str | None = None
    cutoff_day: int = Field(ge=1, le=31)
    cutoff_day_bills_full_month: bool  # the cut-off day itself: a full month (true) or nothing (false)


class FixedPerPeriod(_M):
    """A fixed instalment for every `per` period the settlement covers (a whole period each)."""

    kind: Literal["fixed_per_period"]
    title: str = "固定服务费"
    clause: str | None = None
    amount: Decimal = Field(ge=0)
    per: Every


Fee = Annotated[UsageTimesPrice | FixedPerPeriod, Field(discriminator="kind")]


class BudgetCap(_M):
    """Invoices issued in each `per` period (e.g. contract year) may not exceed the amount."""

    title: str = "年度预算"
    clause: str | None = None
    amount: Decimal = Field(ge=0)
    per: Every = "contract_year"
    excluded_periods: list[str] = Field(default_factory=list)  # invoice periods that do not count

    @field_validator("excluded_periods", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


# --- deductions -----------------------------------------------------------------------------


class Cap(_M):
    """A cumulative cap: the deductions of one kind in each `per` period ≤ share × that period's fee."""

    share: Decimal = Field(ge=0, le=1)
    per: Every | None = None  # None: the whole settlement period


class Tier(_M):
    """One row of a tiered table: from ≤ value < below → share of the fee."""

    from_: Decimal | None = Field(None, alias="from")
    below: Decimal | None = None
    share: Decimal = Field(ge=0, le=1)


class Fallback(_M):
    """When the item has no value: derive it from a score and floors (grade: lowest score)."""

    value: str
    thresholds: dict[str, Decimal]


class DeductionBase(_M):
    """What every deduction has: which items it reads (a rule's findings or facts) and its clause.

    Items are findings of `rule` (statuses `status`) or settlement facts of
    type `facts`; `where` keeps items whose field (dotted path:
    `details.availability`) equals the value (or one of a list). `date` is
    the item's date (default for findings: `period.start`); items dated
    outside the settlement period are left out, as are facts whose
    `period_field` label does not overlap it.
    """

    id: str = Field(pattern=ID)
    title: str
    clause: str | None = None
    note: str | None = None
    rule: str | None = None
    status: list[str] = Field(default_factory=lambda: ["breach"])
    facts: str | None = None
    where: dict[str, Any] = Field(default_factory=dict)
    date: str | None = None
    period_field: str | None = None  # facts: a period label field (考核期 2026Q3) that must overlap the settlement
    describe: str | None = None  # how a row is shown: "{date} {severity}：{description}"
    cap: Cap | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DeductionBase:
        if (self.rule is None) == (self.facts is None):
            raise ValueError("give exactly one of `rule` (its findings) or `facts` (a fact type)")
        return self


class PerFinding(DeductionBase):
    """A fixed amount for every item (2,000 per repair overrun)."""

    kind: Literal["per_finding"]
    amount: Decimal = Field(ge=0)


class PerUnit(DeductionBase):
    """A fixed amount × the number an item carries in `units` (500 × absent person-days)."""

    kind: Literal["per_unit"]
    amount: Decimal = Field(ge=0)
    units: str


class Tiered(DeductionBase):
    """The item's `value` looked up in `tiers` → a share of the fee (per `cap.per` period if set)."""

    kind: Literal["tiered"]
    value: str
    tiers: list[Tier] = Field(min_length=1)

    @field_validator("tiers")
    @classmethod
    def _ordered(cls, tiers: list[Tier]) -> list[Tier]:
        """Ranges may leave gaps (a value in none blocks payment) but never overlap."""
        spans = sorted(
            (t.from_ if t.from_ is not None else Decimal("-Infinity"), t.below if t.below is not None else Decimal("Infinity"))
            for t in tiers
        )
        for lo, hi in spans:
            if lo >= hi:
                raise ValueError(f"tier from {lo} below {hi} is empty")
        for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False):
            if hi > lo:
                raise ValueError(f"tiers overlap at {lo}")
        return tiers


class Coefficient(DeductionBase):
    """One item (the latest by `date`) gives a grade; fee × (1 − table[grade]). No item blocks payment."""

    kind: Literal["coefficient"]
    value: str
    table: dict[str, Decimal]
    fallback: Fallback | None = None


class RateTable(DeductionBase):
    """Every item: fee × rates[item's `value`] (incidents by severity)."""

    kind: Literal["rate_table"]
    value: str
    rates: dict[str, Decimal]


Deduction = Annotated[PerFinding | PerUnit | Tiered | Coefficient | RateTable, Field(discriminator="kind")]


# --- due date, late fee, the rest --------------------------------------------------------------


class Trigger(_M):
    """The fact the payment term runs from: the settlement's invoices, an acceptance, ...

    Triggers of the period: facts of type `facts` matching `where` whose
    `period_field` (a period label) overlaps the settlement months; the last
    one by `date` counts.
    """

    facts: str
    date: str
    period_field: str | None = None
    where: dict[str, Any] = Field(default_factory=dict)
    label: str  # how the report names it: 发票, 验收合格


class Due(_M):
    """N working days after the trigger, or N natural days (Civil Code art. 203 extension), or N months."""

    clause: str | None = None
    trigger: Trigger = Field(alias="from")
    working_days: int | None = Field(None, ge=0)
    natural_days: int | None = Field(None, ge=0)
    months: int | None = Field(None, ge=0)
    text: str | None = None  # the payment term in words; {n} is the number; default built from the values

    @model_validator(mode="after")
    def _one_period(self) -> Due:
        if sum(x is not None for x in (self.working_days, self.natural_days, self.months)) != 1:
            raise ValueError("give exactly one of working_days, natural_days, months")
        return self

    @property
    def n(self) -> int:
        return next(x for x in (self.working_days, self.natural_days, self.months) if x is not None)

    def term_text(self) -> str:
        if self.text is not None:
            return self.text.replace("{n}", str(self.n))
        label = self.trigger.label
        if self.working_days is not None:
            return f"{label}后{self.n}个工作日"
        if self.natural_days is not None:
            return f"{label}之日起{self.n}日内"
        return f"{label}之日起{self.n}个月内"


class LateFee(_M):
    """Late-payment fee: base × rate × late days, at most cap_share × base; termination right after N days."""

    clause: str | None = None
    rate_per_day: Decimal = Field(ge=0)
    base: Literal["payable", "invoiced"] = "payable"
    base_text: str = "应付款"  # how the contract names the base: 当期应付款, 应付未付款
    cap_share: Decimal | None = Field(None, ge=0)
    termination_days: int | None = Field(None, ge=1)


class SeparateDue(_M):
    months: int | None = Field(None, ge=0)
    natural_days: int | None = Field(None, ge=0)
    working_days: int | None = Field(None, ge=0)
    start: Literal["signed_on"] = Field("signed_on", alias="from")


class Separate(_M):
    """A sum the contract settles apart from the periodic fee (invoices with this period label)."""

    id: str = Field(pattern=ID)  # also the key of this sum in the report's JSON
    title: str
    clause: str | None = None
    label: str
    amount: Decimal = Field(ge=0)
    recompute: bool = False  # recompute from usage lines of the label's months with the fee model
    due: SeparateDue


class Confirmation(_M):
    """A document every `every` period must have, confirmed, before payment (usage reports)."""

    title: str
    code: str = Field("confirmation", pattern=ID)  # blockers: <code>_missing, <code>_unconfirmed
    clause: str | None = None
    facts: str
    where: dict[str, Any] = Field(default_factory=dict)
    every: Literal["month"] = "month"
    period_field: str = "period"
    delivered_field: str | None = None
    confirmed_field: str


class PayeeCheck(_M):
    confirmed: bool = False  # Party B confirmed in writing the contract's payee account


class Sme(_M):
    cap_days: int | None = Field(None, ge=1)  # 《保障中小企业款项支付条例》 payment term cap


class InvoiceCheck(_M):
    clause: str | None = None
    compare: Literal["fee", "payable", "none"] = "fee"  # what the period's invoices must total


RESERVED = {
    "contract", "as_of", "check_date", "payment_date", "settlement", "fee", "invoice", "payee", "confirmations",
    "open_breaches", "deductions", "payable", "budget", "due", "sme", "separate", "blockers", "notes",
    "decision", "rate", "payment_term", "parameters", "late_fee",
}  # fmt: skip


class SettlementModel(_M):
    fee: Fee
    invoice: InvoiceCheck = Field(default_factory=InvoiceCheck)
    deductions: list[Deduction] = Field(default_factory=list)
    budget_cap: BudgetCap | None = None
    due: Due
    late_fee: LateFee
    payee: PayeeCheck = Field(default_factory=PayeeCheck)
    confirmations: list[Confirmation] = Field(default_factory=list)
    separate: list[Separate] = Field(default_factory=list)
    sme: Sme = Field(default_factory=Sme)
    notes: list[str] = Field(default_factory=list)
    # Filled by the loader, not written in YAML.
    parameters: list[str] = Field(default_factory=list, exclude=True)  # the $parameters it refers to
    sources: dict[str, str] = Field(default_factory=dict, exclude=True)  # "payee.confirmed" → its parameter

    def fact_types(self) -> set[str]:
        """Every fact type the settlement reads (the check result carries these facts for the reports)."""
        named = {d.facts for d in self.deductions if d.facts} | {c.facts for c in self.confirmations}
        named |= {self.due.trigger.facts, "invoice", "payment"}
        if isinstance(self.fee, UsageTimesPrice):
            named |= {"usage", "catalogue"}
        return named

    @model_validator(mode="after")
    def _unique_ids(self) -> SettlementModel:
        seen: set[str] = set()
        for x in [*self.deductions, *self.separate]:
            if x.id in seen:
                raise ValueError(f"duplicate id {x.id!r}")
            if x.id in RESERVED:
                raise ValueError(f"id {x.id!r} is reserved (a section of the report)")
            seen.add(x.id)
        return self


# --- loading --------------------------------------------------------------------------------


def _refs(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[str, bool, tuple[Any, ...]]]:
    """Every `$name` / `$name?` in the data: (name, optional, path)."""
    if isinstance(node, dict):
        return [r for k, v in node.items() for r in _refs(v, (*path, k))]
    if isinstance(node, list):
        return [r for i, v in enumerate(node) for r in _refs(v, (*path, i))]
    if isinstance(node, str) and node.startswith("$") and len(node) > 1:
        return [(node[1:].rstrip("?"), node.endswith("?"), path)]
    return []


def _drop_missing_optional(node: Any, params: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {k: _drop_missing_optional(v, params) for k, v in node.items()}
    if isinstance(node, list):
        return [_drop_missing_optional(v, params) for v in node]
    if isinstance(node, str) and node.startswith("$") and node.endswith("?"):
        return f"${node[1:-1]}" if node[1:-1] in params else None
    return node


def _default_clauses(raw: Any, resolved: dict[str, Any], clauses: dict[str, str | None]) -> None:
    """A section without `clause` cites the clause of the first parameter it refers to."""
    sections: list[tuple[Any, Any]] = []
    for key in ("fee", "invoice", "budget_cap", "due", "late_fee"):
        if isinstance(raw.get(key), dict) and isinstance(resolved.get(key), dict):
            sections.append((raw[key], resolved[key]))
    for key in ("deductions", "separate", "confirmations"):
        for r, x in zip(raw.get(key) or [], resolved.get(key) or [], strict=True):
            if isinstance(r, dict) and isinstance(x, dict):
                sections.append((r, x))
    for r, x in sections:
        if x.get("clause") is None:
            x["clause"] = next((clauses[n] for n, _, _ in _refs(r) if clauses.get(n)), None)


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A pydantic error location as a path in the YAML (discriminator tags dropped)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict):
            continue
        else:
            break
        out.append(part)
    return tuple(out)


def load_model(
    root: Path, params: dict[str, Any], clauses: dict[str, str | None] | None = None
) -> SettlementModel:
    """The pack's settlement model, `$parameters` resolved against params (name → typed value).

    clauses: parameter name → its contract clause (for sections that cite none).
    """
    path = Path(root) / FILE
    file = str(path)
    if not path.is_file():
        raise InputError("the pack declares no settlement model (settlement.yaml): see docs/reports.md", file=file)
    raw = load_yaml(path)
    if not isinstance(raw, LineDict):
        raise InputError("expected a mapping (fee, deductions, due, late_fee, ...)", file=file, line=getattr(raw, "line", None))
    refs = _refs(raw)
    for name, optional, where in refs:
        if not optional and name not in params:
            raise InputError(f"unknown parameter ${name} (not in contract.yaml parameters)", file=file, line=locate(raw, where), field=".".join(map(str, where)))
    data = resolve_refs(_drop_missing_optional(raw, params), params)
    _default_clauses(raw, data, clauses or {})
    try:
        model = SettlementModel.model_validate(data)
    except ValidationError as exc:
        err = validation_errors(exc, raw, file)[0]
        where = _data_path(raw, tuple(exc.errors()[0]["loc"]))
        named = next((n for n, _, w in refs if where and w[: len(where)] == where), None)
        if named is not None:
            err.message += f" (from parameter ${named})"
        raise err from None
    model.parameters = sorted({n for n, _, _ in refs if n in params})
    model.sources = {".".join(map(str, w)): n for n, _, w in refs if n in params}
    return model


def pack_model(pack: Any, overrides: dict[str, Any] | None = None) -> SettlementModel:
    """The settlement model of a loaded pack; `overrides` (a result's parameter values) win over the pack's."""
    params = {**pack.params, **(overrides or {})}
    clauses = {n: p.clause for n, p in pack.contract.parameters.items()}
    return load_model(pack.root, params, clauses)


def origin(pack: Any) -> dt.date:
    """Where contract periods (contract year, contract quarter) count from: the service start, else signing."""
    return getattr(pack.contract, "service_start", None) or pack.contract.signed_on


__all__ = [
    "FILE", "Cap", "Coefficient", "Confirmation", "Deduction", "Due", "FixedPerPeriod", "LateFee",
    "PerFinding", "PerUnit", "RateTable", "Separate", "SettlementModel", "Tier", "Tiered", "UsageTimesPrice",
    "load_model", "origin", "pack_model",
]  # fmt: skip

"""Settlement arithmetic from the pack's model: fee, deductions with caps, due date, late fee.

Generic: every number, clause and text comes from `settlement.yaml` (see
engine/settlement/model.py); the findings a deduction reads are named there
by rule id and field path. Amounts stay exact Decimals; rounding to the fen
(四舍五入, engine.money.fen) happens when a figure is shown or compared.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lvyue.engine.billing import BillingRule, FeeLine, bill, settled_on, total
from lvyue.engine.calendar import WorkingCalendar, deadline_after, late_days
from lvyue.engine.calendar.reckon import Reckoning
from lvyue.engine.kinds.periods import periods
from lvyue.engine.money import fen, money
from lvyue.engine.settlement.facts import Settlement, label_months, months_between, yuan
from lvyue.engine.settlement.model import (
    Coefficient,
    Deduction,
    Due,
    FixedPerPeriod,
    PerFinding,
    PerUnit,
    RateTable,
    Tiered,
    UsageTimesPrice,
)


def blocker(code: str, message: str, clause: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "clause": clause}


# --- fee --------------------------------------------------------------------------------------


@dataclass
class FeeResult:
    kind: str
    title: str
    clause: str | None
    exact: Decimal
    parts: list[tuple[frozenset[str], Decimal]]  # (months, amount): what each month range contributes
    lines: list[FeeLine] = field(default_factory=list)  # usage_times_price
    instalments: list[dict[str, Any]] = field(default_factory=list)  # fixed_per_period
    problems: list[str] = field(default_factory=list)

    def of_months(self, months: set[str]) -> Decimal:
        """The fee of the parts lying within these months (a quarter's share base)."""
        return sum((a for ms, a in self.parts if ms <= months), Decimal(0))


def billing_rule(fee: UsageTimesPrice) -> BillingRule:
    return BillingRule(fee.cutoff_day, fee.cutoff_day_bills_full_month)


def usage_fee(fee: UsageTimesPrice, st: Settlement, months: list[str]) -> tuple[list[FeeLine], list[str]]:
    catalogue = {c.id: c for c in st.of("catalogue")}
    return bill(st.of("usage"), catalogue, months, billing_rule(fee))


def compute_fee(
    fee: UsageTimesPrice | FixedPerPeriod, st: Settlement, months: list[str], window: tuple[dt.date, dt.date], origin: dt.date
) -> FeeResult:
    """The period's fee: usage lines × unit price, or one instalment per `per` period in the window."""
    if isinstance(fee, UsageTimesPrice):
        lines, problems = usage_fee(fee, st, months)
        parts = [(frozenset([x.month]), x.amount) for x in lines]
        return FeeResult(fee.kind, fee.title, fee.clause, total(lines), parts, lines=lines, problems=problems)
    inst, parts = [], []
    if window[0] <= window[1]:
        for p in periods(fee.per, window[0], window[1], origin):
            ms = months_between(p.start, p.end)
            parts.append((frozenset(ms), fee.amount))
            inst.append({"period": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(), "amount": money(fee.amount)})
    exact = sum((a for _, a in parts), Decimal(0))
    return FeeResult(fee.kind, fee.title, fee.clause, exact, parts, instalments=inst)


# --- items a deduction reads --------------------------------------------------------------------


@dataclass
class Item:
    id: str
    date: dt.date | None
    data: dict[str, Any]
    cite: str = ""


def get_path(data: Any, path: str) -> Any:
    """`details.availability` → data["details"]["availability"]; None when absent."""
    node = data
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a is not None and str(a) == str(b)


def _matches(data: dict[str, Any], where: dict[str, Any]) -> bool:
    for k, want in where.items():
        got = get_path(data, k)
        if not any(_eq(got, w) for w in (want if isinstance(want, list) else [want])):
            return False
    return True


def _as_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None


def items_of(d: Deduction, result: dict[str, Any], st: Settlement, start: dt.date, end: dt.date) -> list[Item]:
    """The findings of d.rule (or facts of d.facts) that fall in [start, end] and match d.where."""
    out: list[Item] = []
    if d.rule is not None:
        for f in result.get("findings") or []:
            if f.get("rule") != d.rule or f.get("status") not in d.status or not _matches(f, d.where):
                continue
            per = f.get("period") or {}
            if d.date is None and per:
                a, b = _as_date(per.get("start")), _as_date(per.get("end"))
                if a is not None and b is not None and (b < start or a > end):
                    continue
                day = a
            else:
                day = _as_date(get_path(f, d.date)) if d.date else None
                if day is not None and not start <= day <= end:
                    continue
            out.append(Item(str(f.get("subject") or f.get("id")), day, f, str(f.get("id") or "")))
    else:
        for fact in st.of(str(d.facts)):
            data = fact.model_dump(exclude={"provenance"})
            if not _matches(data, d.where):
                continue
            day = _as_date(get_path(data, d.date)) if d.date else None
            if d.period_field is not None:  # the period label decides; the date only orders
                ms = label_months(str(get_path(data, d.period_field)))
                if not ms or not set(ms) & set(months_between(start, end)):
                    continue
            elif d.date and (day is None or not start <= day <= end):
                continue
            out.append(Item(fact.id, day, data, st.cite(str(d.facts), fact.id)))
    return sorted(out, key=lambda i: (i.date or dt.date.min, i.id))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def describe(d: Deduction, item: Item) -> str:
    if not d.describe:
        return ""
    flat = _Blank({k: v for k, v in item.data.items() if not isinstance(v, dict)})
    flat.update({k: v for k, v in (item.data.get("details") or {}).items()} if isinstance(item.data.get("details"), dict) else {})
    for k, v in list(flat.items()):
        if isinstance(v, list):  # a list of days reads 2026-12-16、2026-12-17
            flat[k] = "、".join(map(str, v))
    try:
        return string.Formatter().vformat(d.describe, (), flat)
    except (ValueError, IndexError, AttributeError):
        return d.describe


def _number(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return Decimal(str(v).strip().rstrip("%"))
    except InvalidOperation:
        return None


# --- deductions ---------------------------------------------------------------------------------


@dataclass
class DeductionResult:
    id: str
    kind: str
    title: str
    clause: str | None
    note: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    exact: Decimal = Decimal(0)  # after the cap
    before_cap: Decimal = Decimal(0)
    caps: list[dict[str, Any]] = field(default_factory=list)
    blockers: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "title": self.title, "clause": self.clause, "note": self.note,
            "rows": self.rows, "before_cap": money(self.before_cap), "caps": self.caps, "amount": money(self.exact),
        }  # fmt: skip


@dataclass
class Scope:
    """What a deduction is computed against."""

    label: str  # the settlement period's label
    months: list[str]
    fee: FeeResult
    origin: dt.date


def _group(d: Deduction, item: Item, scope: Scope) -> tuple[str, Decimal]:
    """The cap period an item falls in and that period's fee (the share base)."""
    if d.cap is None or d.cap.per is None or item.date is None:
        return scope.label, scope.fee.exact
    p = periods(d.cap.per, item.date, item.date, scope.origin)[0]
    ms = set(months_between(p.start, p.end)) & set(scope.months)
    return p.label, scope.fee.of_months(ms)


def compute_deduction(d: Deduction, items: list[Item], scope: Scope) -> DeductionResult:
    out = DeductionResult(d.id, d.kind, d.title, d.clause, d.note)
    base = scope.fee.exact
    groups: dict[str, tuple[Decimal, Decimal]] = {}  # label → (sum, share base)

    def row(item: Item, amount: Decimal | None, **kw: Any) -> None:
        label, gbase = _group(d, item, scope)
        r = {
            "id": item.id, "finding": item.cite if d.rule else None, "cite": None if d.rule else item.cite,
            "date": item.date.isoformat() if item.date else None, "text": describe(d, item), "group": label,
            "amount": None if amount is None else money(amount), **kw,
        }  # fmt: skip
        out.rows.append(r)
        if amount is not None:
            s, _ = groups.get(label, (Decimal(0), gbase))
            groups[label] = (s + amount, gbase)

    def unknown(item: Item, what: str, value: Any) -> None:
        out.blockers.append(blocker("deduction_value_unknown", f"{d.title}：{item.id}的{what}“{value}”无法计算扣减", d.clause))

    if isinstance(d, PerFinding):
        for it in items:
            row(it, d.amount, formula=f"{yuan(d.amount)}")
    elif isinstance(d, PerUnit):
        for it in items:
            units = _number(get_path(it.data, d.units))
            if units is None:
                unknown(it, d.units, get_path(it.data, d.units))
                row(it, None, units=None)
                continue
            if units == 0:
                continue  # nothing to deduct (e.g. a certificate finding: no engineer missing)
            row(it, d.amount * units, units=str(units), formula=f"{yuan(d.amount)} × {units}")
    elif isinstance(d, Tiered):
        for it in items:
            raw = get_path(it.data, d.value)
            v = _number(raw)
            tier = None if v is None else next(
                (t for t in d.tiers if (t.from_ is None or v >= t.from_) and (t.below is None or v < t.below)), None
            )
            if tier is None:
                unknown(it, d.value, raw)
                row(it, None, value=None if raw is None else str(raw))
                continue
            _, gbase = _group(d, it, scope)
            row(it, gbase * tier.share, value=str(v), factor=str(tier.share), formula=f"{yuan(gbase)} × {tier.share}")
    elif isinstance(d, RateTable):
        for it in items:
            value = get_path(it.data, d.value)
            rate = d.rates.get(str(value))
            if rate is None:
                out.blockers.append(blocker("deduction_value_unknown", f"{d.title}：{it.id}的“{value}”不在扣减比例表中", d.clause))
                row(it, None, value=value, factor=None)
                continue
            row(it, base * rate, value=value, factor=str(rate), formula=f"{yuan(base)} × {rate}")
    elif isinstance(d, Coefficient):
        if not items:
            out.blockers.append(blocker("deduction_missing", f"未见{scope.label}{d.title}所依据的记录，无法确定扣减", d.clause))
        else:
            it = max(items, key=lambda i: (i.date or dt.date.min, i.id))
            value = get_path(it.data, d.value)
            score = None
            if value is None and d.fallback is not None:
                score = _number(get_path(it.data, d.fallback.value))
                value = _grade(score, d.fallback.thresholds)
            coef = d.table.get(str(value)) if value is not None else None
            if coef is None:
                out.blockers.append(blocker("deduction_value_unknown", f"{d.title}：{it.id}的“{value}”不在系数表中", d.clause))
                row(it, None, value=value, factor=None)
            else:
                row(it, base * (Decimal(1) - coef), value=value, factor=str(coef), formula=f"{yuan(base)} × (1 − {coef})")
    out.before_cap = sum((s for s, _ in groups.values()), Decimal(0))
    out.exact = out.before_cap
    if d.cap is not None:
        for label, (s, gbase) in sorted(groups.items()):
            limit = gbase * d.cap.share
            if s > limit:
                out.exact -= s - limit
                out.caps.append({"group": label, "sum": money(s), "share": str(d.cap.share), "cap": money(limit), "formula": f"{yuan(gbase)} × {d.cap.share}"})
    return out


def _grade(score: Decimal | None, floors: dict[str, Decimal]) -> str | None:
    """The grade whose floor is the highest one the score reaches."""
    if score is None:
        return None
    best: tuple[str, Decimal] | None = None
    for grade, floor in floors.items():
        if score >= floor and (best is None or floor > best[1]):
            best = (grade, floor)
    return best[0] if best else None


# --- due date -----------------------------------------------------------------------------------


def triggers(
    due: Due, st: Settlement, months: list[str], excluded_labels: set[str], as_of: dt.date | None = None
) -> tuple[list[Any], list[str]]:
    """The trigger facts of the period (sorted by date), and notes on ones whose period is unreadable.

    A trigger dated after `as_of` has not happened for the check this report rests on: it is left out.
    """
    t = due.trigger
    wanted, out, notes = set(months), [], []
    for f in st.of(t.facts):
        data = f.model_dump(exclude={"provenance"})
        day = _as_date(data.get(t.date))
        if not _matches(data, t.where) or day is None:
            continue
        if as_of is not None and day > as_of:
            notes.append(f"{t.label}{f.id}（{day.isoformat()}）晚于核查基准日{as_of.isoformat()}，未计入")
            continue
        if t.period_field is not None:
            label = data.get(t.period_field)
            if label in excluded_labels:
                continue
            ms = label_months(str(label)) if label is not None else None
            if ms is None:
                notes.append(f"{t.label}{f.id}的所属期间“{label}”无法识别，未计入本期")
                continue
            if not set(ms) & wanted:
                continue
        out.append(f)
    return sorted(out, key=lambda f: (_as_date(getattr(f, t.date)), f.id)), notes


def due_date(due: Due, cal: WorkingCalendar, start: dt.date) -> Reckoning:
    """N working days after the trigger, or N days / months (Civil Code arts. 201-203: a last day off work moves on)."""
    return deadline_after(cal, start, working_days=due.working_days, natural_days=due.natural_days, months=due.months)


# --- lateness -----------------------------------------------------------------------------------


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
    penalty: Decimal = Decimal(0)  # exact, after the cap
    uncapped: Decimal = Decimal(0)
    cap: Decimal | None = None
    termination: bool | None = False  # None: the contract gives no such right
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
            "uncapped": str(fen(self.uncapped)),
            "cap": None if self.cap is None else str(fen(self.cap)),
            "capped": self.cap is not None and self.uncapped > self.cap,
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
    termination_days: int | None,
    cap_share: Decimal | None = None,
    base_text: str = "应付款",
) -> Lateness:
    """Days late 算尾不算头 (day after the due date to the day paid in full); penalty = base × rate × days, capped.

    payments: (source, paid_on, amount) in any order; an amount still unpaid
    runs to the check date. "N日以上" includes N (Civil Code art. 1259).
    """
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
    out.uncapped = out.penalty = amount_due * rate * out.days
    if cap_share is not None:
        out.cap = amount_due * cap_share
        out.penalty = min(out.uncapped, out.cap)
    out.termination = None if termination_days is None else out.days >= termination_days
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
    out.explanation.append(f"违约金 = {base_text} {yuan(amount_due)} × {rate} × {out.days} = {yuan(out.uncapped)}元")
    if out.cap is not None:
        verdict = f"超过上限，按上限 {yuan(out.cap)}元计" if out.uncapped > out.cap else "未超过上限"
        out.explanation.append(f"违约金上限 = {base_text} {yuan(amount_due)} × {cap_share} = {yuan(out.cap)}元：{verdict}")
    if termination_days is not None:
        out.explanation.append(
            f"逾期{termination_days}日以上（含本数，《民法典》第1259条）对方有权解除合同："
            + ("已产生" if out.termination else "未产生")
        )
    return out

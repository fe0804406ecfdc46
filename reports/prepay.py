"""The pre-payment check (结算前核查) for one settlement period, from a saved result.

Computes, exactly and line by line: the fee (usage × unit price with the
mid-month rule), the invoice comparison, what blocks payment, deductions
(performance grade coefficient, supplier-caused incidents), the annual
budget cap with the contract year's running total, the payment due date and
any lateness, the SME payment-law note, and the separately settled overdue
sum with its own deadline. Decimals throughout; rounded to the fen only at
the end; the payable total also in 大写.
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import Any

from engine.billing import BillingRule, bill, total
from engine.calendar import civil_period, deadline_after
from engine.kinds.periods import periods
from engine.money import fen, money
from engine.pack import Pack
from reports.capital import capital
from reports.lateness import lateness
from reports.settlement import (
    Params,
    Settlement,
    label_months,
    months_between,
    period_label,
    yuan,
)

USAGE_REPORT_KIND = "usage_confirmation"
CLOSED_STATES = {"rectified", "rectified_late", "resolved"}  # the ledger's follow-up states that end a breach


def _blocker(code: str, message: str, clause: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "clause": clause}


def name_difference(a: str, b: str) -> str:
    """How b differs from a, in words: 多“云”字 / 少“云”字 / “甲”作“乙”."""
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "insert":
            parts.append(f"多“{b[j1:j2]}”字")
        elif op == "delete":
            parts.append(f"少“{a[i1:i2]}”字")
        elif op == "replace":
            parts.append(f"“{a[i1:i2]}”作“{b[j1:j2]}”")
    return "、".join(parts)


def _fee_lines(lines) -> list[dict[str, Any]]:
    return [
        {
            "month": x.month,
            "usage_id": x.usage_id,
            "item": x.item,
            "item_name": x.item_name,
            "unit": x.unit,
            "quantity": str(x.quantity),
            "unit_price": str(x.unit_price),
            "deployed_on": x.deployed_on.isoformat(),
            "billed": x.billed,
            "reason": x.reason,
            "amount": str(x.amount),  # exact
        }
        for x in lines
    ]


def _by_month(lines) -> list[dict[str, str]]:
    months: dict[str, Decimal] = {}
    for x in lines:
        months[x.month] = months.get(x.month, Decimal(0)) + x.amount
    return [{"month": m, "amount": money(a)} for m, a in sorted(months.items())]


class PrepayCheck:
    def __init__(self, result: dict[str, Any], pack: Pack, st: Settlement, payment_date: dt.date | None) -> None:
        self.result, self.pack, self.st = result, pack, st
        self.p = Params(result, pack.params)
        self.cal = pack.calendar
        self.payment_date = payment_date
        self.as_of = dt.date.fromisoformat(result["as_of"])
        self.check_date = payment_date or self.as_of
        self.contract = result["contract"]
        self.signed_on = dt.date.fromisoformat(self.contract["signed_on"])
        self.start = dt.date.fromisoformat(result["period"]["start"])
        self.end = dt.date.fromisoformat(result["period"]["end"])
        term_end = (self.contract.get("term_end") or {}).get("date")
        last = min(self.end, dt.date.fromisoformat(term_end)) if term_end else self.end
        self.months = months_between(max(self.start, self.signed_on), last)
        self.label = period_label(months_between(self.start, self.end))
        self.overdue_label = str(self.p.raw("overdue_period_label")) if self.p.has("overdue_period_label") else None
        self.rate = self.p.decimal("late_fee_rate_per_day")
        self.blockers: list[dict[str, Any]] = []
        self.notes: list[str] = []

    # --- fee -------------------------------------------------------------------------
    def billing_rule(self) -> BillingRule:
        return BillingRule(self.p.integer("billing_cutoff_day"), self.p.flag("billing_cutoff_day_bills_full_month"))

    def catalogue(self) -> dict[str, Any]:
        return {c.id: c for c in self.st.of("catalogue")}

    def fee(self) -> dict[str, Any]:
        lines, problems = bill(self.st.of("usage"), self.catalogue(), self.months, self.billing_rule())
        for msg in problems:
            self.blockers.append(_blocker("catalogue_item_missing", msg, self.p.clause("billing_cutoff_day")))
        if "usage" not in self.st.present:
            self.blockers.append(_blocker("usage_missing", "未提供资源使用量明细，无法核算服务费"))
        exact = total(lines)
        self.fee_exact = exact
        return {
            "months": self.months,
            "rule": {"cutoff_day": self.billing_rule().cutoff_day, "cutoff_day_bills_full_month": self.billing_rule().cutoff_day_bills_full_month},
            "lines": _fee_lines(lines),
            "by_month": _by_month(lines),
            "total_exact": str(exact),
            "total": money(exact),
            "sample_prices": sorted(c.id for c in self.catalogue().values() if getattr(c, "sample", False)),
        }

    # --- invoices and payee -------------------------------------------------------------
    def settlement_invoices(self) -> list[Any]:
        mine = []
        wanted = set(self.months)
        for inv in self.st.of("invoice"):
            if self.overdue_label and inv.period == self.overdue_label:
                continue
            months = label_months(inv.period)
            if months is None:
                self.notes.append(f"发票{inv.number}的所属期间“{inv.period}”无法识别，未计入本期")
                continue
            if set(months) & wanted:
                mine.append(inv)
                if not set(months) <= wanted:
                    self.blockers.append(
                        _blocker("invoice_period", f"发票{inv.number}所属期间{inv.period}超出本结算期间{self.label}", self.p.clause("payment_working_days"))
                    )
        return sorted(mine, key=lambda i: (i.issued_on, i.id))

    def invoice(self, invoices: list[Any], fee_total: Decimal) -> dict[str, Any]:
        inv_total = sum((i.amount for i in invoices), Decimal(0))
        if not invoices:
            self.blockers.append(_blocker("invoice_missing", f"未见本结算期间（{self.label}）的发票", self.p.clause("payment_working_days")))
        elif fen(inv_total) != fen(fee_total):
            diff = fen(inv_total) - fen(fee_total)
            word = "多开" if diff > 0 else "少开"
            self.blockers.append(
                _blocker(
                    "invoice_mismatch",
                    f"发票金额合计{yuan(inv_total)}元与按使用量×单价核算的{yuan(fee_total)}元不一致（{word}{yuan(abs(diff))}元）",
                    self.p.clause("billing_cutoff_day"),
                )
            )
        return {
            "invoices": [
                {
                    "id": i.id, "number": i.number, "issued_on": i.issued_on.isoformat(), "period": i.period,
                    "amount": money(i.amount), "payee_name": i.payee_name, "payee_account": i.payee_account,
                    "payee_bank": i.payee_bank, "cite": self.st.cite("invoice", i.id),
                }
                for i in invoices
            ],  # fmt: skip
            "total": money(inv_total),
            "computed": money(fee_total),
            "difference": money(inv_total - fee_total),
            "matches": bool(invoices) and fen(inv_total) == fen(fee_total),
        }

    def payee(self, invoices: list[Any]) -> dict[str, Any]:
        party_b = self.contract["parties"]["party_b"]["name"]
        payee = self.contract.get("payee") or {}
        name = payee.get("name") or party_b
        clause = payee.get("clause")
        confirmed = self.p.flag("payee_confirmed", default=False)
        checks = []
        if name != party_b:
            diff = name_difference(party_b, name)
            msg = f"合同{clause or ''}所载收款方名称“{name}”与乙方名称“{party_b}”不一致（{diff}）"
            checks.append({"check": "合同收款方名称 = 乙方名称", "ok": False, "message": msg})
            if confirmed:
                self.notes.append(msg + "；已按参数 payee_confirmed 确认")
            else:
                self.blockers.append(_blocker("payee_name_contract", msg + "：付款前须由乙方书面确认收款账户", clause))
        for inv in invoices:
            for field, want, what in (
                ("payee_name", name, "收款方名称"),
                ("payee_account", payee.get("account"), "收款账号"),
                ("payee_bank", payee.get("bank"), "开户行"),
            ):
                got = getattr(inv, field)
                if want is None:
                    continue
                if got is None:
                    self.notes.append(f"发票{inv.number}未载{what}，付款前请核对")
                    continue
                ok = got == want
                msg = f"发票{inv.number}{what}“{got}”" + ("与合同一致" if ok else f"与合同约定“{want}”不一致")
                if not ok and field == "payee_name":
                    msg += f"（{name_difference(want, got)}）"
                checks.append({"check": f"发票{what}", "ok": ok, "message": msg})
                if not ok:
                    self.blockers.append(_blocker(f"invoice_{field}", msg, clause))
        return {"party_b": party_b, "payee": payee, "confirmed": confirmed, "checks": checks}

    # --- reports and breaches ----------------------------------------------------------------
    def usage_reports(self) -> list[dict[str, Any]]:
        reports = [r for r in self.st.of("report") if r.kind == USAGE_REPORT_KIND]
        rows = []
        for m in self.months:
            mine = sorted((r for r in reports if r.period == m), key=lambda r: r.id)
            confirmed = [r for r in mine if r.confirmed_on]
            row = {
                "month": m,
                "reports": [r.id for r in mine],
                "delivered_on": next((r.delivered_on.isoformat() for r in mine if r.delivered_on), None),
                "confirmed_on": confirmed[0].confirmed_on.isoformat() if confirmed else None,
            }
            rows.append(row)
            if not mine:
                self.blockers.append(_blocker("usage_report_missing", f"{m}资源使用量交付确认报告缺失", self.p.clause("usage_report_due_working_days")))
            elif not confirmed:
                self.blockers.append(
                    _blocker("usage_report_unconfirmed", f"{m}资源使用量交付确认报告（{'、'.join(row['reports'])}）未经甲方确认", self.p.clause("usage_report_due_working_days"))
                )
        return rows

    def open_breaches(self) -> list[dict[str, Any]]:
        follow = (self.result.get("follow_up") or {}).get("findings") or {}
        if "follow_up" not in self.result:
            self.notes.append("结果未含台账复查信息（follow_up）：整改期限已过的违约事项按未整改列出，已整改的请核对后排除")
        out = []
        for f in self.result.get("findings") or []:
            if f.get("status") != "breach" or f.get("obligor") != "party_b":
                continue
            led = follow.get(f["id"]) or {}
            if led.get("state") in CLOSED_STATES:
                continue
            deadline = led.get("deadline") or (f.get("deadline") or {}).get("date")
            if not deadline or dt.date.fromisoformat(str(deadline)) >= self.check_date:
                continue
            row = {"id": f["id"], "clause": f.get("clause"), "title": f.get("title"), "deadline": str(deadline), "message": (f.get("message") or {}).get("zh", "")}
            out.append(row)
            self.blockers.append(
                _blocker("open_breach", f"{f.get('clause')} {f.get('title')}：整改期限{deadline}已过仍未整改（{f['id']}）", f.get("clause"))
            )
        return out

    # --- deductions ---------------------------------------------------------------------------
    def deductions(self, base: Decimal) -> dict[str, Any]:
        wanted = set(self.months)
        reviews = [r for r in self.st.of("performance_review") if set(label_months(r.period) or []) & wanted]
        coefficients = self.p.table("performance_grade_coefficients")
        perf: dict[str, Any] = {"review": None, "grade": None, "coefficient": None, "amount": "0.00"}
        perf_exact = Decimal(0)
        if not reviews:
            self.blockers.append(_blocker("review_missing", f"未见{self.label}绩效考核结果，无法确定结算系数", self.p.clause("performance_grade_thresholds")))
        else:
            r = max(reviews, key=lambda x: (x.date, x.id))
            grade = r.grade or self.grade_from_score(r.score)
            coef = coefficients.get(grade or "")
            perf.update({"review": r.id, "period": r.period, "date": r.date.isoformat(), "score": None if r.score is None else str(r.score), "grade": grade, "cite": self.st.cite("performance_review", r.id)})
            if coef is None:
                self.blockers.append(_blocker("grade_unknown", f"绩效考核{r.id}的等级“{grade}”不在结算系数表中", self.p.clause("performance_grade_coefficients")))
            else:
                perf_exact = base * (Decimal(1) - coef)
                perf.update({"coefficient": str(coef), "amount": money(perf_exact), "formula": f"{yuan(base)} × (1 − {coef})"})
        rates = self.p.table("incident_deduction_rates")
        incidents = []
        inc_exact = Decimal(0)
        for inc in sorted(self.st.of("incident"), key=lambda i: (i.date, i.id)):
            if not inc.caused_by_supplier or not (self.start <= inc.date <= self.end):
                continue
            rate = rates.get(inc.severity)
            row = {"id": inc.id, "date": inc.date.isoformat(), "severity": inc.severity, "description": inc.description, "rate": None if rate is None else str(rate), "amount": None, "cite": self.st.cite("incident", inc.id)}
            if rate is None:
                self.blockers.append(_blocker("incident_severity_unknown", f"安全事件{inc.id}的等级“{inc.severity}”不在扣减比例表中", self.p.clause("incident_deduction_rates")))
            else:
                inc_exact += base * rate
                row["amount"] = money(base * rate)
                row["formula"] = f"{yuan(base)} × {rate}"
            incidents.append(row)
        self.deduction_exact = perf_exact + inc_exact
        return {"performance": perf, "incidents": incidents, "total": money(self.deduction_exact)}

    def grade_from_score(self, score: Decimal | None) -> str | None:
        if score is None or not self.p.has("performance_grade_thresholds"):
            return None
        best = None
        for grade, floor in self.p.table("performance_grade_thresholds").items():
            if score >= floor and (best is None or floor > best[1]):
                best = (grade, floor)
        return best[0] if best else None

    # --- budget cap ---------------------------------------------------------------------------
    def budget(self, this_invoices: list[Any]) -> dict[str, Any]:
        cap = self.p.decimal("annual_budget_cap_cny")
        excluded = set(self.p.labels("cap_excluded_periods")) if self.p.has("cap_excluded_periods") else set()
        year = periods("contract_year", self.start_in_term(), self.start_in_term(), self.signed_on)[0]
        rows, running = [], Decimal(0)
        for inv in sorted(self.st.of("invoice"), key=lambda i: (i.issued_on, i.id)):
            if not (year.start <= inv.issued_on <= year.end):
                continue
            counted = inv.period not in excluded
            if counted:
                running += inv.amount
            rows.append({"number": inv.number, "period": inv.period, "issued_on": inv.issued_on.isoformat(), "amount": money(inv.amount), "counted": counted, "running": money(running)})
        if not this_invoices:  # the period's fee, not yet invoiced, counts as well
            running += self.fee_exact
            rows.append({"number": "（本期，按核算）", "period": self.label, "issued_on": "", "amount": money(self.fee_exact), "counted": True, "running": money(running)})
        over = fen(running) > cap
        if over:
            self.blockers.append(_blocker("budget_cap", f"合同年度{year.label}服务费累计{yuan(running)}元超过年度预算{yuan(cap)}元", self.p.clause("annual_budget_cap_cny")))
        return {"contract_year": year.label, "cap": money(cap), "excluded_periods": sorted(excluded), "rows": rows, "total": money(running), "headroom": money(cap - running), "over": over}

    def start_in_term(self) -> dt.date:
        return max(self.start, self.signed_on)

    # --- due date and lateness ----------------------------------------------------------------------
    def due(self, invoices: list[Any], payable: Decimal) -> dict[str, Any] | None:
        if not invoices:
            return None
        last = invoices[-1]
        n = self.p.integer("payment_working_days")
        reck = deadline_after(self.cal, last.issued_on, working_days=n)
        due: dt.date = reck.value  # type: ignore[assignment]
        if len(invoices) > 1:
            self.notes.append(f"本期有{len(invoices)}张发票：付款期限自最后一张（{last.number}，{last.issued_on}）起算")
        ids = {i.id for i in invoices}
        pays = [(p.id, p.paid_on, p.amount) for p in self.st.of("payment") if p.invoice_id in ids or (p.invoice_id is None and p.period == self.label)]
        if self.payment_date is not None:
            pays.append(("--payment-date", self.payment_date, payable))
        late = lateness(due, payable, pays, self.check_date, self.rate, self.p.integer("termination_late_days"))
        ex = reck.to_dict()
        return {
            "invoice": last.number,
            "invoice_date": last.issued_on.isoformat(),
            "working_days": n,
            "date": due.isoformat(),
            "calendar_days": (due - last.issued_on).days,
            "provisional": reck.provisional,
            "provisional_years": ex["provisional_years"],
            "rule": ex["rule"],
            "holidays_met": [f"{h['date']} {h['name']}" for h in ex["holidays_met"]],
            "makeup_days_met": ex["makeup_days_met"],
            "steps_count": len(ex["counted"]),
            "lateness": late.to_dict(),
            "late": late.days > 0,
        }

    def sme(self, due: dict[str, Any] | None) -> dict[str, Any]:
        sme = self.contract["parties"]["party_b"].get("sme")
        if not self.p.has("sme_payment_days_cap"):
            note = "合同包未设置 sme_payment_days_cap（中小企业付款期限上限）：未核对"
            return {"sme": sme, "cap_days": None, "exceeds": None, "note": note}
        cap_days = self.p.integer("sme_payment_days_cap")
        term = f"发票后{self.p.integer('payment_working_days')}个工作日"
        out: dict[str, Any] = {"sme": sme, "cap_days": cap_days, "exceeds": None}
        law = f"《保障中小企业款项支付条例》：机关、事业单位向中小企业支付款项，付款期限最长不得超过{cap_days}日（自交付/验收之日起算）"
        if due is not None:
            issued = dt.date.fromisoformat(due["invoice_date"])
            limit = civil_period(self.cal, issued, days=cap_days).value
            out.update({"limit_from_invoice": limit.isoformat(), "calendar_days": due["calendar_days"], "exceeds": due["calendar_days"] > cap_days})  # type: ignore[union-attr]
        if sme is False:
            out["note"] = "乙方非中小企业：不适用" + law
        elif sme is True:
            out["note"] = f"乙方为中小企业：{law}。合同“{term}”折合{out.get('calendar_days', '—')}个自然日，需人工核对是否超出。"
        else:
            out["note"] = f"乙方是否为中小企业未确认（人工核查）：若是，{law}；合同“{term}”折合{out.get('calendar_days', '—')}个自然日。"
        return out

    # --- the overdue sum ---------------------------------------------------------------------------
    def overdue(self) -> dict[str, Any] | None:
        if not self.overdue_label or not self.p.has("overdue_sum_cny"):
            return None
        target = self.p.decimal("overdue_sum_cny")
        months = label_months(self.overdue_label) or []
        lines, problems = bill(self.st.of("usage"), self.catalogue(), months, self.billing_rule())
        recomputed = total(lines) if lines else None
        months_n = self.p.integer("overdue_settlement_months")
        reck = civil_period(self.cal, self.signed_on, months=months_n)
        deadline: dt.date = reck.value  # type: ignore[assignment]
        pays = [(p.id, p.paid_on, p.amount) for p in self.st.of("payment") if p.period == self.overdue_label]
        late = lateness(deadline, target, pays, self.as_of, self.rate, self.p.integer("termination_late_days"))
        return {
            "label": self.overdue_label,
            "amount": money(target),
            "capital": capital(fen(target)),
            "lines": _fee_lines(lines),
            "by_month": _by_month(lines),
            "recomputed": None if recomputed is None else money(recomputed),
            "matches": None if recomputed is None else fen(recomputed) == fen(target),
            "difference": None if recomputed is None else money(recomputed - target),
            "problems": problems,
            "deadline": deadline.isoformat(),
            "deadline_steps": reck.explanation.steps,
            "deadline_rule": reck.explanation.rule,
            "provisional": reck.provisional,
            "lateness": late.to_dict(),
        }


def build_prepay(result: dict[str, Any], pack: Pack, st: Settlement, payment_date: dt.date | None = None) -> dict[str, Any]:
    c = PrepayCheck(result, pack, st, payment_date)
    fee = c.fee()
    base = c.fee_exact
    invoices = c.settlement_invoices()
    invoice = c.invoice(invoices, base)
    payee = c.payee(invoices)
    reports = c.usage_reports()
    breaches = c.open_breaches()
    deductions = c.deductions(base)
    payable_exact = max(base - c.deduction_exact, Decimal(0))
    payable = fen(payable_exact)
    budget = c.budget(invoices)
    due = c.due(invoices, payable)
    overdue = c.overdue()
    return {
        "contract": result["contract"],
        "as_of": result["as_of"],
        "check_date": c.check_date.isoformat(),
        "payment_date": payment_date.isoformat() if payment_date else None,
        "settlement": {"label": c.label, "start": c.start.isoformat(), "end": c.end.isoformat(), "months": c.months},
        "fee": fee,
        "invoice": invoice,
        "payee": payee,
        "usage_reports": reports,
        "open_breaches": breaches,
        "deductions": deductions,
        "payable": {
            "fee": money(base),
            "deductions": money(c.deduction_exact),
            "exact": str(payable_exact),
            "amount": str(payable),
            "capital": capital(payable),
        },
        "budget": budget,
        "due": due,
        "sme": c.sme(due),
        "overdue_sum": overdue,
        "blockers": c.blockers,
        "notes": c.notes,
        "decision": "blocked" if c.blockers else "payable",
        "rate": str(c.rate),
        "payment_working_days": c.p.integer("payment_working_days"),
        "parameters": {k: v for k, v in (result.get("parameters") or {}).items() if k in PARAMS_USED},
    }


PARAMS_USED = {
    "billing_cutoff_day", "billing_cutoff_day_bills_full_month", "payment_working_days", "late_fee_rate_per_day",
    "termination_late_days", "annual_budget_cap_cny", "overdue_sum_cny", "overdue_period_label",
    "cap_excluded_periods", "overdue_settlement_months", "performance_grade_coefficients",
    "performance_grade_thresholds", "incident_deduction_rates", "sme_payment_days_cap", "payee_confirmed",
}  # fmt: skip

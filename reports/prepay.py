"""The pre-payment check (结算前核查) for one settlement period, from a saved result.

Generic: it reads the pack's settlement model (`settlement.yaml`, see
engine/settlement) and computes, exactly and line by line: the fee (usage ×
unit price with the cut-off day, or fixed instalments), the invoice
comparison, what blocks payment, the deductions (each citing its clause,
with cumulative caps), the budget cap, the payment due date and any
lateness, the SME payment-law note, and sums settled separately. Decimals
throughout; rounded to the fen only at the end; the payable total also in 大写.
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import Any

from lvyue.engine.calendar import civil_period, deadline_after
from lvyue.engine.kinds.periods import periods
from lvyue.engine.money import fen, money
from lvyue.engine.pack import Pack
from lvyue.engine.settlement import (
    Scope,
    Settlement,
    SettlementModel,
    blocker,
    compute_deduction,
    compute_fee,
    due_date,
    items_of,
    label_months,
    lateness,
    months_between,
    origin,
    pack_model,
    period_label,
    triggers,
    usage_fee,
    yuan,
)
from lvyue.engine.zhtext import cn_date
from lvyue.reports.audit import cite_text_zh
from lvyue.reports.capital import capital
from lvyue.reports.remedy import notices_of, remediation

PLANNED_PAYMENT = "拟付款日"  # the payment a --payment-date stands for, as the lateness table names it
# settings of settlement.yaml a report names, in words (never their keys)
SETTING_WORDS = {"payee.confirmed": "“收款账户已经乙方书面确认”的设置"}

CLOSED_STATES = {"rectified", "rectified_late", "resolved"}  # the ledger's follow-up states that end a breach


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


def result_params(result: dict[str, Any]) -> dict[str, Any]:
    """The parameter values the check ran with: they win over the pack's (a result is rebuilt as it was)."""
    return {k: (v or {}).get("value") for k, v in (result.get("parameters") or {}).items()}


class PrepayCheck:
    def __init__(
        self, result: dict[str, Any], pack: Pack, st: Settlement, payment_date: dt.date | None, model: SettlementModel
    ) -> None:
        self.result, self.pack, self.st, self.m = result, pack, st, model
        self.cal = pack.calendar
        self.payment_date = payment_date
        self.as_of = dt.date.fromisoformat(result["as_of"])
        self.check_date = payment_date or self.as_of
        self.contract = result["contract"]
        self.signed_on = dt.date.fromisoformat(self.contract["signed_on"])
        self.origin = origin(pack)
        self.start = dt.date.fromisoformat(result["period"]["start"])
        self.end = dt.date.fromisoformat(result["period"]["end"])
        term_end = (self.contract.get("term_end") or {}).get("date")
        self.last = min(self.end, dt.date.fromisoformat(term_end)) if term_end else self.end
        self.first = max(self.start, self.origin)
        self.months = months_between(self.first, self.last)
        self.label = period_label(months_between(self.start, self.end))
        self.separate_labels = {x.label for x in model.separate}
        self.blockers: list[dict[str, Any]] = []
        self.notes: list[str] = []

    # --- fee -------------------------------------------------------------------------
    def fee(self) -> dict[str, Any]:
        f = self.m.fee
        res = compute_fee(f, self.st, self.months, (self.first, self.last), self.origin)
        self.fee_result = res
        for msg in res.problems:
            self.blockers.append(blocker("catalogue_item_missing", msg, f.clause))
        out: dict[str, Any] = {
            "kind": res.kind,
            "title": res.title,
            "clause": res.clause,
            "months": self.months,
            "total_exact": str(res.exact),
            "total": money(res.exact),
        }
        if f.kind == "usage_times_price":
            if "usage" not in self.st.present:
                self.blockers.append(blocker("usage_missing", "未提供资源使用量明细，无法核算服务费", f.clause))
            out.update(
                {
                    "rule": {"cutoff_day": f.cutoff_day, "cutoff_day_bills_full_month": f.cutoff_day_bills_full_month},
                    "lines": _fee_lines(res.lines),
                    "by_month": _by_month(res.lines),
                    "sample_prices": sorted(c.id for c in self.st.of("catalogue") if getattr(c, "sample", False)),
                }
            )
        else:
            out.update({"per": f.per, "amount": money(f.amount), "instalments": res.instalments})
        return out

    # --- invoices and payee -------------------------------------------------------------
    def settlement_invoices(self) -> list[Any]:
        mine = []
        wanted = set(self.months)
        for inv in self.st.of("invoice"):
            if inv.period in self.separate_labels:
                continue
            if inv.issued_on > self.as_of:  # not yet issued for the check the report rests on
                continue
            months = label_months(inv.period)
            if months is None:
                self.notes.append(f"发票{inv.number}的所属期间“{inv.period}”无法识别，未计入本期")
                continue
            if set(months) & wanted:
                mine.append(inv)
                if not set(months) <= wanted:
                    self.blockers.append(
                        blocker("invoice_period", f"发票{inv.number}所属期间{inv.period}超出本结算期间{self.label}", self.m.due.clause)
                    )
        return sorted(mine, key=lambda i: (i.issued_on, i.id))

    def invoice(self, invoices: list[Any], fee_total: Decimal, payable: Decimal) -> dict[str, Any]:
        inv_total = sum((i.amount for i in invoices), Decimal(0))
        cmp = self.m.invoice.compare
        want = {"fee": fee_total, "payable": payable}.get(cmp)
        what = self.m.fee.title if cmp == "fee" else "本期应付服务费"
        if not invoices:
            self.blockers.append(blocker("invoice_missing", f"未见本结算期间（{self.label}）的发票", self.m.due.clause))
        elif want is not None and fen(inv_total) != fen(want):
            diff = fen(inv_total) - fen(want)
            word = "多开" if diff > 0 else "少开"
            self.blockers.append(
                blocker(
                    "invoice_mismatch",
                    f"发票金额合计{yuan(inv_total)}元与{what}{yuan(want)}元不一致（{word}{yuan(abs(diff))}元）",
                    self.m.invoice.clause,
                )
            )
        return {
            "invoices": [
                {
                    "id": i.id, "number": i.number, "issued_on": i.issued_on.isoformat(), "period": i.period,
                    "amount": money(i.amount), "payee_name": i.payee_name, "payee_account": i.payee_account,
                    "payee_bank": i.payee_bank, "cite": cite_text_zh(self.st.cite("invoice", i.id)),
                }
                for i in invoices
            ],  # fmt: skip
            "total": money(inv_total),
            "compare": cmp,
            "compared_with": what,
            "computed": None if want is None else money(want),
            "difference": None if want is None else money(inv_total - want),
            "matches": None if want is None else bool(invoices) and fen(inv_total) == fen(want),
        }

    def payee(self, invoices: list[Any]) -> dict[str, Any]:
        party_b = self.contract["parties"]["party_b"]["name"]
        payee = self.contract.get("payee") or {}
        name = payee.get("name") or party_b
        clause = payee.get("clause")
        confirmed = self.m.payee.confirmed
        checks = []
        if name != party_b:
            diff = name_difference(party_b, name)
            msg = f"合同{clause or ''}所载收款方名称“{name}”与乙方名称“{party_b}”不一致（{diff}）"
            checks.append({"check": "合同收款方名称 = 乙方名称", "ok": False, "message": msg})
            if confirmed:
                self.notes.append(msg + f"；已按{self._param_name('payee', 'confirmed')}确认")
            else:
                self.blockers.append(blocker("payee_name_contract", msg + "：付款前须由乙方书面确认收款账户", clause))
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
                    self.blockers.append(blocker(f"invoice_{field}", msg, clause))
        return {"party_b": party_b, "payee": payee, "confirmed": confirmed, "checks": checks}

    def _param_name(self, *path: str) -> str:
        """How the report names a setting: the contract parameter it comes from, else its place in settlement.yaml."""
        key = ".".join(path)
        words = SETTING_WORDS.get(key, "结算设置")
        return f"合同包参数中{words}" if self.m.sources.get(key) else f"合同包结算设置中{words}"

    # --- confirmations and breaches ----------------------------------------------------------------
    def confirmations(self) -> list[dict[str, Any]]:
        out = []
        for c in self.m.confirmations:
            docs = [
                r for r in self.st.of(c.facts)
                if all(str(getattr(r, k, None)) == str(v) for k, v in c.where.items())
            ]  # fmt: skip
            rows = []
            for m in self.months:
                mine = sorted((r for r in docs if getattr(r, c.period_field, None) == m), key=lambda r: r.id)
                confirmed = [r for r in mine if getattr(r, c.confirmed_field, None)]
                delivered = [getattr(r, c.delivered_field) for r in mine if c.delivered_field and getattr(r, c.delivered_field, None)]
                row = {
                    "month": m,
                    "reports": [r.id for r in mine],
                    "delivered_on": delivered[0].isoformat() if delivered else None,
                    "confirmed_on": getattr(confirmed[0], c.confirmed_field).isoformat() if confirmed else None,
                }
                rows.append(row)
                if not mine:
                    self.blockers.append(blocker(f"{c.code}_missing", f"{m}{c.title}缺失", c.clause))
                elif not confirmed:
                    self.blockers.append(
                        blocker(f"{c.code}_unconfirmed", f"{m}{c.title}（{'、'.join(row['reports'])}）未经甲方确认", c.clause)
                    )
            out.append({"title": c.title, "clause": c.clause, "rows": rows})
        return out

    def open_breaches(self) -> list[dict[str, Any]]:
        follow = (self.result.get("follow_up") or {}).get("findings") or {}
        if "follow_up" not in self.result:
            self.notes.append("本次核查未对照履约台账：整改期限已过的违约事项按未整改列出，已整改的请核对后排除")
        notices = notices_of(self.result)
        cal = (self.result.get("calendar") or {}).get("years") or {}
        provisional = {int(y) for y, st in cal.items() if st == "provisional"}
        out = []
        for f in self.result.get("findings") or []:
            if f.get("status") != "breach" or f.get("obligor") != "party_b":
                continue
            led = follow.get(f["id"]) or {}
            if led.get("state") in CLOSED_STATES:
                continue
            remedy = remediation(f, notices.get(f["id"]), self.result["as_of"], provisional)
            # a notice on record sets the deadline (the one the notice states); else the ledger's, else the finding's
            deadline = remedy["date"] if remedy and remedy.get("from_notice") else led.get("deadline") or (remedy or {}).get("date")
            if not deadline or dt.date.fromisoformat(str(deadline)) >= self.check_date:
                continue
            # the one wording of the deadline (reports/remedy.py): from the notice, else as if issued on the as-of date
            words = remedy["text"] if remedy and remedy["date"] == str(deadline) else f"{cn_date(str(deadline))}前"
            if remedy and remedy.get("from_notice") and remedy["date"] == str(deadline):
                why = f"按整改通知书{remedy['notice']}计"
            elif remedy and remedy["date"] == str(deadline):
                why = "未见整改通知书，按核查基准日下达计"
            else:
                why = f"{cn_date(led['first_seen'])}核查时所定期限" if led.get("first_seen") else "台账所记期限"
            row = {"id": f["id"], "clause": f.get("clause"), "title": f.get("title"), "deadline": str(deadline),
                   "deadline_text": words, "message": (f.get("message") or {}).get("zh", "")}  # fmt: skip
            out.append(row)
            self.blockers.append(
                blocker("open_breach", f"{f.get('clause')} {f.get('title')}：整改期限{deadline}已过仍未整改（{why}；{f['id']}）", f.get("clause"))
            )
        return out

    # --- deductions ---------------------------------------------------------------------------
    def deductions(self) -> dict[str, Any]:
        scope = Scope(self.label, self.months, self.fee_result, self.origin)
        items, exact = [], Decimal(0)
        self.deduction_blockers: list[dict[str, Any]] = []  # listed after the other checks' blockers
        for d in self.m.deductions:
            r = compute_deduction(d, items_of(d, self.result, self.st, self.first, self.last), scope)
            self.deduction_blockers.extend(r.blockers)
            exact += r.exact
            items.append(r.to_dict())
        self.deduction_exact = exact
        return {"items": items, "total": money(exact)}

    # --- budget cap ---------------------------------------------------------------------------
    def budget(self, this_invoices: list[Any]) -> dict[str, Any] | None:
        b = self.m.budget_cap
        if b is None:
            return None
        excluded = set(b.excluded_periods)
        year = periods(b.per, self.first, self.first, self.origin)[0]
        rows, running = [], Decimal(0)
        for inv in sorted(self.st.of("invoice"), key=lambda i: (i.issued_on, i.id)):
            if not (year.start <= inv.issued_on <= year.end):
                continue
            counted = inv.period not in excluded
            if counted:
                running += inv.amount
            rows.append({"number": inv.number, "period": inv.period, "issued_on": inv.issued_on.isoformat(), "amount": money(inv.amount), "counted": counted, "running": money(running)})
        if not this_invoices:  # the period's fee, not yet invoiced, counts as well
            running += self.fee_result.exact
            rows.append({"number": "（本期，按核算）", "period": self.label, "issued_on": "", "amount": money(self.fee_result.exact), "counted": True, "running": money(running)})
        over = fen(running) > b.amount
        if over:
            self.blockers.append(blocker("budget_cap", f"{year.label}服务费累计{yuan(running)}元超过{b.title}{yuan(b.amount)}元", b.clause))
        return {"title": b.title, "clause": b.clause, "period": year.label, "cap": money(b.amount), "excluded_periods": sorted(excluded), "rows": rows, "total": money(running), "headroom": money(b.amount - running), "over": over}

    # --- due date and lateness ----------------------------------------------------------------------
    def due(self, invoices: list[Any], payable: Decimal) -> dict[str, Any] | None:
        d = self.m.due
        t = d.trigger
        if t.facts == "invoice" and t.period_field == "period" and not t.where:
            found = invoices  # the period's invoices, as checked above
        else:
            found, notes = triggers(d, self.st, self.months, self.separate_labels, self.as_of)
            self.notes.extend(notes)
        if not found:
            if t.facts != "invoice":
                self.blockers.append(blocker("trigger_missing", f"未见本结算期间（{self.label}）的{t.label}记录，付款期限无法计算", d.clause))
            return None
        last = found[-1]
        start: dt.date = getattr(last, t.date)
        reck = due_date(d, self.cal, start)
        due: dt.date = reck.value  # type: ignore[assignment]
        name = getattr(last, "number", None) or last.id
        if len(found) > 1:
            self.notes.append(f"本期有{len(found)}项{t.label}记录：付款期限自最后一项（{name}，{start}）起算")
        lf = self.m.late_fee
        base = payable if lf.base == "payable" else sum((i.amount for i in invoices), Decimal(0))
        ids = {i.id for i in invoices}
        pays = [(p.id, p.paid_on, p.amount) for p in self.st.of("payment") if (p.invoice_id and p.invoice_id in ids) or (p.invoice_id is None and p.period == self.label)]
        if self.payment_date is not None:
            pays.append((PLANNED_PAYMENT, self.payment_date, base))
        late = lateness(due, base, pays, self.check_date, lf.rate_per_day, lf.termination_days, lf.cap_share, lf.base_text)
        ex = reck.to_dict()
        return {
            "trigger": t.label,
            "trigger_id": name,
            "trigger_date": start.isoformat(),
            "term": d.term_text(),
            "clause": d.clause,
            "date": due.isoformat(),
            "calendar_days": (due - start).days,
            "provisional": reck.provisional,
            "provisional_years": ex["provisional_years"],
            "rule": ex["rule"],
            "steps": ex["steps"] if d.working_days is None else [],
            "holidays_met": [f"{h['date']} {h['name']}" for h in ex["holidays_met"]],
            "makeup_days_met": ex["makeup_days_met"],
            "steps_count": len(ex["counted"]),
            "lateness": late.to_dict(),
            "late": late.days > 0,
        }

    def sme(self, due: dict[str, Any] | None) -> dict[str, Any]:
        sme = self.contract["parties"]["party_b"].get("sme")
        cap_days = self.m.sme.cap_days
        if cap_days is None:
            note = "合同包的结算设置未给出中小企业付款期限上限：未核对"
            return {"sme": sme, "cap_days": None, "exceeds": None, "note": note}
        term = self.m.due.term_text()
        out: dict[str, Any] = {"sme": sme, "cap_days": cap_days, "exceeds": None}
        law = f"《保障中小企业款项支付条例》：机关、事业单位向中小企业支付款项，付款期限最长不得超过{cap_days}日（自交付/验收之日起算）"
        if due is not None:
            issued = dt.date.fromisoformat(due["trigger_date"])
            limit = civil_period(self.cal, issued, days=cap_days).value
            out.update({"limit_from_trigger": limit.isoformat(), "calendar_days": due["calendar_days"], "exceeds": due["calendar_days"] > cap_days})  # type: ignore[union-attr]
        if sme is False:
            out["note"] = "乙方非中小企业：不适用" + law
        elif sme is True:
            out["note"] = f"乙方为中小企业：{law}。合同“{term}”折合{out.get('calendar_days', '—')}个自然日，需人工核对是否超出。"
        else:
            out["note"] = f"乙方是否为中小企业未确认（人工核查）：若是，{law}；合同“{term}”折合{out.get('calendar_days', '—')}个自然日。"
        return out

    # --- sums settled separately ---------------------------------------------------------------------
    def separate(self) -> list[dict[str, Any]]:
        out = []
        lf = self.m.late_fee
        for s in self.m.separate:
            months = label_months(s.label) or []
            lines, problems = [], []
            if s.recompute and self.m.fee.kind == "usage_times_price":
                lines, problems = usage_fee(self.m.fee, self.st, months)
            recomputed = sum((x.amount for x in lines), Decimal(0)) if lines else None
            reck = deadline_after(self.cal, self.signed_on, working_days=s.due.working_days, natural_days=s.due.natural_days, months=s.due.months)
            deadline: dt.date = reck.value  # type: ignore[assignment]
            pays = [(p.id, p.paid_on, p.amount) for p in self.st.of("payment") if p.period == s.label]
            late = lateness(deadline, s.amount, pays, self.as_of, lf.rate_per_day, lf.termination_days, lf.cap_share, lf.base_text)
            out.append(
                {
                    "id": s.id,
                    "title": s.title,
                    "clause": s.clause,
                    "label": s.label,
                    "amount": money(s.amount),
                    "capital": capital(fen(s.amount)),
                    "lines": _fee_lines(lines),
                    "by_month": _by_month(lines),
                    "recomputed": None if recomputed is None else money(recomputed),
                    "matches": None if recomputed is None else fen(recomputed) == fen(s.amount),
                    "difference": None if recomputed is None else money(recomputed - s.amount),
                    "problems": problems,
                    "deadline": deadline.isoformat(),
                    "deadline_steps": reck.explanation.steps,
                    "deadline_rule": reck.explanation.rule,
                    "provisional": reck.provisional,
                    "lateness": late.to_dict(),
                }
            )
        return out


def build_prepay(
    result: dict[str, Any], pack: Pack, st: Settlement, payment_date: dt.date | None = None, model: SettlementModel | None = None
) -> dict[str, Any]:
    """The pre-payment check as a template context (and JSON): every figure exact, rounded when shown."""
    model = model or pack_model(pack, result_params(result))
    c = PrepayCheck(result, pack, st, payment_date, model)
    fee = c.fee()
    base = c.fee_result.exact
    invoices = c.settlement_invoices()
    deductions = c.deductions()  # before the invoice check: an invoice may have to equal the net amount
    payable_exact = max(base - c.deduction_exact, Decimal(0))
    payable = fen(payable_exact)
    invoice = c.invoice(invoices, base, payable_exact)
    payee = c.payee(invoices)
    confirmations = c.confirmations()
    breaches = c.open_breaches()
    c.blockers.extend(c.deduction_blockers)
    budget = c.budget(invoices)
    due = c.due(invoices, payable)
    separate = c.separate()
    ctx = {
        "contract": result["contract"],
        "as_of": result["as_of"],
        "check_date": c.check_date.isoformat(),
        "payment_date": payment_date.isoformat() if payment_date else None,
        "settlement": {"label": c.label, "start": c.start.isoformat(), "end": c.end.isoformat(), "months": c.months},
        "fee": fee,
        "invoice": invoice,
        "payee": payee,
        "confirmations": confirmations,
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
        "payment_term": model.due.term_text(),
        "due_trigger": model.due.trigger.label,
        "late_fee": {
            "clause": model.late_fee.clause,
            "rate": str(model.late_fee.rate_per_day),
            "base_text": model.late_fee.base_text,
            "cap_share": None if model.late_fee.cap_share is None else str(model.late_fee.cap_share),
            "termination_days": model.late_fee.termination_days,
        },
        "sme": c.sme(due),
        "separate": separate,
        "blockers": c.blockers,
        "notes": [*model.notes, *c.notes],
        "decision": "blocked" if c.blockers else "payable",
        "rate": str(model.late_fee.rate_per_day),
        "parameters": {k: v for k, v in (result.get("parameters") or {}).items() if k in set(model.parameters)},
    }
    for s in separate:  # each separate sum also under its own id (ids are checked against these keys)
        ctx[s["id"]] = s
    return ctx

"""The generic `when:` form and the derivation vocabulary, through `evaluate`, on both evaluators.

Every expected date and duration is counted by hand in a comment, on the
official 2026 arrangement: 2026-10-01..10-07 National Day holidays,
2026-10-10 (Sat) a make-up working day, 2026-09-20 (Sun) a make-up working day.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from packkit import ROOT, write_pack

import lvyue.engine.rule
from lvyue.engine import evaluators
from lvyue.engine.calendar import WorkingCalendar
from lvyue.engine.compile import compile_rule
from lvyue.engine.derive import REGISTRY, DeriveError, lookup, markdown, run
from lvyue.engine.errors import InputError
from lvyue.engine.evaluate import Evaluation, evaluate
from lvyue.engine.kinds.when import expand_template
from lvyue.engine.namecheck import check_rule
from lvyue.engine.pack import Pack, load_pack
from lvyue.engine.patterns import Param, Ref
from lvyue.engine.yamlio import parse_yaml
from lvyue.facts.model import Invoice, Payment, ResourceRequest
from lvyue.facts.typedecl import registry

D = dt.date
T = dt.datetime
CAL = WorkingCalendar()
_resolve = lvyue.engine.rule.resolve_refs


def make_pack(tmp_path: Path, rules: str, types: str | None = None) -> Pack:
    files = {"rules.yaml": textwrap.dedent(rules)}
    if types:
        files["facts.yaml"] = textwrap.dedent(types)
    root = write_pack(tmp_path / "pack", files)
    pack = load_pack(root)
    pack.fact_types = dict(registry(root))  # the pack's declared types (load_pack may already do this)
    return pack


def both(pack: Pack, facts: dict[str, list[Any]], as_of: D) -> Evaluation:
    """Evaluate with durable_rules and with the reference evaluator; they must agree exactly."""
    period = (pack.contract.signed_on, as_of)
    runs = [evaluate(pack, facts, as_of=as_of, period=period, evaluator=m)
            for m in evaluators.installed()]
    assert [f.__dict__ for f in runs[0].findings] == [f.__dict__ for f in runs[-1].findings]
    assert runs[0].items_checked == runs[-1].items_checked
    return runs[-1]


def statuses(ev: Evaluation) -> dict[str, str]:
    return {f.subject: f.status for f in ev.findings}


HEAD = """
- id: W-1
  clause: 四（二）2
  text: 乙方在收到甲方相关正式通知之后的3个工作日内完成资源分配交付
  title: 资源交付
  obligor: party_b
  check:
"""

DELIVERY = HEAD + """\
    kind: when
    facts: resource_request
    as: r
    date_field: requested_on
    derive:
      due_on: {fn: deadline, from: requested_on, working_days: $resource_delivery_working_days}
      late: {fn: late_days, due: due_on, done: delivered_on}
    outcomes:
      - status: compliant
        when: {r: {late: {le: 0}}}
      - status: breach
        when: {r: {late: {gt: 0}}}
      - status: breach
        when: {r: {delivered_on: absent, due_on: {lt: $as_of}}}
      - status: at_risk
        when: {r: {delivered_on: absent, due_on: {ge: $as_of}}}
    values: {deadline: due_on}
"""


def req(rid: str, on: D, delivered: D | None = None) -> ResourceRequest:
    return ResourceRequest(id=rid, requested_on=on, description="扩容云主机", delivered_on=delivered)


def test_a_working_day_deadline_across_national_day_late_on_time_and_pending(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, DELIVERY)
    # $resource_delivery_working_days = 3.
    # R1, R2 requested Wed 09-30: 10-01..07 holidays; 10-08 (1), 10-09 (2), Sat 10-10 make-up (3) → due 10-10.
    # R3 requested Thu 10-08: 10-09 (1), 10-10 make-up (2), Mon 10-12 (3) → due 10-12 = as-of: still pending.
    # R4 requested Mon 09-28: 09-29 (1), 09-30 (2), holidays, 10-08 (3) → due 10-08, nothing delivered.
    # R5 requested after the as-of date: outside the window, not checked.
    facts = {"resource_request": [
        req("R1", D(2026, 9, 30), D(2026, 10, 10)),  # on the make-up Saturday: on time
        req("R2", D(2026, 9, 30), D(2026, 10, 12)),  # late 10-11, 10-12: 2 days
        req("R3", D(2026, 10, 8)),
        req("R4", D(2026, 9, 28)),
        req("R5", D(2026, 10, 13)),
    ]}
    ev = both(pack, facts, D(2026, 10, 12))
    assert statuses(ev) == {"R2": "breach", "R3": "at_risk", "R4": "breach"}
    assert ev.items_checked == 4
    by = {f.subject: f for f in ev.findings}
    assert by["R2"].details["late"] == 2 and by["R2"].details["deadline"] == "2026-10-10"
    assert by["R4"].details["deadline"] == "2026-10-08" and by["R4"].details["late"] == "—"
    assert by["R3"].deadline is not None and by["R3"].deadline.date == D(2026, 10, 12)
    assert "2026-10-10" in by["R3"].deadline.explanation["makeup_days_met"]
    assert "第3个工作日：2026-10-10" in by["R2"].details["derivation"]  # the steps travel with the value


def test_late_days_after_a_provisional_due_date_are_provisional_too(tmp_path: Path) -> None:
    # 2027 has no State Council arrangement in the bundled calendar: a deadline counted over 2027 days is
    # provisional, and so are the days late counted from it; 2026's are official.
    pack = make_pack(tmp_path, DELIVERY)
    facts = {"resource_request": [
        # Tue 09-01 + 3 working days → Fri 09-04; delivered Mon 09-07: 3 days late, all official
        req("R0", D(2026, 9, 1), D(2026, 9, 7)),
        # Mon 2027-03-01 + 3 working days → Thu 03-04 (provisional); delivered 03-10: 6 days late
        req("R1", D(2027, 3, 1), D(2027, 3, 10)),
    ]}
    ev = both(pack, facts, D(2027, 3, 31))
    by = {f.subject: f for f in ev.findings}
    assert by["R0"].details["late"] == 3 and "provisional_dates" not in by["R0"].details
    assert by["R1"].details["late"] == 6
    assert by["R1"].details["provisional_dates"] == {"due_on": [2027], "late": [2027]}


def test_one_working_day_after_the_eve_of_national_day_is_october_8(tmp_path: Path) -> None:
    # 2026-09-30 (Wed) + 1 working day: 10-01..10-07 are holidays, so 10-08 (Thu).
    pack = make_pack(tmp_path, DELIVERY.replace("$resource_delivery_working_days", "1"))
    facts = {"resource_request": [req("R1", D(2026, 9, 30), D(2026, 10, 8)), req("R2", D(2026, 9, 30), D(2026, 10, 9))]}
    ev = both(pack, facts, D(2026, 10, 31))
    assert statuses(ev) == {"R2": "breach"}
    assert ev.findings[0].details == {"due_on": "2026-10-08", "late": 1, "deadline": "2026-10-08",
                                      "derivation": ev.findings[0].details["derivation"]}


def test_the_compiled_patterns_carry_params_runtime_values_and_derived_fields(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, DELIVERY)
    c = compile_rule(pack.rule("W-1"), pack.fact_types)
    assert c.subject == "r" and c.types() == ["resource_request"]
    pending = c.outcomes[3].all[0]
    assert [(t.field, t.op, t.value) for t in pending.tests] == [
        ("delivered_on", "absent", None), ("due_on", "ge", Param("as_of"))]
    assert set(c.fields["resource_request"]) == {"late", "delivered_on", "due_on"}


PAYMENT = """
- id: W-PAY
  clause: 三.2
  text: 乙方出具合法有效完整的发票后，60个工作日内进行支付
  title: 发票付款
  obligor: party_a
  check:
    kind: when
    facts: invoice
    as: i
    derive:
      due_on: {fn: deadline, from: issued_on, working_days: $payment_working_days}
    join:
      p: {facts: payment}
    outcomes:
      - status: compliant
        when: {i: {}, p: {invoice_id: i.id, paid_on: {le: i.due_on}}}
      - status: breach
        when: {i: {}, p: {invoice_id: i.id, paid_on: {gt: i.due_on}}}
      - status: breach
        when: {i: {due_on: {lt: $as_of}}}
        absent: {p: {invoice_id: i.id}}
      - status: at_risk
        when: {i: {due_on: {ge: $as_of}}}
        absent: {p: {invoice_id: i.id}}
"""


def inv(iid: str, on: D) -> Invoice:
    return Invoice(id=iid, number=iid, issued_on=on, amount=Decimal("1000"), period="2026H2", payee_name="乙方")


def pay(pid: str, iid: str | None, on: D) -> Payment:
    return Payment(id=pid, invoice_id=iid, paid_on=on, amount=Decimal("1000"))


def test_a_join_invoice_to_payment_and_absence_for_unpaid(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, PAYMENT)
    # Invoices of Wed 07-01: 60 working days, counted in test_kinds: ... Sep 14-18 (57),
    # Sun 09-20 make-up (58), 21 (59), 22 (60) → due 2026-09-22.
    facts = {
        "invoice": [inv("I1", D(2026, 7, 1)), inv("I2", D(2026, 7, 1)), inv("I3", D(2026, 7, 1)),
                    inv("I4", D(2026, 10, 9))],
        "payment": [pay("P1", "I1", D(2026, 9, 22)), pay("P2", "I2", D(2026, 9, 23)),
                    pay("P9", None, D(2026, 8, 1))],  # a payment for no invoice: never a subject
    }
    ev = both(pack, facts, D(2026, 10, 31))
    assert statuses(ev) == {"I2": "breach", "I3": "breach", "I4": "at_risk"}
    assert ev.items_checked == 4  # the invoices; payments are matched, not checked
    by = {f.subject: f for f in ev.findings}
    assert {(e.fact_type, e.id) for e in by["I2"].evidence} == {("invoice", "I2"), ("payment", "P2")}
    assert [(e.fact_type, e.id) for e in by["I3"].evidence] == [("invoice", "I3")]
    assert by["I2"].details["due_on"] == "2026-09-22"
    c = compile_rule(pack.rule("W-PAY"), pack.fact_types)
    assert c.types() == ["payment", "invoice"]  # the absent type is asserted first
    assert c.outcomes[0].all[1].tests[0].value == Ref("i", "id")


def test_all_paid_is_one_compliant_finding_with_the_payments_as_evidence(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, PAYMENT)
    facts = {"invoice": [inv("I1", D(2026, 7, 1))], "payment": [pay("P1", "I1", D(2026, 9, 22))]}
    ev = both(pack, facts, D(2026, 10, 31))
    [f] = ev.findings
    assert f.status == "compliant" and f.details == {"checked": 1}
    assert {e.id for e in f.evidence} == {"I1", "P1"}
    missing = evaluate(pack, {"invoice": facts["invoice"]}, as_of=D(2026, 10, 31),
                       period=(D(2026, 7, 1), D(2026, 10, 31)), evaluator=evaluators.reference())
    assert [f.status for f in missing.findings] == ["no_evidence"]  # joined types are required evidence


TICKETS = """
types:
  repair_ticket:
    title_zh: 故障工单
    description: A fault report and when it was answered.
    key: id
    fields:
      reported_at: {type: datetime, label: 报告时间}
      responded_at: {type: datetime, optional: true, label: 响应时间}
"""

RESPONSE = HEAD + """\
    kind: when
    facts: repair_ticket
    derive:
      wait: {fn: minutes_between, a: reported_at, b: responded_at}
      office: {fn: working_minutes, a: reported_at, b: responded_at, window: "08:30-17:30"}
      hours: {fn: hours_between, a: reported_at, b: responded_at}
    outcomes:
      - status: compliant
        when: {subject: {office: {le: 60}}}
      - status: breach
        when: {subject: {office: {gt: 60}}}
"""


def test_minutes_and_working_minutes_on_timestamps(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, RESPONSE, TICKETS)
    ticket = pack.fact_types["repair_ticket"]
    facts = {"repair_ticket": [
        # F1 Wed 09-30 16:00 → Thu 10-08 09:00. Continuous: 7 days 17 h = 10080 + 1020 = 11100 min.
        # Working time: 09-30 16:00-17:30 = 90; 10-01..07 holidays 0; 10-08 08:30-09:00 = 30 → 120.
        ticket(id="F1", reported_at=T(2026, 9, 30, 16, 0), responded_at=T(2026, 10, 8, 9, 0)),
        # F2 Fri 10-09 17:00 → Sat 10-10 09:00 (make-up day): 30 + 30 = 60 working minutes; 960 continuous.
        ticket(id="F2", reported_at=T(2026, 10, 9, 17, 0), responded_at=T(2026, 10, 10, 9, 0)),
        # F3 Sat 10-17 10:00 → Mon 10-19 08:45: weekend 0, Monday 08:30-08:45 = 15; 1440 + 1365 = 2805.
        ticket(id="F3", reported_at=T(2026, 10, 17, 10, 0), responded_at=T(2026, 10, 19, 8, 45)),
    ]}
    ev = both(pack, facts, D(2026, 10, 31))
    [f] = ev.findings
    assert (f.subject, f.status) == ("F1", "breach")
    assert (f.details["wait"], f.details["office"], f.details["hours"]) == (11100, 120, "185.0000")
    assert ev.items_checked == 3
    # the same numbers straight from the vocabulary
    values = {k: getattr(facts["repair_ticket"][i], k) for i in (1,) for k in ("reported_at", "responded_at")}
    office = run(lookup("working_minutes"), CAL, values, {"a": "reported_at", "b": "responded_at"})
    wait = run(lookup("minutes_between"), CAL, values, {"a": "reported_at", "b": "responded_at"})
    assert office is not None and wait is not None and (office.value, wait.value) == (60, 960)
    assert office.explanation.makeup_days_met == [D(2026, 10, 10)]
    f3 = {k: getattr(facts["repair_ticket"][2], k) for k in ("reported_at", "responded_at")}
    r3 = run(lookup("working_minutes"), CAL, f3, {"a": "reported_at", "b": "responded_at"})
    assert r3 is not None and r3.value == 15


def test_vocabulary_edges() -> None:
    # deadline in hours is continuous: 09-30 20:00 + 24 h = 10-01 20:00, a holiday, not moved.
    r = run(lookup("deadline"), CAL, {"t": T(2026, 9, 30, 20, 0)}, {"from": "t", "hours": 24})
    assert r is not None and r.value == T(2026, 10, 1, 20, 0)
    # natural days with Civil Code art. 203: 09-23 + 8 days = 10-01, a holiday → 10-08.
    r = run(lookup("deadline"), CAL, {"t": D(2026, 9, 23)}, {"from": "t", "natural_days": 8})
    assert r is not None and r.value == D(2026, 10, 8) and any("第203条" in s for s in r.explanation.steps)
    # months: 07-01 + 3 months = 10-01 (holiday) → 10-08, the design brief's example.
    r = run(lookup("deadline"), CAL, {"t": D(2026, 7, 1)}, {"from": "t", "months": 3})
    assert r is not None and r.value == D(2026, 10, 8)
    # working days strictly between Wed 09-30 and Mon 10-12: 10-08, 10-09, 10-10 (make-up) = 3
    r = run(lookup("working_days_between"), CAL, {"a": D(2026, 9, 30), "b": D(2026, 10, 12)}, {"a": "a", "b": "b"})
    assert r is not None and r.value == 3
    r = run(lookup("natural_days_between"), CAL, {"a": D(2026, 9, 30), "b": D(2026, 10, 12)}, {"a": "a", "b": "b"})
    assert r is not None and r.value == 11
    assert run(lookup("late_days"), CAL, {"d": D(2026, 10, 8), "x": None}, {"due": "d", "done": "x"}) is None
    with pytest.raises(DeriveError, match="did you mean `late_days`"):
        lookup("late_day")
    with pytest.raises(DeriveError, match="datetime"):
        run(lookup("minutes_between"), CAL, {"a": D(2026, 9, 30), "b": T(2026, 9, 30, 9)}, {"a": "a", "b": "b"})


# --- mistakes are named, with the nearest valid name ---------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        ("late: {le: 0}", "late_dys: {le: 0}", "outcomes.0.when.r.late_dys", "did you mean `late`?"),
        ("when: {r: {late: {gt: 0}}}", "when: {rr: {late: {gt: 0}}}", "outcomes.1.when",
         "the subject `r` must come first"),
        ("fn: late_days", "fn: late_day", "derive.late.fn", "did you mean `late_days`?"),
        ("late: {gt: 0}", "late: {gte: 0}", "outcomes.1.when.r.late.gte", "(write `ge`)"),
        ("done: delivered_on", "done: deliverd_on", "derive.late.done", "did you mean `delivered_on`?"),
        ("{deadline: due_on}", "{deadline: due_onn}", "values.deadline", "did you mean `due_on`?"),
    ],
)
def test_a_misspelling_is_an_error_naming_it(tmp_path: Path, old: str, new: str, path: str, expected: str) -> None:
    assert old in DELIVERY
    text = DELIVERY.replace(old, new, 1)
    root = write_pack(tmp_path / "pack", {"rules.yaml": textwrap.dedent(text)})
    with pytest.raises(InputError) as exc:  # loading refuses it, as lint does
        load_pack(root)
    err = exc.value
    assert expected in err.message and err.field == f"W-1.check.{path}", str(err)
    key = new.split(":")[0].strip("{ ")
    assert err.line is not None and key in textwrap.dedent(text).splitlines()[err.line - 1]
    # compiling on its own names it too (the rule as parsed, past the load-time check)
    errors: list[InputError] = []
    pack = load_pack(root, collect=errors)
    assert [e.field for e in errors] == [f"W-1.check.{path}"]
    with pytest.raises(InputError) as exc:
        compile_rule(pack.rule("W-1"), pack.fact_types)
    assert expected in str(exc.value) and exc.value.field == f"W-1.check.{path}"


def test_an_unknown_alias_in_absent_and_a_join_on_an_unknown_field(tmp_path: Path) -> None:
    text = PAYMENT.replace("absent: {p: {invoice_id: i.id}}", "absent: {q: {invoice_id: i.id}}", 1)
    text = text.replace("p: {invoice_id: i.id, paid_on: {le: i.due_on}}", "p: {invoice_id: i.idd, paid_on: {le: i.due_on}}")
    errors: list[InputError] = []
    pack = load_pack(write_pack(tmp_path / "pack", {"rules.yaml": textwrap.dedent(text)}), collect=errors)
    assert len(errors) == 2
    raw = parse_yaml(textwrap.dedent(text), "rules.yaml")[0]
    errs = check_rule(raw, lvyue.engine.rule.resolve_refs(raw["check"], pack.params), "rules.yaml", pack.fact_types, set())
    msgs = {e.field: e.message for e in errs}
    assert "unknown alias `q` (known: p)" in msgs["W-PAY.check.outcomes.2.absent.q"]
    assert "`idd` is not a field of `i`" in msgs["W-PAY.check.outcomes.0.when.p.invoice_id"]


def test_lint_accepts_the_good_rules_and_offers_their_derived_placeholders(tmp_path: Path) -> None:
    text = DELIVERY + '  message: {zh: "截止{deadline}，逾期{late}日；{derivation}", en: "due {deadline}, {nope}"}\n'
    raw = parse_yaml(textwrap.dedent(text), "rules.yaml")[0]
    pack = make_pack(tmp_path, PAYMENT)
    errs = check_rule(raw, lvyue.engine.rule.resolve_refs(raw["check"], pack.params), "rules.yaml", pack.fact_types, set())
    assert [(e.field, "unknown placeholder {nope}" in e.message) for e in errs] == [("W-1.message.en", True)]
    raw = parse_yaml(textwrap.dedent(PAYMENT), "rules.yaml")[0]
    assert check_rule(raw, lvyue.engine.rule.resolve_refs(raw["check"], pack.params), "r", pack.fact_types, set()) == []


# --- pack templates -------------------------------------------------------------------

WITHIN = {
    "params": {"facts": None, "start": None, "done": None, "n": None, "unit": "working_days"},
    "kind": "when",
    "facts": "{{facts}}",
    "derive": {"due_on": {"fn": "deadline", "from": "{{start}}", "{{unit}}": "{{n}}"},
               "late": {"fn": "late_days", "due": "due_on", "done": "{{done}}"}},
    "outcomes": [{"status": "breach", "when": {"subject": {"late": {"gt": 0}}}}],
    "values": {"note": "{{facts}} due in {{n}} {{unit}}"},
}


def test_expand_template_fills_placeholders_keeping_types() -> None:
    out = expand_template(WITHIN, {"facts": "resource_request", "start": "requested_on", "done": "delivered_on", "n": 3})
    assert out["derive"]["due_on"] == {"fn": "deadline", "from": "requested_on", "working_days": 3}
    assert out["values"]["note"] == "resource_request due in 3 working_days"
    assert "params" not in out and WITHIN["facts"] == "{{facts}}"  # the template is not changed


def test_expand_template_names_unknown_and_missing_arguments() -> None:
    with pytest.raises(InputError, match="did you mean `start`"):
        expand_template(WITHIN, {"facts": "x", "strat": "a", "done": "b", "n": 1})
    with pytest.raises(InputError, match="needs `start`"):
        expand_template(WITHIN, {"facts": "x", "done": "b", "n": 1})
    with pytest.raises(InputError, match="placeholder \\{\\{nn\\}\\} is not in params"):
        expand_template({"params": {"n": 1}, "x": "{{nn}}"}, {})


# --- docs -----------------------------------------------------------------------------


def test_docs_carry_the_vocabulary_table() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert markdown() in doc, "docs/rules.md is out of date: paste `python -m lvyue.engine.derive`"
    assert all(f"`{name}`" in doc for name in REGISTRY)

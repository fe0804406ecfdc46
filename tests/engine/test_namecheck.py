"""engine.namecheck: every fact type, field and placeholder a rule names, with line and suggestion.

Each test writes one rule as YAML text, loads it as lint does (line-aware),
resolves its `$parameters` from the Hebi contract.yaml and checks it. Line
numbers are counted by hand from the text: HEAD is lines 1-6, so a rule's
`check:` body starts on line 7.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import pytest
from packkit import CONTRACT

from lvyue.engine.errors import InputError
from lvyue.engine.kinds import KINDS
from lvyue.engine.namecheck import NAMES, check_rule
from lvyue.engine.pack import Contract, coerce_param, rule_files
from lvyue.engine.rule import resolve_refs
from lvyue.engine.yamlio import load_yaml, parse_yaml
from lvyue.facts.model import FACT_TYPES, Fact

PACK = CONTRACT.parent
FILE = "rules.yaml"

HEAD = """\
- id: T-1
  clause: 四（三）6
  text: 条款原文
  title: 标题
  obligor: party_b
  check:
"""


def params() -> dict[str, Any]:
    contract = Contract.model_validate(load_yaml(CONTRACT))
    return {name: coerce_param(p) for name, p in contract.parameters.items()}


PARAMS = params()


def run(text: str, types: dict[str, type[Fact]] | None = None) -> list[InputError]:
    raw = parse_yaml(text, FILE)[0]
    check = resolve_refs(raw["check"], PARAMS)
    kind = KINDS.get(check["kind"])
    variables = set(kind.variables) if kind else set()
    return check_rule(raw, check, FILE, FACT_TYPES if types is None else types, variables)


def at(text: str, line: int, needle: str) -> int:
    """The hand-counted line, after making sure it really holds the needle."""
    assert needle in text.splitlines()[line - 1], f"line {line} does not hold {needle!r}"
    return line


def one(errors: list[InputError], field: str) -> InputError:
    hits = [e for e in errors if e.field == field]
    assert len(hits) == 1, f"expected one error at {field}, got {[str(e) for e in errors]}"
    assert hits[0].file == FILE
    return hits[0]


NOTICE = HEAD + """\
    kind: advance_notice
    facts: maintenance
    where: {affects_service: true}
    event_date: start
    notice_date: notified_on
    working_days: $maintenance_notice_working_days
  message:
    zh: "{subject}于{notice_date}通知，仅{between}个工作日"
    en: "{subject} notified on {notice_date}: {between} working days"
"""


def test_a_correct_rule_has_no_problems() -> None:
    assert run(NOTICE) == []


def test_misspelled_date_field() -> None:
    text = NOTICE.replace("notice_date: notified_on", "notice_date: notifed_on")
    e = one(run(text), "T-1.check.notice_date")
    assert "`notifed_on`" in e.message and "maintenance" in e.message
    assert "did you mean `notified_on`?" in e.message
    assert e.line == at(text, 11, "notifed_on")


def test_misspelled_fact_type() -> None:
    text = NOTICE.replace("facts: maintenance", "facts: maintenence")
    errors = run(text)
    e = one(errors, "T-1.check.facts")
    assert "unknown fact type `maintenence`" in e.message
    assert "did you mean `maintenance`?" in e.message
    assert e.line == at(text, 8, "maintenence")
    assert len(errors) == 1  # its fields are not checked against a type that does not exist


def test_made_up_fact_type_lists_the_known_ones() -> None:
    text = NOTICE.replace("facts: maintenance", "facts: zebra")
    e = one(run(text), "T-1.check.facts")
    assert "`zebra`" in e.message and "known:" in e.message and "staff_change" in e.message


def test_misspelled_where_field() -> None:
    text = NOTICE.replace("where: {affects_service: true}", "where:\n      affects_servce: true")
    e = one(run(text), "T-1.check.where.affects_servce")
    assert "did you mean `affects_service`?" in e.message
    assert e.line == at(text, 10, "affects_servce")


def test_misspelled_where_not_field() -> None:
    text = NOTICE.replace("where: {affects_service: true}", "where_not: {kimd: 割接}")
    e = one(run(text), "T-1.check.where_not.kimd")
    assert "did you mean `kind`?" in e.message
    assert e.line == at(text, 9, "kimd")


def test_text_field_in_a_date_position() -> None:
    text = NOTICE.replace("event_date: start", "event_date: title")
    e = one(run(text), "T-1.check.event_date")
    assert "`title` is a text field, a date is needed" in e.message
    assert "start" in e.message  # the date fields of maintenance are offered
    assert e.line == at(text, 10, "event_date: title")


def test_bool_field_in_a_date_position() -> None:
    text = NOTICE.replace("event_date: start", "event_date: affects_service")
    e = one(run(text), "T-1.check.event_date")
    assert "yes/no field, a date is needed" in e.message


def test_every_problem_is_returned() -> None:
    text = (
        NOTICE.replace("event_date: start", "event_date: strat")
        .replace("notice_date: notified_on", "notice_date: kind")
        .replace("{between}个", "{betwen}个")
    )
    errors = run(text)
    assert sorted(str(e.field) for e in errors) == [
        "T-1.check.event_date",
        "T-1.check.notice_date",
        "T-1.message.zh",
    ]


CAP = HEAD + """\
    kind: cap
    facts: invoice
    amount_field: amount
    date_field: issued_on
    at_most: $annual_budget_cap_cny
"""


def test_text_field_in_an_amount_position() -> None:
    text = CAP.replace("amount_field: amount", "amount_field: number")
    e = one(run(text), "T-1.check.amount_field")
    assert "`number` is a text field, an amount (decimal/money) is needed" in e.message
    assert e.line == at(text, 9, "amount_field: number")


def test_date_field_in_an_amount_position_suggests_an_amount_field() -> None:
    text = CAP.replace("amount_field: amount", "amount_field: issued_on")
    e = one(run(text), "T-1.check.amount_field")
    assert "date field" in e.message and "`amount`" in e.message


def test_cap_clean_and_misspelled_date() -> None:
    assert run(CAP) == []
    text = CAP.replace("date_field: issued_on", "date_field: isued_on")
    e = one(run(text), "T-1.check.date_field")
    assert "did you mean `issued_on`?" in e.message
    assert e.line == at(text, 10, "isued_on")


MAINTAIN = HEAD + """\
    kind: maintain
    facts: staff
    where: {core: true}
    at_least: 3
"""


def test_maintain_defaults_are_checked_against_the_fact_type() -> None:
    assert run(MAINTAIN) == []  # staff has start and end
    text = MAINTAIN.replace("facts: staff", "facts: device")
    errors = run(text)
    e = one(errors, "T-1.check.active_from")
    assert "`start` is not a field of `device`" in e.message
    assert "when `active_from` is not given" in e.message
    assert e.line == at(text, 7, "kind: maintain")  # the kind applies the default
    one(errors, "T-1.check.active_to")
    one(errors, "T-1.check.where.core")


def test_maintain_active_to_null_is_not_a_field() -> None:
    text = MAINTAIN.replace("facts: staff", "facts: drill").replace(
        "    at_least: 3\n", "    active_from: date\n    active_to: null\n    at_least: 3\n"
    )
    text = text.replace("where: {core: true}", "where: {kind: 桌面}")
    assert run(text) == []


def test_misspelled_group_by() -> None:
    text = MAINTAIN.replace("    at_least: 3\n", "    group_by: categores\n    at_least: 3\n")
    e = one(run(text), "T-1.check.group_by")
    assert "did you mean `categories`?" in e.message
    assert e.line == at(text, 10, "categores")


INVENTORY = HEAD + """\
    kind: inventory
    facts: device
    groups: [firewall, ips]
"""


def test_inventory_defaults() -> None:
    assert run(INVENTORY) == []
    text = INVENTORY.replace("facts: device", "facts: staff")
    errors = run(text)
    for path, name in (("active_from", "in_service_from"), ("active_to", "in_service_to"), ("group_by", "category")):
        e = one(errors, f"T-1.check.{path}")
        assert f"`{name}` is not a field of `staff`" in e.message
        assert e.line == at(text, 7, "kind: inventory")


PRESENCE = HEAD + """\
    kind: presence
    facts: onsite_day
    roster:
      facts: staff
      where: {onsite: true}
    at_least: 1
"""


def test_presence_roster() -> None:
    assert run(PRESENCE) == []
    text = PRESENCE.replace("facts: staff", "facts: staf")
    e = one(run(text), "T-1.check.roster.facts")
    assert "did you mean `staff`?" in e.message
    assert e.line == at(text, 10, "staf")
    text = PRESENCE.replace("{onsite: true}", "{onsit: true}")
    e = one(run(text), "T-1.check.roster.where.onsit")
    assert "did you mean `onsite`?" in e.message
    assert e.line == at(text, 11, "onsit")


def test_presence_default_date_field() -> None:
    text = PRESENCE.replace("facts: onsite_day", "facts: system_day").replace(
        "    at_least: 1\n", "    person_field: system\n    at_least: 1\n"
    )
    assert run(text) == []  # system_day has `day`
    text = text.replace("facts: system_day", "facts: drill")
    errors = run(text)
    assert "`day` is not a field of `drill`" in one(errors, "T-1.check.date_field").message
    assert one(errors, "T-1.check.person_field").line == at(text, 12, "person_field")


PAY = HEAD + """\
    kind: respond_within
    facts: invoice
    trigger_date: issued_on
    response:
      facts: payment
      match: invoice_id
      date: paid_on
      amount: amount
      where: {period: 2026H2}
    working_days: $payment_working_days
    late_fee:
      rate_per_day: $late_fee_rate_per_day
"""


def test_respond_within_joined_response() -> None:
    assert run(PAY) == []
    cases = [
        ("facts: payment", "facts: paymnet", "response.facts", 11, "did you mean `payment`?"),
        ("match: invoice_id", "match: invoiceid", "response.match", 12, "did you mean `invoice_id`?"),
        ("date: paid_on", "date: paid", "response.date", 13, "did you mean `paid_on`?"),
        ("amount: amount", "amount: period", "response.amount", 14, "text field, an amount"),
        ("{period: 2026H2}", "{perod: 2026H2}", "response.where.perod", 15, "did you mean `period`?"),
    ]
    for old, new, path, line, words in cases:
        text = PAY.replace(old, new)
        e = one(run(text), f"T-1.check.{path}")
        assert words in e.message, e.message
        assert e.line == at(text, line, new.split(": ")[1])


def test_respond_within_late_fee_amount_default() -> None:
    text = PAY.replace("facts: invoice", "facts: acceptance").replace("issued_on", "date")
    errors = run(text)
    e = one(errors, "T-1.check.late_fee.amount_field")
    assert "`amount` is not a field of `acceptance`" in e.message
    assert e.line == at(text, 17, "late_fee:")  # where the default applies
    text = text.replace("      rate_per_day:", "      amount_field: amout\n      rate_per_day:")
    text = text.replace("facts: acceptance", "facts: invoice").replace("trigger_date: date", "trigger_date: issued_on")
    e = one(run(text), "T-1.check.late_fee.amount_field")
    assert "did you mean `amount`?" in e.message
    assert e.line == at(text, 18, "amout")


def test_respond_within_own_dates() -> None:
    text = HEAD + """\
    kind: respond_within
    facts: acceptance
    where: {passed: false}
    trigger_date: notified_on
    response_date: rectifed_on
    working_days: 5
"""
    e = one(run(text), "T-1.check.response_date")
    assert "did you mean `rectified_on`?" in e.message
    assert e.line == at(text, 11, "rectifed_on")
    text = text.replace("rectifed_on", "rectified_on").replace("    working_days: 5\n", "    deadline_field: subject\n")
    e = one(run(text), "T-1.check.deadline_field")
    assert "text field, a date is needed" in e.message


def test_periodic_and_achieve_by() -> None:
    periodic = HEAD + """\
    kind: periodic
    facts: report
    every: month
    period_field: perod
    date_field: delivered_on
    passed: {field: kidn, values: [operation]}
"""
    errors = run(periodic)
    assert "did you mean `period`?" in one(errors, "T-1.check.period_field").message
    e = one(errors, "T-1.check.passed.field")
    assert "did you mean `kind`?" in e.message
    assert e.line == at(periodic, 12, "kidn")
    achieve = HEAD + """\
    kind: achieve_by
    facts: payment
    date_field: paid_on
    sum_field: amont
    by: {months: 3}
"""
    e = one(run(achieve), "T-1.check.sum_field")
    assert "did you mean `amount`?" in e.message
    assert e.line == at(achieve, 10, "amont")
    assert run(achieve.replace("amont", "amount")) == []


def test_precedes_prohibit_each() -> None:
    precedes = HEAD + "    kind: precedes\n    facts: staff_change\n    first: consented_on\n    then: effectiv\n"
    e = one(run(precedes), "T-1.check.then")
    assert "did you mean `effective`?" in e.message
    assert e.line == at(precedes, 10, "effectiv")
    prohibit = HEAD + "    kind: prohibit\n    facts: incident\n    date_field: date\n    describe_field: descripton\n"
    assert "did you mean `description`?" in one(run(prohibit), "T-1.check.describe_field").message
    each = HEAD + "    kind: each\n    facts: performance_review\n    field: grade\n    date_field: date\n"
    e = one(run(each), "T-1.check.field")
    assert "text field, a number is needed" in e.message
    assert run(each.replace("field: grade", "field: panel_size")) == []


def test_fee_default_types_and_fields() -> None:
    fee = HEAD + """\
    kind: fee
    facts: invoice
    cutoff_day: 15
    cutoff_day_bills_full_month: true
"""
    assert run(fee) == []
    text = fee.replace("    cutoff_day: 15\n", "    usage: usages\n    cutoff_day: 15\n")
    e = one(run(text), "T-1.check.usage")
    assert "did you mean `usage`?" in e.message
    assert e.line == at(text, 9, "usages")
    text = fee.replace("facts: invoice", "facts: payment")
    errors = run(text)
    assert "`issued_on` is not a field of `payment`" in one(errors, "T-1.check.facts").message
    assert "text field" not in str(errors)  # payment.period is text, so period_field fits
    text = fee.replace("    cutoff_day: 15\n", "    amount_field: payee_name\n    cutoff_day: 15\n")
    assert "text field, an amount" in one(run(text), "T-1.check.amount_field").message


class FaultTicket(Fact):
    """A pack-declared type with timestamps, as a YAML declaration would build it."""

    reported_at: dt.datetime
    repaired_at: dt.datetime | None = None
    cost: Annotated[Decimal | None, "money"] = None
    note: str | None = None


def test_datetime_and_annotated_fields_of_a_declared_type() -> None:
    types = {**FACT_TYPES, "repair_ticket": FaultTicket}
    text = HEAD + """\
    kind: respond_within
    facts: repair_ticket
    trigger_date: reported_at
    response_date: repaired_at
    natural_days: 1
"""
    assert run(text, types) == []
    bad = text.replace("response_date: repaired_at", "response_date: note")
    e = one(run(bad, types), "T-1.check.response_date")
    assert "`note` is a text field, a date is needed" in e.message
    cap = HEAD + "    kind: cap\n    facts: repair_ticket\n    amount_field: cost\n    date_field: reported_at\n    at_most: 10\n"
    assert run(cap, types) == []
    assert run(text) != []  # without the declaration the type is unknown


def test_a_kind_not_in_the_table_passes_but_its_message_is_checked() -> None:
    assert "freeform" not in NAMES
    text = HEAD + """\
    kind: freeform
    facts: no_such_type
    anything: goes
  message:
    zh: "{subject"
    en: "{subject}"
"""
    errors = run(text)
    e = one(errors, "T-1.message.zh")
    assert len(errors) == 1
    assert e.line == at(text, 11, "zh:")


def test_unbalanced_braces_in_messages() -> None:
    text = NOTICE.replace("{between}个", "{between个")
    e = one(run(text), "T-1.message.zh")
    assert "unbalanced" in e.message and "message.zh" in e.message and "T-1" in e.message
    assert e.line == at(text, 14, "zh:")
    text = NOTICE.replace("{between} working", "{between}} working")
    e = one(run(text), "T-1.message.en")
    assert "unbalanced" in e.message and "message.en" in e.message
    assert e.line == at(text, 15, "en:")
    assert run(NOTICE.replace("{between} working", "{between} {{working}}")) == []


def test_unknown_placeholder_with_suggestion() -> None:
    text = NOTICE.replace("{between} working", "{betwen} working")
    e = one(run(text), "T-1.message.en")
    assert "unknown placeholder {betwen}" in e.message
    assert "did you mean `between`?" in e.message
    assert e.line == at(text, 15, "en:")


def test_common_variables_are_allowed_and_other_kinds_are_not() -> None:
    text = NOTICE.replace("{between} working", "{start} {end} {days} {clause} {status}")
    assert run(text) == []
    text = NOTICE.replace("{between} working", "{late_days} working")  # respond_within's, not this kind's
    assert "unknown placeholder {late_days}" in one(run(text), "T-1.message.en").message


def test_positional_and_bad_conversion_placeholders() -> None:
    e = one(run(NOTICE.replace("{between} working", "{} working")), "T-1.message.en")
    assert "has no name" in e.message
    e = one(run(NOTICE.replace("{between} working", "{between!x} working")), "T-1.message.en")
    assert "!x" in e.message
    e = one(run(NOTICE.replace("{between} working", "{between:>{widht}} working")), "T-1.message.en")
    assert "{widht}" in e.message


def test_parameters_are_resolved_before_checking() -> None:
    # where_not: {period: $overdue_period_label} — a parameter value, a real field key
    text = CAP.replace("    amount_field: amount\n", "    where_not: {period: $overdue_period_label}\n    amount_field: amount\n")
    assert run(text) == []


def hebi_rules() -> list[tuple[str, Any]]:
    out = []
    for path in rule_files(PACK):  # the pack's rule files (not contract, settlement, facts, templates)
        out += [(str(path), raw) for raw in load_yaml(path)]
    return out


def test_every_hebi_rule_is_clean() -> None:
    rules = hebi_rules()
    assert len(rules) >= 50
    problems = []
    checked = set()
    for file, raw in rules:
        check = resolve_refs(raw["check"], PARAMS)
        checked.add(check["kind"])
        variables = set(KINDS[check["kind"]].variables)
        problems += [str(e) for e in check_rule(raw, check, file, FACT_TYPES, variables)]
    assert problems == []
    assert checked - {"manual"} <= set(NAMES)  # every kind the pack uses is in the table


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_table_covers_every_kind_and_only_real_spec_fields(kind: str) -> None:
    """A table entry naming a path the kind's Spec does not have would check nothing."""
    assert kind in NAMES
    spec = KINDS[kind].Spec
    for name in NAMES[kind]:
        path = getattr(name, "path", None)
        if path is None:
            continue
        head, _, rest = path.partition(".")
        assert head in spec.model_fields, f"{kind}: {path}"
        if rest:
            sub = spec.model_fields[head].annotation
            sub_models = [a for a in getattr(sub, "__args__", (sub,)) if hasattr(a, "model_fields")]
            assert any(rest in m.model_fields for m in sub_models), f"{kind}: {path}"

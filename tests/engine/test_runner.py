"""Acceptance tests of the durable_rules adapter (engine/runner.py) and the evaluator.

Each test states one property the adapter must hold now that durable_rules
matches domain facts: every action runs before `match` returns, no fact is
lost to durable_rules' 32-bit id hash, `absent` (none) joins do not depend
on assertion order, evaluations are isolated, an exception inside an action
surfaces, memory is freed, unused or duplicate facts are harmless, and a
state whose facts match nothing is deleted safely. Expected outcomes are
always computed here, in plain Python, independently of both evaluators.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
from pathlib import Path

import pytest

dre = pytest.importorskip("durable_rules_engine", reason="durable-rules is not installed (Python 3.13+)")
from durable.engine import Host, MessageNotHandledException, MessageObservedException  # noqa: E402
from packkit import write_pack  # noqa: E402

import lvyue.engine.runner as runner  # noqa: E402
from lvyue.engine import reference  # noqa: E402
from lvyue.engine.evaluate import evaluate  # noqa: E402
from lvyue.engine.pack import Pack, load_pack  # noqa: E402
from lvyue.engine.patterns import (  # noqa: E402
    CompiledRule,
    Outcome,
    Param,
    Pattern,
    Record,
    Ref,
    Test,
    fields_read,
)
from lvyue.engine.runner import EvaluationError, fnv1a_32, match, unique_ids  # noqa: E402
from lvyue.facts.model import Device, Incident, OnsiteDay, StaffMember  # noqa: E402

# --- a threshold rule over "reading" facts: value against the fact's own bound -----------

OPS = ("ge", "le", "eq")
_FLIP = {"ge": "lt", "le": "gt", "eq": "ne"}


def threshold_rule() -> CompiledRule:
    outcomes = []
    for op in OPS:
        for outcome, test in (("met", op), ("unmet", _FLIP[op])):
            tests = (Test("op", "eq", op), Test("value", "exists"), Test("value", test, Ref("x", "bound")))
            outcomes.append(Outcome(outcome, (Pattern("x", "reading", tests),), tag=f"{op}_{outcome}"))
    outcomes.append(Outcome("missing", (Pattern("x", "reading", (Test("value", "absent"),)),)))
    o = tuple(outcomes)
    return CompiledRule("T", o, fields_read(o))


RULE = threshold_rule()


def reading(bound: int, op: str, value: int | None) -> Record:
    return Record("reading", {"bound": bound, "op": op, "value": value})


def expected(r: Record) -> str:
    """What a reading's outcome must be, computed without any rules engine."""
    v, b, op = r.fields["value"], r.fields["bound"], r.fields["op"]
    if v is None:
        return "missing"
    ok = {"ge": v >= b, "le": v <= b, "eq": v == b}[op]
    return "met" if ok else "unmet"


def decided(rule: CompiledRule, records: list[Record], **kw) -> list[str]:
    """One outcome per record (the test rule's outcomes exclude each other)."""
    got: dict[int, list[str]] = {}
    for m in match(rule, records, {}, **kw):
        got.setdefault(m.records[0], []).append(rule.outcomes[m.outcome].status)
    assert all(len(v) == 1 for v in got.values()), "a record matched two outcomes"
    return [got[i][0] if i in got else "none" for i in range(len(records))]


def random_readings(n: int, seed: int, none_share: float = 0.1) -> list[Record]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        observed = None if rnd.random() < none_share else rnd.randint(0, 12)
        out.append(reading(rnd.randint(0, 12), rnd.choice(OPS), observed))
    return out


# --- completeness -------------------------------------------------------------


def test_every_action_runs_with_more_than_100000_facts() -> None:
    records = random_readings(110_000, seed=2026, none_share=0.08)
    want = [expected(r) for r in records]
    # every outcome of every comparison is represented, so no rule can be silently dead
    for op in OPS:
        for outcome in ("met", "unmet", "missing"):
            assert any(r.fields["op"] == op and w == outcome for r, w in zip(records, want, strict=True)), (op, outcome)
    # as evaluations run it (rulesets of runner.CHUNK facts), and all in one single
    # ruleset, so the drain of deferred actions is proven on 100,000+ facts at once
    for chunk in (runner.CHUNK, len(records)):
        got = decided(RULE, records, chunk=chunk)
        wrong = [(i, records[i], got[i], want[i]) for i in range(len(records)) if got[i] != want[i]]
        assert not wrong, f"chunk={chunk}: {len(wrong)} wrong decisions, first: {wrong[:3]}"


def test_boundaries_of_each_comparison() -> None:
    records = [
        reading(10, "ge", 10), reading(10, "ge", 9), reading(10, "ge", 11),
        reading(10, "le", 10), reading(10, "le", 11), reading(10, "le", 9),
        reading(0, "eq", 0), reading(1, "eq", 0), reading(1, "eq", None),
        reading(0, "le", 0), reading(0, "ge", None),
    ]
    want = ["met", "unmet", "met", "met", "unmet", "met", "met", "unmet", "missing", "met", "missing"]
    assert decided(RULE, records) == want
    assert [expected(r) for r in records] == want
    assert match(RULE, [], {}) == []


def test_values_are_compared_exactly_dates_money_text_and_parameters() -> None:
    """Dates, Decimals, Chinese text and `$parameters` reach durable_rules and compare as in Python."""
    from decimal import Decimal

    tests = (
        Test("day", "le", Param("as_of")),
        Test("amount", "le", Param("cap", Decimal("10700000.00"))),
        Test("grade", "in", ["优秀", "合格"]),
    )
    o = (Outcome("ok", (Pattern("x", "row", tests),)),)
    rule = CompiledRule("V", o, fields_read(o))
    as_of = dt.date(2026, 9, 30)
    rows = [
        Record("row", {"day": as_of, "amount": Decimal("10700000.00"), "grade": "合格"}),  # every bound met exactly
        Record("row", {"day": as_of + dt.timedelta(days=1), "amount": Decimal("1"), "grade": "优秀"}),
        Record("row", {"day": as_of, "amount": Decimal("10700000.01"), "grade": "优秀"}),  # one fen over
        Record("row", {"day": as_of, "amount": Decimal("1"), "grade": "不合格"}),
    ]
    runtime = {"as_of": as_of}
    assert [m.records for m in match(rule, rows, runtime)] == [(0,)]
    assert [m.records for m in reference.match(rule, rows, runtime)] == [(0,)]


# --- id collisions --------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def colliding_pair() -> tuple[str, str]:
    seen: dict[int, str] = {}
    i = 0
    while True:
        s = f"o{i}"
        h = fnv1a_32(s)
        if h in seen:
            return seen[h], s
        seen[h] = s
        i += 1


class _QuietHost(Host):
    def _run(self) -> None:  # no background timer threads
        return None


def _raw_definition() -> dict:
    """A request is late, on time, or has no delivery (a `none` join), in bare durable_rules JSON."""
    req = {"t": "request"}
    return {
        "late": {"all": [{"r": req}, {"d": {"$and": [{"t": "delivery"}, {"rid": {"r": "k"}}, {"$gt": {"day": {"r": "due"}}}]}}]},
        "on_time": {"all": [{"r": req}, {"d": {"$and": [{"t": "delivery"}, {"rid": {"r": "k"}}, {"$lte": {"day": {"r": "due"}}}]}}]},
        "missing": {"all": [{"r": req}, {"d$not": {"$and": [{"t": "delivery"}, {"rid": {"r": "k"}}]}}]},
    }


def _raw_engine(facts: list[dict], name: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Assert facts one by one, in this order, into a bare durable_rules Host.

    Returns every decision taken (request key, outcome), in order, and the ids it refused.
    """
    log: list[tuple[str, str]] = []

    def action(rule_name: str):
        def act(c) -> None:
            log.append((c.r["k"], rule_name))

        return act

    definition = _raw_definition()
    for rule_name, rule in definition.items():
        rule["run"] = action(rule_name)
    host = _QuietHost()
    host.register_rulesets({name: definition})
    ruleset = host.get_ruleset(name)
    refused = []

    def drain() -> None:
        while True:
            pending = dre.start_action(ruleset._handle)
            if not pending:
                return
            ruleset._flush_actions(
                json.loads(pending[0]), {"message": json.loads(pending[1])}, pending[2], lambda e, s: None
            )

    try:
        for f in facts:
            try:
                host.assert_fact(name, f)
            except MessageNotHandledException:
                pass
            except MessageObservedException:
                refused.append(f["id"])
            drain()
    finally:
        host.delete_state(name, "0")
        dre.delete_ruleset(ruleset._handle)
    return log, refused


def test_fnv1a_matches_the_engine_and_match_keeps_colliding_ids_apart() -> None:
    a, b = colliding_pair()
    assert a != b and fnv1a_32(a) == fnv1a_32(b)
    deliveries = [
        {"id": a, "t": "delivery", "rid": "A", "day": 5},
        {"id": b, "t": "delivery", "rid": "B", "day": 1},
    ]
    requests = [{"id": "rA", "t": "request", "k": "A", "due": 3}, {"id": "rB", "t": "request", "k": "B", "due": 3}]
    # The bare engine takes b for a duplicate of a and drops it: B looks undelivered.
    log, refused = _raw_engine(deliveries + requests, "collide_raw")
    assert refused == [b]
    assert sorted(log) == [("A", "late"), ("B", "missing")]
    # Control: ids that do not collide are both kept (so the loss above is the hash).
    c = next(f"o{i}" for i in range(10) if fnv1a_32(f"o{i}") != fnv1a_32(a))
    control = [{**deliveries[0], "id": c}, deliveries[1]]
    log, refused = _raw_engine(control + requests, "collide_control")
    assert refused == []
    assert sorted(log) == [("A", "late"), ("B", "on_time")]

    # match() renames one of them apart and decides both correctly.
    ids = unique_ids([a, b])
    assert ids[0] == a and ids[1] != b and fnv1a_32(ids[1]) != fnv1a_32(a)
    records = [reading(3, "ge", 5), reading(3, "ge", 1)]
    assert decided(RULE, records, names=[a, b]) == ["met", "unmet"]
    assert decided(RULE, list(reversed(records)), names=[b, a]) == ["unmet", "met"]


def test_unique_ids_leaves_distinct_hashes_alone_and_never_returns_a_collision() -> None:
    a, b = colliding_pair()
    ids = unique_ids(["x", a, "y", b, a + "/e", b + "/e"])
    assert ids[:3] == ["x", a, "y"]
    assert len({fnv1a_32(i) for i in ids}) == len(ids)


# --- order of `none` joins --------------------------------------------------------


def test_the_bare_engine_does_depend_on_order() -> None:
    """Why match() asserts the types under `absent` first: the other way round, `none` fires early."""
    r = {"id": "rA", "t": "request", "k": "A", "due": 3}
    d = {"id": "dA", "t": "delivery", "rid": "A", "day": 2}
    assert _raw_engine([d, r], "order_ok")[0] == [("A", "on_time")]
    assert _raw_engine([r, d], "order_bad")[0] == [("A", "missing"), ("A", "on_time")]


def delivery_rule() -> CompiledRule:
    """request → delivery: on time, late, or none delivered (an `absent` join)."""
    r = Pattern("r", "request")

    def d(*tests: Test) -> Pattern:
        return Pattern("d", "delivery", (Test("request_id", "eq", Ref("r", "id")), *tests))

    o = (
        Outcome("compliant", (r, d(Test("delivered_on", "le", Ref("r", "due_on"))))),
        Outcome("breach", (r, d(Test("delivered_on", "gt", Ref("r", "due_on"))))),
        Outcome("missing", (r,), absent=(d(),)),
    )
    return CompiledRule("J", o, fields_read(o))


def requests_and_deliveries(n: int, seed: int) -> tuple[list[Record], dict[str, set[str]]]:
    rnd = random.Random(seed)
    records, want = [], {}
    base = dt.date(2026, 7, 1)
    for i in range(n):
        due = base + dt.timedelta(days=rnd.randint(0, 60))
        records.append(Record("request", {"id": f"R{i}", "due_on": due}))
        statuses = set()
        for _ in range(rnd.choice((0, 1, 1, 1, 2))):  # none, one, or two deliveries
            day = due + dt.timedelta(days=rnd.randint(-3, 3))
            records.append(Record("delivery", {"request_id": f"R{i}", "delivered_on": day}))
            statuses.add("compliant" if day <= due else "breach")
        want[f"R{i}"] = statuses or {"missing"}
    return records, want


def statuses_by_request(rule: CompiledRule, records: list[Record], found) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in found:
        out.setdefault(records[m.records[0]].fields["id"], set()).add(rule.outcomes[m.outcome].status)
    return out


def test_none_join_answer_does_not_depend_on_assertion_order() -> None:
    rule = delivery_rule()
    assert rule.types() == ["delivery", "request"]  # the type under `absent` goes first
    records, want = requests_and_deliveries(1_500, seed=11)
    assert {s for v in want.values() for s in v} == {"compliant", "breach", "missing"}
    assert statuses_by_request(rule, records, match(rule, records, {})) == want
    rnd = random.Random(99)
    for _ in range(3):
        order = list(range(len(records)))
        rnd.shuffle(order)
        assert statuses_by_request(rule, records, match(rule, records, {}, order=order)) == want
    # a request with two deliveries matches twice: each match names its delivery (the evidence)
    two = [m for m in match(rule, records, {}) if len(m.records) == 2]
    assert all(records[m.records[1]].fields["request_id"] == records[m.records[0]].fields["id"] for m in two)


def test_a_cyclic_assertion_order_is_refused() -> None:
    a, b = Pattern("a", "x"), Pattern("b", "y", (Test("k", "eq", Ref("a", "k")),))
    b2, a2 = Pattern("b", "y"), Pattern("a", "x", (Test("k", "eq", Ref("b", "k")),))
    o = (Outcome("p", (a,), absent=(b,)), Outcome("q", (b2,), absent=(a2,)))
    with pytest.raises(ValueError, match="cycle"):
        CompiledRule("C", o, fields_read(o)).types()


def test_a_state_whose_facts_match_nothing_is_deleted_safely() -> None:
    """Without the sentinel fact, deleting such a state crashed the process (segfault)."""
    o = (Outcome("breach", (Pattern("x", "incident", (Test("caused_by_supplier", "eq", True),)),)),)
    rule = CompiledRule("N", o, fields_read(o))
    for _ in range(200):
        assert match(rule, [Record("incident", {"caused_by_supplier": False})], {}) == []


# --- exceptions inside actions ----------------------------------------------------


def test_an_exception_inside_an_action_is_an_evaluation_error(monkeypatch) -> None:
    real = runner.ruleset

    def failing(rule, runtime):
        d = real(rule, runtime)
        if rule.rule == "T":
            key = next(k for k in d if k.endswith(":unmet"))  # the ge_unmet outcome

            class Failing(dict):
                def __setitem__(self, k, v):
                    if k == "run":

                        def v(c) -> None:
                            raise RuntimeError("boom inside a durable_rules action")

                    super().__setitem__(k, v)

            d[key] = Failing(d[key])
        return d

    monkeypatch.setattr(runner, "ruleset", failing)
    ok = [reading(3, "ge", 5), reading(3, "le", 1), reading(3, "eq", None)]
    assert decided(RULE, ok) == ["met", "met", "missing"]  # the failing rule is not triggered
    many = [r for r in random_readings(500, seed=5, none_share=0.0) if not (r.fields["op"] == "ge" and expected(r) == "unmet")]
    many.insert(250, reading(3, "ge", 1))  # one failing action in the middle
    with pytest.raises(EvaluationError, match="boom inside a durable_rules action"):
        match(RULE, many, {})
    monkeypatch.setattr(runner, "ruleset", real)
    assert decided(RULE, [reading(3, "ge", 1)]) == ["unmet"]  # nothing of the failure is left behind


# --- packs for evaluation tests ---------------------------------------------------

RULES = """
- id: T-CORE
  clause: 四（三）2
  text: 乙方需建立本地化运维团队，核心成员不少于10人
  title: 本地核心团队不少于10人
  obligor: party_b
  check:
    kind: maintain
    facts: staff
    where: {core: true, local: true}
    at_least: $min_core_local_engineers
- id: T-ONSITE
  clause: 四（三）2
  text: 在工作日期间，委派至少一名专业技术人员到甲方指定办公地点提供驻场服务。
  title: 工作日驻场
  obligor: party_b
  check:
    kind: presence
    facts: onsite_day
    at_least: $min_onsite_engineers
- id: T-INCIDENT
  clause: 四（四）7
  text: 对因自身提供的政务云服务相关原因造成的安全事件负责
  title: 乙方原因安全事件
  obligor: party_b
  check:
    kind: prohibit
    facts: incident
    where: {caused_by_supplier: true}
    date_field: date
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Pack:
    return load_pack(write_pack(tmp_path_factory.mktemp("pack"), {"rules.yaml": RULES}))


PERIOD = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
AS_OF = dt.date(2026, 9, 30)


def staff(n: int) -> list[StaffMember]:
    return [
        StaffMember(id=f"S{i:02d}", name=f"工程师{i}", core=True, local=True, start=dt.date(2026, 7, 1))
        for i in range(n)
    ]


def onsite(days: list[dt.date]) -> list[OnsiteDay]:
    return [OnsiteDay(id=f"D{d.isoformat()}", person_id="S00", day=d) for d in days]


def working_days(pack: Pack, start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start
    while d <= end:
        if pack.calendar.is_working(d):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def findings_json(ev) -> str:
    return json.dumps([f.to_dict() for f in ev.findings], ensure_ascii=False, sort_keys=True)


# --- isolation --------------------------------------------------------------------


def test_two_evaluations_give_byte_identical_findings(pack: Pack) -> None:
    days = working_days(pack, *PERIOD)
    facts = {
        "staff": staff(9),  # one short every day: a breach over the whole period
        "onsite_day": onsite(days[:10] + days[11:]),  # one working day without anyone
        "incident": [],
    }
    first = evaluate(pack, facts, as_of=AS_OF, period=PERIOD)
    second = evaluate(pack, facts, as_of=AS_OF, period=PERIOD)
    assert findings_json(first) == findings_json(second)
    statuses = {(f.rule, f.status) for f in first.findings}
    assert ("T-CORE", "breach") in statuses and ("T-ONSITE", "breach") in statuses


def test_no_state_leaks_from_one_evaluation_into_the_next(pack: Pack) -> None:
    assert decided(RULE, [reading(1, "ge", 5)], names=["same"]) == ["met"]
    assert decided(RULE, [reading(1, "ge", None)], names=["same"]) == ["missing"]

    days = working_days(pack, *PERIOD)
    full = evaluate(pack, {"onsite_day": onsite(days)}, as_of=AS_OF, period=PERIOD)
    (f,) = [f for f in full.findings if f.rule == "T-ONSITE"]
    assert f.status == "compliant" and f.details["checked"] == len(days)
    # same pack, the same Items, but no observations this time: all must be missing
    empty = evaluate(pack, {"onsite_day": []}, as_of=AS_OF, period=PERIOD)
    (f,) = [f for f in empty.findings if f.rule == "T-ONSITE"]
    assert f.status == "breach"
    # every working day is missing: one finding spanning the first to the last
    # working day of the period (week-ends and holidays are no Items, so no gap)
    assert f.period == (days[0], days[-1]) and len(f.details["days"]) == len(days)


# --- memory -----------------------------------------------------------------------


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc (Linux)")
def test_memory_is_freed_after_each_evaluation(pack: Pack) -> None:
    days = working_days(pack, *PERIOD)
    facts = {"staff": staff(10), "onsite_day": onsite(days[::2]), "incident": []}
    # a match() of its own per round as well: a state left in the engine costs about
    # 1.4 MB per 100 facts (measured by disabling delete_state: +2 GB over 90 rounds
    # of 1,500 facts), so a leak would exceed the bound many times over
    records = random_readings(600, seed=3)
    want = [expected(r) for r in records]
    reference = None
    after_10 = 0
    for n in range(1, 101):
        ev = evaluate(pack, facts, as_of=AS_OF, period=PERIOD)
        assert decided(RULE, records) == want
        out = findings_json(ev)
        if reference is None:
            reference = out
        assert out == reference
        if n == 10:
            after_10 = rss_bytes()
    growth = rss_bytes() - after_10
    assert growth < 50 * 1024 * 1024, f"RSS grew {growth / 2**20:.1f} MB over 90 evaluations"


# --- unused facts and duplicates ------------------------------------------------------


def test_facts_no_rule_uses_are_harmless(pack: Pack) -> None:
    days = working_days(pack, *PERIOD)
    base = {"staff": staff(10), "onsite_day": onsite(days), "incident": []}
    plain = evaluate(pack, base, as_of=AS_OF, period=PERIOD)
    extra = {
        **base,
        # a fact type none of the rules reads, and an incident the where-filter drops
        "device": [Device(id="FW1", category="firewall", name="防火墙", in_service_from=dt.date(2026, 7, 1))],
        "invoice": [],
        "incident": [
            Incident(id="I1", date=dt.date(2026, 8, 3), severity="一般", caused_by_supplier=False, description="外部攻击")
        ],
    }
    noisy = evaluate(pack, extra, as_of=AS_OF, period=PERIOD)
    assert findings_json(noisy) == findings_json(plain)
    assert {f.status for f in noisy.findings} == {"compliant"}


def test_duplicate_facts_are_decided_once_and_correctly(pack: Pack) -> None:
    # two identical facts: each gets its own (correct) answer
    assert decided(RULE, [reading(2, "ge", 1), reading(2, "ge", 1)]) == ["unmet", "unmet"]
    same = [reading(2, "le", 2), reading(2, "le", 2), reading(2, "le", None)]
    assert decided(RULE, same) == ["met", "met", "missing"]
    # the same fact twice in the evidence: no crash, same result, evidence listed once
    days = working_days(pack, *PERIOD)
    once = onsite(days)
    twice = once + once
    a = evaluate(pack, {"onsite_day": once}, as_of=AS_OF, period=PERIOD)
    b = evaluate(pack, {"onsite_day": twice}, as_of=AS_OF, period=PERIOD)
    (fa,) = [f for f in a.findings if f.rule == "T-ONSITE"]
    (fb,) = [f for f in b.findings if f.rule == "T-ONSITE"]
    assert fa.status == fb.status == "compliant"
    assert fb.evidence_total == len(days)
    # the same person twice on one day still counts as one person
    short = staff(9)
    dup = evaluate(pack, {"staff": short + short[:1]}, as_of=AS_OF, period=PERIOD)
    (fc,) = [f for f in dup.findings if f.rule == "T-CORE"]
    assert fc.status == "breach", "a duplicated staff row must not make up the tenth engineer"


def test_a_join_is_cut_into_chunks_by_subject_and_decides_the_same() -> None:
    """A large request → delivery join runs in independent chunks (linear), with the same answer."""
    rule = delivery_rule()
    records, want = requests_and_deliveries(2_000, seed=7)
    pieces = runner.chunks(rule, records, 300)
    requests = [i for i, r in enumerate(records) if r.type == "request"]
    assert len(pieces) == -(-len(requests) // 300)  # 7 pieces of at most 300 requests
    for piece in pieces:  # every delivery of a request travels with it
        ids = {records[i].fields["id"] for i in piece if records[i].type == "request"}
        assert all(records[i].fields["request_id"] in ids for i in piece if records[i].type == "delivery")
    chunked = match(rule, records, {}, chunk=300)
    assert statuses_by_request(rule, records, chunked) == want
    assert chunked == match(rule, records, {}, chunk=len(records) + 1)  # exactly the whole run's matches


def test_a_join_not_tied_to_the_subject_is_never_cut() -> None:
    a = Pattern("r", "request")
    loose = Pattern("d", "delivery", (Test("delivered_on", "gt", Ref("r", "due_on")),))  # no equality key
    o = (Outcome("breach", (a, loose)),)
    rule = CompiledRule("L", o, fields_read(o))
    records, _ = requests_and_deliveries(50, seed=3)
    assert runner.chunks(rule, records, 10) == [list(range(len(records)))]

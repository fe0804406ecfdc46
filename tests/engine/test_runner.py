"""Acceptance tests of the durable_rules wrapper (engine/runner.py) and the evaluator.

Each test states one property issue 3 demands of the evaluator: every action
runs before `decide` returns, no fact is lost to durable_rules' 32-bit id hash,
`none` joins do not depend on assertion order, evaluations are isolated, an
exception inside an action surfaces, memory is freed, and unused or duplicate
facts are harmless. Expected outcomes are always computed here, independently
of the engine.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
from pathlib import Path

import durable_rules_engine as dre
import pytest
from durable.engine import Host, MessageNotHandledException, MessageObservedException
from packkit import write_pack

import engine.runner as runner
from engine.compile import outcome_of, ruleset_definition
from engine.evaluate import evaluate
from engine.pack import Pack, load_pack
from engine.runner import EvaluationError, Probe, decide, fnv1a_32, unique_ids
from facts.model import Device, Incident, OnsiteDay, StaffMember


def expected(p: Probe) -> str:
    """What a probe's outcome must be, computed without the rules engine."""
    if p.observed is None:
        return "missing"
    ok = {
        "ge": p.observed >= p.required,
        "le": p.observed <= p.required,
        "eq": p.observed == p.required,
    }[p.op]
    return "met" if ok else "unmet"


def random_probes(n: int, seed: int, none_share: float = 0.1) -> list[Probe]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        req = rnd.randint(0, 12)
        observed = None if rnd.random() < none_share else rnd.randint(0, 12)
        out.append(Probe(req, rnd.choice(("ge", "le", "eq")), observed))
    return out


# --- completeness -------------------------------------------------------------


def test_every_action_runs_with_more_than_100000_facts() -> None:
    probes = random_probes(56_000, seed=2026, none_share=0.08)
    asserted = len(probes) + sum(p.observed is not None for p in probes)
    assert asserted >= 100_000  # expectations + observations
    want = [expected(p) for p in probes]
    # every outcome of every comparison is represented, so no rule can be silently dead
    for op in ("ge", "le", "eq"):
        for outcome in ("met", "unmet", "missing"):
            assert any(p.op == op and w == outcome for p, w in zip(probes, want, strict=True)), (op, outcome)
    # as evaluations run it (rulesets of runner.CHUNK probes), and all in one single
    # ruleset, so the drain of deferred actions is proven on 100,000+ facts at once
    for chunk in (runner.CHUNK, len(probes)):
        got = decide(probes, chunk=chunk)
        assert len(got) == len(probes)
        wrong = [(i, probes[i], got[i], want[i]) for i in range(len(probes)) if got[i] != want[i]]
        assert not wrong, f"chunk={chunk}: {len(wrong)} wrong decisions, first: {wrong[:3]}"


def test_boundaries_of_each_comparison() -> None:
    probes = [
        Probe(10, "ge", 10), Probe(10, "ge", 9), Probe(10, "ge", 11),
        Probe(10, "le", 10), Probe(10, "le", 11), Probe(10, "le", 9),
        Probe(0, "eq", 0), Probe(1, "eq", 0), Probe(1, "eq", None),
        Probe(0, "le", 0), Probe(0, "ge", None),
    ]
    assert decide(probes) == [
        "met", "unmet", "met",
        "met", "unmet", "met",
        "met", "unmet", "missing",
        "met", "missing",
    ]
    assert decide([]) == []


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


def _raw_engine(facts: list[dict], name: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Assert facts one by one, in this order, into a bare durable_rules Host.

    Returns every decision taken (key, outcome), in order, and the ids it refused.
    """
    log: list[tuple[str, str]] = []

    def action(rule_name: str):
        def act(c) -> None:
            log.append((c.e["k"], outcome_of(rule_name)))

        return act

    definition = ruleset_definition()
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


def test_fnv1a_matches_the_engine_and_decide_keeps_colliding_ids_apart() -> None:
    a, b = colliding_pair()
    assert a != b and fnv1a_32(a) == fnv1a_32(b)
    observations = [
        {"id": a, "t": "o", "k": "A", "v": 5},
        {"id": b, "t": "o", "k": "B", "v": 1},
    ]
    expectations = [
        {"id": "eA", "t": "e", "k": "A", "op": "ge", "req": 3},
        {"id": "eB", "t": "e", "k": "B", "op": "ge", "req": 3},
    ]
    # The bare engine takes b for a duplicate of a and drops it: B looks unobserved.
    log, refused = _raw_engine(observations + expectations, "collide_raw")
    assert refused == [b]
    assert sorted(log) == [("A", "met"), ("B", "missing")]
    # Control: ids that do not collide are both kept (so the loss above is the hash).
    c = next(f"o{i}" for i in range(10) if fnv1a_32(f"o{i}") != fnv1a_32(a))
    control = [{**observations[0], "id": c}, observations[1]]
    log, refused = _raw_engine(control + expectations, "collide_control")
    assert refused == []
    assert sorted(log) == [("A", "met"), ("B", "unmet")]

    # decide() renames one of them apart and decides both correctly.
    ids = unique_ids([a, b])
    assert ids[0] == a and ids[1] != b and fnv1a_32(ids[1]) != fnv1a_32(a)
    probes = [Probe(3, "ge", 5), Probe(3, "ge", 1)]
    assert decide(probes, names=[a, b]) == ["met", "unmet"]
    assert decide(list(reversed(probes)), names=[b, a]) == ["unmet", "met"]


def test_unique_ids_leaves_distinct_hashes_alone_and_never_returns_a_collision() -> None:
    a, b = colliding_pair()
    ids = unique_ids(["x", a, "y", b, a + "/e", b + "/e"])
    assert ids[:3] == ["x", a, "y"]
    assert len({fnv1a_32(i) for i in ids}) == len(ids)


# --- order of `none` joins --------------------------------------------------------


def test_the_bare_engine_does_depend_on_order() -> None:
    """Why decide() asserts observations first: the other way round, `none` fires early."""
    e = {"id": "eA", "t": "e", "k": "A", "op": "ge", "req": 3}
    o = {"id": "oA", "t": "o", "k": "A", "v": 5}
    assert _raw_engine([o, e], "order_ok")[0] == [("A", "met")]
    assert _raw_engine([e, o], "order_bad")[0] == [("A", "missing"), ("A", "met")]


def test_none_join_answer_does_not_depend_on_assertion_order() -> None:
    probes = random_probes(3_000, seed=11, none_share=0.3)
    want = [expected(p) for p in probes]
    assert "missing" in want and "met" in want and "unmet" in want
    rnd = random.Random(99)
    base = decide(probes)
    assert base == want
    for _ in range(4):
        order = list(range(len(probes)))
        rnd.shuffle(order)
        assert decide(probes, order=order) == want
    assert decide(probes, order=list(reversed(range(len(probes))))) == want


# --- exceptions inside actions ----------------------------------------------------


class _FailingRule(dict):
    """A rule whose action, whatever the runner sets, raises."""

    def __setitem__(self, key, value):
        if key == "run":

            def boom(c) -> None:
                raise RuntimeError("boom inside a durable_rules action")

            value = boom
        super().__setitem__(key, value)


def test_an_exception_inside_an_action_is_an_evaluation_error(monkeypatch) -> None:
    real = runner.ruleset_definition

    def failing_definition():
        d = real()
        d["ge_unmet"] = _FailingRule(d["ge_unmet"])
        return d

    monkeypatch.setattr(runner, "ruleset_definition", failing_definition)
    ok = [Probe(3, "ge", 5), Probe(3, "le", 1), Probe(3, "eq", None)]
    assert decide(ok) == ["met", "met", "missing"]  # the failing rule is not triggered
    many = random_probes(500, seed=5, none_share=0.0)
    many = [p for p in many if expected(p) != "unmet" or p.op != "ge"]
    many.insert(250, Probe(3, "ge", 1))  # one failing action in the middle
    with pytest.raises(EvaluationError, match="boom inside a durable_rules action"):
        decide(many)
    monkeypatch.setattr(runner, "ruleset_definition", real)
    assert decide([Probe(3, "ge", 1)]) == ["unmet"]  # nothing of the failure is left behind


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
    assert decide([Probe(1, "ge", 5)], names=["same"]) == ["met"]
    assert decide([Probe(1, "ge", None)], names=["same"]) == ["missing"]

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
    # a decide() of its own per round as well: a state left in the engine costs about
    # 1.4 MB per 100 probes (measured by disabling delete_state: +2 GB over 90 rounds
    # of 1,500 probes), so a leak would exceed the bound many times over
    probes = random_probes(600, seed=3)
    want = [expected(p) for p in probes]
    reference = None
    after_10 = 0
    for n in range(1, 101):
        ev = evaluate(pack, facts, as_of=AS_OF, period=PERIOD)
        assert decide(probes) == want
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
    # two identical probes: each gets its own (correct) answer
    assert decide([Probe(2, "ge", 1), Probe(2, "ge", 1)]) == ["unmet", "unmet"]
    assert decide([Probe(2, "le", 2), Probe(2, "le", 2), Probe(2, "le", None)]) == ["met", "met", "missing"]
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

"""Scenario tests in YAML next to the rules (the OpenFisca habit).

A scenario gives an as-of date, optionally a period and parameter changes,
inline facts by type, and the findings expected (rule, subject, status,
optionally deadline). `exhaustive: true` adds "and no other findings that
need attention" for the rules evaluated. `rejected: {fact_type: N}` says N
rows of that type's evidence were rejected while loading (incomplete
evidence: the rules that need it are never compliant).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lvyue.engine.errors import InputError
from lvyue.engine.evaluate import evaluate
from lvyue.engine.evaluators import Matcher
from lvyue.engine.findings import Finding, Status
from lvyue.engine.kinds.periods import parse_span
from lvyue.engine.pack import Pack, Parameter, coerce_param
from lvyue.engine.rule import parse_rule
from lvyue.engine.suggest import did_you_mean
from lvyue.engine.yamlio import LineDict, LineList, load_yaml, validation_errors
from lvyue.facts.evidence import Gap
from lvyue.facts.model import Fact, Provenance


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str
    status: Status
    subject: str | None = None
    deadline: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    amounts: dict[str, str] = Field(default_factory=dict)
    note: str | None = None  # a text the finding's notes must contain


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    as_of: dt.date
    period: str | None = None  # START..END
    params: dict[str, Any] = Field(default_factory=dict)
    rules: list[str] = Field(default_factory=list)  # evaluate only these (default: rules named in expect)
    facts: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    rejected: dict[str, int] = Field(default_factory=dict)  # rows rejected per fact type (incomplete evidence)
    expect: list[Expect]
    exhaustive: bool = False


@dataclass
class Outcome:
    file: str
    line: int | None
    name: str
    problems: list[str] = field(default_factory=list)
    findings: str = ""  # the findings as JSON, to compare evaluators

    @property
    def passed(self) -> bool:
        return not self.problems


def _facts(sc: Scenario, raw: LineDict, file: str, types: dict[str, type[Fact]]) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = {}
    for ftype, rows in sc.facts.items():
        model = types.get(ftype)
        if model is None:
            raise InputError(
                f"unknown fact type {ftype!r}{did_you_mean(ftype, types)}", file=file, line=raw["facts"].key_lines.get(ftype)
            )
        lines = raw["facts"][ftype]
        out[ftype] = []
        for i, row in enumerate(rows):
            line = lines.item_lines[i] if isinstance(lines, LineList) else None
            prov = Provenance(file=Path(file).name, sha256="", row=line)
            try:
                out[ftype].append(model.model_validate({**row, "provenance": prov}))
            except ValidationError as exc:
                raise validation_errors(exc, lines[i], file, prefix=f"facts.{ftype}[{i}].")[0] from None
        out[ftype].sort(key=lambda f: f.id)
    return out


def _with_params(pack: Pack, changes: dict[str, Any]) -> Pack:
    if not changes:
        return pack
    params = dict(pack.params)
    for name, value in changes.items():
        if name not in pack.contract.parameters:
            raise InputError(f"unknown parameter {name!r}", field="params")
        declared = pack.contract.parameters[name]
        params[name] = coerce_param(Parameter(value=value, type=declared.type))
    clone = copy.copy(pack)
    clone.params = params
    rules = []
    for r in pack.rules:  # re-parse every rule with the changed parameters
        data = LineDict(r.model_dump(exclude={"spec"}, by_alias=True, exclude_none=True))
        data.key_lines = {}
        rules.append(parse_rule(data, "(scenario)", params))
    clone.rules = rules
    return clone


def _match(e: Expect, f: Finding) -> bool:
    return (
        f.rule == e.rule
        and (e.subject is None or f.subject == e.subject)
        and (e.start is None or (f.period is not None and f.period[0] == e.start))
    )


def run_scenario(pack: Pack, sc: Scenario, raw: LineDict, file: str, evaluator: Matcher | None = None) -> Outcome:
    out = Outcome(file, raw.line, sc.name)
    p = _with_params(pack, sc.params)
    names = set(sc.rules or [e.rule for e in sc.expect])
    unknown = names - {r.id for r in p.rules}
    if unknown:
        out.problems.append(f"unknown rule(s): {', '.join(sorted(unknown))}")
        return out
    p = copy.copy(p)
    p.rules = [r for r in p.rules if r.id in names]
    period = parse_span(sc.period) if sc.period else (pack.contract.signed_on, sc.as_of)
    facts = _facts(sc, raw, file, pack.fact_types)
    gaps = {
        t: [Gap(t, "(scenario)", i + 1, None, "rejected (scenario)") for i in range(n)]
        for t, n in sc.rejected.items()
        if n > 0
    }
    unknown_types = set(gaps) - set(pack.fact_types)
    if unknown_types:
        t = sorted(unknown_types)[0]
        raise InputError(f"unknown fact type {t!r}{did_you_mean(t, pack.fact_types)}", file=file, field="rejected")
    result = evaluate(
        p, facts, as_of=sc.as_of, period=period, present=set(facts) | set(gaps), evaluator=evaluator, incomplete=gaps
    )
    out.findings = json.dumps([f.to_dict() for f in result.findings], ensure_ascii=False, sort_keys=True)
    used: set[str] = set()
    for e in sc.expect:
        hits = [f for f in result.findings if _match(e, f)]
        if not hits:
            out.problems.append(f"expected {e.rule} {e.subject or '*'} {e.status}: no such finding")
            continue
        right = [f for f in hits if f.status == e.status]
        if not right:
            got = ", ".join(f"{f.subject}={f.status}" for f in hits)
            out.problems.append(f"{e.rule} {e.subject or '*'}: expected {e.status}, got {got}")
            continue
        f = right[0]
        used.add(f.id)
        if e.deadline is not None:
            got_d = f.deadline.date if f.deadline else None
            if got_d != e.deadline:
                out.problems.append(f"{e.rule} {f.subject}: expected deadline {e.deadline}, got {got_d}")
        if e.end is not None and (f.period is None or f.period[1] != e.end):
            out.problems.append(f"{e.rule} {f.subject}: expected end {e.end}, got {f.period}")
        if e.note is not None and not any(e.note in n for n in f.notes):
            out.problems.append(f"{e.rule} {f.subject}: no note containing {e.note!r} (notes: {f.notes})")
        for k, v in e.amounts.items():
            from lvyue.engine.money import money

            got_a = money(f.amounts[k]) if k in f.amounts else None
            if got_a != v:
                out.problems.append(f"{e.rule} {f.subject}: expected {k}={v}, got {got_a}")
    if sc.exhaustive:
        for f in result.findings:
            if f.id not in used and f.status not in ("compliant", "not_due"):
                out.problems.append(f"unexpected finding {f.rule} {f.subject} {f.status}: {f.message['zh']}")
    return out


def scenario_files(pack: Pack) -> list[Path]:
    return sorted((pack.root / "tests").glob("*.yaml"))


def run_pack_scenarios(pack: Pack, evaluator: Matcher | None = None) -> list[Outcome]:
    outcomes = []
    for path in scenario_files(pack):
        data = load_yaml(path)
        if not isinstance(data, LineList):
            raise InputError("expected a list of scenarios", file=str(path))
        for raw in data:
            try:
                sc = Scenario.model_validate(raw)
            except ValidationError as exc:
                raise validation_errors(exc, raw, str(path))[0] from None
            try:
                outcomes.append(run_scenario(pack, sc, raw, str(path), evaluator))
            except InputError as exc:
                exc.file = exc.file or str(path)
                exc.line = exc.line or raw.line
                raise
    return outcomes


def disagreements(a: list[Outcome], b: list[Outcome]) -> list[str]:
    """Scenarios whose findings differ between two evaluators (the differential oracle)."""
    return [f"{x.file}:{x.line}: {x.name}" for x, y in zip(a, b, strict=True) if x.findings != y.findings]

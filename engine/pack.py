"""A contract pack: contract.yaml (parties, dates, parameters) plus rule files.

Everything a clause states lives here as data; the engine only reads it.
Loading never stops at the first problem when linting: `load_pack(...,
collect=errors)` gathers every error with file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lvyue.engine.calendar import WorkingCalendar, build_calendar, civil_period
from lvyue.engine.calendar.reckon import Explanation, Reckoning
from lvyue.engine.errors import InputError
from lvyue.engine.namecheck import check_rule
from lvyue.engine.rule import Rule, apply_template, parse_rules
from lvyue.engine.suggest import did_you_mean
from lvyue.engine.yamlio import LineDict, load_yaml, locate, validate, validation_errors
from lvyue.facts.model import FACT_TYPES
from lvyue.facts.typedecl import PACK_FILE, registry

ParamType = Literal["int", "decimal", "money", "date", "str", "bool", "list", "table"]


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str  # exact legal name, as written in the contract
    short: str | None = None
    role_zh: str  # 甲方 / 乙方
    sme: bool | None = None  # small or medium enterprise (payment law overlay)


class Payee(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str  # as written in the contract's payee clause
    bank: str
    account: str
    clause: str


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid")
    years: int = 0
    months: int = 0
    end: dt.date | None = None  # a last day the contract states outright ("至2027年6月30日止")
    clause: str
    text: str
    # civil_code: last day per Civil Code art. 202 (2026-07-01 + 1y = 2027-07-01);
    # day_before: the reading many people use (2027-06-30).
    reading: Literal["civil_code", "day_before"] = "civil_code"


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Any
    type: ParamType | None = None
    clause: str | None = None
    text: str | None = None  # the clause words the number comes from
    note: str | None = None
    confirm: bool = False  # not stated by the contract: an assumption to confirm


class Escalation(BaseModel):
    """What the contract lets a party do next when a finding is not put right."""

    model_config = ConfigDict(extra="forbid")
    next: Literal["rectification", "warning", "terminate"]
    clause: str
    text: str


class EscalationTable(BaseModel):
    """Escalation after no notice / a rectification notice / a warning letter; overrides by clause."""

    model_config = ConfigDict(extra="forbid")
    none: Escalation | None = None
    rectification: Escalation | None = None
    warning: Escalation | None = None
    overrides: dict[str, Escalation] = Field(default_factory=dict)


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    signed_on: dt.date
    # When the service (and every periodic obligation) starts, if not on signing: "服务期限自2026年7月1日起".
    service_start: dt.date | None = None
    parties: dict[Literal["party_a", "party_b"], Party]
    payee: Payee | None = None
    term: Term
    # Calendar override files relative to the pack, besides the calendar-*.yaml files found at its top
    # level (those need not be listed; see docs/calendar.md).
    calendar_overrides: list[str] = Field(default_factory=list)
    rule_files: list[str] = Field(default_factory=list)  # default: every *.yaml not given another role
    clauses: dict[str, str] = Field(default_factory=dict)  # every numbered clause → its heading
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    escalation: EscalationTable | None = None
    notes: list[str] = Field(default_factory=list)


def coerce_param(p: Parameter) -> Any:
    """Type a parameter's value: money and rates stay exact (no floats)."""
    v, t = p.value, p.type
    if t is None:
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            return v
        if isinstance(v, float):
            raise ValueError("write decimal numbers as quoted strings (\"0.05\") to keep them exact")
        return v
    if t == "int":
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"expected an integer, got {v!r}")
        return v
    if t in ("decimal", "money"):
        if isinstance(v, float):
            raise ValueError("write decimal numbers as quoted strings to keep them exact")
        try:
            return Decimal(str(v))
        except InvalidOperation:
            raise ValueError(f"expected a decimal number, got {v!r}") from None
    if t == "date":
        try:
            return dt.date.fromisoformat(str(v))
        except ValueError:
            raise ValueError(f"expected an ISO date, got {v!r}") from None
    if t == "bool":
        if not isinstance(v, bool):
            raise ValueError(f"expected true or false, got {v!r}")
        return v
    if t == "list":
        if not isinstance(v, list):
            raise ValueError(f"expected a list, got {v!r}")
        return list(v)
    if t == "table":  # name → exact decimal (deduction tables, coefficients)
        if not isinstance(v, dict):
            raise ValueError(f"expected a mapping, got {v!r}")
        if any(isinstance(x, float) for x in v.values()):
            raise ValueError("write decimal numbers as quoted strings to keep them exact")
        try:
            return {str(k): Decimal(str(x)) for k, x in v.items()}
        except InvalidOperation:
            raise ValueError(f"expected decimal values, got {v!r}") from None
    return str(v)


@dataclass
class Pack:
    """A loaded, validated pack."""

    root: Path
    contract: Contract
    params: dict[str, Any]
    rules: list[Rule]
    rule_files: dict[str, str] = field(default_factory=dict)  # rule id → file
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    fact_types: dict[str, Any] = field(default_factory=lambda: dict(FACT_TYPES))  # name → Fact model
    file_roles: dict[str, str] = field(default_factory=dict)  # pack file (relative) → its role, see ROLES

    @property
    def id(self) -> str:
        return self.contract.id

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def service_start(self) -> dt.date:
        return self.contract.service_start or self.contract.signed_on

    def term_end(self) -> Reckoning:
        t = self.contract.term
        if t.end is not None:
            return Reckoning(t.end, Explanation(f"合同约定的服务期限最后一日（{t.clause}）", [f"{t.text}：{t.end.isoformat()}"]))
        r = civil_period(self.calendar, self.contract.signed_on, years=t.years, months=t.months)
        if t.reading == "day_before":
            end = r.value - dt.timedelta(days=1)  # type: ignore[operator]
            steps = [*r.explanation.steps, f"合同期限按“次日前一日”读法：{end.isoformat()}"]
            return Reckoning(end, type(r.explanation)(r.explanation.rule, steps))
        return r


# Pack files that are data, not rules: settlement model, the pack's own templates, its charts.
PACK_DATA_FILES = ("settlement.yaml", "templates.yaml", "charts.yaml")
# A pack file's role decides how it is read; lint prints it. Calendar overrides are found by name
# (calendar-*.yaml at the pack's top level, e.g. calendar-2027.yaml) or listed in calendar_overrides.
CALENDAR_GLOB = "calendar-*.yaml"
ROLES = ("contract", "rules", "facts", "templates", "settlement", "calendar", "charts")
_FIXED_ROLES = {"contract.yaml": "contract", PACK_FILE: "facts", "templates.yaml": "templates",
                "settlement.yaml": "settlement", "charts.yaml": "charts"}


def rule_files(root: Path) -> list[Path]:
    """The pack's rule files, as load_pack reads them."""
    root = Path(root)
    return _rule_files(root, Contract.model_validate(load_yaml(root / "contract.yaml")))


def calendar_files(root: Path, contract: Contract | None = None) -> list[Path]:
    """The pack's calendar override files, in the order applied (later ones win).

    First the calendar-*.yaml files at the pack's top level (by name), then the files
    contract.yaml lists under calendar_overrides that are not among them.
    """
    root = Path(root)
    if contract is None:
        contract = validate(Contract, load_yaml(root / "contract.yaml"), str(root / "contract.yaml"))
    found = sorted(root.glob(CALENDAR_GLOB))
    listed = [root / f for f in contract.calendar_overrides]
    return found + [p for p in listed if p.resolve() not in {f.resolve() for f in found}]


def file_roles(root: Path, contract: Contract) -> dict[str, str]:
    """Every *.yaml at the pack's top level → its role (contract / rules / facts / templates / settlement / calendar)."""
    root = Path(root)
    roles: dict[str, str] = {}
    cal = {p.resolve() for p in calendar_files(root, contract)}
    rules = {p.resolve() for p in _rule_files(root, contract)}
    for p in sorted({*root.glob("*.yaml"), *(root / f for f in contract.calendar_overrides),
                     *(root / f for f in contract.rule_files)}):
        rel = p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p)
        if p.resolve() in cal:
            roles[rel] = "calendar"
        elif p.name in _FIXED_ROLES and p.parent == root:
            roles[rel] = _FIXED_ROLES[p.name]
        elif p.resolve() in rules:
            roles[rel] = "rules"
        else:
            roles[rel] = "unused"
    return roles


def _rule_files(root: Path, contract: Contract) -> list[Path]:
    if contract.rule_files:
        return [root / f for f in contract.rule_files]
    not_rules = {*_FIXED_ROLES, *PACK_DATA_FILES}
    cal = {p.resolve() for p in calendar_files(root, contract)}
    return sorted(p for p in root.glob("*.yaml") if p.name not in not_rules and p.resolve() not in cal)


BUNDLED = Path(__file__).resolve().parent.parent / "rules"  # the repository's rules/, or the wheel's lvyue/rules


def bundled_packs() -> list[str]:
    """The packs shipped with lvyue, by folder name."""
    return sorted(c.parent.name for c in BUNDLED.glob("*/contract.yaml"))


def find_pack(given: Path | str) -> Path:
    """A pack folder as given, or a bundled pack named by its folder (`--pack hebi-shuguang-2026`).

    The same name works in a checkout, an editable install and a wheel, so a user need not
    know where pip put the packs. A path that exists always wins.
    """
    root = Path(given)
    if root.exists() or len(root.parts) != 1:
        return root
    bundled = BUNDLED / root.name
    return bundled if (bundled / "contract.yaml").is_file() else root


def load_pack(root: Path, collect: list[InputError] | None = None) -> Pack:
    """Load a pack (a folder, or the name of a bundled pack); with `collect`, gather all errors."""
    root = find_pack(root)
    errors: list[InputError] = []

    def fail(e: InputError) -> None:
        if collect is None:
            raise e
        errors.append(e)

    if not (root / "contract.yaml").is_file():
        known = ", ".join(bundled_packs()) or "none"
        raise InputError(f"not a rule pack (no contract.yaml); bundled packs: {known}", file=str(root))
    cfile = str(root / "contract.yaml")
    cdata = load_yaml(root / "contract.yaml")
    try:
        contract = Contract.model_validate(cdata)
    except ValidationError as exc:
        errs = validation_errors(exc, cdata, cfile)
        for e in errs[1:]:
            fail(e)
        if collect is not None:
            collect.extend(errors)
        raise errs[0] from None

    params: dict[str, Any] = {}
    for name, p in contract.parameters.items():
        try:
            params[name] = coerce_param(p)
        except ValueError as exc:
            line = locate(cdata, ("parameters", name, "value"))
            fail(InputError(str(exc), file=cfile, line=line, field=f"parameters.{name}"))

    calendar = build_calendar(calendar_files(root, contract))
    types = registry(root)
    templates = load_templates(root)
    rules: list[Rule] = []
    where: dict[str, str] = {}
    for path in _rule_files(root, contract):
        data = load_yaml(path)
        for rule, err in parse_rules(data, str(path), params, templates):
            if err is not None:
                fail(err)
                continue
            assert rule is not None
            if rule.id in where:
                line = _second_line(data, rule.id)
                fail(
                    InputError(
                        f"duplicate rule id (first in {Path(where[rule.id]).name})",
                        file=str(path),
                        line=line,
                        field="id",
                    )
                )
                continue
            where[rule.id] = str(path)
            rules.append(rule)
            raw = apply_template(_raw(data, rule), str(path), templates)
            for e in _names_and_clause(rule, raw, str(path), contract, types):
                fail(e)
    pack = Pack(root, contract, params, rules, where, calendar, types, file_roles(root, contract))
    try:
        _check_settlement(pack)
    except InputError as e:
        fail(e)
    if collect is not None:
        collect.extend(errors)
    return pack


def _check_settlement(pack: Pack) -> None:
    """settlement.yaml, if the pack has one, is checked with the pack: lint and check refuse a bad one."""
    from lvyue.engine.settlement.model import FILE, pack_model

    if not (pack.root / FILE).is_file():
        return
    model = pack_model(pack)
    for t in sorted(model.fact_types() - set(pack.fact_types)):
        raise InputError(f"unknown fact type {t!r}{did_you_mean(t, pack.fact_types)}", file=str(pack.root / FILE))


def load_templates(root: Path) -> dict[str, Any]:
    """The pack's own templates (`templates.yaml`: name → a `when` check with {{placeholders}})."""
    path = root / "templates.yaml"
    if not path.is_file():
        return {}
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping: template name → its check", file=str(path))
    for name, body in data.items():
        if not isinstance(body, dict) or "kind" not in body:
            raise InputError("expected a check mapping with kind: (and params: for its placeholders)", file=str(path),
                             line=data.key_lines.get(name), field=str(name))
    return {str(k): {kk: vv for kk, vv in v.items() if kk != "description"} for k, v in data.items()}


def _raw(data: Any, rule: Rule) -> LineDict:
    return next(i for i in data if isinstance(i, LineDict) and i.get("id") == rule.id and i.line == rule.line)


def _names_and_clause(
    rule: Rule, raw: LineDict, file: str, contract: Contract, types: dict[str, Any]
) -> list[InputError]:
    """What lint checks beyond the schema: every name the rule uses, its clause, its patterns.

    `check` refuses a pack with any of these, as lint does: a misspelled field
    must never quietly read as "absent" at run time.
    """
    from lvyue.engine.compile import compile_rule
    from lvyue.engine.kinds import KINDS

    kind = KINDS[rule.kind]
    errors = check_rule(raw, rule.resolved_check or {}, file, types, set(kind.variables))
    if contract.clauses and rule.clause not in contract.clauses:
        errors.append(
            InputError(
                f"clause {rule.clause!r} is not in contract.yaml clauses{did_you_mean(rule.clause, contract.clauses)}",
                file=file,
                line=locate(raw, ("clause",)),
                field=f"{rule.id}.clause",
            )
        )
    if not errors and kind.checkable:
        try:
            compile_rule(rule, types)
        except InputError as exc:
            errors.append(InputError(exc.message, file=file, line=exc.line or locate(raw, ("check",)), field=exc.field))
        except ValueError as exc:
            errors.append(InputError(str(exc), file=file, line=locate(raw, ("check",)), field=f"{rule.id}.check"))
    return errors


def _second_line(data: Any, rule_id: str) -> int | None:
    """The line of the last rule with this id in a file (the duplicate)."""
    line = None
    if isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, LineDict) and item.get("id") == rule_id:
                line = data.item_lines[i]  # type: ignore[attr-defined]
    return line

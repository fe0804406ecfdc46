"""The rule model: one checkable obligation, as the pack's YAML states it.

A rule's `check` names an obligation kind and gives its fact selectors and
parameters; `$name` refers to a contract.yaml parameter, so a rule never
repeats a number the contract states.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from lvyue.engine.errors import InputError
from lvyue.engine.patterns import RUNTIME
from lvyue.engine.suggest import did_you_mean
from lvyue.engine.yamlio import LineDict, LineList, locate, validation_errors

Severity = Literal["critical", "major", "minor"]


class Remediation(BaseModel):
    """How the deadline to put a breach right is computed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    working_days: StrictInt | None = None
    natural_days: StrictInt | None = None
    months: StrictInt | None = None
    # Counted from the day the notice is issued: `lvyue check` presumes the as-of
    # date, `lvyue notice` uses its --issue-date.
    start: Literal["notice"] = Field("notice", alias="from")
    action: str | None = None  # what Party B (or A) must do, in Chinese


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str
    en: str


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    clause: str
    related_clauses: list[str] = Field(default_factory=list)  # other clauses this rule also checks
    text: str
    title: str
    obligor: Literal["party_a", "party_b"]
    severity: Severity = "major"
    check: dict[str, Any]
    applies_from: Literal["term_end"] | None = None  # an obligation that only arises at the term's end
    remediation: dict[str, Any] | None = None  # as written; may use $parameters
    consequence: str | None = None
    message: Message | None = None
    note: str | None = None
    # The parsed obligation kind spec (set by parse_rules, not written in YAML).
    spec: Any = Field(default=None, exclude=True)
    resolved_check: dict[str, Any] | None = Field(default=None, exclude=True)  # `check` with $parameters resolved
    remedy: Remediation | None = Field(default=None, exclude=True)
    line: int | None = Field(default=None, exclude=True)  # where the rule starts in its file

    @property
    def kind(self) -> str:
        return str(self.check.get("kind"))


class _Missing(Exception):
    def __init__(self, name: str, path: tuple[Any, ...]) -> None:
        self.name, self.path = name, path


def resolve_refs(node: Any, params: dict[str, Any], path: tuple[Any, ...] = ()) -> Any:
    """Replace `$name` strings by the parameter's typed value."""
    if isinstance(node, dict):
        return {k: resolve_refs(v, params, (*path, k)) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_refs(v, params, (*path, i)) for i, v in enumerate(node)]
    if isinstance(node, str) and node.startswith("$") and len(node) > 1:
        name = node[1:]
        if name in RUNTIME:
            return node  # `$as_of` & co.: compiled as a run-time value, supplied when the rule runs
        if name not in params:
            raise _Missing(name, path)
        return params[name]
    return node


def parse_rule(item: Any, file: str, params: dict[str, Any]) -> Rule:
    """One rule from its YAML mapping, with `$parameters` resolved and its check validated."""
    from lvyue.engine.kinds import KINDS

    if not isinstance(item, LineDict):
        raise InputError("expected a rule (a mapping with id, clause, text, ...)", file=file)
    try:
        rule = Rule.model_validate(item)
    except ValidationError as exc:
        raise validation_errors(exc, item, file)[0] from None
    kind_name = rule.check.get("kind")
    kind = KINDS.get(str(kind_name))
    if kind is None:
        raise InputError(
            f"unknown obligation kind {kind_name!r} (known: {', '.join(sorted(KINDS))})",
            file=file,
            line=locate(item, ("check", "kind")),
            field=f"{rule.id}.check.kind",
        )
    resolved: dict[str, Any] = {}
    for part in ("check", "remediation"):
        try:
            resolved[part] = resolve_refs(item.get(part), params)
        except _Missing as m:
            raise InputError(
                f"unknown parameter ${m.name} (not in contract.yaml parameters)",
                file=file,
                line=locate(item, (part, *m.path)),
                field=f"{rule.id}.{part}",
            ) from None
    remediation = resolved["remediation"]
    try:
        spec = kind.Spec.model_validate(resolved["check"])
    except ValidationError as exc:
        errs = validation_errors(exc, item["check"], file, prefix=f"{rule.id}.check.")
        first = errs[0]
        first.message += " (check the parameter's type)" if _refers(item["check"]) else ""
        raise first from None
    if remediation is not None:
        try:
            rule.remedy = Remediation.model_validate(remediation)
        except ValidationError as exc:
            raise validation_errors(exc, item.get("remediation"), file, prefix=f"{rule.id}.remediation.")[0] from None
    rule.spec = spec
    rule.resolved_check = resolved["check"]
    rule.line = item.line
    return rule


def _refers(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_refers(v) for v in node.values())
    if isinstance(node, list):
        return any(_refers(v) for v in node)
    return isinstance(node, str) and node.startswith("$")


def apply_template(item: Any, file: str, templates: dict[str, Any]) -> Any:
    """A rule whose check says `use: NAME` (+ `with:`), with the pack's template filled in.

    The filled check carries the line of `use:`, so every later error about it
    points there. Any other rule comes back unchanged.
    """
    from lvyue.engine.kinds.when import expand_template

    check = item.get("check") if isinstance(item, LineDict) else None
    if not isinstance(check, dict) or "use" not in check:
        return item
    line = locate(item, ("check", "use"))
    rule_id = item.get("id", "?")
    extra = sorted(set(check) - {"use", "with"})
    if extra:
        raise InputError(f"a check that uses a template takes only use: and with:, not {extra[0]}", file=file, line=line,
                         field=f"{rule_id}.check")
    name = str(check["use"])
    if name not in templates:
        raise InputError(f"unknown template {name!r}{did_you_mean(name, templates)} (templates.yaml)", file=file,
                         line=line, field=f"{rule_id}.check.use")
    args = check.get("with") or {}
    if not isinstance(args, dict):
        raise InputError("expected a mapping of template parameters", file=file, line=line, field=f"{rule_id}.check.with")
    try:
        filled = expand_template(templates[name], args, name=name)
    except InputError as exc:
        raise InputError(exc.message, file=file, line=line, field=f"{rule_id}.check.{exc.field or 'use'}") from None
    out = LineDict(item)
    out.line, out.key_lines = item.line, dict(item.key_lines)
    out["check"] = _at_line(filled, line or item.line)
    return out


def _at_line(node: Any, line: int) -> Any:
    if isinstance(node, dict):
        d = LineDict({k: _at_line(v, line) for k, v in node.items()})
        d.line, d.key_lines = line, dict.fromkeys(node, line)
        return d
    if isinstance(node, list):
        lst = LineList(_at_line(v, line) for v in node)
        lst.line, lst.item_lines = line, [line] * len(node)
        return lst
    return node


def parse_rules(
    data: Any, file: str, params: dict[str, Any], templates: dict[str, Any] | None = None
) -> Iterator[tuple[Rule | None, InputError | None]]:
    """Every rule in a rule file, or the error that stops it, one by one."""
    if data is None:
        return
    if not isinstance(data, LineList):
        yield None, InputError("expected a list of rules", file=file, line=getattr(data, "line", None))
        return
    for item in data:
        try:
            yield parse_rule(apply_template(item, file, templates or {}), file, params), None
        except InputError as exc:
            exc.file = exc.file or file
            yield None, exc

"""JSON Schemas for the pack's YAML files, so an editor can check them as they are typed.

Also the fact-type reference (`lvyue rules schema --facts`): every type and
field as declared, so a rule author sees the names a rule may use.

The rule schema lists every obligation kind's `check` (discriminated by
`kind`), and every field also accepts a `$parameter` reference, as the
engine does.
"""

from __future__ import annotations

import functools
import json
import operator
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter
from pydantic.json_schema import SkipJsonSchema

from lvyue.engine.errors import InputError
from lvyue.engine.kinds import KINDS
from lvyue.engine.pack import Contract
from lvyue.engine.rule import Remediation, Rule
from lvyue.engine.scenarios import Scenario
from lvyue.facts import typedecl

PARAM_REF = {"type": "string", "pattern": r"^\$[A-Za-z_][A-Za-z0-9_]*$", "description": "a contract.yaml parameter"}
_SPECS = tuple(dict.fromkeys(k.Spec for k in KINDS.values()))
Check = Annotated[functools.reduce(operator.or_, _SPECS), Field(discriminator="kind")]  # type: ignore[valid-type]


class RuleDoc(Rule):
    """A rule as written in YAML (check and remediation typed, internal fields hidden)."""

    check: Check  # type: ignore[assignment]
    remediation: Remediation | None = None  # type: ignore[assignment]
    spec: SkipJsonSchema[Any] = None
    remedy: SkipJsonSchema[Any] = None
    line: SkipJsonSchema[Any] = None


def _allow_refs(node: Any, inside_check: bool = False) -> Any:
    """Let every property of a check or remediation be a `$parameter` instead."""
    if isinstance(node, list):
        return [_allow_refs(x, inside_check) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == "properties" and isinstance(v, dict) and inside_check:
            out[k] = {
                name: (p if name == "kind" else {"anyOf": [_allow_refs(p, True), PARAM_REF]})
                for name, p in v.items()
            }
        else:
            out[k] = _allow_refs(v, inside_check)
    return out


def _rules() -> dict[str, Any]:
    doc = TypeAdapter(list[RuleDoc]).json_schema()
    defs = doc.get("$defs", {})
    check_names = {s.__name__ for s in _SPECS} | {"Remediation", "By", "Due", "Passed", "LateFee", "JoinedResponse", "Roster"}
    doc["$defs"] = {n: _allow_refs(d, n in check_names) for n, d in defs.items()}
    return doc


def schemas() -> dict[str, dict[str, Any]]:
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    return {
        "contract": {**head, "title": "lvyue contract.yaml", **Contract.model_json_schema()},
        "rules": {**head, "title": "lvyue rule file", **_rules()},
        "scenarios": {**head, "title": "lvyue scenario file", **TypeAdapter(list[Scenario]).json_schema()},
        "facts": {**head, "title": "lvyue fact-type declarations (facts.yaml)", **typedecl.declaration_schema()},
    }


def fact_types(pack_dir: Path | None = None, fmt: str = "json") -> str:
    """Every fact type and field from the declarations (built-in + the pack's facts.yaml)."""
    types = typedecl.registry(pack_dir)
    if fmt == "md":
        return typedecl.markdown(types)
    if fmt != "json":
        raise InputError(f"expected json or md, got {fmt!r}", field="--format")
    return json.dumps(typedecl.as_json(types), ensure_ascii=False, indent=2) + "\n"

"""What the contract lets the other party do next when a finding is overdue.

The ladder of steps is generic (rectification notice → warning letter →
termination); which clause allows each step, and in which words, is data:

1. the pack's contract.yaml may carry an `escalation:` mapping (see
   docs/ledger.md), keyed by the kind of the last notice sent (`none`,
   `rectification`, `warning`), with `overrides` by rule id or clause;
2. otherwise the finding's own `consequence` text is read: it is a list of
   "<clause> <words>" segments separated by "；", and the step a segment
   allows is recognised by a few generic contract words (整改通知, 警示函,
   终止/解除);
3. otherwise the ladder's next step is named without a clause.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from lvyue.engine.errors import InputError

LADDER: tuple[str, ...] = ("none", "rectification", "warning", "terminate")
LABELS = {
    "rectification": "下达整改通知书",
    "warning": "发出书面警示函",
    "terminate": "终止（解除）合同",
}
# Generic contract vocabulary that names each step in a consequence sentence.
STEP_WORDS: dict[str, tuple[str, ...]] = {
    "rectification": ("整改通知",),
    "warning": ("警示函",),
    "terminate": ("终止", "解除"),
}
_CLAUSE = re.compile(r"^([一二三四五六七八九十百\d][^\s，,。；;：:]{0,15})\s+(.+)$")


def consequence_steps(consequence: str | None) -> list[dict[str, Any]]:
    """The steps a consequence sentence names, in order, each with its clause and words."""
    steps: list[dict[str, Any]] = []
    clause: str | None = None
    for segment in re.split(r"[；;。]", consequence or ""):
        segment = segment.strip()
        if not segment:
            continue
        m = _CLAUSE.match(segment)
        if m:
            clause, segment = m.group(1), m.group(2).strip()
        for step, words in STEP_WORDS.items():
            if any(w in segment for w in words) and not any(s["next"] == step for s in steps):
                steps.append({"next": step, "clause": clause, "text": segment})
    return steps


def _step(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("next"), str):
        raise InputError("expected a mapping with at least `next:` (and `clause:`, `text:`)", field=where)
    unknown = set(value) - {"next", "clause", "text", "label"}
    if unknown:
        raise InputError(f"unknown key(s) {sorted(unknown)}: expected next, clause, text, label", field=where)
    return {k: (None if value.get(k) is None else str(value[k])) for k in ("next", "clause", "text", "label")}


def parse_table(raw: Any, file: str | None = None) -> dict[str, Any]:
    """Validate an `escalation:` mapping (from contract.yaml or given directly)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError("escalation: expected a mapping", file=file)
    table: dict[str, Any] = {"overrides": {}}
    try:
        for key, value in raw.items():
            key = str(key)
            if key == "overrides":
                if not isinstance(value, dict):
                    raise InputError("expected a mapping of rule id or clause → step", field="escalation.overrides")
                for target, spec in value.items():
                    where = f"escalation.overrides.{target}"
                    if isinstance(spec, dict) and "next" not in spec:
                        table["overrides"][str(target)] = {
                            str(k): _step(v, f"{where}.{k}") for k, v in spec.items() if str(k) in LADDER[:-1]
                        }
                        bad = set(map(str, spec)) - set(LADDER[:-1])
                        if bad:
                            raise InputError(f"unknown notice kind(s) {sorted(bad)}", field=where)
                    else:
                        table["overrides"][str(target)] = _step(spec, where)
            elif key in LADDER[:-1]:
                table[key] = _step(value, f"escalation.{key}")
            else:
                raise InputError(
                    f"unknown key {key!r}: expected none, rectification, warning or overrides",
                    field="escalation",
                )
    except InputError as exc:
        exc.file = exc.file or file
        raise
    return table


def load_table(pack: str | None) -> dict[str, Any]:
    """The `escalation:` mapping of a pack's contract.yaml, if the pack can be found and has one."""
    if not pack:
        return {}
    path = Path(pack) / "contract.yaml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}  # the pack is loaded and reported by `lvyue check`; the ledger only reads an option
    if not isinstance(data, dict):
        return {}
    return parse_table(data.get("escalation"), str(path))


def _finish(step: dict[str, Any], after: str, source: str) -> dict[str, Any]:
    nxt = step["next"]
    return {
        "next": nxt,
        "label": step.get("label") or LABELS.get(nxt, nxt),
        "clause": step.get("clause"),
        "text": step.get("text"),
        "after": after,
        "source": source,
    }


def next_step(finding: dict[str, Any], last_notice: str | None, table: dict[str, Any]) -> dict[str, Any]:
    """The escalation the contract allows after `last_notice` (None: no notice sent yet)."""
    after = last_notice if last_notice in LADDER else "none"
    overrides = table.get("overrides", {})
    for key in (finding.get("rule"), finding.get("clause")):
        spec = overrides.get(key) if key else None
        if spec is None:
            continue
        if "next" in spec:
            return _finish(spec, after, "pack")
        if after in spec:
            return _finish(spec[after], after, "pack")
    if after in table:
        return _finish(table[after], after, "pack")
    rank = LADDER.index(after)
    want = LADDER[min(rank + 1, len(LADDER) - 1)]
    named = consequence_steps(finding.get("consequence"))
    exact = [s for s in named if s["next"] == want]
    if exact:
        return _finish(exact[0], after, "consequence")
    higher = sorted((s for s in named if LADDER.index(s["next"]) > rank), key=lambda s: LADDER.index(s["next"]))
    if higher:
        return _finish(higher[0], after, "consequence")
    return _finish({"next": want, "clause": None, "text": finding.get("consequence")}, after, "default")

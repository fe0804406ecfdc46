"""The result of `lvyue check` as one JSON document: the input every report is built from.

It holds the contract, as-of date and period, every finding, a per-clause
coverage summary, the parameters used (assumptions flagged), the calendar
years touched and whether they were official, and the input manifest with
sha256 — so a report can be rebuilt later from a saved result alone.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path
from typing import Any

from lvyue.engine import __version__
from lvyue.engine.evaluate import Evaluation, incomplete_details
from lvyue.engine.findings import STATUSES
from lvyue.engine.money import money
from lvyue.engine.pack import Pack
from lvyue.engine.series import chart_series
from lvyue.facts.evidence import EvidenceSet

# Worst first: a clause's status is the worst of its findings.
_RANK = {s: i for i, s in enumerate(STATUSES)}


def settlement_types(pack: Pack) -> list[str]:
    """The fact types the pack's settlement model reads (none without settlement.yaml)."""
    from lvyue.engine.settlement.model import FILE, pack_model

    if not (pack.root / FILE).is_file():
        return []
    return sorted(pack_model(pack).fact_types())


def pack_path(root: Path) -> str:
    """The pack folder relative to the working directory, however it was typed (relative or absolute)."""
    try:
        return Path(os.path.relpath(Path(root).resolve(), Path.cwd().resolve())).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return Path(root).resolve().as_posix()


def pack_sha256(root: Path) -> str:
    """sha256 over the pack's files in sorted order (each file's relative path and content)."""
    root = Path(root)
    h = hashlib.sha256()
    files = [
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(root).parts)
    ]
    for p in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        h.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _param(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _param(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_param(x) for x in v]
    if isinstance(v, (bool, int, str)) or v is None:
        return v
    return str(v)


def coverage(ev: Evaluation) -> list[dict[str, Any]]:
    rows = []
    for clause, heading in ev.pack.contract.clauses.items():
        rules = [r for r in ev.pack.rules if r.clause == clause or clause in r.related_clauses]
        ids = {r.id for r in rules}
        found = [f for f in ev.findings if f.rule in ids]
        statuses = Counter(f.status for f in found)
        worst = min(statuses, key=lambda s: _RANK[s]) if statuses else "uncovered"
        rows.append(
            {
                "clause": clause,
                "heading": heading,
                "rules": sorted(ids),
                "status": worst,
                "counts": {s: statuses[s] for s in STATUSES if statuses[s]},
            }
        )
    return rows


def incomplete_evidence(ev: Evaluation) -> list[dict[str, Any]]:
    """Per fact type not read completely: what was not read and the rules resting on it."""
    rows = []
    for entry in incomplete_details(ev.incomplete):
        t = entry["fact_type"]
        known = ev.pack.fact_types.get(t)
        rows.append(
            {
                **entry,
                "title_zh": known.title_zh if known else t,
                "rules": sorted(r for r, types in ev.rests_on.items() if t in types),
            }
        )
    return rows


def manifest(evidence: EvidenceSet | None) -> list[dict[str, Any]]:
    if evidence is None:
        return []
    from lvyue.engine.cli.facts import report_json

    return [report_json(r) for r in evidence.files]


def build(ev: Evaluation, evidence: EvidenceSet | None, as_of_basis: str) -> dict[str, Any]:
    c = ev.pack.contract
    term = ev.pack.term_end()
    by_status = Counter(f.status for f in ev.findings)
    years = dict(ev.calendar_years)
    for f in ev.findings:  # every year a deadline reaches into, official or not
        if f.deadline:
            for y in range(min(ev.as_of, f.deadline.date).year, f.deadline.date.year + 1):
                years.setdefault(y, ev.pack.calendar.is_official(y))
    breach_sev = Counter(f.severity for f in ev.findings if f.status == "breach")
    return {
        "lvyue_version": __version__,
        "evaluator": ev.evaluator,
        "contract": {
            "id": c.id,
            "title": c.title,
            "signed_on": c.signed_on.isoformat(),
            "term_end": {"date": term.value.isoformat(), "reading": c.term.reading, **term.to_dict()},  # type: ignore[union-attr]
            "parties": {k: p.model_dump(mode="json") for k, p in c.parties.items()},
            "payee": c.payee.model_dump(mode="json") if c.payee else None,
            "escalation": c.escalation.model_dump(mode="json", exclude_none=True) if c.escalation else None,
            "pack": pack_path(ev.pack.root),  # the pack's id is "id" above
            "pack_sha256": pack_sha256(ev.pack.root),
        },
        "as_of": ev.as_of.isoformat(),
        "as_of_basis": as_of_basis,
        "period": {"start": ev.period[0].isoformat(), "end": ev.period[1].isoformat()},
        "summary": {
            "by_status": {s: by_status[s] for s in STATUSES},
            "breaches_by_severity": dict(sorted(breach_sev.items())),
            "needs_action": sum(1 for f in ev.findings if f.needs_action),
            "items_checked": ev.items_checked,
        },
        "findings": [f.to_dict() for f in ev.findings],
        "coverage": coverage(ev),
        # Evidence not read completely (rejected rows, file problems) and the rules resting on it;
        # empty registers (zero rows, no `empty_means: none`) count as not supplied.
        "incomplete_evidence": incomplete_evidence(ev),
        "empty_registers": {t: list(files) for t, files in sorted(ev.empty.items())},
        "parameters": {
            name: {
                "value": _param(ev.pack.params.get(name)),
                "clause": p.clause,
                "confirm": p.confirm,
                "note": p.note,
            }
            for name, p in sorted(c.parameters.items())
        },
        "calendar": {
            "years": {str(y): ("official" if ok else "provisional") for y, ok in sorted(years.items())},
            "sources": ev.pack.calendar.sources,
        },
        "manifest": manifest(evidence),
        # The facts money depends on, so the pre-payment check can be rebuilt from this file.
        "settlement_facts": {
            t: [
                {**f.fields(), "fact_type": t, "cite": f.provenance.cite() if f.provenance else "inline"}
                for f in (evidence.facts.get(t, []) if evidence else [])
            ]
            for t in settlement_types(ev.pack)
            if evidence is not None and t in evidence.present_types()
        },
        "unlisted_files": list(evidence.unlisted) if evidence else [],
        # the data of the audit report's charts, as the pack's charts.yaml declares them
        "charts": chart_series(ev.pack, evidence.facts if evidence else {}, ev.as_of, ev.period),
    }


__all__ = ["build", "coverage", "money"]

"""Findings: what an audit reports, one per rule and subject, with its proof.

A finding cites the clause, shows the evidence (fact ids with provenance),
says what is wrong in Chinese and English, and carries the remediation
deadline with the steps that produced it. Its id is a hash of pack, rule,
subject and start date, so the same breach keeps its id across audits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from lvyue.engine.calendar.reckon import Reckoning
from lvyue.engine.money import money
from lvyue.facts.model import Fact

Status = Literal["breach", "at_risk", "no_evidence", "not_due", "manual", "compliant", "not_applicable"]
# Worst first. `not_due`: nothing fell due in the period (no subject to judge yet);
# it needs no action but is never `compliant`. `not_applicable`: the auditor concluded 不适用
# for a manual item (its clause does not apply in the period); last, below compliant.
STATUSES: tuple[Status, ...] = ("breach", "at_risk", "no_evidence", "not_due", "manual", "compliant", "not_applicable")
# Missing or unreadable evidence needs action too (obtain it): a check with only those never exits 0.
NEEDS_ACTION = {"breach", "at_risk", "no_evidence"}
STATUS_ZH = {
    "breach": "违约",
    "at_risk": "存在风险",
    "no_evidence": "无证据",
    "not_due": "未到期",
    "manual": "人工核查",
    "compliant": "合规",
    "not_applicable": "不适用",
}


def stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class EvidenceRef:
    fact_type: str
    id: str
    cite: str
    provenance: dict[str, Any] | None
    fields: dict[str, Any]

    @classmethod
    def of(cls, f: Fact) -> EvidenceRef:
        prov = f.provenance.model_dump(mode="json", exclude_none=True) if f.provenance else None
        cite = f.provenance.cite() if f.provenance else "inline"
        return cls(f.fact_type, f.id, cite, prov, f.fields())

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact_type": self.fact_type,
            "id": self.id,
            "cite": self.cite,
            "provenance": self.provenance,
            "fields": self.fields,
        }


@dataclass
class Deadline:
    date: dt.date
    basis: str  # what the deadline is for, in Chinese
    explanation: dict[str, Any]
    provisional: bool

    @classmethod
    def of(cls, r: Reckoning, basis: str) -> Deadline:
        return cls(r.value, basis, r.to_dict(), r.provisional)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "basis": self.basis,
            "provisional": self.provisional,
            "explanation": self.explanation,
        }


@dataclass
class Finding:
    id: str
    rule: str
    clause: str
    title: str
    kind: str
    obligor: str
    severity: str
    status: Status
    subject: str
    period: tuple[dt.date, dt.date] | None
    message: dict[str, str]
    evidence: list[EvidenceRef] = field(default_factory=list)
    evidence_total: int = 0
    deadline: Deadline | None = None
    consequence: str | None = None
    amounts: dict[str, Decimal] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def needs_action(self) -> bool:
        return self.status in NEEDS_ACTION

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "clause": self.clause,
            "title": self.title,
            "kind": self.kind,
            "obligor": self.obligor,
            "severity": self.severity,
            "status": self.status,
            "subject": self.subject,
            "period": None
            if self.period is None
            else {"start": self.period[0].isoformat(), "end": self.period[1].isoformat()},
            "message": dict(self.message),
            "evidence": [e.to_dict() for e in self.evidence],
            "evidence_total": self.evidence_total,
            "deadline": self.deadline.to_dict() if self.deadline else None,
            "consequence": self.consequence,
            "amounts": {k: money(v) for k, v in sorted(self.amounts.items())},
            "details": self.details,
            "notes": list(self.notes),
        }



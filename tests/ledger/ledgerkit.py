"""Builders for minimal check results: findings dicts as `lvyue check --format json` writes them."""

from __future__ import annotations

from typing import Any

CONTRACT = "hebi-shuguang-2026"

CONSEQUENCE = {
    "HB-OPS-TEAM-SIZE": "六.1 甲方有权定期核对人员数量并下达整改通知书；八.1 甲方有权发出书面警示函",
    "HB-OPS-ONSITE": "八.1 甲方有权发出书面警示函要求限期纠正；逾期未纠正的，甲方有权书面通知后终止合同",
    "HB-OPS-NOTICE": "六.1 甲方有权下达整改通知书并要求限期整改；整改后仍不满足的，甲方有权终止合同",
    "HB-QA-ACCEPT": "五 拒不整改或无法整改的，甲方有权终止合同",
}
KIND = {"HB-OPS-TEAM-SIZE": "maintain", "HB-OPS-ONSITE": "presence", "HB-OPS-NOTICE": "advance_notice",
        "HB-QA-ACCEPT": "respond_within"}
CLAUSE = {"HB-OPS-TEAM-SIZE": "四（三）2", "HB-OPS-ONSITE": "四（三）2", "HB-OPS-NOTICE": "四（三）6",
          "HB-QA-ACCEPT": "五（验收）"}


def finding(
    rule: str,
    key: str,
    status: str = "breach",
    *,
    subject: str | None = None,
    start: str | None = None,
    end: str | None = None,
    deadline: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": f"{rule}:{key}",
        "rule": rule,
        "clause": CLAUSE[rule],
        "title": rule,
        "kind": KIND[rule],
        "obligor": "party_b",
        "severity": "major",
        "status": status,
        "subject": subject or key,
        "period": {"start": start, "end": end or start} if start else None,
        "message": {"zh": f"{rule} {key} {status}", "en": f"{rule} {key} {status}"},
        "deadline": {"date": deadline, "basis": "整改期限"} if deadline else None,
        "consequence": CONSEQUENCE[rule],
        "details": details or {},
    }


def compliant(rule: str, start: str, end: str) -> dict[str, Any]:
    return finding(rule, "compliant", "compliant", subject=rule, start=start, end=end)


def result(as_of: str, start: str, end: str, findings: list[dict[str, Any]], pack: str = "no-such-pack") -> dict[str, Any]:
    return {
        "lvyue_version": "0.1.0",
        "contract": {"id": CONTRACT, "title": "鹤壁市曙光政务云服务 项目合同", "pack": pack, "signed_on": "2026-07-01"},
        "as_of": as_of,
        "period": {"start": start, "end": end},
        "findings": findings,
        "manifest": [{"file": "staff.xlsx", "sha256": "ab" * 32, "rows": 12}],
    }


def notice(kind: str, number: str, issued: str, items: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "kind": kind,
        "number": number,
        "issue_date": issued,
        "pack": CONTRACT,
        "items": [{"finding_id": fid, "rule": fid.split(":")[0], "deadline": dl} for fid, dl in items],
    }

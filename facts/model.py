"""Fact schemas: typed evidence records, each carrying where it came from.

A fact type is generic to service contracts (a staff member, a maintenance
window, an invoice); which facts a clause needs is said by the rules in the
pack, never here. Every fact has a string id unique within its type and a
Provenance an auditor can follow back to the file, sheet and row (or page).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Excerpt(BaseModel):
    """Where one field of a document fact was found, with the words matched."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    page: int | None = None
    paragraph: int | None = None
    text: str


class Provenance(BaseModel):
    """Where a fact came from: enough to find the row again and prove the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str  # path relative to the evidence folder
    sha256: str
    sheet: str | None = None
    row: int | None = None  # 1-based, header row included (as a spreadsheet shows it)
    page: int | None = None
    paragraph: int | None = None
    text: str | None = None  # matched text, for documents
    derived_from: int | None = None  # number of raw lines aggregated into this fact
    excerpts: tuple[Excerpt, ...] = ()  # documents: one per extracted field

    def cite(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.paragraph is not None:
            parts.append(f"paragraph {self.paragraph}")
        if self.derived_from is not None:
            parts.append(f"{self.derived_from} lines")
        return ", ".join(parts)


class Fact(BaseModel):
    """Base of every fact type."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    fact_type: ClassVar[str] = ""
    title_zh: ClassVar[str] = ""

    id: str
    provenance: Provenance | None = None

    def fields(self) -> dict[str, Any]:
        """The fact's own fields (no provenance), JSON-ready."""
        return self.model_dump(mode="json", exclude={"provenance"})


# --- people -----------------------------------------------------------------


class StaffMember(Fact):
    fact_type: ClassVar[str] = "staff"
    title_zh: ClassVar[str] = "运维人员名册"
    name: str
    id_number: str | None = None  # 身份证号, masked in reports
    phone: str | None = None
    role: str | None = None
    categories: list[str] = Field(default_factory=list)  # cloud, network, storage, security
    local: bool = False
    core: bool = False
    onsite: bool = False
    security_team: bool = False
    start: dt.date
    end: dt.date | None = None


class OnsiteDay(Fact):
    """One person present at Party A's office on one day (derived from access logs)."""

    fact_type: ClassVar[str] = "onsite_day"
    title_zh: ClassVar[str] = "驻场到岗记录"
    person_id: str
    day: dt.date
    first_in: str | None = None
    last_out: str | None = None
    entries: int = 1


class StaffChange(Fact):
    fact_type: ClassVar[str] = "staff_change"
    title_zh: ClassVar[str] = "驻场人员更换"
    leaving: str | None = None
    joining: str | None = None
    effective: dt.date
    notified_on: dt.date | None = None
    consented_on: dt.date | None = None


# --- operations ---------------------------------------------------------------


class Maintenance(Fact):
    fact_type: ClassVar[str] = "maintenance"
    title_zh: ClassVar[str] = "检修/割接/升级计划"
    kind: str  # 检修, 割接, 升级, 搬迁, 调试
    title: str
    start: dt.date
    end: dt.date | None = None
    notified_on: dt.date | None = None
    affects_service: bool = True


class ResourceRequest(Fact):
    fact_type: ClassVar[str] = "resource_request"
    title_zh: ClassVar[str] = "资源申请与交付"
    requested_on: dt.date
    requester: str | None = None
    description: str
    delivered_on: dt.date | None = None


class Report(Fact):
    """A periodic report (usage confirmation, operation report)."""

    fact_type: ClassVar[str] = "report"
    title_zh: ClassVar[str] = "报告交付"
    kind: str  # usage_confirmation, operation
    period: str  # 2026-07, 2026Q3, 2026H2, 2026
    delivered_on: dt.date | None = None
    confirmed_on: dt.date | None = None


class Drill(Fact):
    fact_type: ClassVar[str] = "drill"
    title_zh: ClassVar[str] = "应急演练"
    date: dt.date
    kind: str
    title: str


class Assessment(Fact):
    """A filing or assessment: MLPS filing/assessment, cryptography, CAC."""

    fact_type: ClassVar[str] = "assessment"
    title_zh: ClassVar[str] = "测评与备案"
    kind: str  # mlps_filing, mlps_assessment, crypto_assessment, cac_assessment
    date: dt.date
    conclusion: str | None = None
    score: Decimal | None = None
    report_no: str | None = None
    issuer: str | None = None
    valid_until: dt.date | None = None


class Device(Fact):
    """A security device, network line or service channel in service."""

    fact_type: ClassVar[str] = "device"
    title_zh: ClassVar[str] = "设备与线路"
    category: str  # firewall, av_gateway, ips, web_tamper, isolation, vuln_scanner, log_audit, line_10g, hotline
    name: str
    in_service_from: dt.date
    in_service_to: dt.date | None = None


class Incident(Fact):
    fact_type: ClassVar[str] = "incident"
    title_zh: ClassVar[str] = "安全事件"
    date: dt.date
    severity: str
    caused_by_supplier: bool
    description: str


class Acceptance(Fact):
    fact_type: ClassVar[str] = "acceptance"
    title_zh: ClassVar[str] = "服务验收"
    date: dt.date
    passed: bool
    notified_on: dt.date | None = None
    rectified_on: dt.date | None = None
    subject: str | None = None


class Notice(Fact):
    """A rectification notice or warning letter from Party A, and its correction."""

    fact_type: ClassVar[str] = "notice"
    title_zh: ClassVar[str] = "整改通知与警示函"
    kind: str  # rectification, warning
    issued_on: dt.date
    deadline: dt.date
    rectified_on: dt.date | None = None
    subject: str | None = None


class Rectification(Fact):
    """Party B's written rectification of a finding (for follow-up audits)."""

    fact_type: ClassVar[str] = "rectification"
    title_zh: ClassVar[str] = "整改报告"
    finding: str  # the finding id it answers (or a rule id)
    submitted_on: dt.date
    description: str
    notice: str | None = None  # the notice number it answers


class ForceMajeure(Fact):
    fact_type: ClassVar[str] = "force_majeure"
    title_zh: ClassVar[str] = "不可抗力"
    occurred_on: dt.date
    notified_on: dt.date | None = None
    party: str
    description: str


class Handover(Fact):
    fact_type: ClassVar[str] = "handover"
    title_zh: ClassVar[str] = "数据移交与清除"
    completed_on: dt.date | None = None
    deleted_on: dt.date | None = None
    description: str


class PerformanceReview(Fact):
    fact_type: ClassVar[str] = "performance_review"
    title_zh: ClassVar[str] = "绩效考核"
    period: str  # 2026H2
    date: dt.date
    panel_size: int
    score: Decimal | None = None
    grade: str | None = None


class SystemDay(Fact):
    """One monitored system on one day (derived from monitoring logs)."""

    fact_type: ClassVar[str] = "system_day"
    title_zh: ClassVar[str] = "系统运行日统计"
    system: str
    day: dt.date
    checks: int
    failures: int


# --- money ------------------------------------------------------------------------


class CatalogueItem(Fact):
    fact_type: ClassVar[str] = "catalogue"
    title_zh: ClassVar[str] = "服务目录单价"
    name: str
    unit: str
    unit_price: Decimal  # CNY per unit per month
    sample: bool = False


class UsageLine(Fact):
    """One resource in a monthly usage confirmation report."""

    fact_type: ClassVar[str] = "usage"
    title_zh: ClassVar[str] = "资源使用量"
    month: str  # 2026-07
    item: str  # catalogue id
    quantity: Decimal
    deployed_on: dt.date
    released_on: dt.date | None = None
    department: str | None = None


class Invoice(Fact):
    fact_type: ClassVar[str] = "invoice"
    title_zh: ClassVar[str] = "发票"
    number: str
    issued_on: dt.date
    amount: Decimal
    period: str
    payee_name: str
    payee_account: str | None = None
    payee_bank: str | None = None


class Payment(Fact):
    fact_type: ClassVar[str] = "payment"
    title_zh: ClassVar[str] = "付款"
    invoice_id: str | None = None
    paid_on: dt.date
    amount: Decimal
    period: str | None = None  # what the payment settles, e.g. 2026H2


FACT_TYPES: dict[str, type[Fact]] = {
    cls.fact_type: cls
    for cls in (
        StaffMember,
        OnsiteDay,
        StaffChange,
        Maintenance,
        ResourceRequest,
        Report,
        Drill,
        Assessment,
        Device,
        Incident,
        Acceptance,
        Notice,
        Rectification,
        ForceMajeure,
        Handover,
        PerformanceReview,
        SystemDay,
        CatalogueItem,
        UsageLine,
        Invoice,
        Payment,
    )
}

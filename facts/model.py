"""Fact schemas: typed evidence records, each carrying where it came from.

A fact type is generic to service contracts (a staff member, a maintenance
window, an invoice); which facts a clause needs is said by the rules in the
pack, never here. Every fact has a string id unique within its type and a
Provenance an auditor can follow back to the file, sheet and row (or page).

The types themselves are data: declared in facts/types/*.yaml and built into
pydantic models by facts/typedecl.py (a pack adds its own in facts.yaml).
This module keeps the base classes and exports the built-in types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict


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
    if TYPE_CHECKING:  # set on every built type (a ClassVar), absent on this base
        from lvyue.facts.typedecl import TypeDecl

        decl: ClassVar[TypeDecl]

    id: str
    provenance: Provenance | None = None

    def fields(self) -> dict[str, Any]:
        """The fact's own fields (no provenance), JSON-ready."""
        return self.model_dump(mode="json", exclude={"provenance"})


# --- the built-in types, from facts/types/*.yaml ------------------------------------------

from lvyue.facts.typedecl import builtin_types  # noqa: E402 - needs Fact above

FACT_TYPES: dict[str, type[Fact]] = builtin_types()

# The names code and tests have always imported.
StaffMember = FACT_TYPES["staff"]
OnsiteDay = FACT_TYPES["onsite_day"]
StaffChange = FACT_TYPES["staff_change"]
Maintenance = FACT_TYPES["maintenance"]
ResourceRequest = FACT_TYPES["resource_request"]
Report = FACT_TYPES["report"]
Drill = FACT_TYPES["drill"]
Assessment = FACT_TYPES["assessment"]
Device = FACT_TYPES["device"]
Incident = FACT_TYPES["incident"]
Acceptance = FACT_TYPES["acceptance"]
Notice = FACT_TYPES["notice"]
Rectification = FACT_TYPES["rectification"]
ForceMajeure = FACT_TYPES["force_majeure"]
Handover = FACT_TYPES["handover"]
PerformanceReview = FACT_TYPES["performance_review"]
SystemDay = FACT_TYPES["system_day"]
CatalogueItem = FACT_TYPES["catalogue"]
UsageLine = FACT_TYPES["usage"]
Invoice = FACT_TYPES["invoice"]
Payment = FACT_TYPES["payment"]

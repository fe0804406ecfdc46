"""`manual`: a clause no evidence can settle; it becomes a checklist item.

Example: 十.1 — confidentiality; 四（三）2 — on-site staff obey Party A's
rules. The report shows the clause and how to check it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from lvyue.engine.kinds.base import Context, Item, Kind


class ManualSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["manual"]
    how: str  # what the auditor should look at


class Manual(Kind):
    name = "manual"
    Spec = ManualSpec  # type: ignore[assignment]
    variables = {"how"}
    summary = "a checklist item for the auditor"
    checkable = False

    def requires(self, spec: ManualSpec) -> set[str]:
        return set()

    def expand(self, rule, spec: ManualSpec, ctx: Context) -> list[Item]:
        return []

    def outcomes(self, rule, spec, types):
        return ()

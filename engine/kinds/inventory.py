"""`inventory`: each required item exists and is in service every day.

Example: 四（四）6 — firewall, anti-virus gateway, IPS, web anti-tamper,
isolation/exchange, vulnerability scanner and log audit. It is `maintain`
grouped by category, one or more of each.
"""

from __future__ import annotations

from typing import Literal

from lvyue.engine.kinds.maintain import Maintain, MaintainSpec


class InventorySpec(MaintainSpec):
    kind: Literal["inventory"]  # type: ignore[assignment]
    active_from: str = "in_service_from"
    active_to: str | None = "in_service_to"
    group_by: str | None = "category"


class Inventory(Maintain):
    name = "inventory"
    Spec = InventorySpec
    summary = "required items exist and are in service"

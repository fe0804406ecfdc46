"""The library of templates (obligation kinds): each derives Items and compiles outcomes."""

from __future__ import annotations

from engine.kinds.achieve_by import AchieveBy
from engine.kinds.advance_notice import AdvanceNotice
from engine.kinds.base import Context, Item, Kind
from engine.kinds.cap import Cap
from engine.kinds.each import Each
from engine.kinds.fee import Fee
from engine.kinds.inventory import Inventory
from engine.kinds.maintain import Maintain
from engine.kinds.manual import Manual
from engine.kinds.periodic import Periodic
from engine.kinds.precedes import Precedes
from engine.kinds.presence import Presence
from engine.kinds.prohibit import Prohibit
from engine.kinds.respond_within import RespondWithin
from engine.kinds.when import When

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Maintain(),
        Inventory(),
        Presence(),
        AdvanceNotice(),
        Precedes(),
        RespondWithin(),
        Periodic(),
        AchieveBy(),
        Cap(),
        Fee(),
        Prohibit(),
        Each(),
        Manual(),
        When(),
    )
}

# Placeholders every message may use.
COMMON_VARIABLES = {"subject", "title", "clause", "start", "end", "days", "status"}

__all__ = ["COMMON_VARIABLES", "KINDS", "Context", "Item", "Kind"]

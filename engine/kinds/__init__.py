"""The library of templates (obligation kinds): each derives Items and compiles outcomes."""

from __future__ import annotations

from lvyue.engine.kinds.achieve_by import AchieveBy
from lvyue.engine.kinds.advance_notice import AdvanceNotice
from lvyue.engine.kinds.base import Context, Item, Kind
from lvyue.engine.kinds.cap import Cap
from lvyue.engine.kinds.each import Each
from lvyue.engine.kinds.fee import Fee
from lvyue.engine.kinds.inventory import Inventory
from lvyue.engine.kinds.maintain import Maintain
from lvyue.engine.kinds.manual import Manual
from lvyue.engine.kinds.periodic import Periodic
from lvyue.engine.kinds.precedes import Precedes
from lvyue.engine.kinds.presence import Presence
from lvyue.engine.kinds.prohibit import Prohibit
from lvyue.engine.kinds.respond_within import RespondWithin
from lvyue.engine.kinds.when import When

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

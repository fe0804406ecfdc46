"""Personal data masking: ID-card and mobile numbers, in every report and viewer.

Evidence files and the check result keep the numbers as they are (they are
the record); everything shown to people masks them unless told not to.

18-digit resident ID numbers keep the 6-digit area code and the last four
(410611********1234); 11-digit mainland mobile numbers keep the first three
and the last four (138****5678). A number glued to other letters or digits
(a sha256, a longer account number) is not personal data and is left alone.
"""

from __future__ import annotations

import re
from typing import Any

_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
ID_CARD = re.compile(
    _EDGE_L + r"(\d{6})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[\dXx])" + _EDGE_R
)
MOBILE = re.compile(_EDGE_L + r"(1[3-9]\d)(\d{4})(\d{4})" + _EDGE_R)


def mask_text(text: str) -> str:
    text = ID_CARD.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    return MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask(value: Any) -> Any:
    """A copy of a JSON-like value with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value

"""Personal data masking: ID-card and mobile numbers, in every report and viewer.

Evidence files and the check result keep the numbers as they are (they are
the record); everything shown to people masks them unless told not to.

18-digit resident ID numbers keep the 6-digit area code and the last four
(410611********1234, also with a final X or x); 11-digit mainland mobile
numbers keep the first three and the last four (138****5678), however they
are written: `138-8765-4321`, `139 1234 5678`, `+8618633334444`,
`+86 138 0000 1111`, `(+86)13800001111`, `（+86）138…`, `0086-138…`; the
spacing and the prefix stay as written. A number glued to other letters or
digits (a sha256, a longer account number) is not personal data and is left
alone.
"""

from __future__ import annotations

import re
from typing import Any

_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
ID_CARD = re.compile(
    _EDGE_L
    + r"(\d{6})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[\dXx])"
    + _EDGE_R
)
_SEP = r"[ \-\u00a0\u3000－]?"  # one space or dash between the groups, if any
_PREFIX = r"(?:(?:\+|00)86" + _SEP + r"|[(（]\s?(?:\+|00)?86\s?[)）]\s?|86[ \-])?"
MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])("
    + _PREFIX
    + r")(1[3-9]\d)("
    + _SEP
    + r")(\d{4})("
    + _SEP
    + r")(\d{4})"
    + _EDGE_R
)


def mask_text(text: str) -> str:
    text = ID_CARD.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    return MOBILE.sub(
        lambda m: m.group(1) + m.group(2) + m.group(3) + "****" + m.group(5) + m.group(6), text
    )


def mask(value: Any) -> Any:
    """A copy of a JSON-like value with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value

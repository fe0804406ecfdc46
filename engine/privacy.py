"""Masking of personal data (ID-card and mobile numbers) in anything shown to people.

Evidence files and the check result keep the numbers as they are (they are
the record); every report and viewer masks them unless told not to.
"""

from __future__ import annotations

import re
from typing import Any

# 18-digit resident ID (last character may be X) and 11-digit mainland mobile numbers.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    text = _ID.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask(obj: Any) -> Any:
    """A copy of obj (dicts, lists, strings) with personal numbers masked."""
    if isinstance(obj, str):
        return mask_text(obj)
    if isinstance(obj, dict):
        return {k: mask(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [mask(v) for v in obj]
    return obj

"""'Did you mean …?' for names a person typed: fact types, fields, parameters."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, or None when nothing is close enough to be a typo."""
    found = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean `x`?)', or '' when no candidate is close: appended to an error."""
    best = nearest(name, candidates)
    return f" (did you mean `{best}`?)" if best else ""

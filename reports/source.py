"""Reading a saved `lvyue check` result and finding its pack: every report starts here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from lvyue.engine.errors import InputError

REQUIRED = ("contract", "as_of", "period", "summary", "findings", "coverage", "parameters")


def load_result(path: Path) -> dict[str, Any]:
    """The result JSON, checked for the keys reports need."""
    path = Path(path)
    if not path.is_file():
        raise InputError("result file not found (write one with `lvyue check ... --format json -o FILE`)", file=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object written by `lvyue check --format json`", file=str(path))
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise InputError(
            f"not an lvyue check result (missing {', '.join(missing)})", file=str(path), field=missing[0]
        )
    if not isinstance(data["findings"], list):
        raise InputError("expected a list", file=str(path), field="findings")
    return data


def resolve_pack(result: dict[str, Any], result_path: Path, given: Path | None) -> Path | None:
    """--pack, else the pack path stored in the result (as given, or next to the result file)."""
    if given is not None:
        if not (Path(given) / "contract.yaml").is_file():
            raise InputError("not a rule pack (no contract.yaml)", file=str(given), field="--pack")
        return Path(given)
    stored = (result.get("contract") or {}).get("pack")
    if not stored:
        return None
    for cand in (Path(stored), Path(result_path).parent / stored):
        if (cand / "contract.yaml").is_file():
            return cand
    return None


def need_pack(result: dict[str, Any], result_path: Path, given: Path | None) -> Path:
    pack = resolve_pack(result, result_path, given)
    if pack is None:
        stored = (result.get("contract") or {}).get("pack")
        raise InputError(
            f"rule pack {stored!r} named in the result not found: give --pack PACK", field="--pack"
        )
    return pack


def parse_day(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"expected an ISO date like 2026-09-01, got {text!r}", field=what) from None


def result_day(result: dict[str, Any], key: str) -> dt.date:
    """A date stored in the result (as_of)."""
    try:
        return dt.date.fromisoformat(str(result[key]))
    except (KeyError, ValueError):
        raise InputError(f"expected an ISO date, got {result.get(key)!r}", field=key) from None

"""Test packs: the Hebi contract.yaml (its real parameters) plus rule files written by a test."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "rules" / "hebi-shuguang-2026" / "contract.yaml"


def write_pack(root: Path, files: dict[str, str]) -> Path:
    """A pack folder at root with the Hebi contract.yaml and the given rule files."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONTRACT, root / "contract.yaml")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root

"""Evidence folders built by the tests themselves (tmp_path), never shared state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def folder(tmp_path: Path) -> Callable[..., Path]:
    """make(name, manifest_text, {relpath: bytes}) → a new evidence folder."""

    def make(name: str, manifest: str | None, files: dict[str, bytes]) -> Path:
        root = tmp_path / name
        root.mkdir()
        if manifest is not None:
            (root / "evidence.yaml").write_text(manifest, encoding="utf-8")
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        return root

    return make

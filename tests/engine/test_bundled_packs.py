"""Packs found by name: `--pack hebi-shuguang-2026` works in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from lvyue.engine.errors import InputError
from lvyue.engine.pack import bundled_packs, find_pack, load_pack

ROOT = Path(__file__).resolve().parents[2]


def test_the_bundled_packs_are_the_repositorys_rules_folders() -> None:
    assert bundled_packs() == sorted(p.parent.name for p in (ROOT / "rules").glob("*/contract.yaml"))
    assert {"hebi-shuguang-2026", "jiangzhou-waiwang-2026"} <= set(bundled_packs())


def test_a_name_finds_the_bundled_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no folder of that name here
    pack = load_pack(Path("jiangzhou-waiwang-2026"))
    assert pack.root.resolve() == (ROOT / "rules" / "jiangzhou-waiwang-2026").resolve()
    assert pack.contract.signed_on.isoformat() == "2026-06-26"


def test_a_folder_that_exists_wins_over_the_bundled_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hebi-shuguang-2026").mkdir()
    assert find_pack("hebi-shuguang-2026") == Path("hebi-shuguang-2026")
    with pytest.raises(InputError) as e:
        load_pack(Path("hebi-shuguang-2026"))
    assert "no contract.yaml" in str(e.value) and "jiangzhou-waiwang-2026" in str(e.value)


def test_an_unknown_name_is_an_input_error_listing_the_bundled_packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as e:
        load_pack(Path("no-such-pack"))
    assert "bundled packs: hebi-shuguang-2026, jiangzhou-waiwang-2026" in str(e.value)

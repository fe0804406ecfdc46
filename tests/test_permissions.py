"""Result files and the ledger hold personal data: they are created readable by their owner only."""

from __future__ import annotations

import stat
from pathlib import Path

from examplekit import cli

ROOT = Path(__file__).resolve().parents[1]


def test_the_result_and_the_ledger_are_owner_only(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out, ledger = tmp_path / "result.json", tmp_path / "l.sqlite"
    code, _ = cli("check", ROOT / "examples" / "hebi-2026h2", "--pack", ROOT / "rules" / "hebi-shuguang-2026",
                  "--quarter", "2026Q3", "--format", "json", "-o", out, "--record", "--ledger", ledger)
    assert code == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600


def test_the_result_json_masks_personal_data_unless_asked(tmp_path: Path) -> None:
    import re

    args = ("check", ROOT / "examples" / "hebi-2026h2", "--pack", ROOT / "rules" / "hebi-shuguang-2026",
            "--half", "2026H2", "--format", "json")
    phone = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    _, masked = cli(*args)
    _, raw = cli(*args, "--no-mask")
    assert phone.search(raw), "the example's roster has mobile numbers"
    assert not phone.search(masked)
    assert re.search(r"1[3-9]\d\*{4}\d{4}", masked)  # 138****0101

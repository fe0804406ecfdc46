"""A bug is an internal error (exit 3, one line), never a traceback; LVYUE_DEBUG shows it."""

from __future__ import annotations

import pytest

import lvyue.engine.calendar as cal_cli  # the CLI calls the calendar through this module (imported lazily)
from lvyue.engine.cli.main import main


def test_an_unexpected_exception_exits_3_with_one_line(monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(cal_cli, "add_working_days", boom)
    monkeypatch.delenv("LVYUE_DEBUG", raising=False)
    assert main(["calendar", "add", "2026-09-30", "1"]) == 3
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "internal error: RuntimeError: simulated bug (a bug in lvyue; LVYUE_DEBUG=1 shows the traceback)"
    ]
    monkeypatch.setenv("LVYUE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="simulated bug"):
        main(["calendar", "add", "2026-09-30", "1"])

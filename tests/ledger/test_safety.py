"""The ledger survives a killed writer and concurrent writers; versions are checked both ways."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ledgerkit import finding, result

from lvyue.engine.errors import InputError
from lvyue.engine.ledger import follow_up, history, record_audit, schema, store

HERE = Path(__file__).parent
PROC = HERE / "record_proc.py"
Q3 = ("2026-07-01", "2026-09-30")


def _result_file(tmp_path: Path, name: str, as_of: str) -> tuple[Path, dict]:
    r = result(as_of, *Q3, [finding("HB-OPS-ONSITE", name, start="2026-09-14", deadline="2026-10-14")])
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
    return path, r


def _spawn(ledger: Path, result_file: Path, *opts: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(PROC), str(ledger), str(result_file), *opts],
        cwd=HERE,
        env={**os.environ, "PYTHONPATH": str(HERE.parent.parent), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(flag: Path, proc: subprocess.Popen) -> None:
    """Wait until the child reaches its hook; fail (not hang) if it dies first."""
    for _ in range(12000):
        if flag.exists():
            return
        if proc.poll() is not None:
            pytest.fail(f"recording process ended early: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.01)
    proc.kill()
    pytest.fail("recording process never reached its hook")


def _snapshot(ledger: Path) -> list:
    with sqlite3.connect(ledger) as conn:
        return [
            conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("audits", "audit_findings", "manifest_files", "notices", "rectifications")
        ]


def test_a_process_killed_mid_transaction_leaves_the_ledger_as_it_was(ledger: Path, tmp_path: Path) -> None:
    _, first = _result_file(tmp_path, "first", "2026-09-20")
    record_audit(ledger, first)
    before = _snapshot(ledger)
    second_file, second = _result_file(tmp_path, "second", "2026-09-30")
    # Enough findings that SQLite spills pages into the file before COMMIT: a real half-written state.
    second["findings"] += [
        finding("HB-OPS-ONSITE", f"d{i}", start="2026-09-15", deadline="2026-10-14", details={"pad": "驻" * 500})
        for i in range(3000)
    ]
    second_file.write_text(json.dumps(second, ensure_ascii=False), encoding="utf-8")
    ready, go = tmp_path / "ready", tmp_path / "never"
    proc = _spawn(ledger, second_file, "--hold", str(ready), str(go))
    _wait_for(ready, proc)  # the child has written its rows and holds the transaction open
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert Path(f"{ledger}-journal").exists()  # a hot journal: the file was changed mid-transaction

    assert _snapshot(ledger) == before  # the hot journal is rolled back on the next open
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(InputError, match="not in the ledger"):
        history(ledger, second["findings"][0]["id"])
    assert follow_up(ledger, second)["previous_audit"]["as_of"] == "2026-09-20"
    record_audit(ledger, second)  # and the ledger is usable
    assert follow_up(ledger, result("2026-10-31", "2026-10-01", "2026-12-31", []))["previous_audit"]["as_of"] == (
        "2026-09-30"
    )


def test_two_processes_recording_at_once_both_succeed(ledger: Path, tmp_path: Path) -> None:
    file_a, _ = _result_file(tmp_path, "a", "2026-09-29")
    file_b, _ = _result_file(tmp_path, "b", "2026-09-30")
    ready_a, go, ready_b = tmp_path / "ready_a", tmp_path / "go", tmp_path / "ready_b"
    a = _spawn(ledger, file_a, "--hold", str(ready_a), str(go))
    _wait_for(ready_a, a)  # A holds the write lock
    b = _spawn(ledger, file_b, "--ready-before-begin", str(ready_b))
    _wait_for(ready_b, b)  # B is about to ask for it: it waits (busy timeout) instead of failing
    go.write_text("go", encoding="utf-8")
    out_a, err_a = a.communicate()
    out_b, err_b = b.communicate()
    assert (a.returncode, err_a) == (0, "")
    assert (b.returncode, err_b) == (0, "")
    with sqlite3.connect(ledger) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT id FROM audits")) == sorted([out_a.strip(), out_b.strip()])


def test_two_processes_started_together_both_succeed(ledger: Path, tmp_path: Path) -> None:
    files = [_result_file(tmp_path, f"p{i}", f"2026-09-{10 + i}")[0] for i in range(4)]
    procs = [_spawn(ledger, f) for f in files]
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("SELECT COUNT(*) FROM audits").fetchone()[0] == 4
        assert sorted(r[0] for r in conn.execute("SELECT seq FROM audits")) == [1, 2, 3, 4]


def test_a_writer_that_cannot_wait_gets_ledger_busy(ledger: Path, tmp_path: Path) -> None:
    file_a, _ = _result_file(tmp_path, "a", "2026-09-29")
    file_b, _ = _result_file(tmp_path, "b", "2026-09-30")
    ready, go = tmp_path / "ready", tmp_path / "go"
    a = _spawn(ledger, file_a, "--hold", str(ready), str(go))
    _wait_for(ready, a)
    b = _spawn(ledger, file_b, env={store.ENV_TIMEOUT: "0"})
    _, err_b = b.communicate()
    go.write_text("go", encoding="utf-8")
    a.communicate()
    assert b.returncode == 2
    assert err_b.count("\n") == 1 and "ledger busy" in err_b
    assert a.returncode == 0
    b = _spawn(ledger, file_b)  # once the other writer is done, it records
    b.communicate()
    assert b.returncode == 0


def test_a_ledger_from_a_newer_lvyue_is_refused(ledger: Path) -> None:
    record_audit(ledger, result("2026-09-30", *Q3, []))
    with sqlite3.connect(ledger) as conn:
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    for call in (
        lambda: record_audit(ledger, result("2026-10-31", *Q3, [])),
        lambda: follow_up(ledger, result("2026-10-31", *Q3, [])),
        lambda: history(ledger),
    ):
        with pytest.raises(InputError, match="newer lvyue") as exc:
            call()
        assert str(ledger) in str(exc.value) and "\n" not in str(exc.value)


def test_an_older_ledger_is_migrated_and_keeps_its_records(ledger: Path) -> None:
    # A version-1 ledger, as lvyue wrote it before fingerprints and rectifications existed.
    conn = sqlite3.connect(ledger, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    schema.migrate(conn, ledger, upto=1)
    old = finding("HB-OPS-ONSITE", "old", start="2026-09-14", deadline="2026-10-14")
    conn.execute(
        "INSERT INTO audits (id, seq, contract_id, pack, title, signed_on, as_of, period_start, period_end,"
        " lvyue_version, recorded_at, manifest) VALUES ('v1-audit', 1, 'hebi-shuguang-2026', 'rules/hebi-shuguang-2026',"
        " 't', '2026-07-01', '2026-09-30', '2026-07-01', '2026-09-30', '0.0.9', '2026-09-30T00:00:00', '[]')"
    )
    conn.execute(
        "INSERT INTO audit_findings (audit_id, finding_id, rule, clause, kind, obligor, status, subject,"
        " period_start, period_end, deadline, data) VALUES ('v1-audit', ?, 'HB-OPS-ONSITE', '四（三）2', 'presence',"
        " 'party_b', 'breach', 'old', '2026-09-14', '2026-09-14', '2026-10-14', ?)",
        (old["id"], json.dumps(old, ensure_ascii=False)),
    )
    conn.execute("COMMIT")
    assert schema.version(conn) == 1
    conn.close()

    fu = follow_up(ledger, result("2026-10-31", "2026-10-01", "2026-12-31", []))
    assert fu["previous_audit"]["id"] == "v1-audit"
    assert fu["findings"][old["id"]]["state"] == "overdue"
    record_audit(ledger, result("2026-10-31", "2026-10-01", "2026-12-31", []),
                 [{"id": "R1", "finding": old["id"], "submitted_on": "2026-10-20"}])
    with sqlite3.connect(ledger) as conn:
        assert schema.version(conn) == schema.SCHEMA_VERSION
        assert conn.execute("SELECT COUNT(*) FROM audits").fetchone()[0] == 2
        assert conn.execute("SELECT COUNT(*) FROM rectifications").fetchone()[0] == 1


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputError, match="not an lvyue ledger"):
        record_audit(junk, result("2026-09-30", *Q3, []))
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match="not an lvyue ledger"):
        history(other)


def test_bad_notice_and_result_are_input_errors(ledger: Path) -> None:
    from lvyue.engine.ledger import record_notice

    with pytest.raises(InputError, match="kind"):
        record_notice(ledger, {"kind": "memo", "number": "1", "issue_date": "2026-10-09", "pack": "p", "items": []})
    with pytest.raises(InputError, match="before the issue date"):
        record_notice(ledger, {"kind": "warning", "number": "1", "issue_date": "2026-10-09", "pack": "p",
                               "items": [{"finding_id": "X:1", "deadline": "2026-10-01"}]})
    with pytest.raises(InputError, match="not an lvyue check result"):
        record_audit(ledger, {"findings": []})
    n = {"kind": "warning", "number": "W1", "issue_date": "2026-10-09", "pack": "rules/p",
         "items": [{"finding_id": "X:1", "deadline": "2026-10-16"}]}
    assert record_notice(ledger, n) == record_notice(ledger, n) == "p:W1"
    with pytest.raises(InputError, match="already recorded"):
        record_notice(ledger, {**n, "issue_date": "2026-10-10"})
    assert not list(ledger.parent.glob("*.sqlite-journal"))

"""Opening the ledger file, transactions, and reading and writing its rows.

Every write is one `BEGIN IMMEDIATE` transaction: it takes the write lock
before reading anything, so two writers queue (each waits up to the busy
timeout) instead of deadlocking, and a process killed before COMMIT leaves
a hot rollback journal that SQLite rolls back on the next open — the
ledger is exactly as it was. The ledger stays in rollback-journal mode (not
WAL) so that it is one self-contained file an auditor can copy and archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lvyue.engine.errors import InputError
from lvyue.engine.ledger import schema

DEFAULT_NAME = "lvyue-ledger.sqlite"
ENV_PATH = "LVYUE_LEDGER"
ENV_TIMEOUT = "LVYUE_LEDGER_TIMEOUT"  # seconds a writer waits for another one (default 30)
DEFAULT_TIMEOUT = 30.0

# Test seams: callables run just before BEGIN and just before COMMIT of a write.
HOOKS: dict[str, list[Callable[[], None]]] = {"before_begin": [], "before_commit": []}


def resolve(path: Path | str | None) -> Path:
    """The ledger path: given, else $LVYUE_LEDGER, else ./lvyue-ledger.sqlite."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_PATH)
    return Path(env) if env else Path(DEFAULT_NAME)


def _timeout() -> float:
    raw = os.environ.get(ENV_TIMEOUT)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"expected a number of seconds, got {raw!r}", field=ENV_TIMEOUT) from None
    if value < 0:
        raise InputError(f"expected a number of seconds ≥ 0, got {raw!r}", field=ENV_TIMEOUT)
    return value


def _busy(path: Path) -> InputError:
    return InputError(
        "ledger busy: another lvyue process is writing to it; try again "
        f"(or wait longer: {ENV_TIMEOUT}=seconds)",
        file=str(path),
    )


def _translate(exc: sqlite3.Error, path: Path) -> InputError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return _busy(path)
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return InputError(f"not an lvyue ledger or damaged ({exc})", file=str(path))
    if "unable to open" in text or "readonly" in text or "read-only" in text or "disk" in text:
        return InputError(f"cannot write the ledger ({exc})", file=str(path))
    return InputError(f"ledger error: {exc}", file=str(path))


@contextmanager
def connect(path: Path, create: bool) -> Iterator[sqlite3.Connection | None]:
    """A connection in autocommit mode (we issue BEGIN ourselves); None if absent and not creating."""
    if path.is_dir():
        raise InputError("is a folder, expected the ledger file", file=str(path))
    if not path.exists():
        if not create:
            yield None
            return
        if not path.parent.is_dir():
            raise InputError("the ledger's folder does not exist", file=str(path))
        try:  # the ledger holds findings about people: readable by its owner only
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as exc:
            raise InputError(f"cannot create the ledger: {exc.strerror}", file=str(path)) from None
    try:
        conn = sqlite3.connect(str(path), timeout=_timeout(), isolation_level=None)
    except sqlite3.Error as exc:
        raise _translate(exc, path) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        yield conn
    except sqlite3.Error as exc:
        raise _translate(exc, path) from None
    finally:
        conn.close()


@contextmanager
def write(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction on a migrated ledger, created if absent."""
    with connect(path, create=True) as conn:
        assert conn is not None
        for hook in HOOKS["before_begin"]:
            hook()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _translate(exc, path) from None
        try:
            schema.migrate(conn, path)
            yield conn
            for hook in HOOKS["before_commit"]:
                hook()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


@contextmanager
def read(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A consistent snapshot of a ledger (migrated first if older); None if there is none yet."""
    with connect(path, create=False) as conn:
        if conn is None:
            yield None
            return
        if schema.check(conn, path) < schema.SCHEMA_VERSION:
            with write(path):
                pass
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def fingerprint(result: dict[str, Any]) -> str:
    """The result's identity; a `follow_up` block attached to it is not part of the audit."""
    result = {k: v for k, v in result.items() if k != "follow_up"}
    text = json.dumps(result, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack_key(pack: str) -> str:
    """A pack named by folder path or by id: the last path part (rules/hebi-x → hebi-x)."""
    return Path(str(pack).rstrip("/\\")).name or str(pack)


# --- audits ----------------------------------------------------------------


def insert_audit(conn: sqlite3.Connection, result: dict[str, Any], fp: str) -> tuple[str, bool]:
    """Store one check result; (audit id, created). The same result again is the same audit."""
    row = conn.execute("SELECT id FROM audits WHERE fingerprint = ?", (fp,)).fetchone()
    if row:
        return row[0], False
    c = result["contract"]
    audit_id = f"{result['as_of']}-{fp[:8]}"
    seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM audits").fetchone()[0]
    manifest = result.get("manifest") or []
    conn.execute(
        "INSERT INTO audits (id, seq, contract_id, pack, title, signed_on, as_of, period_start, period_end,"
        " lvyue_version, recorded_at, manifest, fingerprint, contract) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            audit_id,
            seq,
            str(c["id"]),
            str(c.get("pack") or c["id"]),
            c.get("title"),
            c.get("signed_on"),
            result["as_of"],
            result["period"]["start"],
            result["period"]["end"],
            result.get("lvyue_version"),
            now(),
            json.dumps(manifest, ensure_ascii=False, sort_keys=True),
            fp,
            json.dumps(c, ensure_ascii=False, sort_keys=True),
        ),
    )
    conn.executemany(
        "INSERT OR REPLACE INTO manifest_files (audit_id, file, sha256) VALUES (?,?,?)",
        [(audit_id, str(m.get("file")), m.get("sha256")) for m in manifest if isinstance(m, dict)],
    )
    conn.executemany(
        "INSERT INTO audit_findings (audit_id, finding_id, rule, clause, kind, obligor, status, subject,"
        " period_start, period_end, deadline, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                audit_id,
                f["id"],
                f["rule"],
                f.get("clause"),
                f.get("kind"),
                f.get("obligor"),
                f["status"],
                f.get("subject"),
                (f.get("period") or {}).get("start"),
                (f.get("period") or {}).get("end"),
                (f.get("deadline") or {}).get("date"),
                json.dumps(f, ensure_ascii=False, sort_keys=True),
            )
            for f in result["findings"]
        ],
    )
    return audit_id, True


def insert_rectifications(conn: sqlite3.Connection, audit_id: str, facts: list[dict[str, Any]]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO rectifications (audit_id, fact_id, finding, submitted_on, description, notice)"
        " VALUES (?,?,?,?,?,?)",
        [
            (audit_id, r["id"], r["finding"], r["submitted_on"], r.get("description"), r.get("notice"))
            for r in facts
        ],
    )


def audits(conn: sqlite3.Connection, contract_id: str | None = None) -> list[dict[str, Any]]:
    """Audits (oldest first by as-of, then by recording order), each with its findings."""
    sql = "SELECT id, seq, contract_id, pack, title, signed_on, as_of, period_start, period_end," \
        " lvyue_version, recorded_at, manifest, fingerprint, contract FROM audits"
    args: tuple[Any, ...] = ()
    if contract_id is not None:
        sql += " WHERE contract_id = ?"
        args = (contract_id,)
    rows = conn.execute(sql + " ORDER BY as_of, seq", args).fetchall()
    out = []
    for r in rows:
        findings = [
            json.loads(d)
            for (d,) in conn.execute("SELECT data FROM audit_findings WHERE audit_id = ? ORDER BY finding_id", (r[0],))
        ]
        out.append(
            {
                "id": r[0],
                "seq": r[1],
                "contract_id": r[2],
                "pack": r[3],
                "title": r[4],
                "signed_on": r[5],
                "as_of": r[6],
                "period": {"start": r[7], "end": r[8]},
                "lvyue_version": r[9],
                "recorded_at": r[10],
                "manifest": json.loads(r[11]),
                "fingerprint": r[12],
                "contract": json.loads(r[13]) if r[13] else None,
                "findings": findings,
            }
        )
    return out


# --- notices and rectifications ---------------------------------------------


def insert_notice(conn: sqlite3.Connection, notice: dict[str, Any]) -> tuple[str, bool]:
    pack = pack_key(notice["pack"])
    notice_id = f"{pack}:{notice['number']}"
    items = sorted(notice["items"], key=lambda i: i["finding_id"])
    row = conn.execute("SELECT kind, issue_date FROM notices WHERE id = ?", (notice_id,)).fetchone()
    if row:
        old = [
            {"finding_id": a, "rule": b, "clause": c, "deadline": d}
            for a, b, c, d in conn.execute(
                "SELECT finding_id, rule, clause, deadline FROM notice_items WHERE notice_id = ? ORDER BY finding_id",
                (notice_id,),
            )
        ]
        if (row[0], row[1], old) == (notice["kind"], notice["issue_date"], items):
            return notice_id, False
        raise InputError(
            f"notice {notice['number']} is already recorded for {pack} with different contents; "
            "a notice once issued is not changed: give the new one its own number",
            field="number",
        )
    conn.execute(
        "INSERT INTO notices (id, kind, number, issue_date, pack, recorded_at) VALUES (?,?,?,?,?,?)",
        (notice_id, notice["kind"], notice["number"], notice["issue_date"], pack, now()),
    )
    conn.executemany(
        "INSERT INTO notice_items (notice_id, finding_id, rule, clause, deadline) VALUES (?,?,?,?,?)",
        [(notice_id, i["finding_id"], i.get("rule"), i.get("clause"), i["deadline"]) for i in items],
    )
    return notice_id, True


def notices(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    out = []
    for nid, kind, number, issue, pack in conn.execute(
        "SELECT id, kind, number, issue_date, pack FROM notices ORDER BY issue_date, number"
    ):
        items = [
            {"finding_id": a, "rule": b, "clause": c, "deadline": d}
            for a, b, c, d in conn.execute(
                "SELECT finding_id, rule, clause, deadline FROM notice_items WHERE notice_id = ? ORDER BY finding_id",
                (nid,),
            )
        ]
        out.append({"id": nid, "kind": kind, "number": number, "issue_date": issue, "pack": pack, "items": items})
    return out


def rectifications(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Party B's rectifications recorded with any audit, each fact once."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for fact_id, finding, submitted, desc, notice in conn.execute(
        "SELECT fact_id, finding, submitted_on, description, notice FROM rectifications"
        " ORDER BY submitted_on, fact_id, audit_id"
    ):
        seen.setdefault(
            (fact_id, finding, submitted),
            {"id": fact_id, "finding": finding, "submitted_on": submitted, "description": desc, "notice": notice},
        )
    return list(seen.values())

"""The ledger's SQLite schema, its version and the migrations between versions.

`PRAGMA user_version` holds the schema version; `PRAGMA application_id`
marks the file as an lvyue ledger. Opening a ledger migrates it forward in
one transaction, so a newer lvyue reads an older ledger; a ledger whose
version is higher than this lvyue knows is refused (it may hold data this
code would misread or drop).

Migrations are append-only: never edit a released step, add the next one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lvyue.engine.errors import InputError

APPLICATION_ID = 0x4C56594C  # "LVYL"

# MIGRATIONS[i] takes a ledger from version i to version i + 1.
MIGRATIONS: tuple[str, ...] = (
    # 1: audits with their findings, notices with their items.
    """
    CREATE TABLE audits (
        id            TEXT PRIMARY KEY,
        seq           INTEGER NOT NULL UNIQUE,
        contract_id   TEXT NOT NULL,
        pack          TEXT NOT NULL,
        title         TEXT,
        signed_on     TEXT,
        as_of         TEXT NOT NULL,
        period_start  TEXT NOT NULL,
        period_end    TEXT NOT NULL,
        lvyue_version TEXT,
        recorded_at   TEXT NOT NULL,
        manifest      TEXT NOT NULL
    );
    CREATE INDEX audits_contract ON audits (contract_id, as_of);
    CREATE TABLE audit_findings (
        audit_id     TEXT NOT NULL REFERENCES audits (id),
        finding_id   TEXT NOT NULL,
        rule         TEXT NOT NULL,
        clause       TEXT,
        kind         TEXT,
        obligor      TEXT,
        status       TEXT NOT NULL,
        subject      TEXT,
        period_start TEXT,
        period_end   TEXT,
        deadline     TEXT,
        data         TEXT NOT NULL,
        PRIMARY KEY (audit_id, finding_id)
    );
    CREATE INDEX audit_findings_finding ON audit_findings (finding_id);
    CREATE INDEX audit_findings_rule ON audit_findings (rule);
    CREATE TABLE notices (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        number      TEXT NOT NULL,
        issue_date  TEXT NOT NULL,
        pack        TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (pack, number)
    );
    CREATE TABLE notice_items (
        notice_id  TEXT NOT NULL REFERENCES notices (id),
        finding_id TEXT NOT NULL,
        rule       TEXT,
        clause     TEXT,
        deadline   TEXT NOT NULL,
        PRIMARY KEY (notice_id, finding_id)
    );
    CREATE INDEX notice_items_finding ON notice_items (finding_id);
    """,
    # 2: a fingerprint per audit (recording the same result twice is one audit), the
    #    result's contract block, the manifest's files and hashes as rows, and Party B's
    #    rectifications.
    """
    ALTER TABLE audits ADD COLUMN fingerprint TEXT;
    ALTER TABLE audits ADD COLUMN contract TEXT;
    CREATE UNIQUE INDEX audits_fingerprint ON audits (fingerprint);
    CREATE TABLE manifest_files (
        audit_id TEXT NOT NULL REFERENCES audits (id),
        file     TEXT NOT NULL,
        sha256   TEXT,
        PRIMARY KEY (audit_id, file)
    );
    CREATE TABLE rectifications (
        audit_id     TEXT NOT NULL REFERENCES audits (id),
        fact_id      TEXT NOT NULL,
        finding      TEXT NOT NULL,
        submitted_on TEXT NOT NULL,
        description  TEXT,
        notice       TEXT,
        PRIMARY KEY (audit_id, fact_id)
    );
    CREATE INDEX rectifications_finding ON rectifications (finding);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def check(conn: sqlite3.Connection, path: Path) -> int:
    """The ledger's version; refuses files that are not ledgers or are too new."""
    app = int(conn.execute("PRAGMA application_id").fetchone()[0])
    have = version(conn)
    if app != APPLICATION_ID and (app != 0 or have != 0 or _tables(conn)):
        raise InputError("not an lvyue ledger (another SQLite database)", file=str(path))
    if have > SCHEMA_VERSION:
        raise InputError(
            f"this ledger was written by a newer lvyue (schema version {have}; this lvyue "
            f"reads up to {SCHEMA_VERSION}): upgrade lvyue to use it",
            file=str(path),
        )
    return have


def migrate(conn: sqlite3.Connection, path: Path, upto: int = SCHEMA_VERSION) -> int:
    """Bring the ledger to version `upto` inside the caller's write transaction."""
    have = check(conn, path)
    for step in range(have, upto):
        for statement in MIGRATIONS[step].split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {step + 1}")
    if have < upto:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return upto

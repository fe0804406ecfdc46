"""Runs of failed minutes per system, from a per-minute probe log: `outage` facts.

Gaps and islands over minute numbers, in DuckDB over the view `lines` (facts/logread.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from lvyue.engine.errors import InputError
from lvyue.facts.logread import drop_lines
from lvyue.facts.logresult import Coverage, Digest, LogResult, rejections
from lvyue.facts.manifest import MANIFEST_NAME, FileEntry
from lvyue.facts.model import FACT_TYPES, Fact, Provenance
from lvyue.facts.normalize import parse_bool, text


def _systems(
    con: duckdb.DuckDBPyConnection, entry: FileEntry
) -> tuple[dict[int, str], dict[int, bool | None]]:
    """Number the systems (table `sysmap`: key -> sid; NULL sid: outside `systems:`).

    Names are normalised and translated on the few distinct keys, not per line:
    full-width letters and digits made ASCII, then `values: {system: ...}`.
    """
    mapping = {text(k): text(v) for k, v in (entry.values.get("system") or {}).items()}
    wanted = {text(s) for s in entry.systems} if entry.systems else None
    keys = [
        k
        for (k,) in con.execute(
            "SELECT DISTINCT key FROM lines WHERE problem IS NULL ORDER BY key"
        ).fetchall()
    ]
    names: dict[str, str] = {}
    for key in keys:
        raw = text(key)
        name = mapping.get(raw, raw)
        if wanted is None or raw in wanted or name in wanted:
            names[key] = name
    sid_of = {name: i for i, name in enumerate(sorted(set(names.values())), start=1)}
    con.execute("CREATE TEMP TABLE sysmap (key VARCHAR, sid INTEGER)")
    con.executemany(
        "INSERT INTO sysmap VALUES (?, ?)", [(k, sid_of.get(names.get(k, ""))) for k in keys]
    )
    system = {i: name for name, i in sid_of.items()}
    return system, {i: _core(entry, name) for i, name in system.items()}


def _core(entry: FileEntry, system: str) -> bool | None:
    """`core` for a system: fixed:, else values: {core: {system: ...}}, else defaults:, else
    the type's default (None: not given)."""
    by_system = {text(k): v for k, v in (entry.values.get("core") or {}).items()}
    for where, value in (
        ("fixed", entry.fixed.get("core")),
        ("values", by_system.get(system)),
        ("defaults", entry.defaults.get("core")),
    ):
        if value is None:
            continue
        try:
            return parse_bool(value)
        except ValueError as exc:
            raise InputError(str(exc), file=MANIFEST_NAME, field=f"{where}.core") from None
    return None


_HOURS_SQL = """
CREATE TEMP TABLE hours AS  -- per system and hour: which of its 60 minutes have a probe
SELECT s.sid, l.ts // 60 AS hour, bit_or(1::BIGINT << (l.ts % 60)::INTEGER) AS mask,
    bool_or(l.failed) AS failed, min(l.ts) AS first, max(l.ts) AS last, count(*) AS probes
FROM lines l JOIN sysmap s ON l.key = s.key
WHERE l.problem IS NULL AND s.sid IS NOT NULL
GROUP BY ALL
"""
_MINUTES_SQL = """
CREATE TEMP TABLE minutes AS  -- hours with a failure or a gap minute by minute, others whole
SELECT s.sid, l.ts AS s, l.ts + 1 AS e, bool_or(l.failed) AS failed,
    min(l.line) FILTER (l.failed) AS line, count(*) FILTER (l.failed) AS lines
FROM lines l JOIN sysmap s ON l.key = s.key
SEMI JOIN (SELECT sid, hour FROM hours WHERE failed OR mask <> (1::BIGINT << 60) - 1) d
    ON s.sid = d.sid AND l.ts // 60 = d.hour
WHERE l.problem IS NULL
GROUP BY ALL
UNION ALL
SELECT sid, hour * 60, hour * 60 + 60, false, NULL, 0 FROM hours
WHERE NOT failed AND mask = (1::BIGINT << 60) - 1
"""
# `ups` counts the up elements up to a row: failed minutes with the same count have no up
# minute between them. A gap sits just before the element that ends it; if that one is up,
# the gap belongs with the failed minutes before it (one up fewer).
_RUNS_SQL = """
WITH seq AS (
    SELECT *, lag(e) OVER w AS prev_e, sum(CASE WHEN failed THEN 0 ELSE 1 END) OVER w AS ups
    FROM minutes WINDOW w AS (PARTITION BY sid ORDER BY s)
),
down AS (
    SELECT sid, s, e, ups, line, lines FROM seq WHERE failed
    UNION ALL
    SELECT sid, prev_e, s, ups - CASE WHEN failed THEN 0 ELSE 1 END, NULL, 0
    FROM seq WHERE $gaps AND s > prev_e
)
SELECT sid, min(s), max(e), sum(e - s)::BIGINT, min(line), sum(lines)::BIGINT
FROM down GROUP BY sid, ups ORDER BY sid, min(s)
"""


def outages(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    digest: Digest,
    headers: list[str],
    index: dict[str, int],
    model: type[Fact] | None = None,
) -> LogResult:
    """Runs of failed (and, by default, missing) minutes per system → `outage` facts.

    Only hours with a failure or a missing minute are looked at minute by
    minute; a complete hour of good probes is one row. A gap in the log is
    failure unless `missing_minutes: ignore`; then the failed minutes on
    both sides of a gap are one outage whose `minutes` leaves the gap out.
    """
    rejected = rejections(con, entry, headers, index)
    system, core = _systems(con, entry)
    rows, good = con.execute(
        "SELECT count(*), count(*) FILTER (problem IS NULL) FROM lines"
    ).fetchone() or (0, 0)
    con.execute(_HOURS_SQL)
    con.execute(_MINUTES_SQL)
    drop_lines(con)
    gaps = "true" if (entry.missing_minutes or "failure") == "failure" else "false"
    digest.start()
    runs = con.execute(_RUNS_SQL.replace("$gaps", gaps)).fetchall()
    span = con.execute(
        "SELECT sid, min(first), max(last), sum(probes)::BIGINT, "
        "(SELECT count(*) FROM minutes m WHERE m.sid = h.sid AND m.failed), "
        "sum(bit_count(mask))::BIGINT FROM hours h GROUP BY sid ORDER BY sid"
    ).fetchall()
    used = sum(int(r[3]) for r in span)
    outside = int(good) - used
    model = model or FACT_TYPES["outage"]
    sha256 = digest.value()
    facts: list[Fact] = []
    total: dict[int, int] = {}
    for sid, s, e, minutes, line, lines in runs:
        start, end = _minute(s), _minute(e)
        prov = Provenance(file=entry.path, sha256=sha256, row=line, derived_from=lines)
        extra = {} if core[sid] is None else {"core": core[sid]}
        facts.append(
            model(
                id=f"{system[sid]}@{start:%Y-%m-%dT%H:%M}",
                provenance=prov,
                system=system[sid],
                start=start,
                end=end,
                minutes=minutes,
                **extra,
            )
        )
        total[sid] = total.get(sid, 0) + minutes
    coverage = [
        Coverage(
            system[sid],
            _minute(first),
            _minute(last),
            probes,
            failed,
            last - first + 1 - distinct,
            total.get(sid, 0),
        )
        for sid, first, last, probes, failed, distinct in span
    ]
    return LogResult(int(rows), int(used), int(outside), facts, rejected, "", [], coverage)


def _minute(n: Any) -> dt.datetime:
    return dt.datetime(1970, 1, 1) + dt.timedelta(minutes=int(n))

"""Large logs (door access, monitoring) aggregated by DuckDB into daily derived facts.

A year of door-access swipes is millions of lines; the rules need one
`onsite_day` per person per day (or one `system_day` per system per day).
DuckDB reads the file as lines (so each keeps its exact line number), splits
and parses them in SQL, and returns only the daily aggregates and the few
bad lines: no Python object per raw line. Only the built-in `read_csv` is
used; extension auto-install/auto-load is switched off, so nothing is
downloaded.

Accounting per log file: rows (non-blank data lines) = lines aggregated +
lines outside the `location` filter + rejected lines.
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from engine.errors import InputError
from facts.manifest import LOG_FIELDS, FileEntry
from facts.model import Fact, OnsiteDay, Provenance, SystemDay
from facts.records import Rejection
from facts.tables import sniff_delimiter

CHUNK = 1 << 20
TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
]
DEFAULT_FAILURES = [
    "fail",
    "failed",
    "failure",
    "down",
    "error",
    "critical",
    "异常",
    "故障",
    "失败",
    "宕机",
    "告警",
    "中断",
]
_TRIM = " \t\r\u3000\ufeff"


@dataclass
class LogResult:
    """What one log file gave: counts for the accounting, derived facts, bad lines."""

    rows: int
    aggregated: int
    outside_location: int
    facts: list[Fact]
    rejected: list[Rejection]
    encoding: str
    ignored_columns: list[str] = field(default_factory=list)


def load_log(
    path: Path, entry: FileEntry, sha256: str, model: type[Fact] | None = None
) -> LogResult:
    """Aggregate one log file per the manifest entry (derive: access_log | monitoring).

    `model` is the derived type to build (default: the built-in onsite_day /
    system_day; a pack may have added optional fields to it).
    """
    assert entry.derive is not None
    with tempfile.TemporaryDirectory(prefix="lvyue-log-") as tmp:
        source, encoding = utf8_source(path, entry, Path(tmp))
        headers, delim = _header(source, entry)
        index = _columns(headers, entry)
        con = duckdb.connect(":memory:")
        try:
            for setting in ("autoinstall_known_extensions", "autoload_known_extensions"):
                con.execute(f"SET {setting} = false")
            con.execute("SET preserve_insertion_order = true")
            _classify(con, source, entry, index, len(headers), delim)
            result = _aggregate(con, entry, sha256, headers, index, model)
        except duckdb.Error as exc:
            raise InputError(
                f"cannot read the log ({str(exc).splitlines()[0]})", file=entry.path
            ) from None
        finally:
            con.close()
    result.encoding = encoding
    result.ignored_columns = [
        h for h in headers if h and headers.index(h) + 1 not in index.values()
    ]
    return result


def utf8_source(path: Path, entry: FileEntry, tmp: Path) -> tuple[Path, str]:
    """A UTF-8 file DuckDB can read: the log itself, or a chunked transcoding of it.

    UTF-8 is checked (and GB18030/GBK converted) in 1 MiB chunks, never by line.
    """
    declared = (entry.encoding or "").lower().replace("_", "-")
    if declared in ("", "utf-8", "utf8", "utf-8-sig"):
        if _is_utf8(path):
            return path, "utf-8"
        if declared:
            raise InputError(
                "the file is not valid UTF-8 as declared by encoding:", file=entry.path
            )
    encoding = entry.encoding or "gb18030"
    target = tmp / "log.utf8.csv"
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r}", file=entry.path, field="encoding"
        ) from None
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(CHUNK):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        hint = "" if entry.encoding else " (neither UTF-8 nor GB18030; name it with encoding:)"
        raise InputError(
            f"cannot decode the log as {encoding}{hint}: {exc.reason}", file=entry.path
        ) from None
    return target, encoding


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _header(source: Path, entry: FileEntry) -> tuple[list[str], str]:
    with source.open(encoding="utf-8-sig", newline="") as f:
        line = ""
        for _ in range(entry.header_row):
            line = f.readline()
    delim = sniff_delimiter(line, entry.delimiter)
    cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delim), [])
    headers = [" ".join(c.split()) for c in cells]
    if not any(headers):
        raise InputError(f"no header row (expected at line {entry.header_row})", file=entry.path)
    return headers, delim


def _columns(headers: list[str], entry: FileEntry) -> dict[str, int]:
    """Log field → 1-based column position; a needed column that is absent is fatal."""
    assert entry.derive is not None
    index: dict[str, int] = {}
    for pos, h in enumerate(headers, start=1):
        name = entry.columns.get(h, h)
        if name in LOG_FIELDS[entry.derive] and name not in index:
            index[name] = pos
    needed = [LOG_FIELDS[entry.derive][0], "time"] + (["location"] if entry.location else [])
    for name in needed:
        if name not in index:
            mapped = [h for h, f in entry.columns.items() if f == name]
            want = f"column {mapped[0]!r}" if mapped else f"a column for {name}"
            raise InputError(
                f"{want} not found (headers: {', '.join(h for h in headers if h)})",
                file=entry.path,
                field=name,
            )
    return index


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _split_expr(col: str, delim: str) -> str:
    """SQL splitting a line into fields; a CSV-quoting regex only for lines with a quote."""
    d = _sql_str(delim)
    rd = "\\" + delim if delim in "|.^$*+?()[]{}\\" else delim
    quoted = _sql_str(f'("(?:[^"]|"")*"|[^{rd}"]*)(?:{rd}|$)')
    regex = (
        f"list_transform(regexp_extract_all({col}, {quoted}, 1), "
        "lambda x: CASE WHEN x LIKE '\"%' THEN replace(x[2:-2], '\"\"', '\"') ELSE x END)"
    )
    # the regex yields one extra empty match at the end unless the line ends with a delimiter
    return (
        f"CASE WHEN strpos({col}, '\"') = 0 THEN string_split({col}, {d}) "
        f"WHEN suffix({col}, {d}) THEN {regex} ELSE ({regex})[1:-2] END"
    )


def _classify(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    entry: FileEntry,
    index: dict[str, int],
    ncols: int,
    delim: str,
) -> None:
    """Table `lines` (line, key, ts, keep, problem): one row per non-blank data line."""
    key_field = LOG_FIELDS[entry.derive or "access_log"][0]
    formats = (
        "["
        + ", ".join(
            _sql_str(f) for f in ([entry.time_format] if entry.time_format else TIME_FORMATS)
        )
        + "]"
    )
    trim = _sql_str(_TRIM)
    con.execute(
        "CREATE TEMP TABLE raw AS SELECT l FROM read_csv("
        f"{_sql_str(str(source))}, header = false, auto_detect = false, delim = '\x01', "
        "quote = '', escape = '', columns = {'l': 'VARCHAR'}, null_padding = true, "
        "max_line_size = 10000000)"
    )
    col = {name: f"trim(f[{pos}], {trim})" for name, pos in index.items()}
    status = col.get("status", "NULL")
    location = col.get("location", "NULL")
    if entry.location:
        keep = f"list_contains([{', '.join(_sql_str(x) for x in entry.location)}], {location})"
    else:
        keep = "true"
    failures = [s.lower() for s in (entry.failure_values or DEFAULT_FAILURES)]
    failed = f"coalesce(list_contains([{', '.join(_sql_str(x) for x in failures)}], lower({status})), false)"
    split = f"""
        SELECT line, f, len(f) AS n FROM (
            SELECT rowid + 1 AS line, {_split_expr("l2", delim)} AS f
            FROM (SELECT rowid, rtrim(l, chr(13)) AS l2 FROM raw)
            WHERE rowid + 1 > {entry.header_row} AND l2 IS NOT NULL AND trim(l2, {trim}) <> ''
        )
    """
    con.execute(
        f"""
        CREATE TEMP TABLE lines AS
        SELECT line, key, ts, keep, failed,
            CASE WHEN n <> {ncols} THEN 'fields'
                 WHEN key IS NULL OR key = '' THEN 'key'
                 WHEN ts IS NULL THEN 'time' END AS problem,
            n, time_raw
        FROM (
            SELECT line, n,
                CASE WHEN n = {ncols} THEN {col[key_field]} END AS key,
                CASE WHEN n = {ncols} THEN try_strptime({col["time"]}, {formats}) END AS ts,
                CASE WHEN n = {ncols} AND ts IS NULL THEN {col["time"]} END AS time_raw,
                CASE WHEN n = {ncols} THEN {keep} ELSE false END AS keep,
                CASE WHEN n = {ncols} THEN {failed} ELSE false END AS failed
            FROM ({split})
        )
        """
    )
    con.execute("DROP TABLE raw")
    mapping = entry.values.get(key_field)
    if mapping:
        con.execute("CREATE TEMP TABLE keymap (src VARCHAR, dst VARCHAR)")
        con.executemany(
            "INSERT INTO keymap VALUES (?, ?)", [(str(k), str(v)) for k, v in mapping.items()]
        )
        con.execute("UPDATE lines SET key = keymap.dst FROM keymap WHERE lines.key = keymap.src")


def _aggregate(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    sha256: str,
    headers: list[str],
    index: dict[str, int],
    model: type[Fact] | None = None,
) -> LogResult:
    rows, used, outside = con.execute(
        "SELECT count(*), count(*) FILTER (problem IS NULL AND keep), "
        "count(*) FILTER (problem IS NULL AND NOT keep) FROM lines"
    ).fetchone() or (0, 0, 0)
    key_field = LOG_FIELDS[entry.derive or "access_log"][0]
    header_of = {name: headers[pos - 1] for name, pos in index.items()}
    rejected = [
        _rejection(entry, line, problem, n, len(headers), time_raw, header_of, key_field)
        for line, problem, n, time_raw in con.execute(
            "SELECT line, problem, n, time_raw FROM lines WHERE problem IS NOT NULL ORDER BY line"
        ).fetchall()
    ]
    daily = con.execute(
        "SELECT key, CAST(ts AS DATE) AS day, strftime(min(ts), '%H:%M:%S'), "
        "strftime(max(ts), '%H:%M:%S'), count(*)::BIGINT, count(*) FILTER (failed)::BIGINT, "
        "min(line) FROM lines WHERE problem IS NULL AND keep GROUP BY ALL ORDER BY key, day"
    ).fetchall()
    facts: list[Fact] = []
    if model is None:
        model = OnsiteDay if entry.derive == "access_log" else SystemDay
    for key, day, first, last, count, failures, first_line in daily:
        prov = Provenance(file=entry.path, sha256=sha256, row=first_line, derived_from=count)
        fid = f"{key}@{day.isoformat()}"
        if entry.derive == "access_log":
            facts.append(
                model(
                    id=fid,
                    provenance=prov,
                    person_id=key,
                    day=day,
                    first_in=first,
                    last_out=last,
                    entries=count,
                )
            )
        else:
            facts.append(
                model(id=fid, provenance=prov, system=key, day=day, checks=count, failures=failures)
            )
    return LogResult(int(rows), int(used), int(outside), facts, rejected, "")


def _rejection(
    entry: FileEntry,
    line: int,
    problem: str,
    n: int,
    ncols: int,
    time_raw: Any,
    header_of: dict[str, str],
    key_field: str,
) -> Rejection:
    if problem == "fields":
        return Rejection(entry.path, line, None, f"expected {ncols} fields, found {n}")
    if problem == "key":
        return Rejection(entry.path, line, header_of[key_field], "missing required field")
    shown = "blank" if not time_raw else repr(time_raw)
    return Rejection(entry.path, line, header_of["time"], f"not a valid date-time: {shown}")

"""Large logs (door access, monitoring, per-minute probes) aggregated by DuckDB into derived facts.

A year of door-access swipes is millions of lines, a year of per-minute
probes for 50 systems 26 million; the rules need one `onsite_day` per person
per day, one `system_day` per system per day, or one `outage` per run of
failed minutes. DuckDB reads the file as lines (so each keeps its exact line
number), splits and parses them in SQL, and returns only the aggregates and
the few bad lines: no Python object per raw line. Only the built-in
`read_csv` is used; extension auto-install/auto-load is switched off, so
nothing is downloaded.

Accounting per log file: rows (non-blank data lines) = lines aggregated +
lines outside the `location` / `systems` filter + rejected lines.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from lvyue.engine.errors import InputError
from lvyue.facts import logscan
from lvyue.facts.manifest import LOG_FIELDS, MANIFEST_NAME, FileEntry
from lvyue.facts.model import FACT_TYPES, Fact, OnsiteDay, Provenance, SystemDay
from lvyue.facts.normalize import parse_bool, text
from lvyue.facts.records import Rejection
from lvyue.facts.tables import check_inside, sniff_delimiter

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
_TRIM_CODES = "(" + ", ".join(str(ord(c)) for c in _TRIM) + ")"
# full-width digits and the punctuation of a time stamp, tried when a time does not parse
_FULL = "０１２３４５６７８９：－／．　Ｔ"
_HALF = "0123456789:-/. T"
_MINUTE_US = 60_000_000
# problem codes in the classified table (NULL: a good line)
_FIELDS, _KEY, _TIME = 1, 2, 3


@dataclass(frozen=True)
class Coverage:
    """Which minutes the probes of one system cover, so a rule can tell "no data" from "up".

    `first` and `last` are the minutes of the first and last probe (inclusive);
    `missing` counts the minutes between them without any probe.
    """

    system: str
    first: dt.datetime
    last: dt.datetime
    probes: int  # lines of this system
    failed: int  # minutes with a failed probe
    missing: int  # minutes in first..last without a probe
    outage_minutes: int  # minutes in its outage facts


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
    coverage: list[Coverage] = field(default_factory=list)  # outages: per system


def load_log(
    path: Path, entry: FileEntry, sha256: str, model: type[Fact] | None = None
) -> LogResult:
    """Aggregate one log file per the manifest entry (derive: access_log | monitoring | outages).

    `model` is the derived type to build (default: the built-in onsite_day /
    system_day / outage; a pack may have added optional fields to it).

    A UTF-8 log, or a GB18030/GBK door log read as bytes (RawText), is read by
    DuckDB straight from the file (the bytes: while worker processes check that
    they decode).
    If DuckDB's lines are not exactly the lines as numbered here (a bare CR, a
    mixture of line ends, a line over MAX_LINE, a byte DuckDB refuses), or the
    log is neither, it is read from a normalised UTF-8 copy in a temporary
    folder instead (logscan.normalised_copy), removed when done.
    """
    assert entry.derive is not None
    check_inside(path, entry)
    sweep_stale_temp()
    encoding, utf8_bad = _encoding(path, entry)
    try:
        headers, delim, sample = _header(path, entry, encoding)
        index = _columns(headers, entry)
    except InputError:
        if encoding != "utf-8":  # an undecodable byte is reported first, as it always was
            bad = logscan.first_bad(path, encoding)
            if bad is not None:
                raise _bad_byte(path, entry, encoding, bad, utf8_bad) from None
        raise
    formats = _formats(entry, sample, index, delim)
    raw = _raw_text(path, entry, encoding, delim, formats, sample, index)
    check = None
    if raw is not None:  # decoding checked in worker processes while DuckDB reads the bytes
        check = logscan.Check(path, encoding)
    try:
        ncols = len(headers)
        long: list[tuple[int, int]] = []
        with tempfile.TemporaryDirectory(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", ignore_cleanup_errors=True
        ) as tmp:
            con = duckdb.connect(":memory:")
            try:
                for setting in ("autoinstall_known_extensions", "autoload_known_extensions"):
                    con.execute(f"SET {setting} = false")
                con.execute("SET preserve_insertion_order = true")
                con.execute(f"SET temp_directory = {_sql_str(str(Path(tmp) / 'spill'))}")
                direct = encoding == "utf-8" or raw is not None
                if direct:
                    direct = _read_direct(con, path, entry, index, ncols, delim, formats, raw)
                if check is not None:
                    _raise_if_bad(path, entry, encoding, check, utf8_bad)
                if direct and raw is not None:
                    _fix_up(con, entry, index, ncols, delim, formats, raw)
                elif not direct:
                    raw = None
                    _drop_lines(con)
                    con.execute("DROP TABLE IF EXISTS keymap")
                    source = Path(tmp) / "log.utf8.csv"
                    try:
                        long = logscan.normalised_copy(path, encoding, source)
                    except logscan.BadByte as bad:
                        pair = (bad.offset, bad.reason)
                        raise _bad_byte(path, entry, encoding, pair, utf8_bad) from None
                    separator = logscan.free_byte(source)
                    if separator is None:
                        raise InputError(
                            "cannot read the log: it holds every control byte DuckDB could "
                            "split its lines on (0x01-0x19)",
                            file=entry.path,
                        )
                    lines = _lines_sql(source, separator, "utf-8")
                    _classify(con, lines, entry, index, ncols, delim, formats)
                if entry.derive == "outages":
                    result = _outages(con, entry, sha256, headers, index, model)
                else:
                    result = _aggregate(con, entry, sha256, headers, index, model, raw)
            except duckdb.Error as exc:
                raise InputError(
                    f"cannot read the log ({str(exc).splitlines()[0]})", file=entry.path
                ) from None
            finally:
                con.close()
    finally:
        if check is not None:
            check.stop()
    if long:
        result.rows += len(long)
        result.rejected.extend(
            Rejection(
                entry.path,
                line,
                None,
                f"line too long: {size:,} characters (limit {logscan.MAX_LINE:,})",
            )
            for line, size in long
        )
        result.rejected.sort(key=lambda r: r.row or 0)
    result.encoding = encoding
    result.ignored_columns = [
        h for h in headers if h and headers.index(h) + 1 not in index.values()
    ]
    return result


def _read_direct(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    entry: FileEntry,
    index: dict[str, int],
    ncols: int,
    delim: str,
    formats: list[str],
    raw: RawText | None,
) -> bool:
    """Table `lines` from the file itself; False (nothing to use) when DuckDB refuses the
    file or its lines are not the numbered lines (a CR or LF inside one, one too long)."""
    try:
        if raw is not None:
            _classify_raw(
                con, _read_sql(path, 1, "latin-1"), entry, index, ncols, delim, formats, raw
            )
        else:
            lines = _lines_sql(path, 1, "utf-8")
            _classify(con, lines, entry, index, ncols, delim, formats, direct=True)
    except duckdb.Error:
        return False
    (odd,) = con.execute(f"SELECT count(*) FROM lines WHERE problem = {_SHAPE}").fetchone() or (0,)
    return not odd


TEMP_PREFIX = "lvyue-log-"


def sweep_stale_temp() -> None:
    """Remove `lvyue-log-<pid>-*` folders whose process is gone (killed mid-load).

    A load removes its own folder on success and on error; one killed by a
    signal cannot, so the next load clears what dead processes left behind.
    Folders of live processes, and of other users, are left alone.
    """
    base = Path(tempfile.gettempdir())
    for folder in base.glob(f"{TEMP_PREFIX}*-*"):
        pid = folder.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def _encoding(path: Path, entry: FileEntry) -> tuple[str, tuple[int, str] | None]:
    """The log's encoding (a codec name), and where UTF-8 failed when it was tried.

    Undeclared: UTF-8 if the whole file is UTF-8, else GB18030 (checked later,
    in parallel with the reading). Declared UTF-8 that is not stops here.
    """
    declared = (entry.encoding or "").lower().replace("_", "-")
    utf8_bad: tuple[int, str] | None = None
    if declared in ("", "utf-8", "utf8", "utf-8-sig"):
        utf8_bad = logscan.first_bad(path, "utf-8")
        if utf8_bad is None:
            return "utf-8", None
        if declared:
            raise _decode_error(path, entry, "UTF-8 as declared by encoding:", utf8_bad)
    encoding = entry.encoding or "gb18030"
    try:
        codecs.getincrementaldecoder(encoding)
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r}", file=entry.path, field="encoding"
        ) from None
    return encoding, utf8_bad


def _raise_if_bad(
    path: Path,
    entry: FileEntry,
    encoding: str,
    check: logscan.Check,
    utf8_bad: tuple[int, str] | None,
) -> None:
    """Wait for the decoding check; the first undecodable byte stops loading (undeclared:
    the offset of whichever encoding read further)."""
    bad = check.result()
    if bad is not None:
        raise _bad_byte(path, entry, encoding, bad, utf8_bad)


def _bad_byte(
    path: Path,
    entry: FileEntry,
    encoding: str,
    bad: tuple[int, str],
    utf8_bad: tuple[int, str] | None,
) -> InputError:
    """Undeclared: the offset of whichever encoding read further."""
    if utf8_bad is not None and utf8_bad[0] > bad[0]:
        return _decode_error(path, entry, "UTF-8", utf8_bad)
    return _decode_error(path, entry, encoding, bad)


def _decode_error(path: Path, entry: FileEntry, what: str, bad: tuple[int, str]) -> InputError:
    """The fatal error for an undecodable byte: its line (counted only now) and byte offset."""
    offset, reason = bad
    hint = "" if entry.encoding else " (neither UTF-8 nor GB18030; name it with encoding:)"
    return InputError(
        f"cannot decode the log as {what}{hint}: {reason} at byte {offset}",
        file=entry.path,
        line=logscan.decode_error_line(path, offset),
    )


def _header(path: Path, entry: FileEntry, encoding: str) -> tuple[list[str], str, list[str]]:
    """Headers, delimiter, and a few data lines (to find the log's time format).

    Read through Python's universal newlines (`\r\n`, `\n`, `\r`), as the lines are numbered.
    A byte that does not decode is replaced here; the decoding check reports it.
    """
    text_encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    with path.open(encoding=text_encoding, errors="replace", newline="") as f:
        line = ""
        for i in range(entry.header_row):
            line = _readline(f)
            if i == 0:
                line = line.removeprefix("\ufeff")  # a GB18030 byte-order mark (UTF-8: -sig)
        sample = [_readline(f) for _ in range(20)]
    delim = sniff_delimiter(line, entry.delimiter)
    cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delim), [])
    headers = [" ".join(c.split()) for c in cells]
    if not any(headers):
        raise InputError(f"no header row (expected at line {entry.header_row})", file=entry.path)
    return headers, delim, sample


def _readline(f: Any) -> str:
    """One line, at most MAX_LINE characters of it (the rest of a longer line is skipped)."""
    line: str = f.readline(logscan.MAX_LINE)
    if len(line) == logscan.MAX_LINE and not line.endswith(("\n", "\r")):
        while (more := f.readline(logscan.MAX_LINE)) and not more.endswith(("\n", "\r")):
            pass
    return line


def _formats(entry: FileEntry, sample: list[str], index: dict[str, int], delim: str) -> list[str]:
    """The time formats to try, the one the first data lines use first (it is tried on every line)."""
    if entry.time_format:
        return [entry.time_format]
    pos = index["time"] - 1
    for row in csv.reader([s.rstrip("\r\n") for s in sample if s.strip()], delimiter=delim):
        value = row[pos].strip(_TRIM) if pos < len(row) else ""
        for fmt in TIME_FORMATS:
            try:
                dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            return [fmt] + [f for f in TIME_FORMATS if f != fmt]
    return TIME_FORMATS


def _columns(headers: list[str], entry: FileEntry) -> dict[str, int]:
    """Log field → 1-based column position; a needed column that is absent is fatal."""
    assert entry.derive is not None
    if entry.derive == "outages" and "core" in entry.columns.values():
        raise InputError(
            "core is not read from a column of a probe log: set it with fixed: {core: true} "
            "or values: {core: {<system>: true}}",
            file=MANIFEST_NAME,
            field="columns",
        )
    index: dict[str, int] = {}
    for pos, h in enumerate(headers, start=1):
        name = entry.columns.get(h, h)
        if name in LOG_FIELDS[entry.derive] and name not in index:
            index[name] = pos
    needed = [LOG_FIELDS[entry.derive][0], "time"] + (["location"] if entry.location else [])
    if entry.derive == "outages":
        needed.append("status")
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


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join(_sql_str(x) for x in items) + "]"


def _trimmed(expr: str) -> str:
    """trim(expr, spaces) only when the value starts or ends with one: trimming every value
    with a character set is the slowest step of a large log."""
    return (
        f"CASE WHEN ord({expr}) IN {_TRIM_CODES} OR ord({expr}[-1]) IN {_TRIM_CODES} "
        f"THEN trim({expr}, {_sql_str(_TRIM)}) ELSE {expr} END"
    )


def _split_expr(col: str, delim: str) -> str:
    """SQL splitting a line into fields; a CSV-quoting regex only for lines with a quote.

    Lines without a quote keep a trailing CR in their last field (every field
    used is trimmed of it); a quoted line loses it first, for the regex.
    """
    d = _sql_str(delim)
    rd = "\\" + delim if delim in "|.^$*+?()[]{}\\" else delim
    quoted = _sql_str(f'("(?:[^"]|"")*"|[^{rd}"]*)(?:{rd}|$)')
    q = f"rtrim({col}, chr(13))"
    regex = (
        f"list_transform(regexp_extract_all({q}, {quoted}, 1), "
        "lambda x: CASE WHEN x LIKE '\"%' THEN replace(x[2:-2], '\"\"', '\"') ELSE x END)"
    )
    # the regex yields one extra empty match at the end unless the line ends with a delimiter
    return (
        f"CASE WHEN strpos({col}, '\"') = 0 THEN string_split({col}, {d}) "
        f"WHEN suffix({q}, {d}) THEN {regex} ELSE ({regex})[1:-2] END"
    )


# A line of MAX_LINE characters is at most this many bytes as DuckDB holds it (a GB18030
# character is up to four bytes, each two as Latin-1 in UTF-8); a longer line makes DuckDB
# fail and the log is read from the normalised copy. An explicit buffer (DuckDB's default
# grows with max_line_size) keeps the reader's memory small.
_MAX_LINE_BYTES = 8 * logscan.MAX_LINE + 8


def _read_sql(source: Path, separator: int, encoding: str) -> str:
    """(l): every line of the file in order, blank ones as NULL or spaces."""
    return (
        f"read_csv({_sql_str(str(source))}, header = false, auto_detect = false, "
        f"delim = {_sql_str(chr(separator))}, quote = '', escape = '', "
        f"columns = {{'l': 'VARCHAR'}}, null_padding = true, encoding = {_sql_str(encoding)}, "
        f"max_line_size = {_MAX_LINE_BYTES}, buffer_size = {2 * _MAX_LINE_BYTES})"
    )


def _lines_sql(source: Path, separator: int, encoding: str) -> str:
    """(line, l): every line of the file with its number, blank ones as NULL or spaces."""
    return f"(SELECT row_number() OVER () AS line, l FROM {_read_sql(source, separator, encoding)})"


def _one_of(expr: str, values: list[str]) -> str:
    """`expr` IN values (SQL literals) as ORed comparisons: DuckDB plans a longer IN list (or
    list_contains) as a join, and a join gives up the order the raw path numbers lines by."""
    return "(" + " OR ".join(f"{expr} = {v}" for v in values) + ")"


def _classify(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    entry: FileEntry,
    index: dict[str, int],
    ncols: int,
    delim: str,
    formats: list[str],
    table: str = "lines",
    direct: bool = False,
) -> None:
    """Table `lines` (line, key, ts, keep, failed, problem): one row per non-blank data line.

    `raw` is a relation (line, l) of decoded text. For outages `ts` is the
    minute (minutes since 1970-01-01, local time) and `keep` is absent: which
    systems count is decided on the few distinct names. A rejected line's
    `key` holds what its message needs: the field count (problem 1) or the
    unreadable time (problem 3); one column less per line.
    """
    key_field = LOG_FIELDS[entry.derive or "access_log"][0]
    outages = entry.derive == "outages"
    col = {name: _trimmed(f"c_{name}") for name in index if name != "core"}
    cells = "".join(f", f[{pos}] AS c_{name}" for name, pos in index.items() if name != "core")
    status = col.get("status", "NULL")
    if entry.location:
        keep = f"list_contains({_sql_list(entry.location)}, {col['location']})"
    else:
        keep = "true"
    failures = (
        "(" + _sql_list([s.lower() for s in entry.failure_values or DEFAULT_FAILURES])[1:-1] + ")"
    )
    blank = (
        f"CASE WHEN l IS NULL THEN true WHEN ord(l) IN {_TRIM_CODES} "
        f"THEN trim(l, {_sql_str(_TRIM)}) = '' ELSE false END"
    )
    fmts = _sql_list(formats)
    fallback = f"try_strptime(translate(t, {_sql_str(_FULL)}, {_sql_str(_HALF)}), {fmts})"
    # the log's own format alone first: a list of formats is slow even when its first fits
    ts = (
        f"CASE WHEN ts1 IS NOT NULL THEN ts1 WHEN ts0 IS NULL AND t <> '' THEN {fallback} "
        "ELSE ts0 END"
    )
    if outages:
        ts = f"(epoch_us({ts}) // {_MINUTE_US})::INTEGER"
    good = f"n = {ncols}"
    shape = _shape_sql("l") if direct else "false"
    con.execute(
        f"""
        CREATE TEMP TABLE {table} AS
        SELECT line,
            CASE WHEN NOT {good} THEN n::VARCHAR
                 WHEN key IS NULL OR key = '' THEN NULL WHEN ts IS NULL THEN t ELSE key END AS key,
            ts,{"" if outages else " keep,"} failed,
            CASE WHEN shape THEN {_SHAPE} WHEN NOT {good} THEN {_FIELDS}
                 WHEN key IS NULL OR key = '' THEN {_KEY}
                 WHEN ts IS NULL THEN {_TIME} END::UTINYINT AS problem
        FROM (
            SELECT line, n, key, t, {ts} AS ts, keep, failed, shape
            FROM (
                SELECT line, n, key, t, try_strptime(t, {_sql_str(formats[0])}) AS ts1,
                    CASE WHEN ts1 IS NULL THEN try_strptime(t, {fmts}) END AS ts0,
                    keep, failed, shape
                FROM (
                    SELECT line, n, shape,
                        CASE WHEN {good} THEN {col[key_field]} END AS key,
                        CASE WHEN {good} THEN {col["time"]} END AS t,
                        CASE WHEN {good} THEN {keep} ELSE false END AS keep,
                        CASE WHEN {good} THEN coalesce(lower({status}) IN {failures}, false)
                             ELSE false END AS failed
                    FROM (
                        SELECT line, {_split_expr("l", delim)} AS f, len(f) AS n,
                            {shape} AS shape{cells}
                        FROM {raw} WHERE line > {entry.header_row} AND ({shape} OR NOT ({blank}))
                    )
                )
            )
        )
        """
    )
    if table == "lines":
        _map_keys(con, entry, lambda k: k)


def _shape_sql(col: str) -> str:
    """A line as DuckDB split it that is not one line as numbered here (CR or LF inside:
    DuckDB kept a line end of another kind), or too long (then measured in the copy)."""
    return (
        f"(strpos({col}, chr(13)) > 0 OR strpos({col}, chr(10)) > 0 "
        f"OR strlen({col}) > {logscan.MAX_LINE})"
    )


def _map_keys(con: duckdb.DuckDBPyConnection, entry: FileEntry, enc: Callable[[str], str]) -> None:
    """Table `keymap` of `values: {person_id: ...}` (system names: see _systems); _aggregate
    maps the good lines' keys by it (a join, not an update of every line)."""
    key_field = LOG_FIELDS[entry.derive or "access_log"][0]
    mapping = entry.values.get(key_field)
    if mapping and entry.derive != "outages":
        pairs = {enc(str(k)): enc(str(v)) for k, v in mapping.items()}
        con.execute("CREATE TEMP TABLE keymap (src VARCHAR, dst VARCHAR)")
        con.executemany("INSERT INTO keymap VALUES (?, ?)", list(pairs.items()))


def _drop_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Drop `lines` (a table, or a view of `lines0`)."""
    con.execute(f"DROP {'VIEW' if _has(con, 'lines', 'views') else 'TABLE'} IF EXISTS lines")
    con.execute("DROP TABLE IF EXISTS lines0")


def _has(con: duckdb.DuckDBPyConnection, name: str, kind: str = "tables") -> bool:
    """Whether this connection has a table (kind "tables") or view ("views") of that name."""
    (n,) = con.execute(
        f"SELECT count(*) FROM duckdb_{kind}() WHERE {kind[:-1]}_name = ?", [name]
    ).fetchone() or (0,)
    return bool(n)


# --- GB18030/GBK door logs read as bytes -----------------------------------------------------
#
# DuckDB reads the file as Latin-1: each byte one character, so no transcoded copy is
# written. Every byte the SQL splits or trims on is one that never occurs inside a
# multibyte character (logscan.RAW_SAFE), so splitting the bytes is splitting the text,
# and a value compares equal to a manifest value exactly when its bytes equal that value
# encoded (GB18030 decodes distinct byte strings to distinct text). What the bytes cannot
# decide exactly (a quote, a full-width space or byte-order mark at a field's end, a time
# that is not plain ASCII in the log's own format) is left to the text SQL above, on those
# lines decoded in Python ("fix-up"); the decoding check has passed by then.

_FIX = 9  # problem code of a line left to the fix-up
_SHAPE = 10  # DuckDB's line is not one numbered line: read the normalised copy instead


@dataclass(frozen=True)
class RawText:
    """How text maps to the bytes-as-Latin-1 strings DuckDB sees."""

    encoding: str

    def enc(self, text: str) -> str:
        return text.encode(self.encoding).decode("latin-1")

    def dec(self, raw: str) -> str:
        return raw.encode("latin-1").decode(self.encoding)


def _raw_text(
    path: Path,
    entry: FileEntry,
    encoding: str,
    delim: str,
    formats: list[str],
    sample: list[str],
    index: dict[str, int],
) -> RawText | None:
    """RawText when the log can be read as bytes, else None (then it is transcoded)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if (
        name not in logscan.RAW_ENCODINGS
        or entry.derive != "access_log"
        or ord(delim) not in logscan.RAW_SAFE
        or not formats[0].isascii()
    ):
        return None
    if not logscan.latin1_readable(path):
        return None
    # a log whose lines are quoted or padded would leave most lines to the fix-up
    for line in sample:
        cells = line.rstrip("\r\n").split(delim)
        if (
            '"' in line
            or line[:1] in _TRIM
            or any(
                cells[pos - 1] != cells[pos - 1].strip(_TRIM)
                for name, pos in index.items()
                if pos <= len(cells)
            )
        ):
            return None
    raw = RawText(name)
    try:
        for value in [*entry.location, *_mapping_texts(entry)]:
            raw.enc(value)
    except UnicodeEncodeError:
        return None
    return raw


def _mapping_texts(entry: FileEntry) -> list[str]:
    mapping = entry.values.get("person_id") or {}
    return [str(x) for kv in mapping.items() for x in kv]


def _raw_odd(name: str, raw: RawText) -> str:
    """A value that starts or ends with a byte that may be (part of) a space, TAB, full-width
    space or byte-order mark: such a line is left to the fix-up, so no value is trimmed here.
    `s_<name>` and `e_<name>` are its first and last byte (ord, computed once)."""
    a1, bom = raw.enc("\u3000")[0], raw.enc("\ufeff")
    starts = [str(c) for c in (9, 13, 32, ord(a1), ord(bom[0]))]
    ends = [str(c) for c in (9, 13, 32, ord(a1))]
    return (
        f"({_one_of(f's_{name}', starts)} OR {_one_of(f'e_{name}', ends)} "
        f"OR suffix({name}, {_sql_str(bom)}))"
    )


def _classify_raw(
    con: duckdb.DuckDBPyConnection,
    source: str,
    entry: FileEntry,
    index: dict[str, int],
    ncols: int,
    delim: str,
    formats: list[str],
    raw: RawText,
) -> None:
    """Table `lines` as _classify makes it, from the bytes; lines it cannot decide exactly
    are kept whole (problem _FIX, `key` = the line) for _fix_up.

    Decided here: a line of the wrong number of fields, a blank card number, and a line
    whose card, time and door values need no trimming and whose time is in the log's own
    format (DuckDB's strptime takes only ASCII, so the time is plain ASCII, as in the text).
    """
    good = f"n = {ncols}"
    names = ["person_id", "time"] + (["location"] if entry.location else [])
    fields = ", ".join(f"f[{index[name]}] AS {name}" for name in names)
    odd = " OR ".join(_raw_odd(name, raw) for name in names)
    # ord() once per value (a value's first and last byte), compared below as integers
    ends = ", ".join(f"ord({name}) AS s_{name}, ord({name}[-1]) AS e_{name}" for name in names)
    keep = "true"
    if entry.location:
        keep = _one_of("location", [_sql_str(raw.enc(x)) for x in entry.location])
    starts = [str(ord(c)) for c in (" ", "\t", "\r", raw.enc("\u3000")[0], raw.enc("\ufeff")[0])]
    # Every line of the file is stored in order (preserve_insertion_order; DuckDB's plan says
    # so with a batch insert) by a parallel scan, and a line's number is its rowid + 1: a
    # row_number() window would number them on one thread. Other plans number them so.
    sql = f"""
        CREATE TEMP TABLE {{table}} AS
        SELECT {{first}},
            CASE WHEN fix THEN l WHEN NOT {good} THEN n::VARCHAR WHEN person_id = '' THEN NULL
                 ELSE person_id END AS key,
            CASE WHEN NOT fix THEN ts END AS ts,
            CASE WHEN NOT fix AND {good} THEN {keep} ELSE false END AS keep,
            false AS failed,
            CASE WHEN shape THEN {_SHAPE} WHEN fix THEN {_FIX} WHEN NOT {good} THEN {_FIELDS}
                 WHEN person_id = '' THEN {_KEY} END::UTINYINT AS problem
        FROM (
            SELECT *,
                odd_line OR ({good} AND person_id <> '' AND (ts IS NULL OR {odd})) AS fix
            FROM (
              SELECT *, {ends}
              FROM (
                SELECT {{carry}} l, n, {_one_of("o", starts)} OR quoted AS odd_line, shape,
                    {fields},
                    CASE WHEN {good} THEN try_strptime(f[{index["time"]}], {_sql_str(formats[0])})
                    END AS ts
                FROM (
                    SELECT {{carry}} l, string_split(l, {_sql_str(delim)}) AS f, len(f) AS n,
                        ord(l) AS o, strpos(l, '"') > 0 AS quoted, {_shape_sql("l")} AS shape
                    FROM {{source}}
                )
              )
            )
        )
        """
    batch = sql.format(table="lines0", first="l IS NULL AS blank", carry="", source=source)
    plan = "\n".join(str(row[-1]) for row in con.execute("EXPLAIN " + batch).fetchall())
    if "Batch Create Table As" in plan:
        con.execute(batch)
        con.execute(
            "CREATE TEMP VIEW lines AS SELECT rowid + 1 AS line, key, ts, keep, failed, problem "
            f"FROM lines0 WHERE rowid >= {entry.header_row} AND NOT blank"
        )
    else:
        numbered = (
            f"(SELECT * FROM (SELECT row_number() OVER () AS line, l FROM {source}) "
            f"WHERE line > {entry.header_row} AND l IS NOT NULL)"
        )
        con.execute(sql.format(table="lines", first="line", carry="line,", source=numbered))


def _fix_up(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    index: dict[str, int],
    ncols: int,
    delim: str,
    formats: list[str],
    raw: RawText,
) -> None:
    """The lines _classify_raw left whole: decoded, classified by _classify's text SQL, their
    keys turned back into bytes; then `values:` applied to all lines."""
    rows = con.execute(f"SELECT line, key FROM lines WHERE problem = {_FIX}").fetchall()
    if rows:
        con.execute(
            "CREATE TEMP TABLE fixraw AS SELECT unnest(?::BIGINT[]) AS line, "
            "unnest(?::VARCHAR[]) AS l",
            [[r[0] for r in rows], [raw.dec(r[1]) for r in rows]],
        )
        _classify(con, "fixraw", entry, index, ncols, delim, formats, table="fixed")
        keys = [
            k
            for (k,) in con.execute(
                "SELECT DISTINCT key FROM fixed WHERE problem IS NULL"
            ).fetchall()
        ]
        con.execute("CREATE TEMP TABLE keyenc (k VARCHAR, b VARCHAR)")
        if keys:
            con.execute(
                "INSERT INTO keyenc SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                [keys, [raw.enc(k) for k in keys]],
            )
        con.execute(
            "UPDATE fixed SET key = keyenc.b FROM keyenc "
            "WHERE fixed.key = keyenc.k AND fixed.problem IS NULL"
        )
        if _has(con, "lines", "views"):  # lines0 numbered by rowid: the rows are updated
            con.execute(f"UPDATE lines0 SET blank = true WHERE problem = {_FIX}")
            con.execute(
                "UPDATE lines0 SET blank = false, key = f.key, ts = f.ts, keep = f.keep, "
                "failed = f.failed, problem = f.problem FROM fixed f "
                "WHERE lines0.rowid = f.line - 1"
            )
        else:
            con.execute(f"DELETE FROM lines WHERE problem = {_FIX}")
            con.execute("INSERT INTO lines SELECT line, key, ts, keep, failed, problem FROM fixed")
        con.execute("DROP TABLE fixed")
        con.execute("DROP TABLE fixraw")
    _map_keys(con, entry, raw.enc)


def _rejections(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    headers: list[str],
    index: dict[str, int],
) -> list[Rejection]:
    key_field = LOG_FIELDS[entry.derive or "access_log"][0]
    out: list[Rejection] = []
    for line, problem, detail in con.execute(
        "SELECT line, problem, key FROM lines WHERE problem IS NOT NULL ORDER BY line"
    ).fetchall():
        if problem == _FIELDS:
            out.append(
                Rejection(entry.path, line, None, f"expected {len(headers)} fields, found {detail}")
            )
        elif problem == _KEY:
            out.append(
                Rejection(entry.path, line, headers[index[key_field] - 1], "missing required field")
            )
        else:
            shown = "blank" if not detail else repr(detail)
            out.append(
                Rejection(
                    entry.path, line, headers[index["time"] - 1], f"not a valid date-time: {shown}"
                )
            )
    return out


def _aggregate(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    sha256: str,
    headers: list[str],
    index: dict[str, int],
    model: type[Fact] | None = None,
    raw: RawText | None = None,
) -> LogResult:
    rows, used, outside = con.execute(
        "SELECT count(*), count(*) FILTER (problem IS NULL AND keep), "
        "count(*) FILTER (problem IS NULL AND NOT keep) FROM lines"
    ).fetchone() or (0, 0, 0)
    rejected = _rejections(con, entry, headers, index)
    good = "SELECT line, key, ts, failed FROM lines WHERE problem IS NULL AND keep"
    if _has(con, "keymap"):  # values: {person_id: ...}
        good = (
            "SELECT g.line, coalesce(m.dst, g.key) AS key, g.ts, g.failed "
            f"FROM ({good}) g LEFT JOIN keymap m ON g.key = m.src"
        )
    daily = con.execute(
        "SELECT key, CAST(ts AS DATE) AS day, strftime(min(ts), '%H:%M:%S'), "
        "strftime(max(ts), '%H:%M:%S'), count(*)::BIGINT, count(*) FILTER (failed)::BIGINT, "
        f"min(line) FROM ({good}) GROUP BY ALL ORDER BY key, day"
    ).fetchall()
    # the lines are done with: their memory is freed before the facts are built
    _drop_lines(con)
    if raw is not None:  # keys as bytes: decoded, then in the text's order
        text_of = {k: raw.dec(k) for k in {row[0] for row in daily}}
        daily = sorted(((text_of[k], *rest) for k, *rest in daily), key=lambda r: (r[0], r[1]))
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


# --- outages: gaps and islands over minute numbers ----------------------------------------


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


def _outages(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    sha256: str,
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
    rejected = _rejections(con, entry, headers, index)
    system, core = _systems(con, entry)
    rows, good = con.execute(
        "SELECT count(*), count(*) FILTER (problem IS NULL) FROM lines"
    ).fetchone() or (0, 0)
    con.execute(_HOURS_SQL)
    con.execute(_MINUTES_SQL)
    con.execute("DROP TABLE lines")
    gaps = "true" if (entry.missing_minutes or "failure") == "failure" else "false"
    runs = con.execute(_RUNS_SQL.replace("$gaps", gaps)).fetchall()
    span = con.execute(
        "SELECT sid, min(first), max(last), sum(probes)::BIGINT, "
        "(SELECT count(*) FROM minutes m WHERE m.sid = h.sid AND m.failed), "
        "sum(bit_count(mask))::BIGINT FROM hours h GROUP BY sid ORDER BY sid"
    ).fetchall()
    used = sum(int(r[3]) for r in span)
    outside = int(good) - used
    model = model or FACT_TYPES["outage"]
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
